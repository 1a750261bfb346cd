"""`netlint check --output-file` (and `netlint rules -o`): the whole report in the file,
written atomically, nothing of it on stdout; refused outputs exit 2 before any work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "examples" / "buggy" / "mnist-convnet.yaml"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    return subprocess.run([sys.executable, "-m", "netlint.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_format_goes_whole_to_the_file(tmp_path, fmt):
    printed = _run("check", str(BUGGY), "-f", fmt)
    report = tmp_path / f"report.{fmt}"
    written = _run("check", str(BUGGY), "-f", fmt, "--output-file", str(report))
    assert (written.returncode, written.stdout) == (printed.returncode, "")
    assert report.read_text(encoding="utf-8") == printed.stdout
    if fmt in ("json", "sarif"):
        json.loads(report.read_text(encoding="utf-8"))


def test_an_existing_report_is_replaced_and_keeps_its_mode(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("old\n" * 10_000)
    report.chmod(0o640)
    _run("check", str(BUGGY), "-o", str(report))
    assert not report.read_text().startswith("old")
    assert report.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]  # no temporary left


def test_a_clean_run_leaves_an_empty_report(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("stale findings\n")
    run = _run("check", str(ROOT / "examples" / "mnist-convnet.yaml"), "-o", str(report))
    assert run.returncode == 0 and report.read_text() == ""


@pytest.mark.parametrize("target, says", [
    (".", "is a folder"),
    ("missing/r.txt", "does not exist"),
    ("model.yaml", "is the model file itself"),
])
def test_refused_outputs_exit_2_and_touch_nothing(tmp_path, target, says):
    model = tmp_path / "model.yaml"
    model.write_bytes(BUGGY.read_bytes())
    run = _run("check", "model.yaml", "-o", target, cwd=tmp_path)
    assert run.returncode == 2 and says in run.stderr and run.stdout == ""
    assert model.read_bytes() == BUGGY.read_bytes()


def test_statistics_of_a_machine_format_still_go_to_stderr(tmp_path):
    report = tmp_path / "r.json"
    run = _run("check", str(BUGGY), "-f", "json", "--statistics", "-o", str(report))
    assert run.stdout == "" and "NL901" in run.stderr
    assert json.loads(report.read_text())["findings"]


def test_no_path_checks_the_current_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "m.yaml").write_bytes(BUGGY.read_bytes())
    here = _run("check", cwd=tmp_path)
    dot = _run("check", ".", cwd=tmp_path)
    assert here.returncode == 1 and (here.stdout, here.stderr) == (dot.stdout, dot.stderr)
    assert here.stdout.startswith("sub/m.yaml:")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rules_output_file(tmp_path, fmt):
    report = tmp_path / "rules.out"
    run = _run("rules", "-f", fmt, "--output-file", str(report))
    assert run.returncode == 0 and run.stdout == ""
    assert report.read_text(encoding="utf-8") == _run("rules", "-f", fmt).stdout
    assert _run("rules", "-o", str(tmp_path)).returncode == 2


def test_summary_and_rules_write_their_output_file_whole(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    model = Path(__file__).resolve().parents[2] / "examples" / "stacked-lstm.yaml"
    for args, name in ((["summary", str(model)], "table.txt"),
                       (["summary", str(model), "-f", "json"], "summary.json"),
                       (["rules", "-f", "json"], "rules.json")):
        out = tmp_path / name
        shown = subprocess.run([sys.executable, "-m", "netlint.cli", *args],
                               capture_output=True, text=True)
        written = subprocess.run([sys.executable, "-m", "netlint.cli", *args, "-o", str(out)],
                                 capture_output=True, text=True)
        assert written.returncode == shown.returncode == 0 and written.stdout == ""
        assert out.read_text() == shown.stdout
    refused = subprocess.run([sys.executable, "-m", "netlint.cli", "summary", str(model),
                              "-o", str(model)], capture_output=True, text=True)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
