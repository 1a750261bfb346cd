"""Edits of one layer's arguments, wherever and however the layer item is written:
`- LSTM: {units: 16}`, a block mapping, `- LSTM:` with nothing, or a bare `- LSTM`."""

from __future__ import annotations

from netlint.model.findings import TextEdit
from netlint.fixes.text_edits import char_at
from netlint.fixes.yaml_edits import add_entry, replace, set_value, value_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.loader.yaml_document import Document
    from netlint.model.graph import LayerSpec, ModelSpec


def defining(model: ModelSpec, spec: LayerSpec) -> LayerSpec:
    """The item that holds a layer's arguments: a `call:`'s layer, else the layer."""
    return (model.layer(spec.shares) or spec) if spec.shares else spec


def arguments_path(doc: Document, spec: LayerSpec) -> tuple | None:
    """`("layers", 2, "LSTM")`: where a top-level layer item's arguments are written; None
    for a layer inside a wrapper or a Pipeline (no edit is offered there)."""
    item = ("layers", spec.index)
    value = value_at(doc, item)
    written = spec.written_class or spec.class_name
    if isinstance(value, dict) and written in value:
        return item + (written,)
    if value == written:  # `- LSTM`
        return item
    return None


def add_argument(doc: Document, spec: LayerSpec, key: str, value_text: str) -> TextEdit | None:
    """`key: value_text` added to a top-level layer's arguments, in the item's style."""
    path = arguments_path(doc, spec)
    if path is None:
        return None
    written = spec.written_class or spec.class_name
    arguments = value_at(doc, path)
    if len(path) == 2:  # `- LSTM` -> `- LSTM: {key: value}`
        return replace(doc.positions[path], f"{written}: {{{key}: {value_text}}}")
    if arguments is None:  # `- LSTM:` or `- LSTM: null` -> `- LSTM: {key: value}`
        return _fill_null(doc, path, f"{{{key}: {value_text}}}")
    return add_entry(doc, path, key, value_text)


def _fill_null(doc: Document, path: tuple, value_text: str) -> TextEdit | None:
    value = doc.positions.get(path)
    if value is not None and (value.line, value.column) != (value.end_line, value.end_column):
        return replace(value, value_text)  # `null`, `~` written out
    key = doc.key_positions.get(path)
    if key is None:
        return None
    if char_at(doc.text, key.end_line, key.end_column) != ":":
        return None
    return TextEdit(key.end_line, key.end_column + 1, key.end_line, key.end_column + 1,
                    " " + value_text)


def set_argument(doc: Document, spec: LayerSpec, key: str, value_text: str, *,
                 inside: str | None = None) -> TextEdit | None:
    """`key: value_text` on a top-level layer (or on the layer a wrapper holds in its
    argument `inside`, e.g. Bidirectional's `layer`): the written value replaced, or
    the argument added."""
    path = arguments_path(doc, spec)
    if path is None:
        return None
    if inside is not None:
        inner = value_at(doc, path + (inside,))
        if len(path) == 2 or not isinstance(inner, dict) or len(inner) != 1:
            return None
        path = path + (inside, next(iter(inner)))
        if not isinstance(value_at(doc, path), dict):
            return None
    arguments = value_at(doc, path)
    if isinstance(arguments, dict) and key in arguments:
        return set_value(doc, path + (key,), value_text)
    if inside is not None:
        return add_entry(doc, path, key, value_text)
    return add_argument(doc, spec, key, value_text)
