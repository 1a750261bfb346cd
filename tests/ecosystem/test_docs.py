"""The documentation: generated pages fresh, examples load, documented commands run, links hold."""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from netlint.api import check
from netlint.docs import generate, main
from netlint.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
YAML_BLOCK = re.compile(r"(<!-- fragment -->\n)?```yaml\n(.*?)```", re.S)


@pytest.fixture(scope="module")
def pages():
    return generate()


def test_generated_pages_are_fresh(pages):
    for path, text in pages.items():
        committed = ROOT / path
        assert committed.exists() and committed.read_text(encoding="utf-8") == text, \
            f"{path} is stale: run `python -m netlint.docs` and commit the result"


def test_generation_is_deterministic(pages):
    assert generate() == pages


def test_check_mode_reports_stale_pages(tmp_path, pages, capsys, monkeypatch):
    import netlint.docs

    monkeypatch.setattr(netlint.docs, "generate", lambda: pages)  # no need to rebuild them
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert "stale: docs/rules.md" in capsys.readouterr().out
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "docs" / "cli.md").read_text() == pages["docs/cli.md"]


def test_rule_reference_covers_every_rule(pages):
    from netlint.rules.engine import registry

    text = pages["docs/rules.md"]
    for code, rule in registry().items():
        assert f"### {code} {rule.name}" in text
    # the bad model of a card, and what netlint really prints for it
    assert "model.yaml:4:5: NL104 [error] LSTM 'lstm_1' needs a sequence" in text


def test_cli_reference_covers_every_command_and_completion(pages):
    from netlint.docs.cli_page import command_names

    text = pages["docs/cli.md"]
    assert {"check", "import", "schema", "update-diagrams"} <= set(command_names())
    for name in command_names():
        assert f"## netlint {name}\n" in text and f"Usage: netlint {name}" in text
    assert "--install-completion" in text


def test_guide_walks_from_an_error_to_a_clean_check(pages):
    text = pages["docs/first-model.md"]
    codes = re.findall(r"\(exit code (\d)\)", text)
    assert codes[1] == "1" and codes[-1] == "0"
    assert "NL104" in text and "NL302" in text


def _whole_file_blocks(path: Path) -> list[str]:
    return [block for fragment, block in YAML_BLOCK.findall(path.read_text()) if not fragment]


def test_model_examples_in_the_format_page_load():
    blocks = _whole_file_blocks(DOCS / "format.md")
    assert len(blocks) >= 5
    for block in blocks:
        loaded = load_text(block, "format.md")
        assert loaded.ok, [f.text() for f in loaded.findings]


def test_format_suppression_example_names_the_rule_it_silences():
    text = (DOCS / "format.md").read_text()
    assert "disable=NL203" not in text  # the design draft's slip: NL203 is stateful-batch
    block = next(b for b in _whole_file_blocks(DOCS / "format.md") if "disable=" in b)
    assert not check(load_text(block))  # suppressed, and the suppression is used (no NL010)
    bare = re.sub(r"#\s*netlint: disable=\S+.*", "", block)
    assert "NL201" in [f.code for f in check(load_text(bare))]


def test_ci_workflow_is_valid_and_uploads_sarif():
    blocks = re.findall(r"```yaml\n(.*?)```", (DOCS / "ci.md").read_text(), re.S)
    workflow = next(yaml.safe_load(b) for b in blocks if "upload-sarif" in b)
    job = workflow["jobs"]["netlint"]
    assert job["permissions"]["security-events"] == "write"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert any("--format github" in r for r in runs) and any("--format sarif" in r for r in runs)
    for block in blocks:
        yaml.safe_load(block)  # every YAML on the page parses


def _documented_commands() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", (DOCS / "ci.md").read_text(), re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = re.sub(r"^\s*(- )?(run: )?", "", line).split(" > ")[0].strip()
            if line.startswith("netlint "):
                commands.append(line)
    return commands


@pytest.mark.parametrize("command", _documented_commands())
def test_documented_ci_commands_run(command, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(ROOT / "examples" / "lstm-units.yaml", models / "lstm.yaml")
    args = []
    for word in shlex.split(command)[1:]:
        args += sorted(os.path.relpath(p, tmp_path) for p in glob.glob(str(tmp_path / word))) \
            if "*" in word else [word]
    result = subprocess.run([sys.executable, "-c", "from netlint.cli import main; main()",
                             *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "GITHUB_ACTIONS": ""})
    assert result.returncode in (0, 1), result.stderr  # never a usage error
    if "sarif" in command:
        assert json.loads(result.stdout)["version"] == "2.1.0"


def test_relative_links_point_at_files():
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
