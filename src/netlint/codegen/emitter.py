"""Write Python source safely: checked literals, validated identifiers, tidy line breaks.

Nothing a user wrote reaches the generated file except through `literal()`
(which accepts only plain data and spells it with `ascii()`/`repr()`) or
`identifier()` (a strict regex). Code is built as a small expression tree and
laid out by `render()`, one argument per line when a call is too wide, so the
output looks the same every time for the same model.
"""

from __future__ import annotations

import keyword
import math
import re

from netlint.errors import NetlintError
from netlint.plumbing.records import record

LINE_WIDTH = 99
INDENT = "    "
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LITERAL_DEPTH = 32  # nested lists/dicts deeper than this are not a model argument


class ExportError(NetlintError):
    """The model cannot be written as code; the message says which value and why.

    `position` (a graph.Position) points at the YAML node concerned, when known.
    """

    def __init__(self, message: str, position: object = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def located(self, position: object, what: str) -> ExportError:
        """The same problem, placed at `position` and prefixed with what it concerns."""
        if self.position is not None:
            return self
        return ExportError(f"{what}: {self.message}", position)


def identifier(text: object, what: str = "name") -> str:
    """`text` if it is a plain ASCII Python identifier (and no keyword), else ExportError."""
    if not isinstance(text, str) or not _IDENTIFIER.match(text) or keyword.iskeyword(text):
        raise ExportError(f"{what} {ascii(text)} is not a valid Python identifier")
    return text


def dotted(text: str) -> str:
    """A dotted path of identifiers (`keras.layers.LSTM`)."""
    for part in text.split("."):
        identifier(part, "dotted name part")
    return text


def quoted(text: str) -> str:
    """A string as a double-quoted Python literal; also the only way user text enters a comment.

    Backslashes and double quotes are escaped, and every character outside printable
    ASCII is written as an escape (\\n, \\x00, \\u202e, ...), so the result is one line
    of printable ASCII whatever the input was.
    """
    parts = ['"']
    for char in str(text):
        if char in '\\"':
            parts.append("\\" + char)
        elif " " <= char <= "~":
            parts.append(char)
        else:
            parts.append(ascii(char)[1:-1])  # '\n', '\x1b', '\u2028', '\U0001f600'
    parts.append('"')
    return "".join(parts)


# -- the expression tree --------------------------------------------------------------

class Expr:
    """Something that renders to Python code."""


@record(frozen=True)
class Code(Expr):
    """Text known to be safe: a checked literal or a validated (dotted) name."""

    text: str


@record(frozen=True)
class Call(Expr):
    func: Expr
    args: tuple = ()
    kwargs: tuple = ()  # (validated keyword, Expr) pairs


@record(frozen=True)
class Attr(Expr):
    """`obj.attr` with `attr` one of our own (validated) names."""

    obj: Expr
    attr: str


@record(frozen=True)
class Seq(Expr):
    """A list, tuple or dict display; dict items are (key Expr, value Expr)."""

    kind: str  # "list" | "tuple" | "dict"
    items: tuple


def name(text: str) -> Code:
    return Code(dotted(text))


def attr(obj: Expr, attribute: str) -> Attr:
    return Attr(obj, identifier(attribute))


def call(func: str | Expr, *args: Expr, **kwargs: Expr) -> Call:
    """A call with keyword arguments in the order given (our own names only)."""
    func_expr = name(func) if isinstance(func, str) else func
    return Call(func_expr, tuple(args), tuple((identifier(k), v) for k, v in kwargs.items()))


def call_kw(func: str | Expr, kwargs: list, *args: Expr) -> Call:
    """A call whose keyword names come from data (validated here)."""
    func_expr = name(func) if isinstance(func, str) else func
    return Call(func_expr, tuple(args),
                tuple((identifier(k, "argument name"), v) for k, v in kwargs))


def literal(value: object, _depth: int = 0) -> Expr:
    """Plain data as a Python literal; anything else is refused with ExportError."""
    if _depth > _LITERAL_DEPTH:
        raise ExportError("a value is nested too deeply to be a model argument")
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(repr(int(value)))
    if isinstance(value, float):
        return Code(_float_text(value))
    if isinstance(value, str):
        return Code(quoted(value))
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return Seq(kind, tuple(literal(v, _depth + 1) for v in value))
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ExportError(f"a mapping key {ascii(key)} is not text or a number")
            items.append((literal(key, _depth + 1), literal(item, _depth + 1)))
        return Seq("dict", tuple(items))
    raise ExportError(f"a value of type {type(value).__name__} ({ascii(value)[:60]}) cannot "
                      "be written into a script; use numbers, text, true/false, null, "
                      "lists or mappings")


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    return repr(float(value))


# -- layout ---------------------------------------------------------------------------

def flat(expr: Expr) -> str:
    """The one-line spelling of an expression."""
    if isinstance(expr, Code):
        return expr.text
    if isinstance(expr, Call):
        return f"{flat(expr.func)}({', '.join(_flat_args(expr))})"
    if isinstance(expr, Attr):
        return f"{flat(expr.obj)}.{expr.attr}"
    if isinstance(expr, Seq):
        open_, close = _brackets(expr.kind)
        parts = _flat_items(expr)
        if expr.kind == "tuple" and len(parts) == 1:
            return f"({parts[0]},)"
        return open_ + ", ".join(parts) + close
    raise TypeError(f"not an expression: {expr!r}")


def _flat_args(expr: Call) -> list[str]:
    return [flat(a) for a in expr.args] + [f"{k}={flat(v)}" for k, v in expr.kwargs]


def _flat_items(expr: Seq) -> list[str]:
    if expr.kind == "dict":
        return [f"{flat(k)}: {flat(v)}" for k, v in expr.items]
    return [flat(item) for item in expr.items]


def _brackets(kind: str) -> tuple[str, str]:
    return {"list": ("[", "]"), "tuple": ("(", ")"), "dict": ("{", "}")}[kind]


def render(expr: Expr, indent: str = "", prefix: str = "", suffix: str = "") -> list[str]:
    """Lines for `indent + prefix + expr + suffix`, broken black-style when too wide."""
    one_line = f"{indent}{prefix}{flat(expr)}{suffix}"
    if len(one_line) <= LINE_WIDTH or isinstance(expr, Code):
        return [one_line]
    if isinstance(expr, Call):
        if not isinstance(expr.func, Code):
            # `Layer(...)(x)`: keep the short call arguments on the closing line
            applied = "(" + ", ".join(_flat_args(expr)) + ")" + suffix
            lines = render(expr.func, indent, prefix, applied)
            if all(len(line) <= LINE_WIDTH for line in lines):
                return lines
        head = render(expr.func, indent, prefix)
        parts = [(None, a) for a in expr.args] + list(expr.kwargs)
        return _broken(head, "(", ")", parts, indent, suffix, keyword_sep="=")
    if isinstance(expr, Attr):
        return render(expr.obj, indent, prefix, f".{expr.attr}{suffix}")
    if isinstance(expr, Seq):
        open_, close = _brackets(expr.kind)
        parts = list(expr.items) if expr.kind == "dict" else [(None, i) for i in expr.items]
        return _broken([f"{indent}{prefix}"], open_, close, parts, indent, suffix,
                       keyword_sep=": ")
    raise TypeError(f"not an expression: {expr!r}")


def _broken(head: list[str], open_: str, close: str, parts: list, indent: str, suffix: str,
            keyword_sep: str) -> list[str]:
    """`head(` + one part per line (trailing commas) + `)suffix`."""
    lines = head[:-1] + [head[-1] + open_]
    inner = indent + INDENT
    for key, value in parts:
        if key is None:
            label = ""
        elif isinstance(key, str):
            label = f"{key}{keyword_sep}"
        else:
            label = f"{flat(key)}{keyword_sep}"
        lines += render(value, inner, label, ",")
    lines.append(f"{indent}{close}{suffix}")
    return lines


# -- statements and comments ----------------------------------------------------------

def assign(targets: list[str], expr: Expr, indent: str = INDENT) -> list[str]:
    """`a, b = expr` with generated (validated) target names."""
    left = ", ".join(identifier(t, "variable") for t in targets)
    return render(expr, indent, f"{left} = ")


def comment(text: str, indent: str = INDENT) -> list[str]:
    """A comment wrapped to the line width; `text` must be our own words plus quoted()."""
    if not all(" " <= char <= "~" for char in text):
        raise ExportError("internal: comment text must be one ASCII line")
    words, lines, line = text.split(" "), [], f"{indent}#"
    for word in words:
        if len(line) + 1 + len(word) > LINE_WIDTH and line != f"{indent}#":
            lines.append(line)
            line = f"{indent}#"
        line += " " + word
    lines.append(line)
    return lines
