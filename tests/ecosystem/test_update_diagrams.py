"""`netlint update-diagrams`: the command behind the netlint-diagram pre-commit hook."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netlint.cli import app
from netlint.cli.update_diagrams import STAMP, dot_digest
from netlint.drawing import DiagramOptions, diagram

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "examples" / "lstm-units.yaml"
BROKEN = ROOT / "examples" / "buggy" / "lstm-300-forecast.yaml"  # NL001/NL003: cannot draw
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")
runner = CliRunner()


def update(*args: str):
    return runner.invoke(app, ["update-diagrams", *map(str, args)])


@pytest.fixture
def model(tmp_path) -> Path:
    path = tmp_path / "models" / "lstm.yaml"
    path.parent.mkdir()
    shutil.copy(CLEAN, path)
    return path


@needs_dot
def test_writes_then_leaves_a_current_diagram_alone(model):
    svg = model.with_suffix(".svg")
    first = update(model)
    assert first.exit_code == 1 and f"updated: {svg}" in first.stdout
    data = svg.read_bytes()
    assert data.startswith(b"<?xml") and b"<svg" in data
    assert STAMP.search(data).group(1).decode() == dot_digest(diagram(model))
    second = update(model)
    assert second.exit_code == 0 and second.stdout == ""
    assert svg.read_bytes() == data


@needs_dot
def test_a_current_hash_is_enough_whatever_graphviz_drew(model):
    svg = model.with_suffix(".svg")
    update(model)
    # another Graphviz version draws other coordinates; the DOT (and its hash) is the same
    svg.write_bytes(svg.read_bytes().replace(b"<svg width=", b"<svg data-other='1' width="))
    edited = svg.read_bytes()
    assert update(model).exit_code == 0
    assert svg.read_bytes() == edited


@needs_dot
def test_a_changed_model_makes_the_diagram_stale(model):
    svg = model.with_suffix(".svg")
    update(model)
    before = svg.read_bytes()
    model.write_text(model.read_text().replace("units: 32", "units: 16"))
    checked = update("--check", model)
    assert checked.exit_code == 1 and f"stale: {svg}" in checked.stdout
    assert svg.read_bytes() == before  # --check writes nothing
    assert update(model).exit_code == 1 and svg.read_bytes() != before
    assert update("--check", model).exit_code == 0


def test_dot_format_needs_no_graphviz(model, monkeypatch):
    render = importlib.import_module("netlint.drawing.render")  # not the render() function

    monkeypatch.setattr(render, "render_bytes", lambda *a: pytest.fail("rendered"))
    result = update("--format", "dot", "--view", "unrolled", model)
    assert result.exit_code == 1
    dot_file = model.with_suffix(".dot")
    assert dot_file.read_text() == diagram(model, DiagramOptions(view="unrolled"))
    assert update("--format", "dot", "--view", "unrolled", model).exit_code == 0


def test_without_dot_the_message_says_what_to_do(model, monkeypatch):
    render = importlib.import_module("netlint.drawing.render")  # not the render() function

    def missing(*args):
        raise render.RenderError("Graphviz's `dot` program was not found")

    monkeypatch.setattr(render, "render_bytes", missing)
    result = update(model)
    assert result.exit_code == 1
    assert "was not found" in result.stderr and "--format dot" in result.stderr
    assert not model.with_suffix(".svg").exists()


def test_a_model_that_cannot_be_drawn_fails_with_its_errors(tmp_path):
    broken = tmp_path / "broken.yaml"
    shutil.copy(BROKEN, broken)
    result = update(broken)
    assert result.exit_code == 1
    assert "NL003" in result.stderr and "cannot draw" in result.stderr
    assert not broken.with_suffix(".svg").exists()


def test_usage_errors(model, tmp_path):
    twin = model.with_suffix(".yml")
    shutil.copy(model, twin)
    clash = update("--format", "dot", model, twin)
    assert clash.exit_code == 2 and "would both be drawn" in clash.stderr
    assert not model.with_suffix(".dot").exists()
    assert update(tmp_path / "missing.yaml").exit_code == 2


def test_the_stamp_is_the_same_under_any_hash_seed(model):
    code = ("import sys; from netlint.drawing import diagram; "
            "from netlint.cli.update_diagrams import dot_digest; "
            "print(dot_digest(diagram(sys.argv[1])))")
    digests = {subprocess.run([sys.executable, "-c", code, str(model)], text=True, check=True,
                              capture_output=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("0", "1", "12345")}
    assert len(digests) == 1
