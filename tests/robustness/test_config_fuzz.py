"""Fuzzing config files (`.netlint.yaml`, `pyproject.toml` [tool.netlint], `--config`).

A hostile config gives a clear ConfigError naming the file (exit 2), or is passed
over with a one-line note (a pyproject.toml that is not netlint's to read); it never
crashes a check. The cases and the invariant are in config_fuzz_cases.py; a short
seeded run here, 20,000+ with `python bench/config_fuzz.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import config_fuzz_cases
import pytest
from typer.testing import CliRunner

from netlint.cli import app

CASES = 600
runner = CliRunner()


def test_fuzzed_configs_never_crash_a_check(tmp_path):
    failures, kinds = [], set()
    began = time.monotonic()
    for index, case in enumerate(config_fuzz_cases.cases(CASES, seed=2025)):
        kinds.add(case.name.split(":")[1])
        folder = tmp_path / f"case_{index}"
        folder.mkdir()
        failures += [f"{case.name}: {problem}" for problem in
                     config_fuzz_cases.problems(folder, case)]
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:5])
    assert kinds == {"structured", "one-hostile", "shape", "mutated", "stress",
                     "random-bytes"}
    assert time.monotonic() - began < 120  # a generous bound: no case hangs


def test_the_command_exits_0_1_or_2_with_a_message_and_no_traceback(tmp_path):
    for index, case in enumerate(config_fuzz_cases.cases(40, seed=77)):
        folder = tmp_path / f"case_{index}"
        folder.mkdir()
        (folder / case.file).write_bytes(case.data)
        model = folder / "m.yaml"
        model.write_bytes(config_fuzz_cases.MODELS[index % len(config_fuzz_cases.MODELS)])
        for args in (["check", str(model)], ["check", "--config", str(folder / case.file),
                                             str(model)], ["diagram", str(model), "-o", "-"]):
            result = runner.invoke(app, args, env={"GITHUB_ACTIONS": ""})
            assert result.exit_code in (0, 1, 2), (case.name, args, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (case.name, args, result.exception)
            assert "Traceback" not in result.output and "internal error" not in result.output
            if result.exit_code == 2:
                assert f"{case.file}" in result.output, (case.name, args, result.output)


def _write(folder, name, data: bytes):
    (folder / name).write_bytes(data)
    model = folder / "m.yaml"
    model.write_bytes(config_fuzz_cases.MODELS[0])
    return model


@pytest.mark.parametrize("name,data,expected", [
    # tomllib recurses once per level: a RecursionError escaped as an internal error
    ("pyproject.toml", b"[tool.netlint]\nselect = " + b"[" * 5000 + b"]" * 5000 + b"\n",
     "nested too deeply"),
    ("pyproject.toml", b"[tool.netlint]\noptions = " + b"{a = " * 3000 + b"1" + b"}" * 3000,
     "nested too deeply"),
    # an int past the float range passed the checks and crashed NL202/NL501 in float()
    (".netlint.yaml", b"options: {NL501: {max_abs: 1" + b"0" * 400 + b"}}\n",
     "max_abs must be a finite number"),
    ("pyproject.toml", b"[tool.netlint.options.NL202]\nwarn_steps = 1" + b"0" * 400 + b"\n",
     "warn_steps must be a finite number"),
    # tomllib's int() refuses over 4,300 digits with a ValueError: an internal error
    ("pyproject.toml", b"[tool.netlint.options.NL501]\nmax_abs = 1" + b"0" * 5000 + b"\n",
     "cannot read a value"),
    # a 100,000-character selector was quoted whole, and compared letter by letter
    ("pyproject.toml", b'[tool.netlint]\nselect = ["' + b"x" * 100_000 + b'"]\n',
     "(100,002 characters)"),
    (".netlint.yaml", b"select: [NL1]\n\xff\xfe\n", "not UTF-8 text (byte 14)"),
    (".netlint.yaml", b"false\n", "expected a mapping of settings"),
    (".netlint.yaml", b"options: {NL202: {warn_steps: .nan}}\n", "warn_steps must be"),
    (".netlint.yaml", b"fail-on: [error]\n", "fail-on"),
    (".netlint.yaml", b"selct: [NL1]\n", "did you mean 'select'"),
])
def test_a_bad_netlint_config_is_exit_2_naming_the_file(tmp_path, name, data, expected):
    model = _write(tmp_path, name, data)
    began = time.monotonic()
    result = runner.invoke(app, ["check", str(model)], env={"GITHUB_ACTIONS": ""})
    assert time.monotonic() - began < 30
    assert result.exit_code == 2, result.output
    assert expected in result.output and name in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("data,note", [
    (b"[tool.netlint]\nselect = [\"NL1\"]\n\xff\n", "not UTF-8 text (byte 32); its "
                                                    "[tool.netlint] (if any) is ignored"),
    (b'tool = "netlint"\n', None),
    (b"", None),
])
def test_a_pyproject_that_is_not_netlints_to_read_is_passed_over(tmp_path, data, note):
    model = _write(tmp_path, "pyproject.toml", data)
    result = runner.invoke(app, ["check", str(model)], env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 1, result.output  # the model's own findings, default rules
    assert "NL202" in result.output
    if note:
        assert note in result.output, result.output


def test_empty_netlint_yaml_is_no_settings(tmp_path):
    model = _write(tmp_path, ".netlint.yaml", b"")
    result = runner.invoke(app, ["check", str(model)], env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 1 and "NL202" in result.output, result.output


def test_in_a_real_process_too(tmp_path):
    model = _write(tmp_path, "pyproject.toml", b"[tool.netlint]\nignore = " + b"[" * 3000)
    run = subprocess.run([sys.executable, "-m", "netlint.cli", "check", str(model)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "GITHUB_ACTIONS": ""})
    assert run.returncode == 2, run.stderr
    assert "pyproject.toml" in run.stderr and "Traceback" not in run.stderr
