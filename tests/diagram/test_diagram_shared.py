"""Shared layers (`- call: encoder`): one node per call, marked, linked by a dashed edge.

Each call is drawn where its inputs are, so a Siamese model reads as two chains;
every call says which layer it is a call of, a dashed undirected edge that takes
no part in the layout joins consecutive calls, and the parameter count shows on
the layer's own node only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from diagram_helpers import needs_dot, node_names, render_svg
from netlint.api import load_text
from netlint.drawing import DiagramOptions, build, diagram
from netlint.drawing.regenerate import EXAMPLES
from netlint.drawing.style import visible_text
from netlint.layers.inference import infer_shapes

SIAMESE = EXAMPLES / "siamese-lstm.yaml"
# `tail -> head [attrs]`, one edge per line as the graphviz package writes them
_EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", re.MULTILINE)
LINK = 'label=<<FONT POINT-SIZE="10" COLOR="gray30">same weights</FONT>> color=gray30 ' \
       'constraint=false dir=none fontcolor=gray30 style=dashed'


def _edges(source: str) -> list[tuple]:
    return [(tail, head, attrs or "") for tail, head, attrs in _EDGE.findall(source)]


def _links(source: str) -> list[tuple]:
    """The same-weights edges as (tail, head, attrs)."""
    return [edge for edge in _edges(source) if "same weights" in edge[2]]


def _data_edges(source: str) -> list[tuple]:
    """The edges that carry tensors: visible, and not the same-weights links."""
    return [(tail, head) for tail, head, attrs in _edges(source)
            if "same weights" not in attrs and "invis" not in attrs]


def _labels(source: str) -> dict[str, str]:
    """node id -> its label, for the boxes of the graph view."""
    return dict(re.findall(r"^\t(\w+) \[label=<(.*)> shape=plain\]$", source, re.MULTILINE))


def test_graph_view_draws_one_node_per_call():
    source = diagram(SIAMESE)
    assert node_names(source) == [
        "n0_left", "n1_right", "n2_embedding", "n3_encoder", "n4_right_embedded",
        "n5_right_encoded", "n6_difference", "n7_squared", "n8_similar"]
    labels = _labels(source)
    for node, number in (("n2_embedding", 1), ("n4_right_embedded", 2)):
        assert f"shared layer <B>embedding</B> · call {number} of 2" in labels[node]
    for node, number in (("n3_encoder", 1), ("n5_right_encoded", 2)):
        assert f"shared layer <B>encoder</B> · call {number} of 2" in labels[node]
    assert "shared layer" not in labels["n6_difference"] + labels["n0_left"]


def test_graph_view_links_the_calls_of_a_layer_by_a_dashed_edge():
    source = diagram(SIAMESE)
    assert _links(source) == [("n2_embedding", "n4_right_embedded", LINK),
                              ("n3_encoder", "n5_right_encoded", LINK)]


def test_every_branch_is_a_chain_from_its_input():
    """Each input's edge goes to its own call, and each call's output to its own side of
    the merge: left -> embedding -> encoder -> 1st input; right -> calls -> 2nd input."""
    edges = _data_edges(diagram(SIAMESE))
    assert edges[:4] == [("n0_left", "n2_embedding"), ("n2_embedding", "n3_encoder"),
                         ("n1_right", "n4_right_embedded"),
                         ("n4_right_embedded", "n5_right_encoded")]
    merge = [e for e in _edges(diagram(SIAMESE)) if e[1] == "n6_difference"]
    assert [(tail, ">1<" in attrs, ">2<" in attrs) for tail, _, attrs in merge] == [
        ("n3_encoder", True, False), ("n5_right_encoded", False, True)]


def test_params_show_once_on_the_layers_own_node():
    source = diagram(SIAMESE)
    labels = _labels(source)
    assert source.count("1,280,000") == 1 and "1,280,000" in labels["n2_embedding"]
    assert source.count("33,024") == 1 and "33,024" in labels["n3_encoder"]
    for call in ("n4_right_embedded", "n5_right_encoded"):
        assert re.search(r">params</FONT></TD><TD ALIGN=\"LEFT\">shared</TD>", labels[call])
    assert "Total params: 1,313,089" in source  # every weight counted once


def test_unrolled_view_unrolls_each_call():
    source = diagram(SIAMESE, view="unrolled")
    nodes = set(node_names(source))
    for row in ("n3_encoder", "n5_right_encoded", "n2_embedding", "n4_right_embedded"):
        assert {f"{row}_label", f"{row}_t1", f"{row}_tT"} <= nodes, row
    assert {"n3_encoder_h0", "n5_right_encoded_h0"} <= nodes  # two recurrences, two h_0
    assert "33,024 params<BR" in source
    assert source.count("params: shared<BR") == 2  # the second calls of both layers
    assert source.count("33,024") == 1 and source.count("1,280,000") == 1
    for number in (1, 2):
        assert f"shared layer <B>encoder</B> · call {number} of 2" in source


def test_unrolled_view_links_the_grids_frame_to_frame():
    links = _links(diagram(SIAMESE, view="unrolled"))
    assert [(tail, head) for tail, head, _ in links] == [
        ("n2_embedding_tT", "n4_right_embedded_label"), ("n3_encoder_tT", "n5_right_encoded_label")]
    for tail, head, attrs in links:
        row, other = tail.rsplit("_", 1)[0], head.rsplit("_", 1)[0]
        assert f"ltail=cluster_{row}" in attrs and f"lhead=cluster_{other}" in attrs
        assert "constraint=false" in attrs and "dir=none" in attrs and "style=dashed" in attrs


THREE_CALLS = """\
input: {shape: [6, 3]}
layers:
  - LSTM: {units: 4, return_sequences: true}
  - Dense: {units: 4, name: shared}
  - call: shared
  - call: shared
  - Dense: {units: 1}
