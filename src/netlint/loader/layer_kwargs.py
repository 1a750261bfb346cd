"""A layer's arguments as Keras 3 spells them: positional values named, Keras 1/2 names
renamed, removed arguments dropped, kernel parts joined, case-free strings lower-cased.

The layer reader (layer_items) decides which class an item is and what it wires to;
this module only rewrites the item's arguments, records where each was written and
how, and has the rewritten ones checked against the schema (normalised).
"""

from __future__ import annotations

from netlint.model.findings import loader_finding
from netlint.loader import legacy
from netlint.loader.normalised import check_rewritten
from netlint.loader.yaml_source import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netlint.layers.base import LayerDef

# Arguments whose strings Keras reads in any letter case (`standardize_padding`,
# `standardize_data_format`); netlint.vocabulary says which spellings it takes.
_LOWER_CASED = ("padding", "data_format")


def read_kwargs(doc: Document, findings: list, written: str, class_name: str,
                definition: LayerDef, raw: Any, path: tuple) -> tuple:
    """kwargs as Keras 3 spells them, their positions, and legacy renames; (None, None,
    None) after the NL001 findings (appended to `findings`) that refuse them."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        values = raw if isinstance(raw, list) else [raw]
        order = legacy.LEGACY_POSITIONAL.get(written, definition.positional)
        if len(values) > len(order):
            findings.append(loader_finding(
                "NL001", f"{written} takes at most {len(order)} positional "
                f"argument(s) ({', '.join(order) or 'none'}), got {len(values)}",
                doc.position_of(path), fix="write the arguments by name: {units: 10, ...}"))
            return None, None, None
        raw = dict(zip(order, values))
        positions = {k: doc.position_of(path + (i,)) for i, k in enumerate(order)}
        written_as = {k: f"argument {i + 1}" for i, k in enumerate(raw)}
    else:
        positions = argument_positions(doc, path, raw)
        written_as = {}  # argument -> how the file wrote it, when the loader rewrote it
    renamed: dict = {}
    known = definition.all_params  # shared by every layer of this class: read, never changed
    if raw.keys() <= known.keys():
        # the usual case, every argument spelled as in Keras 3: nothing to rename or
        # drop (`_renamed` costs ~3,800 instructions a layer more)
        kwargs = dict(raw)
    else:
        kwargs = _renamed(class_name, raw, known, positions, written_as, renamed)
    for parts, target in legacy.KERNEL_PARTS.items():
        if parts[0] in kwargs and all(p in kwargs for p in parts):
            kwargs[target] = [kwargs.pop(p) for p in parts]
            positions[target] = positions.get(parts[0])
            for p in parts:
                renamed[p] = target
            written_as[target] = ", ".join(written_as.pop(p, p) for p in parts)
    if written_as and not _rewritten_ok(findings, path, kwargs, positions, written_as):
        return None, None, None
    for key in _LOWER_CASED:
        value = kwargs.get(key)
        if value.__class__ is str and not value.islower():
            kwargs[key] = value.lower()  # `SAME`: Keras lower-cases these itself
    return kwargs, positions, renamed


def argument_positions(doc: Document, path: tuple, raw: dict) -> dict:
    """argument -> Position of its value (`position_of` inlined for the argument written
    in the file, the usual case: ~1,500 instructions a layer)."""
    table = doc.positions
    positions = {}
    for key in raw:
        where = path + (key,)
        positions[key] = table[where] if where in table else doc.position_of(where)
    return positions


def _renamed(class_name: str, raw: dict, known: dict, positions: dict, written_as: dict,
             renamed: dict) -> dict:
    """kwargs with Keras 1/2 names replaced and removed arguments dropped; `positions`,
    `written_as` and `renamed` are updated to match."""
    kwargs: dict = {}
    renames = {**legacy.LEGACY_KWARGS, **legacy.LEGACY_CLASS_KWARGS.get(class_name, {})}
    for key, value in raw.items():
        new = key
        if key not in known and key in renames:
            new = renames[key]
            renamed[key] = new
            written_as[new] = written_as.pop(key, key)
            if key == "dim_ordering":
                value = legacy.DATA_FORMAT_VALUES.get(value, value)
        elif key not in known and key in legacy.REMOVED_KWARGS:
            renamed[key] = None  # NL901 reports it; Keras 3 has no such argument
            written_as.pop(key, None)
            continue
        kwargs[new] = value
        positions[new] = positions.get(key)
    return kwargs


def _rewritten_ok(findings: list, path: tuple, kwargs: dict, positions: dict,
                  written_as: dict) -> bool:
    """Rewritten arguments meet the schema under their Keras 3 names (else NL001s)."""
    rewritten = {key: kwargs[key] for key in written_as if key in kwargs}
    problems = check_rewritten(path, rewritten, positions, written_as)
    findings.extend(problems)
    return not problems
