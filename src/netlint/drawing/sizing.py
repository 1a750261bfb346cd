"""Cell widths for the unrolled grid, estimated from the text they hold.

dot keeps a column straight only when every row can space its cells alike, so
all cells of a group get one width: the widest cell's text (or state label),
estimated from Helvetica-like character widths, generously.
"""

from __future__ import annotations

from netlint.drawing import labels
from netlint.drawing.sequences import BIDIRECTIONAL, RECURRENT, SOURCE, Group
from netlint.layers.inference import InferredModel

MIN_CELL_WIDTH = 0.9  # inches
_PADDING = 0.23  # inches, the box margin around the text
_NARROW = set("il.,:;'|!() []′")
_WIDE = set("MWmw@%")


def text_width(text: str, points: float) -> float:
    """Inches a line of text needs at `points`, erring wide (em fractions per character)."""
    ems = sum(0.35 if ch in _NARROW else 0.9 if ch in _WIDE or ch.isupper() else 0.6
              for ch in text)
    return ems * points / 72


def _cell_texts(inferred: InferredModel, kind: str, name: str) -> list[tuple]:
    """(text, points) pairs a row of this kind puts in its cells."""
    node = inferred[name]
    if kind == SOURCE:
        return [("xT", 12), (labels.step_shape(node.output_shape), 10)]
    if kind == RECURRENT:
        return [(labels.cell_name(labels.recurrent_class(node.spec)), 12)]
    if kind == BIDIRECTIONAL:
        inner = node.spec.wrapped
        merge = str(node.kwargs.get("merge_mode", "concat"))
        return [(labels.cell_name(labels.recurrent_class(inner)) + " →", 12), (merge, 12)]
    return [(labels.copy_cell_text(node), 12)]


def _state_labels(inferred: InferredModel, kind: str, name: str) -> list[str]:
    """The widest label a row puts on the state edges between its cells."""
    node = inferred[name]
    if kind == RECURRENT:
        return [s + "T-1" for s in labels.state_names(labels.recurrent_class(node.spec))]
    if kind == BIDIRECTIONAL:
        states = labels.state_names(labels.recurrent_class(node.spec.wrapped))
        return [", ".join(s + "′T-1" for s in states)]
    return []


def group_cell_width(inferred: InferredModel, group: Group, points: int) -> str:
    """The width (inches, as DOT wants it) for every cell of `group`."""
    scale = points / 12
    widest = max(text_width(text, size * scale) for row in group.rows
                 for text, size in _cell_texts(inferred, row.kind, row.name))
    return f"{max(MIN_CELL_WIDTH, widest + _PADDING):.2f}"


def column_gap(inferred: InferredModel, groups: list, points: int,
               minimum: float = 0.3) -> float:
    """The space (inches) between neighbouring cells that fits every state label.

    A labelled flat edge widens its own gap only, which would bend the columns; the
    same gap everywhere keeps them straight. The estimate errs wide already, so the
    margin beyond it is small: every inch here is paid once per column.
    """
    small = (points - 2) / 12 * 10
    widest = max((text_width(text, small) for group in groups for row in group.rows
                  for text in _state_labels(inferred, row.kind, row.name)), default=0.0)
    return max(minimum, widest + 0.05)