"""


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_three_calls_are_linked_as_a_chain(tmp_path, view):
    model = tmp_path / "three.yaml"
    model.write_text(THREE_CALLS, encoding="utf-8")
    source = diagram(model, view=view)
    ends = [re.sub(r"_(label|t\w+)$", "", end) for tail, head, _ in _links(source)
            for end in (tail, head)]
    assert ends == ["n2_shared", "n3_shared_call_2", "n3_shared_call_2", "n4_shared_call_3"]
    for number in (1, 2, 3):
        assert f"shared layer <B>shared</B> · call {number} of 3" in source


def test_a_shared_layer_applied_per_step_keeps_its_weights_in_every_call(tmp_path):
    model = tmp_path / "three.yaml"
    model.write_text(THREE_CALLS, encoding="utf-8")
    source = diagram(model, view="unrolled")
    # Dense(4) on 4 features: 20 params, on the first call's row only; every call's row
    # says its cells share weights (a call's own count is 0, its layer's is not)
    assert source.count("20 params<BR") == 1
    assert source.count("params: shared<BR") == 2
    for row in ("n2_shared", "n3_shared_call_2", "n4_shared_call_3"):
        assert re.search(f"{row}_label .*same weights at every t", source), row


HOSTILE_CALL = 'r"ight <b>code</b>&amp;\nnew\\'


def _hostile_diagram(view: str) -> str:
    """DOT for a model whose call has a name with quotes, markup, an entity, a newline.

    The schema refuses such a name (NL001), so the model is built from the loader's
    result as a program calling `build` could; the drawing must escape it all the same."""
    quoted = '"' + HOSTILE_CALL.replace("\\", "\\\\").replace('"', '\\"') \
        .replace("\n", "\\n") + '"'
    loaded = load_text(
        "inputs:\n  left: {shape: [10, 8]}\n  right: {shape: [12, 8]}\nlayers:\n"
        "  - LSTM: {units: 16, name: encoder}\n    from: left\n"
        f"  - call: encoder\n    from: right\n    name: {quoted}\n"
        f"  - Subtract: {{}}\n    from: [encoder, {quoted}]\n"
        "  - Dense: {units: 1, activation: sigmoid}\n")
    assert loaded.model is not None and loaded.model.layers[1].name == HOSTILE_CALL
    return build(infer_shapes(loaded.model), DiagramOptions(view=view)).source


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_a_hostile_call_name_is_escaped(view):
    source = _hostile_diagram(view)
    assert "<b>code</b>" not in source and "&lt;b&gt;code&lt;/b&gt;" in source
    assert "&amp;amp;" in source and "r&quot;ight" in source
    assert "new\nline" not in source and "\\nnew" in source
    assert len(_links(source)) == 1


@needs_dot
@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_a_hostile_call_name_renders_literally(view):
    svg = render_svg(_hostile_diagram(view))
    texts = ["".join(t.itertext()) for t in
             ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert any(visible_text(HOSTILE_CALL) in text for text in texts)
    assert sum("same weights" in text for text in texts) == 1


def test_a_model_without_calls_has_no_links():
    source = diagram(EXAMPLES / "two-input-functional.yaml")
    assert not _links(source) and "shared layer" not in source


def test_a_hostile_layer_name_is_escaped_in_every_calls_line():
    """The schema refuses such a layer name (NL001), but the loader still builds the model,
    as a program calling `build` could; the line naming the shared layer escapes it."""
    name = 'enc<1>&"q\nx'
    quoted = '"' + name.replace('"', '\\"').replace("\n", "\\n") + '"'
    loaded = load_text(f"input: {{shape: [5, 3]}}\nlayers:\n"
                       f"  - LSTM: {{units: 2, return_sequences: true, name: {quoted}}}\n"
                       f"  - call: {quoted}\n")
    assert loaded.model is not None and loaded.model.layers[1].shares == name
    for view in ("graph", "unrolled"):
        source = build(infer_shapes(loaded.model), DiagramOptions(view=view)).source
        for number in (1, 2):
            assert (f"shared layer <B>enc&lt;1&gt;&amp;&quot;q\\nx</B> · call {number} of 2"
                    in source), view
        assert "<1>" not in source
