"""Long sequences are elided: the diagram's size does not depend on T."""

from __future__ import annotations

import pytest

from diagram_helpers import DOT, lstm_model_text, needs_dot, node_names, plain_positions
from netlint.api import infer, load_text
from netlint.drawing import DiagramOptions, build, timeline


def _unrolled(steps: int | None, max_steps: int = 4) -> str:
    result = infer(load_text(lstm_model_text(steps), "scaling.yaml"))
    return build(result.model, DiagramOptions(view="unrolled", max_steps=max_steps)).source


def test_node_count_does_not_grow_with_t():
    counts = {steps: len(node_names(_unrolled(steps))) for steps in (10, 1_000, 100_000)}
    assert len(set(counts.values())) == 1, counts
    # 3 rows x (3 steps + ellipsis + last) + 2 h_0 + 3 row labels + the Dense box
    assert counts[10] == 3 * 5 + 2 + 3 + 1


def test_max_steps_sets_the_columns():
    assert len(node_names(_unrolled(1_000, max_steps=6))) == 3 * 7 + 2 + 3 + 1
    # a sequence no longer than max_steps is drawn whole, without an ellipsis
    short = _unrolled(6, max_steps=6)
    assert "…" not in short and "<SUB>6</SUB>" in short


def test_real_t_is_written_and_cells_are_symbolic():
    source = _unrolled(7000)
    assert "T = 7000 timesteps" in source
    assert "x<SUB>T</SUB>" in source and "h<SUB>T-1</SUB>" in source
    assert "x<SUB>7000</SUB>" not in source


def test_open_time_axis_draws_a_symbolic_t():
    source = _unrolled(None)
    assert "T timesteps (any length)" in source
    assert "x<SUB>T</SUB>" in source


@pytest.mark.parametrize("steps,keys", [
    (1, ["1"]), (3, ["1", "2", "3"]), (4, ["1", "2", "3", "4"]),
    (5, ["1", "2", "3", "e", "T"]), (None, ["1", "2", "3", "e", "T"]), (0, ["e"]),
])
def test_columns(steps, keys):
    assert [c.key for c in timeline.columns(steps, 4)] == keys


def test_max_steps_below_two_is_refused():
    with pytest.raises(ValueError):
        timeline.columns(10, 1)
    with pytest.raises(ValueError):
        DiagramOptions(view="unrolled", max_steps=1)


@needs_dot
def test_dot_lays_out_the_same_number_of_nodes_for_any_t():
    assert DOT
    counts = {steps: len(plain_positions(_unrolled(steps))) for steps in (10, 100_000)}
    assert counts[10] == counts[100_000]
