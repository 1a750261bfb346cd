"""Edits of a model file in its own style, from the spans the loader recorded.

Each function returns TextEdits, or None when the text is not in a form it
knows how to edit (then the finding keeps its fix as words only): a fix that
guesses is worse than none. Keys and values are written as plain YAML where
that reads back the same, else double-quoted.
"""

from __future__ import annotations

import json
import re

from netlint.model.findings import TextEdit
from netlint.model.graph import Position
from netlint.fixes.text_edits import char_at, line_end, line_starts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netlint.loader.yaml_document import Document

# A plain scalar that YAML 1.1 and 1.2 both read back as this same text.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_WORDS_READ_AS_OTHER = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    """`value` as a YAML scalar: true, 16, 1.0e-3, relu, "two words"."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if "." in text or "e" not in text else text.replace("e", ".0e", 1)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _WORDS_READ_AS_OTHER:
        return text
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def flow_list(values: list | tuple) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def replace(position: Position, text: str) -> TextEdit:
    """Write `text` over the span `position` covers."""
    return TextEdit(position.line, position.column, position.end_line, position.end_column,
                    text)


def rename_key(doc: Document, path: tuple, new: str) -> TextEdit | None:
    """The key of the entry at `path` renamed (its value and everything else kept)."""
    where = doc.key_positions.get(path)
    return None if where is None else replace(where, scalar(new))


def set_value(doc: Document, path: tuple, value_text: str) -> TextEdit | None:
    """The scalar at `path` replaced by `value_text` (already YAML)."""
    where = doc.positions.get(path)
    if where is None or not isinstance(value_at(doc, path), (str, int, float, bool)):
        return None
    return replace(where, value_text)


def add_entry(doc: Document, path: tuple, key: str, value_text: str) -> TextEdit | None:
    """`key: value_text` added to the mapping at `path`, in its style: inside the braces
    of a flow mapping (`{units: 16, key: value}`), on a line of its own at the
    indentation of its keys in a block mapping. None for other forms."""
    mapping = value_at(doc, path)
    where = doc.positions.get(path)
    if not isinstance(mapping, dict) or where is None or key in mapping:
        return None
    entry = f"{scalar(key)}: {value_text}"
    text = doc.text
    if char_at(text, where.line, where.column) == "{":
        if not mapping:
            return TextEdit(where.line, where.column + 1, where.line, where.column + 1, entry)
        last = doc.positions.get(path + (list(mapping)[-1],))
        if last is None:
            return None
        return TextEdit(last.end_line, last.end_column, last.end_line, last.end_column,
                        ", " + entry)
    first = doc.key_positions.get(path + (next(iter(mapping)),)) if mapping else None
    if first is None:  # an empty block mapping is written `{}`: handled above
        return None
    return _new_line_after(text, line_starts(text), where.end_line,
                           " " * (first.column - 1) + entry)


def _new_line_after(text: str, starts: list[int], line: int, content: str) -> TextEdit:
    """A line holding `content` inserted after line `line`, with that line's line end."""
    end = line_end(starts, text, line)
    eol = "\r\n" if text[end - 1:end] == "\r" else "\n"
    if line < len(starts):  # at the start of the next line
        return TextEdit(line + 1, 1, line + 1, 1, content + eol)
    column = end - starts[line - 1] + 1  # the text ends without a line end
    return TextEdit(line, column, line, column, eol + content)


def value_at(doc: Document, path: tuple) -> Any:
    value = doc.value
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value
