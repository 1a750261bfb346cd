"""Write an imported document as YAML, the way the examples are written.

PyYAML's SafeDumper only (no Python tags can appear), keys in the order the
document gives them, and the short flow style for a layer's arguments and for
shapes: `- LSTM: {units: 32, return_sequences: true}`. Comments (where the
model came from, what could not be expressed) go above the document, each
line cleaned of line breaks so that no text from the input can start a YAML
line of its own.
"""

from __future__ import annotations

import yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


LAYER_CHUNK = 256


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # `layers:` items indented under their key, as the examples write them
        super().increase_indent(flow, False)


class _Flow(dict):
    """A mapping written inline: `{units: 32, name: encoder}`."""


class _FlowList(list):
    """A sequence written inline: `[20, 1]`."""


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def _inline(value: Any) -> Any:
    """Every mapping and list below this point written in flow style."""
    if isinstance(value, dict):
        return _Flow((k, _inline(v)) for k, v in value.items())
    if isinstance(value, list):
        return _FlowList(_inline(v) for v in value)
    return value


def _styled(document: dict) -> dict:
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key == "layers":
            out[key] = [_layer_item(item) for item in value]
        elif key == "input":
            out[key] = _inline(value)
        elif key in ("inputs", "compile"):
            out[key] = {k: _inline(v) for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = _inline(value)
        else:
            out[key] = value
    return out


def _layer_item(item: dict) -> dict:
    return {key: _inline(value) for key, value in item.items()}


def comment_lines(lines: list[str]) -> str:
    """`# ...` lines; line breaks and other control characters become spaces."""
    out = []
    for line in lines:
        clean = "".join(ch if ch.isprintable() else " " for ch in line)
        out.append(f"# {clean}".rstrip())
    return "".join(f"{line}\n" for line in out)


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


def to_yaml(document: dict, header: list[str]) -> str:
    """The header's comments, then the document. The layers are dumped LAYER_CHUNK at a
    time: PyYAML keeps a node of every value it has written until the dump ends (three
    times the document's own memory for 40,000 layers), and a block sequence's items
    are written the same whatever comes before them."""
    keys = list(document)
    if not document.get("layers") or not isinstance(document["layers"], list):
        return comment_lines(header) + _dump(_styled(document))
    at = keys.index("layers")
    parts = [comment_lines(header)]
    before = {key: document[key] for key in keys[:at]}
    if before:
        parts.append(_dump(_styled(before)))
    parts.append("layers:\n")
    layers = document["layers"]
    for start in range(0, len(layers), LAYER_CHUNK):
        chunk = _dump({"layers": [_layer_item(item)
                                  for item in layers[start:start + LAYER_CHUNK]]})
        parts.append(chunk[len("layers:\n"):])
    after = {key: document[key] for key in keys[at + 1:]}
    if after:
        parts.append(_dump(_styled(after)))
    return "".join(parts)
