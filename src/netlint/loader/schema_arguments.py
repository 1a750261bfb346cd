"""The schema of a layer's arguments: each argument's type, default and meaning.

An argument means the same in every Keras layer that takes it (`units`,
`activation`, `*_initializer`), but for a few layers listed here. This is the
part of the model file's schema the layer registry decides; schema.py puts it
together with the rest of the file (inputs, compile, data), and
schema_strict.py closes it for editors. Both build on this module, which
imports neither of them.
"""

from __future__ import annotations

import copy
import json
import re

from netlint import vocabulary
from netlint.layers import vocab
from netlint.layers.base import REQUIRED, LayerDef
from netlint.loader.schema_text import ENUM_DOCS, NONE_MEANS, describe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
LAYER_NAME = {"type": "string", "pattern": r"^[A-Za-z0-9_.\-]+$"}
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
    names = list(vocabulary.names(kind))
    branches: list[dict] = [{"type": "string", "enum": names}]
    if kind in ENUM_DOCS:  # shown per value by yaml-language-server (hover, completion)
        branches[0]["enumDescriptions"] = [ENUM_DOCS[kind].get(name, "") for name in names]
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
    "name": LAYER_NAME,
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


def kwarg_description(name: str, layer: str, default: Any = REQUIRED) -> str:
    """What the argument means, then `(default: ...)` from the registry: the prose never
    states a default of its own, so the two cannot disagree (LSTM's activation is tanh)."""
    text = describe(name, layer) or f"argument `{name}` of keras.layers.{layer}"
    return f"{text} ({default_phrase(name, default)})"


def default_phrase(name: str, default: Any) -> str:
    """`required`, or `default: <value>` as YAML would write it (null said in words)."""
    if default is REQUIRED:
        return "required"
    if default is None:
        return f"default: {NONE_MEANS.get(name, 'none')}"
    try:
        value = _jsonable(default)
    except TypeError:
        return f"default: {default!r}"
    return f"default: {value if isinstance(value, str) else json.dumps(value)}"


def kwarg_schema(name: str, default: Any, layer: str = "") -> dict:
    """One argument: type/enum, what it means, and Keras's default (for editors)."""
    schema = copy.deepcopy(_value_schema(name, default, layer))
    schema["description"] = kwarg_description(name, layer, default)
    if default is not REQUIRED and default is not None:  # null says nothing an editor can use
        try:
            schema["default"] = _jsonable(default)
        except TypeError:
            pass
    return schema


def layer_schema(definition: LayerDef) -> dict:
    """A layer's `{ClassName: ...}` value: its arguments, or positional values, or nothing.

    Its arguments stay open (the loader's schema); schema_strict closes them."""
    props = {k: kwarg_schema(k, v, definition.name) for k, v in definition.all_params.items()}
    keywords: dict = {"type": "object", "properties": props}
    return {
        "description": f"{(definition.doc.splitlines() or [''])[0]} (keras.layers."
                       f"{definition.name})",
        "anyOf": [keywords, NULL, POSITIONAL_FORM],
    }
