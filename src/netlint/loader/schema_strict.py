"""What the editor schema adds to the loader's: closed argument lists and class names.

Everything the loader accepts must stay valid here, Keras 1/2 spellings
included (`output_dim`, `nb_filter`, `Convolution2D`, `CuDNNLSTM`, ...): they
get a `deprecationMessage` (yaml-language-server shows it) instead of an error,
as NL901/NL902 report them as warnings, not errors.
"""

from __future__ import annotations

from netlint.layers.base import LayerDef
from netlint.loader import legacy
from netlint.loader.schema_arguments import layer_schema

# Arguments the loader takes on any layer: a first layer's Keras 2 input description.
_INPUT_ARGUMENTS = {
    "batch_input_shape": {"type": "array", "items": {"anyOf": [
        {"type": "integer", "minimum": 1}, {"type": "null"}]},
        "description": "Keras 2 style: the model input with the batch size first, "
                       "[batch, ...shape]; on the first layer only"},
    "batch_size": {"description": "Keras 2 style: a fixed batch size for the model input, "
                                  "with input_shape on the first layer"},
}


def legacy_arguments(definition: LayerDef) -> dict[str, str | None]:
    """Old argument name -> the Keras 3 name it stands for here (None: dropped in Keras 3)."""
    known = definition.all_params
    old_names: dict[str, str | None] = {}
    for old, new in legacy.LEGACY_KWARGS.items():
        if old not in known and new in known:
            old_names[old] = new
    for old in legacy.REMOVED_KWARGS:
        if old not in known:
            old_names[old] = None
    for parts, target in legacy.KERNEL_PARTS.items():
        if target in known:
            old_names.update({part: target for part in parts if part not in known})
    return old_names


def _legacy_argument_schema(old: str, new: str | None) -> dict:
    if new is None:
        message = f"`{old}` is a Keras 1/2 argument that Keras 3 dropped: " \
                  f"{legacy.REMOVED_KWARGS[old]} (NL901)"
    else:
        message = f"`{old}` is the Keras 1/2 name of `{new}`: write {new} (NL901)"
    # no value constraint: the loader renames first, and Keras 1 values differ (`th`, `tf`)
    return {"description": message, "deprecationMessage": message}


def _required_clauses(definition: LayerDef, old_names: dict) -> list[dict]:
    """One clause per required argument: it, or any old spelling that supplies it."""
    clauses = []
    for name in definition.required:
        ways = [[name]] + [[old] for old, new in old_names.items()
                           if new == name and not _is_kernel_part(old)]
        ways += [[p for p in parts] for parts, target in legacy.KERNEL_PARTS.items()
                 if target == name and all(p in old_names for p in parts)]
        clauses.append({"required": ways[0]} if len(ways) == 1
                       else {"anyOf": [{"required": way} for way in ways]})
    return clauses


def _is_kernel_part(name: str) -> bool:
    return any(name in parts for parts in legacy.KERNEL_PARTS)


def strict_layer_schema(definition: LayerDef) -> dict:
    """The editor's schema of a layer's value: the loader's, its arguments closed."""
    schema = layer_schema(definition)
    close_arguments(schema["anyOf"][0], definition)
    return schema


def close_arguments(keywords: dict, definition: LayerDef) -> None:
    """Make a layer's argument mapping closed: only Keras's arguments (or old spellings)."""
    props = keywords["properties"]
    old_names = legacy_arguments(definition)
    for old, new in sorted(old_names.items()):
        props[old] = _legacy_argument_schema(old, new)
    for name, schema in _INPUT_ARGUMENTS.items():
        props.setdefault(name, dict(schema))
    keywords["additionalProperties"] = False
    clauses = _required_clauses(definition, old_names)
    if clauses:
        keywords["allOf"] = clauses


def legacy_classes(defs: dict[str, LayerDef]) -> dict[str, dict]:
    """Keras 1/2 class names the loader rewrites, each valid with its Keras 3 arguments."""
    out = {}
    for old, new in sorted(legacy.LEGACY_LAYERS.items()):
        if old in defs or new not in defs:
            continue  # still a Keras 3 alias (it has its own entry), or nothing to point at
        schema = strict_layer_schema(defs[new])
        message = f"`{old}` is the Keras 1/2 name of {new}: write {new} (NL902)"
        schema["description"] = message
        schema["deprecationMessage"] = message
        out[old] = schema
    return out
