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

from netlint import vocabulary
from netlint.layers import vocab
from netlint.layers.base import REQUIRED, LayerDef
from netlint.layers.declared import CUSTOM_NAME, OPS_NAME
from netlint.layers.registry import all_defs
from netlint.loader.schema_text import CUSTOM_LAYER_DOC, DECLARED_DOCS, OPS_NODE_DOC, describe

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

SCHEMA_ID = "https://github.com/netlint/netlint/schemas/netlint-model.schema.json"

POSITIVE_INT = {"type": "integer", "minimum": 1}
NON_NEGATIVE_INT = {"type": "integer", "minimum": 0}
INT_OR_TUPLE = {"anyOf": [POSITIVE_INT, {"type": "array", "items": POSITIVE_INT,
                                         "minItems": 1, "maxItems": 3}]}
# ZeroPadding's and Cropping's sizes: 2, [1, 2], or [[1, 1], [2, 2]] (one pair per axis)
SIDES = {"anyOf": [NON_NEGATIVE_INT, {"type": "array", "items": {"anyOf": [
    NON_NEGATIVE_INT, {"type": "array", "items": NON_NEGATIVE_INT, "minItems": 2,
                       "maxItems": 2}]}, "minItems": 1, "maxItems": 3}]}
RATE = {"type": "number", "minimum": 0, "maximum": 1}
NUMBERS = {"anyOf": [{"type": "number"},
                     {"type": "array", "items": {"type": "number"}, "minItems": 1}]}
SHAPE = {"type": "array", "items": {"anyOf": [POSITIVE_INT, {"type": "null"}]},
         "maxItems": 8, "description": "per-sample shape, batch excluded; null = any size"}
NULL = {"type": "null"}
# What a Lambda, custom layer or ops node makes (layers.declared): one per-sample shape,
# or a list of them for several outputs
OUTPUT_SHAPES = {"anyOf": [SHAPE, {"type": "array", "items": SHAPE, "minItems": 1}]}
# A layer's arguments written without names: `- Dropout: 0.5`, `- Convolution2D: [32, 3, 3]`
POSITIONAL_FORM = {"not": {"type": ["object", "null"]}}


# Marks a schema node whose strings are Keras's vocabulary of one kind: the loader's
# message for a string Keras refuses names the kind and suggests from it (validate.py).
VOCABULARY_KEY = "x-keras-vocabulary"


def keras_name(kind: str) -> dict:
    """A string Keras 3 accepts as a `kind` (netlint.vocabulary): the spellings listed
    for completion, and any letter case where Keras ignores it (`Adam`, `SAME`)."""
    branches: list[dict] = [{"type": "string", "enum": list(vocabulary.names(kind))}]
    any_case = vocabulary.any_case_names(kind)
    if any_case:
        branches.append({"type": "string", "pattern": _any_case_pattern(any_case)})
    return {"anyOf": branches, VOCABULARY_KEY: kind}


def _any_case_pattern(names: tuple) -> str:
    """`^(?:[aA][dD][aA][mM]|...)$`: draft-07 patterns have no case-insensitive flag."""
    def letters(name: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c)
                       for c in name)
    return "^(?:" + "|".join(letters(name) for name in names) + ")$"


def _named_or_config(kind: str) -> dict:
    """A Keras identifier: a string Keras accepts as a `kind`, or `{ClassName: {kwargs}}`."""
    return {"anyOf": [
        keras_name(kind),
        {"type": "object", "minProperties": 1, "maxProperties": 1},
        NULL,
    ]}


def _ref(name: str) -> dict:
    # allOf around the $ref: in draft-07 a $ref's sibling keywords (description,
    # default) are ignored, and each argument carries its own
    return {"allOf": [{"$ref": f"#/definitions/{name}"}]}


# Value types many arguments share: written once under `definitions`. No name may equal a
# layer class's but for letter case ("activation" would shadow "Activation"): the generated
# validator (generate_validator.py) names its functions case-insensitively.
SHARED_VALUES: dict[str, dict] = {
    "activationFunction": {**_named_or_config("activation"),
                   "description": "an activation name, or {ClassName: {kwargs}}"},
    "initializer": {**_named_or_config("initializer"),
                    "description": "an initializer name, or {ClassName: {kwargs}} such as "
                                   "{RandomNormal: {stddev: 0.05}}"},
    "regularizer": {**_named_or_config("regularizer"),
                    "description": "a regularizer name, or {L2: {l2: 0.01}}"},
    "constraint": {**_named_or_config("constraint"),
                   "description": "a constraint name, or {MaxNorm: {max_value: 2}}"},
    "dtype": {"anyOf": [{"type": "string", "enum": list(vocab.DTYPES)}, NULL]},
    "dataFormat": {"anyOf": [keras_name("data_format"), NULL]},
    "intOrTuple": INT_OR_TUPLE,
    "sides": SIDES,
}

