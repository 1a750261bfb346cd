"""The JSON Schema (draft-07) of the model file, generated from the layer registry.

One source of truth: the registry knows every layer and argument, so the
schema the loader validates with and the one editors use cannot disagree.
They differ in one way, on purpose:

* `model_schema()` (the loader's) leaves layer class names and argument names
  open: the loader checks those itself and reports NL002/NL003 with a
  did-you-mean, which a schema error cannot say as well;
* `editor_schema()` (what `netlint schema` prints and
  `schemas/netlint-model.schema.json` holds) closes them, so an editor
  underlines `LTSM` or `return_sequence` as you type. Keras 1/2 spellings
  the loader understands stay valid there (with a deprecation message).

A test checks the two agree: a file the loader reads without NL001-NL003
validates against the editor schema, and one the editor schema accepts has no
unknown layer or argument. Another fails when the committed file is stale.
"""

from __future__ import annotations

import copy
import functools
import json
import re

from netlint.layers import vocab
from netlint.layers.base import LayerDef
from netlint.layers.declared import CUSTOM_NAME, OPS_NAME
from netlint.layers.registry import all_defs
from netlint.loader.schema_arguments import (
    LAYER_NAME, NON_NEGATIVE_INT, NULL, OUTPUT_SHAPES, POSITIVE_INT, RATE, SHAPE, SHARED_VALUES,
    keras_name)
from netlint.loader.schema_arguments import layer_schema as open_layer_schema
from netlint.loader.schema_strict import legacy_classes, strict_layer_schema
from netlint.loader.schema_text import CUSTOM_LAYER_DOC, DECLARED_DOCS, OPS_NODE_DOC

SCHEMA_ID = "https://github.com/netlint/netlint/schemas/netlint-model.schema.json"


def layer_schema(definition: LayerDef, strict: bool = False) -> dict:
    """A layer's `{ClassName: ...}` value: the loader's (open) or the editor's (closed)."""
    return strict_layer_schema(definition) if strict else open_layer_schema(definition)


def _input_schema() -> dict:
    return {"type": "object", "description": "a model input", "properties": {
        "shape": SHAPE,
        "axes": {"type": "array", "items": {"type": "string", "enum": list(vocab.AXIS_WORDS)},
                 "description": "what each axis of the shape means (time, features, ...)"},
        "batch_size": {**POSITIVE_INT, "description": "a fixed batch size (stateful RNNs)"},
        "dtype": {"type": "string", "enum": list(vocab.DTYPES)},
        "name": {"type": "string", "description": "the input's name (`from:` refers to it)"},
        "sparse": {"type": "boolean"},
    }, "required": ["shape"], "additionalProperties": False}


def _data_entry_schema() -> dict:
    return {"type": "object", "description": "an array fed to the model: its shape, or a "
            ".npy/.npz file", "properties": {
                "shape": {"type": "array", "items": {"anyOf": [
                    {"type": "integer", "minimum": 0}, NULL]},
                    "description": "the whole array's shape, samples first"},
                "axes": {"type": "array",
                         "items": {"type": "string", "enum": list(vocab.AXIS_WORDS)}},
                "path": {"type": "string", "description": ".npy or .npz file (relative to "
                         "the model file)"},
                "encoding": {"type": "string", "enum": list(vocab.ENCODINGS),
                             "description": "how labels are written"},
                "classes": {**POSITIVE_INT, "description": "number of classes"},
                "range": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                          "maxItems": 2, "description": "[min, max] of the values"},
                "dtype": {"type": "string"},
                "padded": {"type": "boolean", "description": "sequences are zero-padded"},
                "key": {"type": "string", "description": "array name inside an .npz file"},
            }, "additionalProperties": False}


def _identifier(kind: str, what: str) -> dict:
    return {"anyOf": [keras_name(kind),
                      {"type": "object", "minProperties": 1, "maxProperties": 1}],
            "description": what}


def _compile_schema() -> dict:
    return {"type": "object", "description": "what model.compile() gets", "properties": {
        "loss": {"anyOf": [_identifier("loss", "loss"), {"type": "array"},
                           {"type": "object"}],
                 "description": "a loss name, {LossClass: {kwargs}}, or one per output"},
        "optimizer": _identifier("optimizer",
                                 "an optimizer name, or {Adam: {learning_rate: 0.001}}"),
        "metrics": {"type": "array", "items": {"anyOf": [
            keras_name("metric"), {"type": "object"}]},
            "description": "metrics reported while training"},
        "loss_weights": {}, "jit_compile": {}, "steps_per_execution": {},
    }, "additionalProperties": False}


