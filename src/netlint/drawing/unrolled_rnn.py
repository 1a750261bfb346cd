"""Recurrent rows of the unrolled view: cells joined by their state, h_{t-1} -> h_t.

One cell per timestep; the state arrows run between neighbouring cells (h,
and c for LSTMs, dashed), starting from h_0. A backward direction is drawn
with its arrows reversed (`dir=back`) but its edges still declared left to
right: dot keeps flat edges left to right, so the columns keep their time order.
"""

from __future__ import annotations

import graphviz

from netlint.drawing import labels
from netlint.drawing.sequences import Row
from netlint.drawing.timeline import Column, after, before
from netlint.drawing.unrolled_grid import INVISIBLE, TIGHT, Output, UnrolledGrid


def _notes(kwargs: dict, last_only: bool, states: tuple) -> list[str]:
    notes = ["only the last step goes on" if last_only else "every step's output goes up"]
    if kwargs.get("stateful"):
        notes.append("stateful: state kept between batches")
    if kwargs.get("go_backwards"):
        notes.append("go_backwards: reads the last step first")
    if kwargs.get("return_state"):
        notes.append("also returns its final " + " and ".join(states))
    return notes


def _initial_state(u: UnrolledGrid, graph: graphviz.Digraph, node_id: str, states: tuple,
                   stateful: bool, prime: str = "") -> None:
    style = u.style
    names = [style.sub(s + prime, "0") for s in states]
    # short lines: the box sits in the row, beside the cells, and stays narrow
    if stateful:
        text = ", ".join(names) + "<BR/>" + style.small("carried in from<BR/>the previous batch")
        graph.node(node_id, label=style.label(text), shape="box", style="dashed,rounded",
                   color=style.theme.ink)
    else:
        graph.node(node_id, label=style.label("<BR/>".join(n + " = 0" for n in names)),
                   shape="plaintext", fontsize=str(style.small_size), margin=TIGHT)


def _cells(u: UnrolledGrid, graph: graphviz.Digraph, row: Row, markup: str) -> dict:
    """One cell per column (an ellipsis where steps are elided); `markup` is escaped."""
    def cell(line: graphviz.Digraph, node_id: str, _column: Column, place: dict) -> None:
        line.node(node_id, label=u.style.label(markup), shape="box", style="rounded,filled",
                  fillcolor=u.style.theme.cell_fill, **place)

    return u.cells(graph, row, cell)


def _produced(left: Column | None, right: Column | None, backward: bool) -> str | None:
    """The step whose state runs along the edge between two neighbours (None from h_0).

    Forwards the left step made it (the step before T when the left is the ellipsis);
    backwards the right step made it (the step after the left one past the ellipsis).
    """
    if backward:
        return None if right is None else (after(left) if right.ellipsis else right.symbol)
    return None if left is None else (before(right) if left.ellipsis else left.symbol)


def _link_states(u: UnrolledGrid, graph: graphviz.Digraph, chain: list, states: tuple,
                 backward: bool) -> None:
    """State edges between neighbours in `chain`: (Column, or None for h_0, node id) pairs.

    One edge per state (h solid, c dashed), labelled with the step that produced it.
    Declared left to right; `dir=back` turns the arrows of a layer that reads backwards.
    """
    style = u.style
    for (left_col, left), (right_col, right) in zip(chain, chain[1:]):
        produced = _produced(left_col, right_col, backward)
        edges = []
        # from h_0 one arrow: its box names every initial state, and two unlabelled
        # parallel edges would be drawn on top of each other
        for index, state in enumerate(states if produced else states[:1]):
            attrs = {"dir": "back"} if backward else {}
            if index:
                attrs["style"] = "dashed"
            if produced:
                attrs["label"] = style.label(style.sub(state, produced))
            edges.append(attrs)
        u.flat_edges(graph, left, right, edges)


def draw_recurrent(u: UnrolledGrid, row: Row) -> None:
    """A framed row: label, h_0 (on the right when it reads backwards), one cell per step."""
    node = u.inferred[row.name]
    kwargs = node.kwargs
    states = labels.state_names(labels.recurrent_class(node.spec))
    backward = bool(kwargs.get("go_backwards"))
    notes = [u.style.text(n) for n in _notes(kwargs, row.last_only, states)]
    header = u.layer_lines(row.name, "weights shared across t", *notes)
    columns = u.columns[row.group]
    with u.graph.subgraph(name=u.frame(row.name)) as frame:
        frame.attr(**u.frame_attrs(row.name))
        with frame.subgraph() as line:
            line.attr(rank="same")
            label = u.row_header(line, row.name, header)
            cells = _cells(u, line, row, u.style.text(labels.cell_name(
                labels.recurrent_class(node.spec))))
            init = f"{u.ids[row.name]}_h0"
            _initial_state(u, line, init, states, bool(kwargs.get("stateful")))
            chain = [(c, cells[c.key]) for c in columns]
            chain = chain + [(None, init)] if backward else [(None, init)] + chain
            u.order(line, label, [chain[0][1]])
            _link_states(u, line, chain, states, backward)
    u.feed_steps(row.name, row.group, {k: (v,) for k, v in cells.items()})
    u.stack(row.group, cells)
    last = columns[0] if backward else columns[-1]
    u.outputs[row.name] = _output(u, row, {k: (v,) for k, v in cells.items()},
                                  (cells[last.key],), last)


