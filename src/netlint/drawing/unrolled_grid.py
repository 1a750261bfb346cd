"""The grid the unrolled view is drawn on: one column per timestep, one framed row
per layer, and the node ids, cells, frames and edges the rows are made of.

Apart from unrolled_view.py (which walks the rows) and unrolled_rnn.py (which draws
the recurrent ones) so that both build on it and neither imports the other back.
"""

from __future__ import annotations

import math

import graphviz

from netlint.drawing import labels, timeline
from netlint.drawing.graph_view import new_digraph, title_markup
from netlint.drawing.ids import node_ids
from netlint.drawing.marks import Mark
from netlint.drawing.options import DiagramOptions
from netlint.drawing.sequences import Group, Row, plan_rows
from netlint.drawing.shared import link_attrs, shared_calls, shared_markup, weight_links
from netlint.drawing.sizing import column_gap, group_cell_width
from netlint.drawing.tables import mark_markup
from netlint.layers.inference import InferredModel
from netlint.plumbing.records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


INVISIBLE = {"style": "invis"}
NODESEP = 0.08  # inches between neighbours in a row (dot's nodesep), beside the labels
TIGHT = "0.04"  # inches around the text of a row's label and initial state (dot: 0.11)
ELLIPSIS_WIDTH = "0.3"  # inches, the column of elided steps
START_GAP = 10  # points of arrow between an initial state (h_0 = 0) and its cell


def padded(lines: list, width: int = 0) -> str:
    """Markup lines as a borderless table, one row each, with a margin all round;
    `width`: the least width in points (Graphviz widens a cell to fit its text)."""
    size = f' WIDTH="{width}"' if width else ""
    rows = "".join(f"<TR><TD{size}>{line}</TD></TR>" for line in lines)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">{rows}</TABLE>'


@record
class Output:
    """Where a drawn layer's output can be picked up by the layers that read it."""

    cells: dict = field(default_factory=dict)  # column key -> node ids (per-step output)
    frame: str | None = None  # the row's cluster: edges that take the whole sequence
    anchor: str | None = None  # a node inside `frame` for those edges to attach to
    header: str | None = None  # the row's label node, where an edge from the side attaches
    single: tuple = ()  # node ids of a one-tensor output (a chain box, the last step)
    column_group: str | None = None  # the `group` attr to keep a chain above its column


