"""The unrolled view: columns are timesteps, rows are layers, inputs at the bottom.

`sequences.plan_rows` decides what is a row; this module lays the rows out as
a grid. Each row sits in a frame labelled once (class, units, parameters) and
its cells share one rank (`rank=same`), joined left to right by flat edges, so
dot keeps time reading left to right; every cell of a column carries the same
`group`, so dot keeps a column straight. Rows of one group are stacked by
per-step edges (invisible ones where a layer skips a row), bottom to top.
Recurrent rows are drawn in `unrolled_rnn`, and the grid both draw on (cells, frames,
edges) is `unrolled_grid`'s.
"""

from __future__ import annotations

import graphviz

from netlint.drawing import labels, timeline, unrolled_rnn
from netlint.drawing.options import DiagramOptions
from netlint.drawing.sequences import BIDIRECTIONAL, RECURRENT, SOURCE, Row
from netlint.drawing.tables import layer_table
from netlint.drawing.unrolled_grid import Output, UnrolledGrid
from netlint.layers.inference import InferredModel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


class Unroller(UnrolledGrid):
    """Builds the unrolled digraph; one instance per diagram."""

    # -- the whole drawing ------------------------------------------------------------

    def build(self) -> graphviz.Digraph:
        for name in self.plan.order:
            row = self.plan.row(name)
            if row is None:
                self.draw_chain(name)
            elif row.kind == SOURCE:
                self.draw_source(row)
            elif row.kind == RECURRENT:
                unrolled_rnn.draw_recurrent(self, row)
            elif row.kind == BIDIRECTIONAL:
                unrolled_rnn.draw_bidirectional(self, row)
            else:
                self.draw_steps(row)
        self.link_shared()
        return self.graph

    # -- rows that are not recurrent ------------------------------------------------------

    def _simple_row(self, row: Row, lines: list, cell: Callable) -> dict:
        """A framed row: its label, then one cell per column drawn by `cell`."""
        with self.graph.subgraph(name=self.frame(row.name)) as frame:
            frame.attr(**self.frame_attrs(row.name))
            with frame.subgraph() as line:
                line.attr(rank="same")
                header = self.row_header(line, row.name, lines)
                cells = self.cells(line, row, cell)
                self.order(line, header, list(cells.values()))
        return cells

    def draw_source(self, row: Row) -> None:
        """The sequence the group reads, x_t, one cell per timestep."""
        node = self.inferred[row.name]
        style = self.style
        repeated = node.class_name == "RepeatVector"
        step = style.text(labels.step_shape(node.output_shape))
        what = "the same vector v at every step" if repeated else \
            f"{style.sub('x', 't')}: {step} at each step"
        lines = self.layer_lines(row.name, style.text(
            self.length_text(self.plan.groups[row.group])), what)

        def cell(line: graphviz.Digraph, node_id: str, column: timeline.Column,
                 place: dict) -> None:
            symbol = "v" if repeated else style.sub("x", column.symbol)
            line.node(node_id, label=style.label(f"{symbol}<BR/>{style.small(step)}"),
                      shape="box", style="filled", fillcolor=style.theme.input_fill,
                      color=style.theme.muted, **place)

        cells = self._simple_row(row, lines, cell)
        self._feed_whole(row.name, cells)
        self.stack(row.group, cells)
        self.outputs[row.name] = self.sequence_output(row, {k: (v,) for k, v in cells.items()})

    def _feed_whole(self, name: str, cells: dict) -> None:
        """A row that starts a sequence: a vector feeds every step, a sequence the frame."""
        node = self.inferred[name]
        anchor = list(cells.values())[-1]
        for source in node.inbound:
            out = self.outputs[source]
            if out.cells:
                self.edge(out.anchor, anchor, ltail=out.frame, lhead=self.frame(name))
                continue
            for tail in out.single:
                for column in self.columns[self.plan.rows[name].group]:
                    if not column.ellipsis:
                        self.edge(tail, cells[column.key])

    def draw_steps(self, row: Row) -> None:
        """A layer applied at every step on its own: one copy per step, same weights."""
        node = self.inferred[row.name]
        text = labels.copy_cell_text(node)
        shared = "same weights at every t" if self.has_weights(row.name) else \
            "applied at every t"
        style = self.style

        def cell(line: graphviz.Digraph, node_id: str, column: timeline.Column,
                 place: dict) -> None:
            line.node(node_id, label=style.label(style.text(text)), shape="box",
                      style="filled", fillcolor=style.theme.copy_fill, **place)

        cells = self._simple_row(row, self.layer_lines(row.name, shared), cell)
        self.feed_steps(row.name, row.group, {k: (v,) for k, v in cells.items()})
        self.stack(row.group, cells)
        self.outputs[row.name] = self.sequence_output(row, {k: (v,) for k, v in cells.items()})

    # -- layers drawn as one box ------------------------------------------------------------

    def draw_chain(self, name: str) -> None:
        node = self.inferred[name]
        node_id = self.ids[name]
        table = layer_table(self.style, node, self.inferred, self.options.table,
                            self.marks.get(name), self.shared.get(name), self.costs.get(name))
        column_group = None
        if len(node.inbound) == 1 and node.inbound[0] in self.outputs:
            column_group = self.outputs[node.inbound[0]].column_group
        attrs = {"group": column_group} if column_group else {}
        self.graph.node(node_id, label=self.style.label(table), shape="plain", **attrs)
        for source in node.inbound:
            out = self.outputs.get(source)
            if out is None:
                continue
            if out.cells:
                self.edge(out.anchor, node_id, ltail=out.frame)
            for tail in out.single:
                self.edge(tail, node_id)
        self.outputs[name] = Output(single=(node_id,), column_group=column_group)


def build_unrolled_view(inferred: InferredModel, options: DiagramOptions,
                        marks: dict) -> graphviz.Digraph:
    return Unroller(inferred, options, marks).build()