def _output(u: UnrolledGrid, row: Row, cells: dict, last: tuple, last_column: Column,
            lane: str = "") -> Output:
    if row.last_only:
        return Output(single=last, column_group=u.column_group(row.group, last_column))
    return u.sequence_output(row, cells, lane)


def draw_bidirectional(u: UnrolledGrid, row: Row) -> None:
    """Both directions in one cell per step: forward state above (→), backward below (←).

    Two node rows would make the input of the backward row cross the forward row,
    which dot can only route around the frame; one cell per step keeps every edge
    short, with the two state lanes between neighbouring cells.
    """
    node = u.inferred[row.name]
    inner = node.spec.wrapped
    # the backward direction is the written `backward_layer:` (a GRU beside an LSTM, say,
    # with its own states), else Keras's copy of the forward layer
    back = node.spec.backward or inner
    inner_kwargs = labels.merged_kwargs(inner)
    states = labels.state_names(labels.recurrent_class(inner))
    back_states = labels.state_names(labels.recurrent_class(back))
    style = u.style
    notes = [style.text(n) for n in _notes(inner_kwargs, row.last_only, states)]
    notes[:0] = ["→ forward state (solid)", "← backward state (dashed)"]
    if node.spec.backward is not None:
        notes.insert(1, style.text("backward_layer: " + labels.call_text(
            back.class_name, labels.merged_kwargs(back), back.wrapped)))
    header = u.layer_lines(row.name, "weights shared across t", *notes)
    text = f"{style.text(labels.cell_name(labels.recurrent_class(inner)))} →<BR/>← " \
           f"{style.text(labels.cell_name(labels.recurrent_class(back)))}"
    stateful = bool(inner_kwargs.get("stateful"))
    columns = u.columns[row.group]
    with u.graph.subgraph(name=u.frame(row.name)) as frame:
        frame.attr(**u.frame_attrs(row.name))
        with frame.subgraph() as line:
            line.attr(rank="same")
            label = u.row_header(line, row.name, header)
            cells = _cells(u, line, row, text)
            first, last = f"{u.ids[row.name]}_fh0", f"{u.ids[row.name]}_bh0"
            _initial_state(u, line, first, states, stateful)
            _initial_state(u, line, last, back_states,
                           bool(labels.merged_kwargs(back).get("stateful")), "′")
            chain = [(None, first)] + [(c, cells[c.key]) for c in columns] + [(None, last)]
            u.order(line, label, [first])
            _link_lanes(u, line, chain, states, back_states)
        merge = _merge_cells(u, frame, row, node.kwargs.get("merge_mode", "concat"))
    u.feed_steps(row.name, row.group, {k: (v,) for k, v in cells.items()})
    u.stack(row.group, cells)
    ends = (cells[columns[-1].key], cells[columns[0].key])
    if merge is None:
        u.outputs[row.name] = _output(u, row, {k: (v,) for k, v in cells.items()},
                                      ends[:1] if ends[0] == ends[1] else ends, columns[-1])
        return
    for key, head in merge.items():
        tails = ends if row.last_only else (cells[key],)
        for tail in dict.fromkeys(tails):
            attrs = INVISIBLE if key == "e" else {}
            if tail != cells[key]:
                # the backward state's last step (t = 1) to the merge at T: leaving the
                # cell's far side it clears the state labels beside the cell
                attrs = {"tailport": u.far_side}
            u.edge(tail, head, **attrs)
    u.stack(row.group, merge)
    u.outputs[row.name] = _output(u, row, {k: (v,) for k, v in merge.items()},
                                  (merge[columns[-1].key],), columns[-1], "m")


def _link_lanes(u: UnrolledGrid, graph: graphviz.Digraph, chain: list, states: tuple,
                back_states: tuple) -> None:
    """Between neighbours: the forward state (solid) and the backward state (dashed).

    `chain` starts with the forward h_0 and ends with the backward one, so the first
    pair has no backward edge and the last no forward edge.
    """
    for (left_col, left), (right_col, right) in zip(chain, chain[1:]):
        edges = []
        if right_col is not None:
            edges.append(_lane_attrs(u, states, "", _produced(left_col, right_col, False), {}))
        if left_col is not None:
            edges.append(_lane_attrs(u, back_states, "′", _produced(left_col, right_col, True),
                                     {"dir": "back", "style": "dashed"}))
        u.flat_edges(graph, left, right, edges)


def _lane_attrs(u: UnrolledGrid, states: tuple, prime: str, produced: str | None,
                attrs: dict) -> dict:
    if produced:
        names = ", ".join(u.style.sub(s + prime, produced) for s in states)
        attrs = {**attrs, "label": u.style.label(names)}
    return attrs


def _merge_cells(u: UnrolledGrid, frame: graphviz.Digraph, row: Row, mode: object) -> dict | None:
    """One merge per step, or one merge of the two final states when only the last goes on."""
    if mode is None:
        return None
    columns = u.columns[row.group]
    style = u.style
    with frame.subgraph() as line:
        line.attr(rank="same")
        label = u.row_header(line, row.name, [style.small("merge: " + style.text(mode))], "m")

        def cell(graph: graphviz.Digraph, node_id: str, _column: Column, place: dict) -> None:
            graph.node(node_id, label=style.label(style.text(str(mode))), shape="box",
                       style="filled", fillcolor=style.theme.copy_fill, **place)

        cells = u.cells(line, row, cell, [columns[-1]] if row.last_only else columns, "m")
        u.order(line, label, list(cells.values()))
    return cells
