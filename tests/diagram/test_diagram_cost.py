"""`--show cost`: a line per layer with netlint.cost's figures (MACs, activations, weights)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from diagram_helpers import MODELS, dot_for, inferred
from netlint.cost import model_cost
from netlint.drawing.labels import cost_text
from netlint.drawing.regenerate import EXAMPLES
from netlint.plumbing.counts import count_text

MNIST = EXAMPLES / "mnist-convnet.yaml"
IMDB = EXAMPLES / "imdb-bidirectional-lstm.yaml"


def _costs(path) -> dict:
    return {cost.name: cost for cost in model_cost(inferred(path).model).layers}


def test_graph_view_gives_every_layer_a_cost_row():
    source = dot_for(MNIST, show_cost=True)
    costs = _costs(MNIST)
    assert costs and source.count('COLOR="gray30">cost</FONT>') == len(costs)
    for cost in costs.values():
        assert cost_text(cost) in source
    assert f"{count_text(costs['conv2d_1'].macs)} MACs" in source  # 5,308,416 MACs


@pytest.mark.parametrize("path", [IMDB, MODELS / "stacked_lstm.yaml"])
def test_unrolled_view_gives_every_row_and_box_a_cost_line(path):
    source = dot_for(path, view="unrolled", show_cost=True)
    for cost in _costs(path).values():
        assert cost_text(cost) in source
    assert "cost: " in source  # a row's label line (the boxes have a `cost` row)


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_no_cost_unless_asked(view):
    assert "MACs" not in dot_for(IMDB, view=view)


def test_unknown_figures_read_as_a_question_mark():
    class Unknown:
        macs = activation_bytes = weight_bytes = None

    assert cost_text(Unknown()) == "? MACs · ? act. · ? weights"


def test_the_command_takes_show_cost():
    done = subprocess.run([sys.executable, "-m", "netlint.cli", "diagram", str(MNIST), "-o",
                           "-", "--show", "cost"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "5,308,416 MACs" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "netlint.cli", "diagram", str(MNIST), "-o",
                          "-", "--show", "price"], capture_output=True, text=True)
    assert bad.returncode == 2
