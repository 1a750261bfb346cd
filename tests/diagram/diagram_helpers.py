"""Shared by the diagram tests: the test models, DOT for them, and dot's -Tplain positions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netlint import api
from netlint.drawing import DiagramOptions, build
from netlint.drawing.marks import layer_marks
from netlint.drawing.unrolled_view import Unroller

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
GOLDEN = HERE / "golden"
# Set to rewrite the golden files on purpose: NETLINT_UPDATE_GOLDEN=1 pytest tests/diagram
UPDATE_GOLDEN = os.environ.get("NETLINT_UPDATE_GOLDEN") == "1"

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz's dot program is not installed "
                                                   "(apt-get install graphviz)")

_NODE_STATEMENT = re.compile(r"^\t+(\w+) \[", re.MULTILINE)


def inferred(path: Path):
    result = api.infer(path)
    assert result.model is not None, [f.text() for f in result.findings]
    return result


def dot_for(path: Path, **choices: object) -> str:
    """DOT with the core's shape findings as marks (not the rule engine's: its messages
    belong to another module and would churn these goldens)."""
    result = inferred(path)
    return build(result.model, DiagramOptions(**choices), layer_marks(result.findings)).source


def unroller(path: Path, **choices: object) -> Unroller:
    """A built Unroller, to ask it which node ids are which cells."""
    result = inferred(path)
    builder = Unroller(result.model, DiagramOptions(view="unrolled", **choices),
                       layer_marks(result.findings))
    builder.build()
    return builder


def node_names(dot_source: str) -> list[str]:
    """Node statements in the DOT source (edges and attributes are not matched)."""
    return [n for n in _NODE_STATEMENT.findall(dot_source) if n not in ("graph", "node", "edge")]


def plain_positions(dot_source: str) -> dict[str, tuple]:
    """node id -> (x, y) in inches, from `dot -Tplain` (y grows upwards)."""
    out = subprocess.run([DOT, "-Tplain"], input=dot_source.encode(), capture_output=True,
                         check=True).stdout.decode()
    positions = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            positions[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    return positions


def render_svg(dot_source: str) -> bytes:
    done = subprocess.run([DOT, "-Tsvg"], input=dot_source.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def lstm_model_text(steps: int | None) -> str:
    """Two stacked LSTMs over `steps` timesteps (None: any length)."""
    shape = "null" if steps is None else str(steps)
    return (f"name: scaling\ninput: {{shape: [{shape}, 1]}}\nlayers:\n"
            f"  - LSTM: {{units: 8, return_sequences: true}}\n"
            f"  - LSTM: {{units: 4}}\n  - Dense: {{units: 1}}\n")
