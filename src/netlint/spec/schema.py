"""The JSON Schema (draft-07) of the model file, generated from the layer registry.

One source of truth: the registry knows every layer and argument, so the
schema editors use (`schemas/netlint-model.schema.json`, written by
`netlint schema`) and the schema the loader validates with cannot disagree.
A test fails when the committed file is stale.
"""

from __future__ import annotations

import functools
from typing import Any

from netlint.layers import vocab
from netlint.layers.base import REQUIRED, LayerDef
from netlint.layers.registry import all_defs

SCHEMA_ID = "https://github.com/netlint/netlint/schemas/netlint-model.schema.json"

POSITIVE_INT = {"type": "integer", "minimum": 1}
INT_OR_TUPLE = {"anyOf": [POSITIVE_INT, {"type": "array", "items": POSITIVE_INT,
                                         "minItems": 1, "maxItems": 3}]}
RATE = {"type": "number", "minimum": 0, "maximum": 1}
SHAPE = {"type": "array", "items": {"anyOf": [POSITIVE_INT, {"type": "null"}]},
         "maxItems": 8, "description": "per-sample shape, batch excluded; null = any size"}


def _named_or_config(names: tuple, what: str) -> dict:
    """A Keras identifier: a string from `names`, or `{ClassName: {kwargs}}`."""
    return {"anyOf": [
        {"type": "string", "enum": list(names)},
        {"type": "object", "minProperties": 1, "maxProperties": 1},
        {"type": "null"},
    ], "description": what}


# Argument name -> schema; the same argument means the same thing in every Keras layer.
_BY_NAME: dict[str, dict] = {
    "units": {**POSITIVE_INT, "description": "size of the output (the state size, for RNNs)"},
    "filters": {**POSITIVE_INT, "description": "number of convolution filters"},
    "num_heads": POSITIVE_INT, "key_dim": POSITIVE_INT, "n": POSITIVE_INT,
    "output_dim": POSITIVE_INT, "groups": POSITIVE_INT, "depth_multiplier": POSITIVE_INT,
    "rate": {**RATE, "description": "fraction of inputs to drop"},
    "dropout": {**RATE, "description": "dropout on the inputs of each step"},
    "recurrent_dropout": {**RATE, "description": "dropout on the recurrent state "
                          "(> 0 disables the fused cuDNN kernel)"},
    "activation": _named_or_config(vocab.ACTIVATIONS, "activation function"),
    "recurrent_activation": _named_or_config(vocab.ACTIVATIONS, "activation of the gates"),
    "padding": {"type": "string", "enum": list(vocab.CAUSAL_PADDINGS)},
    "data_format": {"anyOf": [{"type": "string", "enum": list(vocab.DATA_FORMATS)},
                              {"type": "null"}]},
    "kernel_size": INT_OR_TUPLE, "strides": INT_OR_TUPLE, "pool_size": INT_OR_TUPLE,
    "dilation_rate": INT_OR_TUPLE,
    "name": {"type": "string", "pattern": r"^[A-Za-z0-9_.\-]+$",
             "description": "layer name (default: Keras's, e.g. lstm, lstm_1)"},
    "dtype": {"anyOf": [{"type": "string", "enum": list(vocab.DTYPES)}, {"type": "null"}]},
    "input_shape": {**SHAPE, "description": "Keras 2 style: the model input, on a first "
                    "layer only"},
    "batch_input_shape": {"type": "array", "description": "Keras 2 style: batch + shape"},
    "target_shape": {"type": "array", "items": {"type": "integer", "minimum": -1}},
    "dims": {"type": "array", "items": POSITIVE_INT},
    "axis": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
    "trainable": {"type": "boolean"},
}


def kwarg_schema(name: str, default: Any) -> dict:
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.endswith("_initializer"):
        return _named_or_config(vocab.INITIALIZERS, "weight initializer")
    if name.endswith("_regularizer"):
        return _named_or_config(vocab.REGULARIZERS, "weight regularizer")
    if name.endswith("_constraint"):
        return _named_or_config(vocab.CONSTRAINTS, "weight constraint")
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, int) and default is not REQUIRED:
        return {"type": "integer"}
    if isinstance(default, float):
        return {"type": "number"}
    return {}


