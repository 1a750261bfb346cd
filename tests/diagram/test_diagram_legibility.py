"""The unrolled view stays legible: no edge runs through a label, and the Bidirectional
example fits the text width of a two-column paper.

Read from dot's own layout (`-Tjson`): every piece of text an edge label draws is a
box (its width, its font size around the baseline), and no point of any drawn edge
may fall inside one. Without a margin around the labels, the two lanes between
neighbouring cells ran along the letters (the primes of h′ sat on the dashed line),
and the c_t label of an LSTM sat on its own dashed edge.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from diagram_helpers import DOT, MODELS, dot_for, inferred, needs_dot
from netlint.drawing.regenerate import EXAMPLES, has_recurrent_layer

# every drawing with an unrolled recurrence: the examples and the test models
UNROLLED = [path for path in sorted(EXAMPLES.glob("*.yaml")) + sorted(MODELS.glob("*.yaml"))
            if has_recurrent_layer(inferred(path).model.model)]
BIDIRECTIONAL = [EXAMPLES / "imdb-bidirectional-lstm.yaml", MODELS / "bidirectional.yaml",
                 MODELS / "bidirectional_backward_gru.yaml"]
# A two-column paper's text width (ACM, IEEE: 7 to 7.16 in) for a figure across both
# columns; scaled down to it, 12 pt text must stay at 6 pt and the 10 pt notes at 5 pt.
PAPER_WIDTH = 7.0  # inches
SMALLEST_PRINTED = 5.0  # points, the notes (10 pt in the drawing)

# the drawing operations of an edge's label, external label, head and tail labels
LABEL_OPS = ("_ldraw_", "_xldraw_", "_hldraw_", "_tldraw_")


def _layout(dot_source: str) -> dict:
    done = subprocess.run([DOT, "-Tjson"], input=dot_source.encode("utf-8"),
                          capture_output=True, check=True)
    return json.loads(done.stdout)


def _text_boxes(ops: list) -> list[tuple]:
    """(x0, y0, x1, y1) of each text an edge label draws: its width, and from a
    descender below the baseline to a capital's height above it."""
    boxes, size = [], 10.0
    for op in ops:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            x, y = op["pt"]
            width = float(op["width"])
            left = {"l": x, "r": x - width}.get(op["align"], x - width / 2)
            boxes.append((left, y - 0.2 * size, left + width, y + 0.75 * size))
    return boxes


def _bezier(points: list, samples: int = 24) -> list[tuple]:
    """Points along a piecewise cubic Bézier (dot's `b`/`B` drawing ops)."""
    out = []
    for start in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[start:start + 4]
        for i in range(samples + 1):
            t = i / samples
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                        a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def crossings(dot_source: str, within: str = "") -> list[tuple]:
    """(edge label text, edge index) for each drawn edge that passes through a label;
    `within`: only the labels of edges whose tail's name holds it."""
    layout = _layout(dot_source)
    names = {node["_gvid"]: node["name"] for node in layout.get("objects", [])}
    edges = layout.get("edges", [])
    labels = [(op_box, edge) for edge in edges if within in names.get(edge["tail"], "")
              for op_box in _text_boxes(sum((edge.get(key, []) for key in LABEL_OPS), []))]
    found = []
    for index, edge in enumerate(edges):
        points = [pt for op in edge.get("_draw_", []) if op["op"] in ("b", "B")
                  for pt in _bezier(op["points"])]
        for (x0, y0, x1, y1), owner in labels:
            if any(x0 < x < x1 and y0 < y < y1 for x, y in points):
                found.append((owner.get("label", owner.get("xlabel")), index))
    return found


@needs_dot
@pytest.mark.parametrize("rankdir", ["BT", "LR"])
@pytest.mark.parametrize("path", UNROLLED, ids=lambda p: p.stem)
def test_no_edge_runs_through_a_label(path, rankdir):
    source = dot_for(path, view="unrolled", rankdir=rankdir)
    assert "<SUB>" in source  # the labels are there to be crossed
    assert crossings(source) == []


@needs_dot
@pytest.mark.parametrize("path", BIDIRECTIONAL, ids=lambda p: p.stem)
def test_bidirectional_view_fits_a_two_column_paper(path):
    """Drawn at its natural size (points), bottom to top with the default options; the
    whole image, the margin Graphviz pads it with included."""
    layout = _layout(dot_for(path, view="unrolled"))
    _, _, width, _ = (float(v) for v in layout["bb"].split(","))
    width += 2 * float(layout.get("pad", 0.0555)) * 72
    printed = 10.0 * PAPER_WIDTH * 72 / width
    assert printed >= SMALLEST_PRINTED, \
        f"{width:.0f} pt wide: its notes print at {printed:.1f} pt at {PAPER_WIDTH} in"


def test_the_check_sees_a_crossing(monkeypatch):
    """An edge through a label's text is found; one passing clear of it is not."""
    label = [{"op": "F", "size": 10.0, "face": "Helvetica"},
             {"op": "T", "pt": [100.0, 50.0], "align": "c", "width": 30.0, "text": "h1"}]

    def layout(y: float) -> dict:
        line = {"op": "b", "points": [[0.0, y], [60.0, y], [140.0, y], [200.0, y]]}
        return {"objects": [{"_gvid": 0, "name": "n1_bidirectional_t1"}],
                "edges": [{"tail": 0, "_draw_": [line], "_ldraw_": label, "label": "h1"}]}

    monkeypatch.setattr(sys.modules[__name__], "_layout", lambda _source: layout(53.0))
    assert crossings("", "bidirectional") == [("h1", 0)]
    assert crossings("", "lstm") == []  # not a label the check looks at
    monkeypatch.setattr(sys.modules[__name__], "_layout", lambda _source: layout(62.0))
    assert crossings("", "bidirectional") == []