class UnrolledGrid:
    """The unrolled digraph being built, and the pieces its rows are drawn with; one
    instance per diagram (unrolled_view.Unroller draws the rows on it)."""

    def __init__(self, inferred: InferredModel, options: DiagramOptions, marks: dict):
        self.inferred = inferred
        self.options = options
        self.style = options.style
        self.marks = marks
        self.plan = plan_rows(inferred)
        self.shared = shared_calls(inferred)  # the nodes of layers called more than once
        self.costs = labels.layer_costs(inferred) if options.show_cost else {}
        self.ids = node_ids(self.plan.order)
        self.columns = {g.index: timeline.columns(g.steps, options.max_steps)
                        for g in self.plan.groups}
        self.widths = {g.index: group_cell_width(inferred, g, self.style.font_size)
                       for g in self.plan.groups}
        self.outputs: dict[str, Output] = {}
        self.tops: dict[int, dict] = {}  # group -> column key -> top node id so far
        self.linked: set = set()  # (tail, head) pairs already joined
        self.flip = options.direction in ("LR", "RL")
        # the compass point of a cell that faces the next layer (ports are as drawn)
        self.far_side = {"BT": "n", "TB": "s", "LR": "e", "RL": "w"}[options.direction]
        self.graph = new_digraph(self.style, options.direction,
                                 title_markup(self.style, inferred, self._subtitle()))
        gap = column_gap(inferred, self.plan.groups, self.style.font_size)
        if self.flip:
            # top to bottom the state labels are external labels, which take no room:
            # the rows' cells are a label's width apart
            self.graph.attr(nodesep=f"{gap:.2f}")
            self.gap_label = 0
        else:
            # every gap between neighbouring cells holds a label of one width (an empty
            # one on the invisible edges that keep time's order): dot spaces each row's
            # cells alike, so the columns stay straight while nodesep stays small
            self.graph.attr(nodesep=f"{NODESEP:.2f}")
            self.gap_label = math.ceil(gap * 72)

    def _subtitle(self) -> str:
        if not self.plan.groups:
            return "no recurrent layer to unroll"
        lengths = list(dict.fromkeys(self.length_text(g) for g in self.plan.groups))
        return "unrolled over " + " and ".join(lengths)

    @staticmethod
    def length_text(group: Group) -> str:
        if group.steps is None:
            return "T timesteps (any length)"
        return f"T = {group.steps} timestep" + ("" if group.steps == 1 else "s")

    # -- ids, cells, frames -------------------------------------------------------------

    def cell_id(self, name: str, column: timeline.Column, lane: str = "") -> str:
        return f"{self.ids[name]}_{lane}t{column.key}"

    def column_group(self, group: int, column: timeline.Column) -> str:
        return f"g{group}c{column.key}"

    def frame(self, name: str) -> str:
        return f"cluster_{self.ids[name]}"

    def frame_attrs(self, name: str) -> dict:
        """A row's frame, drawn heavier when the layer has an error."""
        theme = self.style.theme
        marked = name in self.marks
        return {"label": "", "style": "rounded,filled" if theme.name == "color" else "rounded",
                "color": theme.error if marked else theme.frame, "fillcolor": theme.row_fill,
                "penwidth": "2" if marked else "1"}

    def row_header(self, graph: graphviz.Digraph, name: str, lines: list,
                   lane: str = "") -> str:
        """The row's label, once, as the leftmost node of the row (edges never cross it)."""
        node_id = f"{self.ids[name]}_{lane}label"
        mark: Mark | None = self.marks.get(name) if not lane else None
        if mark is not None:
            lines = lines + [mark_markup(self.style, mark, '<BR ALIGN="LEFT"/>')]
        markup = "".join(line + '<BR ALIGN="LEFT"/>' for line in lines)
        graph.node(node_id, label=self.style.label(markup), shape="plaintext", margin=TIGHT)
        return node_id

    def layer_lines(self, name: str, *notes: str) -> list:
        """`name`, `Class(args)` and `N params` on lines of their own, then one small line
        per note (markup; empty ones left out).

        Short lines keep the label column narrow: it sits left of every row, and the
        unrolled view must fit the text width of a two-column paper.
        """
        node = self.inferred[name]
        style = self.style
        call = "Input" if node.is_input else labels.layer_call_text(node)
        lines = [style.bold(style.text(name)), style.text(call)]
        shared = self.shared.get(name)
        if not node.is_input:
            # a call's weights are its layer's: the count is shown once, on the layer's row
            lines.append("params: shared" if shared and shared.is_call else
                         style.text(labels.params_text(node.params)))
        if shared is not None:
            lines.append(style.small(shared_markup(style, shared)))
        if name in self.costs:
            lines.append(style.small("cost: " + style.text(labels.cost_text(self.costs[name]))))
        lines += [style.small(note) for note in notes if note]
        return lines

    def place(self, group: int, column: timeline.Column) -> dict:
        """Attributes that put a cell in its column: the column's group, the group's width."""
        return {"group": self.column_group(group, column), "width": self.widths[group]}

    def ellipsis_node(self, graph: graphviz.Digraph, node_id: str, place: dict) -> None:
        """The elided steps: as narrow in every row as "…" needs (the column stays straight,
        and the drawing a cell's width narrower)."""
        graph.node(node_id, label="…", shape="plaintext", **{**place, "width": ELLIPSIS_WIDTH})

    def cells(self, graph: graphviz.Digraph, row: Row, draw: Callable,
              columns: list | None = None, lane: str = "") -> dict:
        """A row's cells, one per column (its group's, unless `columns` says which): an
        ellipsis where steps are elided, else `draw(graph, node_id, column, place)`.
        Returns column key -> node id."""
        cells = {}
        for column in self.columns[row.group] if columns is None else columns:
            node_id = self.cell_id(row.name, column, lane)
            place = self.place(row.group, column)
            if column.ellipsis:
                self.ellipsis_node(graph, node_id, place)
            else:
                draw(graph, node_id, column, place)
            cells[column.key] = node_id
        return cells

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        self.graph.edge(tail, head, **attrs)
        self.linked.add((tail, head))

    def stack(self, group: int, bottoms: dict) -> None:
        """Keep a row above the previous one in its group, column by column."""
        previous = self.tops.get(group, {})
        for key, bottom in bottoms.items():
            below = previous.get(key)
            if below is not None and (below, bottom) not in self.linked:
                self.edge(below, bottom, **INVISIBLE)
        self.tops[group] = dict(bottoms)

    def feed_steps(self, name: str, group: int, heads: dict) -> None:
        """Per-step edges from each input row's cell at t into this row's cell at t.

        Only from the row just below: dot must route an edge that skips a row around
        that row's frame, one detour per step. An input from further down is one edge
        from its frame to this row's frame instead; the columns still line up.
        """
        below = self.tops.get(group, {})
        for source in self.inferred[name].inbound:
            out = self.outputs[source]
            if not all(below.get(key) in tails for key, tails in out.cells.items()):
                # label to label, frame to frame, and no say in the layout (a constraint
                # here lets dot reorder the rows' nodes): the edge runs along the side
                self.edge(out.header, f"{self.ids[name]}_label", ltail=out.frame,
                          lhead=self.frame(name), constraint="false")
                continue
            for column in self.columns[group]:
                for tail in out.cells.get(column.key, ()):
                    for head in heads[column.key]:
                        self.edge(tail, head, **(INVISIBLE if column.ellipsis else {}))

    def order(self, graph: graphviz.Digraph, label: str, cells: list) -> None:
        """Invisible flat edges, the row's label then its cells: dot keeps flat edges left
        to right, so time does too. The gaps between cells hold an empty label as wide as
        a state label, as the gaps of a recurrent row do."""
        self.flat_edge(graph, label, cells[0], **INVISIBLE)
        spaced = {"label": self.style.label(padded([" "], self.gap_label))} \
            if self.gap_label else {}
        for left, right in zip(cells, cells[1:]):
            self.flat_edge(graph, left, right, **INVISIBLE, **spaced)

    def flat_edges(self, graph: graphviz.Digraph, left: str, right: str, edges: list) -> None:
        """Parallel edges between neighbours (h and c; forward and backward).

        Laid out top to bottom (LR/RL), dot puts the labels of parallel edges on top of
        each other, so there the first edge carries all the labels, one per row of a
        padded table, as an external label (`xlabel`). Left to right every label gets a
        margin and the width every gap between cells holds: dot routes edges around a
        label's box, and without a margin a neighbouring edge runs along the letters.
        """
        edges = [dict(attrs) for attrs in edges]
        if self.flip and len(edges) > 1:
            texts = [attrs.pop("label")[1:-1] for attrs in edges if "label" in attrs]
            if texts:
                edges[0]["label"] = self.style.label(padded(texts))
        else:
            for attrs in edges:
                if "label" in attrs:
                    attrs["label"] = self.style.label(padded([attrs["label"][1:-1]],
                                                             self.gap_label))
            if not self.flip and not any("label" in attrs for attrs in edges):
                # from (or to) an initial state: room for the arrow, not for a label
                edges[0]["label"] = self.style.label(padded([" "], START_GAP))
        for attrs in edges:
            self.flat_edge(graph, left, right, **attrs)

    def flat_edge(self, graph: graphviz.Digraph, left: str, right: str, **attrs: str) -> None:
        """An edge between neighbours in a row, `left` earlier in time.

        With LR/RL, dot turns the left-to-right order into bottom-to-top; declaring the
        edge the other way round (with its arrow turned back) makes time read downwards.
        """
        if self.flip:
            left, right = right, left
            if "label" in attrs:  # a label proper would push the parallel edges together
                attrs["xlabel"] = attrs.pop("label")
            if attrs.get("style") != "invis":
                if attrs.get("dir") == "back":
                    del attrs["dir"]
                else:
                    attrs["dir"] = "back"
        graph.edge(left, right, **attrs)

    def sequence_output(self, row: Row, cells: dict, lane: str = "") -> Output:
        """Per-step outputs of a row, with its frame for edges that take the whole sequence.

        `lane` names the row's top lane (the merge of a Bidirectional), whose label is
        where edges from the side attach.
        """
        last = self.columns[row.group][-1]
        return Output(cells=cells, frame=self.frame(row.name), anchor=cells[last.key][0],
                      header=f"{self.ids[row.name]}_{lane}label")

    def has_weights(self, name: str) -> bool:
        """Whether a layer has parameters; a call of a shared layer has its layer's."""
        shared = self.shared.get(name)
        return bool(self.inferred[shared.layer if shared else name].params)

    def link_shared(self) -> None:
        """The dashed same-weights edges between the calls of each shared layer.

        Between rows, from the earlier row's last cell to the later row's label: groups
        are laid out in model order, left to right, so that is the short way between
        neighbouring frames; ltail/lhead clip it at the frames."""
        for tail, head in weight_links(self.shared):
            ends = {"tail": self.ids[tail], "head": self.ids[head]}
            if tail in self.plan.rows:
                row = self.plan.rows[tail]
                ends["tail"] = self.cell_id(tail, self.columns[row.group][-1])
                ends["ltail"] = self.frame(tail)
            if head in self.plan.rows:
                ends["head"], ends["lhead"] = f"{self.ids[head]}_label", self.frame(head)
            attrs = link_attrs(self.style)
            if self.flip:
                # top to bottom, both calls' rows share ranks: dot draws the edge as an
                # arc through its own label; the rows' labels say "call 2 of 2" anyway
                del attrs["label"]
            self.graph.edge(ends.pop("tail"), ends.pop("head"), **ends, **attrs)
