"""Arguments the loader rewrote, checked against the schema under their Keras 3 names.

The schema checks the file as written. `Dense: {output_dim: relu}` passes it
(Dense has no `output_dim`, and a layer's arguments are open so that NL003 can
name unknown ones), and so does `Dense: [relu]` (positional arguments are a
list). Once the loader has turned them into `units: relu`, the value must meet
the schema of `units`, or inference and the rules would compute with text
where a number belongs (the fuzzer found NL301 comparing 'relu' > 1). This
module checks the rewritten arguments with the same schema and the same
messages as the rest of the file.
"""

from __future__ import annotations

from netlint.model.findings import Finding
from netlint.plumbing.records import replace
from netlint.loader.validate import conforms, dotted, validate
from netlint.loader.yaml_source import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PLACEHOLDER_ITEM = "Flatten"  # a valid `layers:` item with no arguments, to keep indices


def check_rewritten(class_path: tuple, values: dict, positions: dict,
                    written_as: dict) -> list[Finding]:
    """NL001 findings for `values` (argument -> value, Keras 3 names) of the layer at
    `class_path` (`("layers", 4, "Dense")`); `positions` says where each was written,
    `written_as` how (argument -> its Keras 1/2 name, or "argument 2" when positional)."""
    # checked as the first item of `layers:`, whatever its place: a document padded with
    # placeholders up to item 20,000 made a file of shorthand layers (`- Dense: 16`)
    # cost time quadratic in its layers
    checked_at = _as_first_item(class_path)
    document = _nest(checked_at, values)
    if conforms(document):
        return []
    where = {checked_at + (key,): positions.get(key) for key in values}
    where[checked_at] = next((p for p in positions.values() if p is not None), None)
    findings = validate(Document(document, positions={k: v for k, v in where.items() if v}))
    return [_say_how_written(_named_at(f, checked_at, class_path), class_path, written_as)
            for f in findings]


def _as_first_item(class_path: tuple) -> tuple:
    """`("layers", 4, "Dense")` -> `("layers", 0, "Dense")`."""
    if len(class_path) > 1 and isinstance(class_path[1], int):
        return (class_path[0], 0) + class_path[2:]
    return class_path


def _named_at(finding: Finding, checked_at: tuple, class_path: tuple) -> Finding:
    """The finding's message naming the layer's own place (`layers[4].Dense.units`)."""
    shown, real = dotted(checked_at), dotted(class_path)
    if shown == real or not finding.message.startswith(shown):
        return finding
    return replace(finding, message=real + finding.message[len(shown):])


def _nest(path: tuple, leaf: Any) -> Any:
    """The smallest document holding `leaf` at `path` (earlier list items are placeholders)."""
    for part in reversed(path):
        leaf = [PLACEHOLDER_ITEM] * part + [leaf] if isinstance(part, int) else {part: leaf}
    return leaf


def _say_how_written(finding: Finding, class_path: tuple, written_as: dict) -> Finding:
    for key, original in written_as.items():
        if f".{key}" in finding.message or f".{key}[" in finding.message:
            note = f"written as {original}" if original.startswith("argument") else \
                f"written as '{original}', the Keras 1/2 name of {key}"
            return replace(finding, fix=f"{finding.fix}; {note}" if finding.fix else note)
    return finding
