"""`netlint diagram` as a user runs it: outputs, exit codes, and files never half-written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diagram_helpers import MODELS, dot_for, needs_dot

BROKEN = "layers:\n  - LTSM: {units: 4}\n"  # NL002: the loader stops, nothing to draw


def netlint(*args: str, env: dict | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "netlint.cli", "diagram", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd)


def test_dash_writes_the_dot_to_stdout():
    model = MODELS / "timedistributed.yaml"
    done = netlint(model, "-o", "-", "--view", "unrolled")
    assert done.returncode == 0, done.stderr
    assert done.stdout == dot_for(model, view="unrolled")


def test_options_reach_the_dot():
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", "-", "--view", "unrolled",
                   "--rankdir", "LR", "--theme", "color", "--font", "Times",
                   "--plain-labels", "--max-steps", "3")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "rankdir=LR" in out and "fontname=Times" in out and "lightblue" in out
    assert "<SUB>" not in out and "h_{T-1}" in out and "x_2" in out and "x_3" not in out


@needs_dot
@pytest.mark.parametrize("suffix,magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                          (".pdf", b"%PDF"), (".dot", b"digraph")])
def test_format_comes_from_the_extension(tmp_path, suffix, magic):
    out = tmp_path / f"model{suffix}"
    done = netlint(MODELS / "bidirectional.yaml", "-o", out, "--view", "unrolled")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary left behind


def test_unknown_extension_is_a_usage_error(tmp_path):
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", tmp_path / "model.docx")
    assert done.returncode == 2
    assert "extension" in done.stderr and not list(tmp_path.iterdir())


def test_loader_errors_stop_drawing_and_keep_the_old_output(tmp_path):
    model = tmp_path / "broken.yaml"
    model.write_text(BROKEN)
    out = tmp_path / "model.svg"
    out.write_text("old drawing")
    done = netlint(model, "-o", out)
    assert done.returncode == 1
    assert "NL002" in done.stderr and "broken.yaml:2:5" in done.stderr
    assert out.read_text() == "old drawing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "model.svg"]


def test_refuses_to_overwrite_the_model_file(tmp_path):
    model = tmp_path / "model.dot"  # a model file with an extension we also write
    shutil.copy(MODELS / "stacked_lstm.yaml", model)
    before = model.read_bytes()
    done = netlint(model, "-o", model)
    assert done.returncode == 2 and "model file itself" in done.stderr
    assert model.read_bytes() == before


def test_missing_output_folder_is_a_usage_error(tmp_path):
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", tmp_path / "no" / "such" / "x.svg")
    assert done.returncode == 2 and "does not exist" in done.stderr


@needs_dot
def test_shape_errors_still_draw_with_the_layer_marked(tmp_path):
    out = tmp_path / "marked.svg"
    done = netlint(MODELS / "shape_error.yaml", "-o", out, "--view", "unrolled")
    assert done.returncode == 0  # drawn: the errors are marked and listed, not fatal
    assert "lstm_1" in done.stderr and "marked" in done.stderr
    svg = out.read_text()
    assert "lstm_1" in svg and ("NL104" in svg or "NL105" in svg)


def test_without_dot_the_dot_source_is_written_with_install_advice(tmp_path):
    bin_dir = tmp_path / "bin"  # a PATH with python's folder but no Graphviz
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir)}
    out = tmp_path / "model.svg"
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", out, env=env)
    assert done.returncode == 1
    assert "apt-get install graphviz" in done.stderr and "brew install graphviz" in done.stderr
    assert not out.exists()
    assert (tmp_path / "model.dot").read_text() == dot_for(MODELS / "stacked_lstm.yaml")


def test_a_broken_lint_config_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.netlint]\nfail-on = "bogus"\n')
    shutil.copy(MODELS / "stacked_lstm.yaml", tmp_path / "model.yaml")
    done = netlint("model.yaml", "-o", "-", cwd=tmp_path)
    assert done.returncode == 2 and "pyproject.toml" in done.stderr and not done.stdout


def test_max_steps_is_capped_with_a_usage_error(tmp_path):
    """--max-steps 1000000 wrote a 592 MB DOT file; past 100 columns it is refused."""
    out = tmp_path / "m.dot"
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", out, "--view", "unrolled",
                   "--max-steps", "1000000")
    assert done.returncode == 2 and "--max-steps" in done.stderr and not out.exists()
    assert netlint(MODELS / "stacked_lstm.yaml", "-o", out, "--view", "unrolled",
                   "--max-steps", "100").returncode in (0, 1)


@needs_dot
def test_dot_gets_a_time_budget_and_says_when_it_ran_out(tmp_path):
    out = tmp_path / "m.svg"
    done = netlint(MODELS / "stacked_lstm.yaml", "-o", out,
                   env={**os.environ, "NETLINT_DOT_SECONDS": "0.001"})
    assert done.returncode == 1 and "did not finish the layout within" in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".netlint-*"))
