"""Layout invariants, read from `dot -Tplain`: what a reader needs, not pixels.

Timestep columns run in time order, layer rows are stacked in layer order
(inputs at the bottom by default), and the cells of one timestep sit on one
line across the rows. Checked for every test model and every rankdir.
"""

from __future__ import annotations

import pytest

from diagram_helpers import (
    MODELS, dot_for, inferred, needs_dot, plain_positions, unroller,
)
from netlint.drawing.sequences import BIDIRECTIONAL

pytestmark = needs_dot

UNROLLED = [p for p in sorted(MODELS.glob("*.yaml")) if p.stem != "conv_net"]
# (axis along time, +1/-1 for its direction, axis across rows, +1/-1 for row order)
DIRECTIONS = {"BT": (0, 1, 1, 1), "TB": (0, 1, 1, -1), "LR": (1, -1, 0, 1), "RL": (1, -1, 0, -1)}
TOLERANCE = 0.01  # inches


def _rows(builder) -> list:
    """Per group: the rows bottom to top, each a list of cell ids in column order."""
    groups = []
    for group in builder.plan.groups:
        columns = builder.columns[group.index]
        rows = []
        for row in group.rows:
            rows.append([builder.cell_id(row.name, c) for c in columns])
            if row.kind == BIDIRECTIONAL and not row.last_only:
                merge = builder.inferred[row.name].kwargs.get("merge_mode", "concat")
                if merge is not None:
                    rows.append([builder.cell_id(row.name, c, "m") for c in columns])
        groups.append(rows)
    return groups


def _check_grid(builder, rankdir: str) -> None:
    along, sign, across, order = DIRECTIONS[rankdir]
    positions = plain_positions(builder.graph.source)
    for rows in _rows(builder):
        for cells in rows:
            times = [sign * positions[c][along] for c in cells]
            assert times == sorted(times) and len(set(times)) == len(times), \
                f"{rankdir}: timesteps out of order in {cells}"
        for column in zip(*rows):
            line = [positions[c][along] for c in column]
            assert max(line) - min(line) < TOLERANCE, f"{rankdir}: column {column} not aligned"
        levels = [order * positions[cells[0]][across] for cells in rows]
        assert levels == sorted(levels) and len(set(levels)) == len(levels), \
            f"{rankdir}: rows out of layer order"


@pytest.mark.parametrize("path", UNROLLED, ids=[p.stem for p in UNROLLED])
def test_unrolled_grid_bottom_to_top(path):
    _check_grid(unroller(path), "BT")


@pytest.mark.parametrize("rankdir", ["TB", "LR", "RL"])
@pytest.mark.parametrize("name", ["bidirectional", "encoder_decoder", "stateful_open_length"])
def test_unrolled_grid_other_directions(name, rankdir):
    _check_grid(unroller(MODELS / f"{name}.yaml", rankdir=rankdir), rankdir)


def test_chain_after_last_step_sits_above_its_column():
    """return_sequences false: only the last step goes on, straight up from column T."""
    builder = unroller(MODELS / "stacked_lstm.yaml")
    positions = plain_positions(builder.graph.source)
    last = builder.cell_id("lstm_1", builder.columns[0][-1])
    dense = builder.ids["dense"]
    assert abs(positions[dense][0] - positions[last][0]) < TOLERANCE
    assert positions[dense][1] > positions[last][1]


@pytest.mark.parametrize("name", ["functional_two_inputs", "conv_net", "bidirectional"])
def test_graph_view_flows_top_to_bottom(name):
    path = MODELS / f"{name}.yaml"
    positions = plain_positions(dot_for(path, view="graph"))
    result = inferred(path)
    ids = {n: f"n{i}_{n}" for i, n in enumerate(result.model.nodes)}
    for node in result.model.layers:
        for source in node.inbound:
            assert positions[ids[source]][1] > positions[ids[node.name]][1], \
                f"{source} -> {node.name} does not point down"
