"""The emitter: checked literals, validated identifiers, layout that never changes meaning."""

from __future__ import annotations

import ast
import math

import pytest
from hypothesis import given, settings, strategies as st

from netlint.codegen.emitter import (
    LINE_WIDTH, Call, Code, ExportError, Seq, call, call_kw, comment, flat, identifier, literal,
    name, quoted, render,
)

ALLOWED_NODES = (ast.Expression, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.UnaryOp,
                 ast.USub, ast.Load, ast.Call, ast.Name)


def _evaluate(code: str) -> object:
    """Evaluate a literal's code after proving it is only data (and float('inf'/'nan'))."""
    tree = ast.parse(code, mode="eval")
    for node in ast.walk(tree):
        assert isinstance(node, ALLOWED_NODES), (type(node).__name__, code)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and node.func.id == "float", code
            assert [a.value for a in node.args] in (["inf"], ["nan"]), code
        if isinstance(node, ast.Name):
            assert node.id == "float", code
    return eval(compile(tree, "<literal>", "eval"), {"__builtins__": {}, "float": float})


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


scalars = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text())
values = st.recursive(scalars, lambda inner: (
    st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(value=values)
def test_literal_round_trips_and_is_only_data(value):
    code = flat(literal(value))
    assert code.isascii() and "\n" not in code
    assert _same(_evaluate(code), value)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_quoted_is_one_line_of_printable_ascii(text):
    out = quoted(text)
    assert all(" " <= char <= "~" for char in out)
    assert ast.literal_eval(out) == text


@pytest.mark.parametrize("bad", [object(), {1, 2}, b"bytes", 1j, {(1, 2): 3}, {True: 1},
                                 [lambda: 0]])
def test_literal_refuses_anything_but_plain_data(bad):
    with pytest.raises(ExportError):
        literal(bad)


def test_literal_refuses_absurd_nesting():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ExportError, match="nested"):
        literal(deep)


@pytest.mark.parametrize("bad", ["", "1x", "a b", "a-b", "a.b", "class", "None", "é",
                                 "__import__('os')", "x\n", "x;y", 3, None])
def test_identifier_refuses_anything_but_plain_names(bad):
    with pytest.raises(ExportError):
        identifier(bad)


@pytest.mark.parametrize("good", ["x", "_x1", "units", "LSTM", "return_sequences"])
def test_identifier_accepts_names(good):
    assert identifier(good) == good


def test_keyword_names_from_data_are_validated():
    with pytest.raises(ExportError):
        call_kw("keras.layers.Dense", [("units=1, x", literal(1))])
    with pytest.raises(ExportError):
        name("keras.layers.Dense(1)")


def _wide_call(depth: int) -> Call:
    expr: object = literal(["a" * 30, 1.5, None])
    for level in range(depth):
        expr = call_kw(f"keras.layers.Layer{level}",
                       [("first_argument", expr), ("second_argument", literal("x" * 25))])
    return Call(expr, (name("x_1"),))


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_render_breaks_long_calls_without_changing_them(depth):
    expr = _wide_call(depth)
    lines = render(expr, "    ", "x_2 = ")
    source = "\n".join(line[4:] for line in lines)
    assert all(len(line) <= LINE_WIDTH for line in lines), lines
    one_line = ast.dump(ast.parse("x_2 = " + flat(expr)))
    assert ast.dump(ast.parse(source)) == one_line


def test_render_keeps_short_calls_on_one_line():
    expr = call("keras.layers.Dense", units=literal(3), name=literal("out"))
    assert render(expr, "", "y = ") == ['y = keras.layers.Dense(units=3, name="out")']


def test_seq_rendering_handles_single_tuples_and_dicts():
    assert flat(Seq("tuple", (literal(1),))) == "(1,)"
    assert flat(literal({"a": (1, 2)})) == '{"a": (1, 2)}'
    assert flat(Code("x")) == "x"


@pytest.mark.parametrize("text", ["two\nlines", "carriage\rreturn", "é", "nul\x00"])
def test_comment_refuses_text_that_could_leave_the_comment(text):
    with pytest.raises(ExportError):
        comment(text)


def test_comment_wraps_to_the_line_width():
    lines = comment("word " * 60)
    assert len(lines) > 1 and all(len(line) <= LINE_WIDTH for line in lines)
    assert all(line.startswith("    # ") for line in lines)
