"""examples/diagrams/ is what `python -m netlint.drawing.regenerate` makes of examples/*.yaml.

The DOT files are compared byte for byte (no Graphviz needed). The SVGs are
compared by what they say (every node and edge title and every text), which
does not depend on the Graphviz version or the fonts that placed them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from diagram_helpers import needs_dot, render_svg
from netlint.drawing.regenerate import EXAMPLES, expected_files, regenerate

FIX = "run `make diagrams` (python -m netlint.drawing.regenerate) and commit the result"
SVG = "{http://www.w3.org/2000/svg}"


def test_example_dot_files_are_fresh():
    stale = regenerate(EXAMPLES, check=True)
    assert not stale, f"stale diagrams in examples/diagrams: {stale}; {FIX}"


def test_every_example_with_a_recurrent_layer_is_unrolled():
    wanted = expected_files(EXAMPLES)
    assert "stacked-lstm.unrolled.dot" in wanted and "mnist-convnet.graph.dot" in wanted
    assert "mnist-convnet.unrolled.dot" not in wanted


def _what_it_says(svg: bytes) -> list:
    root = ET.fromstring(svg)
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    return titles + texts


@needs_dot
def test_example_svgs_show_what_their_dot_says():
    out = EXAMPLES / "diagrams"
    for name, dot_source in expected_files(EXAMPLES).items():
        committed = out / (name[:-4] + ".svg")
        assert committed.exists(), f"{committed} is missing; {FIX}"
        assert _what_it_says(committed.read_bytes()) == _what_it_says(render_svg(dot_source)), \
            f"{committed.name} is stale; {FIX}"
