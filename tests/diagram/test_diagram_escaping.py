"""User text never breaks the DOT: quotes, <, >, &, newlines and backslashes show literally."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from diagram_helpers import needs_dot, render_svg
from netlint.api import load_text
from netlint.drawing import DiagramOptions, build, diagram
from netlint.drawing.style import visible_text
from netlint.layers.inference import infer_shapes

HOSTILE = ['q"uote', "<tag>", "a&amp;b", "new\nline", "back\\slash", "end\\", "it's",
           "]]>", "x{y}|z", "tab\there", "--><!--"]


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t")
    return f'"{escaped}"'


def _hostile_layers_model():
    """Layers named with HOSTILE. The schema refuses such names (NL001), so the model is
    taken from the loader as built, as a program calling `build` could."""
    layers = "".join(f"  - LSTM: {{units: 2, return_sequences: true, name: {_yaml_string(n)}}}\n"
                     for n in HOSTILE)
    loaded = load_text(f"input: {{shape: [5, 3]}}\nlayers:\n{layers}")
    assert loaded.model is not None
    assert [layer.name for layer in loaded.model.layers] == HOSTILE
    return infer_shapes(loaded.model)


def _svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # must be well-formed XML
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_hostile_layer_names_are_escaped_in_the_dot(view):
    source = build(_hostile_layers_model(), DiagramOptions(view=view)).source
    assert "<tag>" not in source and "&lt;tag&gt;" in source
    assert "a&amp;amp;b" in source  # the & of the name itself is escaped
    assert "new\nline" not in source and "new\\nline" in source  # shown, not obeyed


@needs_dot
@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_hostile_layer_names_render_literally(view):
    source = build(_hostile_layers_model(), DiagramOptions(view=view)).source
    texts = _svg_texts(render_svg(source))
    for name in HOSTILE:
        assert any(visible_text(name) in text for text in texts), name


@needs_dot
def test_hostile_model_and_input_names_from_a_valid_file(tmp_path):
    model = tmp_path / "hostile.yaml"
    name, series, static = 'm "q" <b>&amp; \\ x\ny', 'in<1>&"\\', "s\nt"
    model.write_text(
        f"name: {_yaml_string(name)}\n"
        f"inputs:\n  {_yaml_string(series)}: {{shape: [5, 3]}}\n"
        f"  {_yaml_string(static)}: {{shape: [4]}}\n"
        f"layers:\n  - LSTM: {{units: 4}}\n    from: {_yaml_string(series)}\n"
        f"  - Concatenate: {{}}\n    from: [lstm, {_yaml_string(static)}]\n"
        f"  - Dense: {{units: 1}}\n", encoding="utf-8")
    for view in ("graph", "unrolled"):
        texts = _svg_texts(render_svg(diagram(model, view=view)))
        for text in (name, series, static):
            assert any(visible_text(text) in t for t in texts), (view, text)


def test_font_names_that_could_escape_their_quotes_are_refused():
    for font in ('Helvetica"', "Times\\", "a]b", ""):
        with pytest.raises(ValueError):
            DiagramOptions(font=font)
    assert DiagramOptions(font="DejaVu Sans").font == "DejaVu Sans"
