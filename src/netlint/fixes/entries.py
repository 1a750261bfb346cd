"""Removing a mapping entry and adding a top-level key, in the file's own style: what
moving a first layer's `input_shape` to `input:` takes."""

from __future__ import annotations

from netlint.model.findings import TextEdit
from netlint.fixes.text_edits import char_at, line_end, line_starts, offset
from netlint.fixes.yaml_edits import value_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.loader.yaml_document import Document


def remove_entry(doc: Document, path: tuple) -> TextEdit | None:
    """The entry at `path` (`key: value`) removed from its mapping with the separator it
    needs: `, input_shape: [20, 1]` out of a flow mapping, its whole line(s) out of a
    block one. None where that would remove anything else the user wrote (a comment on
    the entry's line, another entry sharing it)."""
    mapping = value_at(doc, path[:-1])
    key, value = doc.key_positions.get(path), doc.positions.get(path)
    outer = doc.positions.get(path[:-1])
    if not isinstance(mapping, dict) or key is None or value is None or outer is None:
        return None
    text, starts = doc.text, line_starts(doc.text)
    keys = list(mapping)
    index = keys.index(path[-1])
    if char_at(text, outer.line, outer.column) == "{":
        if index > 0:  # from the end of the value before it: `, key: value`
            before = doc.positions.get(path[:-1] + (keys[index - 1],))
            return None if before is None else TextEdit(
                before.end_line, before.end_column, value.end_line, value.end_column, "")
        if len(keys) > 1:  # the first: up to the next key
            after = doc.key_positions.get(path[:-1] + (keys[1],))
            return None if after is None else TextEdit(
                key.line, key.column, after.line, after.column, "")
        return TextEdit(key.line, key.column, value.end_line, value.end_column, "")
    line_begin = starts[key.line - 1]
    end = line_end(starts, text, value.end_line)
    rest = text[offset(starts, text, value.end_line, value.end_column):end].strip()
    if text[line_begin:offset(starts, text, key.line, key.column)].strip() or rest:
        return None  # shares its line with `- LSTM:` or carries a comment
    if value.end_line < len(starts):
        return TextEdit(key.line, 1, value.end_line + 1, 1, "")
    return TextEdit(key.line, 1, value.end_line, value.end_column, "")


def add_top_level_before(doc: Document, key: str, line: str) -> TextEdit | None:
    """`line` (a whole `key: value` line) inserted just above the top-level `key`."""
    where = doc.key_positions.get((key,))
    if where is None or where.column != 1:
        return None
    text = doc.text
    newline = text.find("\n", line_starts(text)[where.line - 1])
    eol = "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"
    return TextEdit(where.line, 1, where.line, 1, line + eol)