def layer_schema(definition: LayerDef) -> dict:
    props = {k: kwarg_schema(k, v) for k, v in definition.all_params.items()}
    if definition.wraps_layer:
        props["layer"] = {"$ref": "#/definitions/layerItem",
                          "description": "the layer this wrapper applies"}
    schema = {
        "description": (definition.doc.splitlines() or [""])[0],
        "anyOf": [{"type": "object", "properties": props},
                  {"type": "null"}, {"not": {"type": ["object", "null"]}}],
    }
    return schema


def _input_schema() -> dict:
    return {"type": "object", "properties": {
        "shape": SHAPE,
        "axes": {"type": "array", "items": {"type": "string", "enum": list(vocab.AXIS_WORDS)}},
        "batch_size": POSITIVE_INT,
        "dtype": {"type": "string", "enum": list(vocab.DTYPES)},
        "name": {"type": "string"},
        "sparse": {"type": "boolean"},
    }, "required": ["shape"], "additionalProperties": False}


def _data_entry_schema() -> dict:
    return {"type": "object", "properties": {
        "shape": {"type": "array", "items": {"anyOf": [{"type": "integer", "minimum": 0},
                                                        {"type": "null"}]}},
        "axes": {"type": "array", "items": {"type": "string", "enum": list(vocab.AXIS_WORDS)}},
        "path": {"type": "string"},
        "encoding": {"type": "string", "enum": list(vocab.ENCODINGS)},
        "classes": POSITIVE_INT,
        "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "dtype": {"type": "string"},
        "padded": {"type": "boolean"},
        "key": {"type": "string", "description": "array name inside an .npz file"},
    }, "additionalProperties": False}


def _identifier(names: tuple, what: str) -> dict:
    return {"anyOf": [{"type": "string", "enum": list(names)},
                      {"type": "object", "minProperties": 1, "maxProperties": 1}],
            "description": what}


@functools.lru_cache(maxsize=1)
def model_schema() -> dict:
    """The whole schema, as a dict (cached: it is built from the registry once)."""
    defs = all_defs()
    layer_props = {name: layer_schema(d) for name, d in sorted(defs.items())}
    layer_props["Input"] = layer_props["InputLayer"]
    layer_props["from"] = {"anyOf": [{"type": "string"}, {"type": "array",
                                                          "items": {"type": "string"}}],
                           "description": "what this layer consumes (default: the item above)"}
    data_entry = _data_entry_schema()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "netlint model file",
        "description": "A Keras model in YAML: Keras 3 layer names and arguments.",
        "type": "object",
        "definitions": {
            "layerItem": {
                "anyOf": [{"type": "object", "properties": layer_props, "minProperties": 1},
                          {"type": "string", "description": "a layer with no arguments"}],
            },
            "input": _input_schema(),
            "dataEntry": data_entry,
        },
        "properties": {
            "netlint": {"type": "integer", "enum": [1], "description": "format version"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "input": {"$ref": "#/definitions/input"},
            "inputs": {"type": "object", "additionalProperties": {"$ref": "#/definitions/input"},
                       "minProperties": 1},
            "layers": {"type": "array", "items": {"$ref": "#/definitions/layerItem"},
                       "minItems": 1},
            "outputs": {"anyOf": [{"type": "string"}, {"type": "array",
                                                       "items": {"type": "string"}}]},
            "compile": {"type": "object", "properties": {
                "loss": {"anyOf": [_identifier(vocab.LOSSES, "loss"),
                                   {"type": "array"}, {"type": "object"}]},
                "optimizer": _identifier(vocab.OPTIMIZERS + tuple(vocab.OPTIMIZER_CLASSES),
                                         "optimizer"),
                "metrics": {"type": "array", "items": {"anyOf": [
                    {"type": "string", "enum": list(vocab.METRICS)}, {"type": "object"}]}},
                "loss_weights": {}, "jit_compile": {}, "steps_per_execution": {},
            }, "additionalProperties": False},
            "data": {"type": "object", "properties": {
                "x": data_entry, "y": data_entry,
                "validation_split": RATE,
            }, "additionalProperties": {"$ref": "#/definitions/dataEntry"}},
            "train": {"type": "object", "properties": {
                "batch_size": POSITIVE_INT, "epochs": POSITIVE_INT,
                "nb_epoch": POSITIVE_INT, "validation_split": RATE, "shuffle": {},
                "steps_per_epoch": POSITIVE_INT,
            }, "additionalProperties": False},
        },
        "required": ["layers"],
        "additionalProperties": False,
    }
