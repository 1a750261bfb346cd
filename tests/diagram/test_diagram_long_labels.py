"""Labels past Graphviz's 16 KB limit, and very long names (issue: hostile inputs).

`dot` refuses an HTML-like label of over 16,384 bytes with a syntax error and draws
nothing: a Concatenate of thousands of inputs (its input shapes) or a very long
name did that, and `netlint diagram` exited 1 with dot's cryptic line. Long texts
are now elided (first 100 and last 40 characters, or the first input shapes and
the last), deterministically and before escaping, the diagram draws, and the
command says what it shortened. A 5 MB name took 50 s (textwrap splitting it);
now it costs what reading it costs.
"""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from diagram_helpers import needs_dot
from netlint import api
from netlint.cli import app
from netlint.drawing import DiagramOptions, diagram, diagram_and_findings
from netlint.drawing.labels import wrap_text
from netlint.drawing.style import MAX_LABEL_BYTES, MAX_TEXT, Style, noting, shown_text

runner = CliRunner()
GRAPHVIZ_LIMIT = 16_384


def _concatenate(inputs: int) -> str:
    lines = ["netlint: 1", "inputs:"]
    lines += [f"  in{i}: {{shape: [2]}}" for i in range(inputs)]
    lines += ["layers:", "  - Concatenate: {name: merged}",
              "    from: [" + ", ".join(f"in{i}" for i in range(inputs)) + "]",
              "  - Dense: {units: 1, name: out}"]
    return "\n".join(lines) + "\n"


def _named(name: str, layer: str = "Dense: {units: 1, ") -> str:
    return f"netlint: 1\ninput: {{shape: [4]}}\nlayers:\n  - {layer}name: {name}}}\n"


def _longest_line(dot_source: str) -> int:
    """Every label is on its statement's line: no line over the limit, no label over."""
    return max(len(line.encode("utf-8")) for line in dot_source.splitlines())


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_ten_thousand_inputs_keep_every_label_under_the_limit(tmp_path, view):
    model = tmp_path / "wide.yaml"
    model.write_text(_concatenate(10_000))
    notes: list = []
    began = time.monotonic()
    dot_source, _ = diagram_and_findings(model, DiagramOptions(view=view), notes)
    assert time.monotonic() - began < 120
    assert _longest_line(dot_source) < GRAPHVIZ_LIMIT
    assert "… 9,993 more" in dot_source  # the first 6 shapes, a count, the last
    assert any("input shapes" in note for note in notes), notes
    again, _ = diagram_and_findings(model, DiagramOptions(view=view))
    assert again == dot_source  # deterministic


@needs_dot
def test_a_concatenate_of_2000_inputs_draws_and_says_what_it_shortened(tmp_path):
    model = tmp_path / "wide.yaml"
    model.write_text(_concatenate(2_000))
    out = tmp_path / "wide.svg"
    result = runner.invoke(app, ["diagram", str(model), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "netlint: note: shortened 1 list(s) of over 8 input shapes" in result.output


@needs_dot
@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_a_20000_character_name_draws_elided(tmp_path, view):
    model = tmp_path / "long.yaml"
    name = "a" * 10_000 + "b" * 10_000
    model.write_text(_named(name))
    out = tmp_path / "long.svg"
    result = runner.invoke(app, ["diagram", str(model), "--view", view, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "netlint: note: shortened" in result.output and "first 100 and the last 40" \
        in result.output
    svg = out.read_text()
    assert "a" * 100 + "…" + "b" * 40 in svg and "a" * 101 not in svg


def test_a_5_mb_name_is_fast_escaped_and_deterministic(tmp_path):
    model = tmp_path / "huge.yaml"
    name = "x" * (5 * 1024 * 1024)
    # an LSTM on a 2-D input: an error whose message quotes the name, drawn on the box
    model.write_text(_named(name, "LSTM: {units: 1, "))
    out = tmp_path / "huge.dot"
    began = time.monotonic()
    result = runner.invoke(app, ["diagram", str(model), "-o", str(out)])
    assert time.monotonic() - began < 30  # 50 s before (textwrap), ~1 s now
    assert result.exit_code == 0, result.output[-500:]
    dot_source = out.read_text()
    assert len(dot_source) < 20_000 and _longest_line(dot_source) < GRAPHVIZ_LIMIT
    assert "x" * 100 + "…" + "x" * 40 in dot_source
    runner.invoke(app, ["diagram", str(model), "-o", str(tmp_path / "again.dot")])
    assert (tmp_path / "again.dot").read_text() == dot_source


def test_a_long_model_name_is_escaped_then_elided():
    title = "<&>" + "y" * 20_000 + '"&<'
    loaded = api.load_text(f"netlint: 1\nname: '{title}'\ninput: {{shape: [4]}}\n"
                           "layers:\n  - Dense: 1\n")
    dot_source = diagram(loaded)
    assert "&lt;&amp;&gt;" + "y" * 97 + "…" + "y" * 37 + "&quot;&amp;&lt;" in dot_source
    assert "<&>" not in dot_source


def test_shown_text_cuts_before_making_escapes_visible():
    with noting() as counts:
        assert shown_text("short") == "short"
        assert counts == {}
        shown = shown_text("\x07" * 1_000_000)  # each bell shows as four characters
        assert len(shown) == 141 and shown.startswith("\\x07" * 25)
        assert counts == {"text": 1}
    assert len(shown_text("z" * MAX_TEXT)) == MAX_TEXT  # at the limit: unchanged


def test_a_label_over_graphviz_limit_becomes_a_notice():
    with noting() as counts:
        label = Style.label("<B>" + "m" * 20_000 + "</B>")
    assert counts == {"label": 1} and len(label) < 100
    assert label.startswith("<<I>") and "over Graphviz's limit" in label
    assert Style.label("m" * (MAX_LABEL_BYTES - 10)) == "<" + "m" * (MAX_LABEL_BYTES - 10) + ">"


def test_wrap_text_is_linear_and_marks_the_cut():
    began = time.monotonic()
    lines = wrap_text("w" * 5_000_000)
    assert time.monotonic() - began < 2
    assert lines == ["w" * 46, "w" * 46, "w" * 45 + "…"]
    assert wrap_text("two words") == ["two words"]
    cut = wrap_text("word " * 40)
    assert len(cut) == 3 and cut[-1].endswith("…")


@needs_dot
def test_when_dot_fails_the_message_is_its_reason_not_the_quoted_input():
    from netlint.drawing.render import RenderError, render_bytes

    with pytest.raises(RenderError) as raised:
        render_bytes("digraph { a [label=<<B>" + "q" * 20_000 + "</B>>] }", "svg")
    message = raised.value.message
    assert message.startswith("dot could not render the diagram: ")
    assert "\n" not in message and "qqqq" not in message and len(message) < 400