# Argument name -> schema; the same argument means the same thing in every Keras layer.
_BY_NAME: dict[str, dict] = {
    "units": POSITIVE_INT, "filters": POSITIVE_INT,
    "num_heads": POSITIVE_INT, "key_dim": POSITIVE_INT, "n": POSITIVE_INT,
    "output_dim": POSITIVE_INT, "groups": POSITIVE_INT, "depth_multiplier": POSITIVE_INT,
    "rate": RATE, "dropout": RATE, "recurrent_dropout": RATE,
    "activation": _ref("activationFunction"),
    "recurrent_activation": _ref("activationFunction"),
    "padding": keras_name("padding"),
    "data_format": _ref("dataFormat"),
    "kernel_size": _ref("intOrTuple"), "strides": _ref("intOrTuple"),
    "pool_size": _ref("intOrTuple"), "dilation_rate": _ref("intOrTuple"),
    "size": _ref("intOrTuple"), "output_size": _ref("intOrTuple"),
    "cropping": _ref("sides"),
    "name": {"type": "string", "pattern": r"^[A-Za-z0-9_.\-]+$"},
    "dtype": _ref("dtype"),
    "input_shape": SHAPE,
    "batch_input_shape": {"type": "array", "items": {"anyOf": [POSITIVE_INT, NULL]}},
    "target_shape": {"type": "array", "items": {"type": "integer", "minimum": -1}},
    "dims": {"type": "array", "items": POSITIVE_INT},
    "axis": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
    "trainable": {"type": "boolean"},
    "merge_mode": {"enum": ["concat", "sum", "mul", "ave", None]},
    "score_mode": {"enum": ["dot", "concat"]},
    "interpolation": {"enum": ["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"]},
    "use_cudnn": {"enum": ["auto", True, False]},
    # the augmentation layers' strengths: one number, or a (low, high) range
    "factor": NUMBERS, "x_factor": NUMBERS, "y_factor": NUMBERS,
    "addition_factor": NUMBERS, "threshold_factor": NUMBERS, "sigma": NUMBERS,
    "offset": NUMBERS,
    "layer": _ref("layerItem"),
    "backward_layer": {"anyOf": [{"$ref": "#/definitions/layerItem"}, NULL]},
}

# Layers whose `padding` is a number of zeros, not a padding mode.
_PADDING_SIZES = ("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")

# Arguments that mean something else in one layer than the same name elsewhere
# (`scale` is a switch in BatchNormalization, a number or one per channel in Rescaling).
_BY_LAYER: dict[tuple[str, str], dict] = {
    ("Rescaling", "scale"): NUMBERS, ("RandomPerspective", "scale"): NUMBERS,
    ("RandomElasticTransform", "scale"): NUMBERS,
    # Normalization over every axis but the batch: Keras's own `axis=None`
    ("Normalization", "axis"): {"anyOf": [_BY_NAME["axis"], NULL]},
    # L1L2 reads null as 0; audio comes at any rate (22050.5 Hz), not only whole hertz
    ("ActivityRegularization", "l1"): {"anyOf": [{"type": "number", "minimum": 0}, NULL]},
    ("ActivityRegularization", "l2"): {"anyOf": [{"type": "number", "minimum": 0}, NULL]},
    ("MelSpectrogram", "sampling_rate"): {"type": "number"},
    ("Lambda", "output_shape"): OUTPUT_SHAPES,
}


def _jsonable(value: Any) -> Any:
    """The registry default as JSON (tuples become lists); raises TypeError if it has none."""
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"no JSON form for {value!r}")


def _allows_null(schema: dict) -> bool:
    if not schema or schema.get("type") == "null" or None in schema.get("enum", [None]):
        return True
    if "$ref" in schema:
        return _allows_null(SHARED_VALUES.get(schema["$ref"].rpartition("/")[2], {}))
    if "allOf" in schema:
        return all(_allows_null(branch) for branch in schema["allOf"])
    return any(_allows_null(branch) for branch in schema.get("anyOf", []))


def _value_schema(name: str, default: Any, layer: str) -> dict:
    """The type/enum part of an argument's schema (no description)."""
    if name == "padding" and layer in _PADDING_SIZES:
        return _ref("sides")
    if (layer, name) in _BY_LAYER:
        schema = _BY_LAYER[(layer, name)]
    elif name in _BY_NAME:
        schema = _BY_NAME[name]
    elif name.endswith(("_initializer", "_regularizer", "_constraint")):
        schema = _ref(name.rpartition("_")[2])
    elif isinstance(default, bool):
        schema = {"type": "boolean"}
    elif isinstance(default, int) and default is not REQUIRED:
        schema = {"type": "integer"}
    elif isinstance(default, float):
        schema = {"type": "number"}
    else:
        schema = {}
    if default is None and not _allows_null(schema):
        schema = {"anyOf": [schema, NULL]}  # `strides: null` is Keras's own default
    return schema


def kwarg_description(name: str, layer: str) -> str:
    return describe(name, layer) or f"argument `{name}` of keras.layers.{layer}"


def kwarg_schema(name: str, default: Any, layer: str = "") -> dict:
    """One argument: type/enum, what it means, and Keras's default (for editors)."""
    schema = copy.deepcopy(_value_schema(name, default, layer))
    schema["description"] = kwarg_description(name, layer)
    if default is not REQUIRED and default is not None:  # null says nothing an editor can use
        try:
            schema["default"] = _jsonable(default)
        except TypeError:
            pass
    return schema


def layer_schema(definition: LayerDef, strict: bool = False) -> dict:
    """A layer's `{ClassName: ...}` value: its arguments, or positional values, or nothing."""
    props = {k: kwarg_schema(k, v, definition.name) for k, v in definition.all_params.items()}
    keywords: dict = {"type": "object", "properties": props}
    if strict:
        from netlint.loader.schema_strict import close_arguments

        close_arguments(keywords, definition)
    return {
        "description": f"{(definition.doc.splitlines() or [''])[0]} (keras.layers."
                       f"{definition.name})",
        "anyOf": [keywords, NULL, POSITIONAL_FORM],
    }


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
        from netlint.loader.schema_strict import legacy_classes

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
    return {"anyOf": [mapping, {"type": "string", "description": "a layer with no arguments"}]}


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
            "params": params, "name": _BY_NAME["name"],
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
    return _schema(strict=True)


def schema_text(schema: dict | None = None) -> str:
    """The schema as the committed file holds it: stable key order, 2-space indent."""
    return json.dumps(schema or editor_schema(), indent=2, ensure_ascii=False) + "\n"