def _root_properties(data_entry: dict) -> dict:
    return {
        "netlint": {"type": "integer", "enum": [1], "description": "format version"},
        "name": {"type": "string", "description": "the model's name"},
        "description": {"type": "string"},
        "input": {"$ref": "#/definitions/input"},
        "inputs": {"type": "object", "additionalProperties": {"$ref": "#/definitions/input"},
                   "minProperties": 1, "description": "named inputs (a functional model)"},
        "layers": {"type": "array", "items": {"$ref": "#/definitions/layerItem"},
                   "minItems": 1, "description": "the layers, in order; each item is one "
                   "Keras class name -> its arguments"},
        "outputs": {"anyOf": [{"type": "string"}, {"type": "array",
                                                   "items": {"type": "string"}}],
                    "description": "the model's outputs (default: the last layer)"},
        "compile": _compile_schema(),
        "data": {"type": "object", "description": "what will be fed in; checked against "
                 "the model", "properties": {
                     "x": data_entry, "y": data_entry, "validation_split": RATE,
                 }, "additionalProperties": {"$ref": "#/definitions/dataEntry"}},
        "train": {"type": "object", "description": "model.fit() settings", "properties": {
            "batch_size": POSITIVE_INT, "epochs": POSITIVE_INT,
            "nb_epoch": POSITIVE_INT, "validation_split": RATE, "shuffle": {},
            "steps_per_epoch": POSITIVE_INT,
        }, "additionalProperties": False},
    }


def _layer_definitions(strict: bool) -> dict[str, dict]:
    """Class name -> the schema of its value; aliases (MaxPool1D) share their class's."""
    defs = all_defs()
    out = {name: layer_schema(d, strict) for name, d in sorted(defs.items())
           if d.name == name}
    if strict:
        out.update(legacy_classes(defs))
    return out


def _share_repeated_arguments(layers: dict[str, dict]) -> dict[str, dict]:
    """Write an argument schema that many layers repeat (`name`, `trainable`, ...) once.

    Each layer's argument becomes a `$ref` to `definitions/arg.<name>` (numbered when
    layers differ, e.g. in their defaults); this keeps the file a fraction of the size.
    """
    shared: dict[str, dict] = {}
    by_content: dict[str, str] = {}
    counts: dict[str, int] = {}
    arguments = [(props, key) for _, schema in sorted(layers.items())
                 for props in [_arguments_of(schema)] if props for key in props]
    for props, key in arguments:
        text = json.dumps(props[key], sort_keys=True)
        counts[text] = counts.get(text, 0) + 1
    for props, key in arguments:
        text = json.dumps(props[key], sort_keys=True)
        if counts[text] < 2:
            continue
        if text not in by_content:
            name, number = f"arg.{key}", 1
            while name in shared:
                number += 1
                name = f"arg.{key}.{number}"
            by_content[text] = name
            shared[name] = props[key]
        props[key] = {"$ref": f"#/definitions/{by_content[text]}"}
    return shared


def _arguments_of(layer: dict) -> dict | None:
    """The `properties` of a layer schema's mapping branch."""
    for branch in layer.get("anyOf", []):
        if branch.get("type") == "object":
            return branch["properties"]
    return None


def _layer_item(strict: bool, layer_definitions: dict) -> dict:
    """A `layers:` item: `{ClassName: arguments, from: ...}`, or a bare class name."""
    refs = {name: {"$ref": f"#/definitions/{d.name}"} for name, d in sorted(all_defs().items())}
    refs["Input"] = refs["InputLayer"]
    if strict:
        refs.update({name: {"$ref": f"#/definitions/{name}"} for name in layer_definitions
                     if name not in refs})
    refs["from"] = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                    "description": "what this layer consumes: an input or layer name, or a "
                                   "list (default: the item above)"}
    mapping = {"type": "object", "properties": dict(sorted(refs.items())), "minProperties": 1}
    if strict:
        mapping.update(additionalProperties=False, maxProperties=2,
                       patternProperties=_declared_patterns(refs))
    item = {"anyOf": [mapping, {"type": "string", "description": "a layer with no arguments"}]}
    # a mapping with `call:` is a call item and nothing else: explained on its own terms
    return {"if": {"type": "object", "required": ["call"]}, "then": _CALL_ITEM, "else": item}


# `- call: encoder`: a layer defined above, called again with its weights (loader.layer_calls)
_CALL_ITEM = {
    "type": "object",
    "description": "a layer defined above, called again on other inputs with the same weights",
    "properties": {
        "call": {"type": "string", "description": "the name of a layer defined above: this "
                 "item calls it again, sharing its weights"},
        "from": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                 "description": "what this call consumes: an input or layer name, or a list "
                                "(default: the item above)"},
        "name": {**LAYER_NAME, "description": "the name of this call's output, for "
                 "`from:` and `outputs:` (default: <layer>_call_2, _call_3, ...)"}},
    "required": ["call"],
    "additionalProperties": False,
}


def _declared_patterns(known: dict) -> dict:
    """The editor's names of layers taken on trust (layers.declared): `ops.<function>`, and
    any other class name, which must then declare output_shape. The loader checks these
    itself (NL001, NL002 with its did-you-mean); its schema leaves them open."""
    others = "|".join(re.escape(name) for name in sorted(known))
    return {OPS_NAME.pattern: {"$ref": "#/definitions/opsNode"},
            f"^(?!(?:{others})$){CUSTOM_NAME.pattern[1:]}": {
                "$ref": "#/definitions/customLayer"}}


def _declared_definitions() -> dict:
    def declared(description: str, params: dict) -> dict:
        return {"description": description, "type": "object", "properties": {
            "output_shape": {**OUTPUT_SHAPES, "description": DECLARED_DOCS["output_shape"]},
            "params": params, "name": LAYER_NAME,
            "from": {"not": {}, "description": "`from:` goes beside the class name"}},
            "required": ["output_shape"]}

    return {"customLayer": declared(CUSTOM_LAYER_DOC, {
                **NON_NEGATIVE_INT, "description": DECLARED_DOCS["params"]}),
            "opsNode": declared(OPS_NODE_DOC, {
                "not": {}, "description": "a keras.ops node has no weights"})}


def _schema(strict: bool) -> dict:
    data_entry = _data_entry_schema()
    layers = _layer_definitions(strict)
    definitions = {"layerItem": _layer_item(strict, layers), "input": _input_schema(),
                   "dataEntry": data_entry, **copy.deepcopy(SHARED_VALUES), **layers}
    definitions.update(_share_repeated_arguments(layers))
    if strict:
        definitions.update(_declared_definitions())
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "netlint model file",
        "description": "A Keras model in YAML: Keras 3 layer names and arguments.",
        "type": "object",
        "definitions": definitions,
        "properties": _root_properties(data_entry),
        "required": ["layers"],
        "additionalProperties": False,
    }


@functools.lru_cache(maxsize=1)
def model_schema() -> dict:
    """The loader's schema (cached: built from the registry once); names left open."""
    return _schema(strict=False)


@functools.lru_cache(maxsize=1)
def editor_schema() -> dict:
    """The schema for editors and `netlint schema`: unknown layers and arguments invalid."""
    schema = copy.deepcopy(_schema(strict=True))  # the constants it shares stay untouched
    describe_alternatives(schema)
    return schema


def describe_alternatives(node: object) -> None:
    """Give every `anyOf` branch a description of its own, distinct from its siblings'.

    yaml-language-server's hover takes an `anyOf` whose branches all "matched" and joins
    their titles with ` || `, a missing title replaced by the closest one above, the
    file's: "netlint model file || netlint model file || ...". It counts a branch as
    matched when any schema that matched has the same title, description and properties,
    so branches with none of these match everything. Described, they match themselves."""
    if isinstance(node, list):
        for item in node:
            describe_alternatives(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        describe_alternatives(value)
    seen: set[str] = set()
    for branch in node.get("anyOf", []):
        if not isinstance(branch, dict):
            continue
        if "title" not in branch and "description" not in branch:
            words, number = _branch_words(branch), 2
            text = words
            while text in seen:
                text, number = f"{words} ({number})", number + 1
            branch["description"] = text
        seen.add(branch.get("description", branch.get("title", "")))


def _branch_words(branch: dict) -> str:
    """A few words for one alternative of an `anyOf`, from what it accepts."""
    if "$ref" in branch:
        return f"a {branch['$ref'].rpartition('/')[2]}"
    if "enum" in branch:
        shown = ", ".join(json.dumps(value) for value in branch["enum"][:4])
        return f"one of {shown}{', ...' if len(branch['enum']) > 4 else ''}"
    if "pattern" in branch:
        return "the same names in any letter case"
    if "not" in branch:
        return "the values written without their names (positional)"
    kind = branch.get("type")
    if kind == "integer":
        return {1: "a positive integer", 0: "a non-negative integer"}.get(
            branch.get("minimum"), "an integer")
    if kind == "object" and branch.get("maxProperties") == 1:
        return "{ClassName: {arguments}}"
    return {"null": "null: Keras's default", "number": "a number", "string": "a string",
            "boolean": "true or false", "array": "a list", "object": "a mapping"}.get(
        kind if isinstance(kind, str) else "", "one of several forms")


def schema_text(schema: dict | None = None) -> str:
    """The schema as the committed file holds it: stable key order, 2-space indent."""
    return json.dumps(schema or editor_schema(), indent=2, ensure_ascii=False) + "\n"
