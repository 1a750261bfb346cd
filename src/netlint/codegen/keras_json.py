"""`--to keras-json`: the model as the JSON `model.to_json()` writes, built without Keras.

`keras.models.model_from_json` rebuilds the model from it. Each layer's
config holds only what the file sets (plus `name`): Keras fills in its own
defaults, exactly as when the layer is constructed in code. Values pass a
strict check (numbers, text, booleans, null, lists, mappings) and
`json.dumps` escapes every string, so nothing in the file can break out.
"""

from __future__ import annotations

import json
import math

from netlint.codegen.emitter import ExportError, quoted
from netlint.codegen.layer_code import CONFIG_KINDS, INPUT_KWARGS, holds_layers, written
from netlint.model.graph import LayerSpec
from netlint.layers.inference import InferredModel, dependency_order
from netlint.layers import registry
from netlint.layers.base import owns_input_dim
from netlint.layers.shared_calls import keras_nodes
# the --mixed-precision choices and their Keras policies, as the script writes them
# (gpu_code holds the one table; importing it costs nothing the export has not loaded)
from netlint.codegen.gpu_code import MIXED_POLICIES
# Arguments a class's from_config reads as config[key], so a config without them fails
# (KeyError) although the constructor has a default: written with Keras's default.
FROM_CONFIG_READS = {"Rescaling": ("offset",),
                     "TextVectorization": ("standardize", "split", "ngrams")}
_DEPTH = 32


def json_value(value: object, depth: int = 0) -> object:
    """Plain data, tuples as lists; anything else refused."""
    if depth > _DEPTH:
        raise ExportError("a value is nested too deeply to be a model argument")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ExportError(f"{value!r} cannot be written as JSON")
        return value
    if isinstance(value, (list, tuple)):
        return [json_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ExportError("mapping keys in a Keras config must be text")
        return {k: json_value(v, depth + 1) for k, v in value.items()}
    raise ExportError(f"a value of type {type(value).__name__} cannot be written as JSON")


def _object(module: str, class_name: str, config: dict) -> dict:
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": None}


def config_value(key: str, value: object) -> object:
    """`{RandomNormal: {stddev: 0.05}}` as Keras's serialized initializer, and so on."""
    for suffix, (module, known) in CONFIG_KINDS.items():
        if key.endswith(suffix) and isinstance(value, dict) and len(value) == 1:
            (class_name, kwargs), = value.items()
            kwargs = json_value(kwargs or {})
            if not isinstance(kwargs, dict):
                raise ExportError(f"{quoted(class_name)} takes its arguments as a mapping")
            if class_name in known and class_name[:1].isupper():
                return _object(module, class_name, kwargs)
            return {"class_name": class_name, "config": kwargs}
    return json_value(value)


def layer_object(spec: LayerSpec, dtype: str | None = None) -> dict:
    """One layer, serialized as Keras serializes it (its config holds what the file sets)."""
    config: dict = {"name": spec.name}
    for key, value in spec.kwargs.items():
        if key in INPUT_KWARGS and not (key == "input_dim" and owns_input_dim(spec.class_name)):
            continue
        if key == "layer" and spec.wrapped is not None:
            config[key] = layer_object(spec.wrapped, dtype)
        elif key == "backward_layer" and spec.backward is not None:
            config[key] = layer_object(spec.backward, dtype)
        elif key == "cell" and spec.wrapped is not None:
            config[key] = layer_object(spec.wrapped, dtype)  # a list: its StackedRNNCells
        elif key == "cells" and spec.cells:
            config[key] = [layer_object(cell, dtype) for cell in spec.cells]
        elif key == "layers" and spec.class_name == "Pipeline" and isinstance(value, list):
            config[key] = _pipeline_layers(spec, value, dtype)
        else:
            config[key] = config_value(key, value)
    definition = registry.get(spec.class_name)
    if dtype is not None and "dtype" not in spec.kwargs and "dtype" in definition.all_params:
        config["dtype"] = dtype  # not to Pipeline, which takes no dtype
    return _object("keras.layers", definition.name, _read_keys(definition, config))


def _read_keys(definition: object, config: dict) -> dict:
    for key in FROM_CONFIG_READS.get(definition.name, ()):
        if key not in config:
            config[key] = json_value(definition.params[key])
    return config


def _pipeline_layers(spec: LayerSpec, items: list, dtype: str | None) -> list:
    """Pipeline's layers: the loader's reading of them when it made one, else each item
    as written (Keras names it); an output's dtype goes to the last, which makes it."""
    last = len(items) - 1
    if spec.cells:
        return [layer_object(cell, dtype if i == last else None)
                for i, cell in enumerate(spec.cells)]
    return [item_object(item, dtype if i == last else None) for i, item in enumerate(items)]


def item_object(item: object, dtype: str | None = None) -> dict:
    """A layer item written inside an argument, `{Rescaling: {scale: 0.5}}`, serialized."""
    definition, kwargs = written(item)
    config = {}
    for key, value in kwargs.items():
        if not holds_layers(definition, key, value):
            config[key] = config_value(key, value)
        else:
            config[key] = [item_object(v) for v in value] if isinstance(value, list) \
                else item_object(value)
    if dtype is not None and "dtype" not in kwargs and "dtype" in definition.all_params:
        config["dtype"] = dtype
    return _object("keras.layers", definition.name, _read_keys(definition, config))


def _tensor(inferred: InferredModel, source: str, index: int, nodes: dict) -> dict:
    node = inferred.nodes[source]
    if not node.output_shapes:
        raise ExportError(f"the output shape of {quoted(source)} is unknown (a layer before "
                          "it cannot take its input); fix the model first")
    dtype = inferred.model.input(source).dtype if node.is_input else "float32"
    layer, call = nodes[source]
    return {"class_name": "__keras_tensor__", "config": {
        "shape": json_value(node.output_shapes[index]), "dtype": json_value(dtype),
        "keras_history": [layer, call, index]}}


def _refs(inferred: InferredModel, names: tuple, nodes: dict) -> list:
    """[layer, node index, tensor index] of every tensor the names stand for: a call's
    output is its layer's node (keras_nodes), as Keras records it."""
    out = []
    for source in names:
        node = inferred.nodes[source]
        layer, call = nodes[source]
        out += [[layer, call, i] for i in range(len(node.output_shapes or (None,)))]
    return out


def _input_layer(inferred: InferredModel, name: str) -> dict:
    inp = inferred.model.input(name)
    batch = inp.batch_size if isinstance(inp.batch_size, int) else None
    config = {"batch_shape": json_value([batch, *inp.shape]), "dtype": json_value(inp.dtype),
              "sparse": bool(inp.sparse), "name": inp.name}
    return {**_object("keras.layers", "InputLayer", config), "name": inp.name,
            "inbound_nodes": []}


def model_config(inferred: InferredModel, mixed_precision: str | None = None) -> dict:
    """The dict `model.get_config()` would give (the part `model_from_json` needs)."""
    model = inferred.model
    policy = MIXED_POLICIES.get(mixed_precision) if mixed_precision else None
    if mixed_precision and policy is None:
        raise ExportError(f"unknown mixed precision {quoted(mixed_precision)}")
    layers = [_input_layer(inferred, inp.name) for inp in model.inputs]
    ordered = dependency_order(model)
    if len(ordered) != len(model.layers):
        raise ExportError("the layers reference something missing or form a cycle (NL004)")
    nodes = keras_nodes(inferred.nodes)
    # a layer's calls are nodes of its one entry, not entries of their own
    entries: dict[str, dict] = {}
    for spec in ordered:
        tensors = [_tensor(inferred, source, index, nodes) for source in spec.inbound
                   for index in range(len(inferred.nodes[source].output_shapes or (None,)))]
        separate = registry.get(spec.class_name).separate_inputs  # mha(query, value)
        args = [tensors[0]] if len(tensors) == 1 else tensors if separate else [tensors]
        if spec.shares is not None:
            entries[spec.shares]["inbound_nodes"].append({"args": args, "kwargs": {}})
            continue
        dtype = ("float32" if _makes_output(spec, model) else policy) if policy else None
        entries[spec.name] = {**layer_object(spec, dtype), "name": spec.name,
                              "inbound_nodes": [{"args": args, "kwargs": {}}]}
        layers.append(entries[spec.name])
    inputs, outputs = _refs(inferred, tuple(i.name for i in model.inputs), nodes), \
        _refs(inferred, model.outputs, nodes)
    return {"name": model.name or "functional", "trainable": True, "layers": layers,
            "input_layers": inputs[0] if len(inputs) == 1 else inputs,
            "output_layers": outputs[0] if len(outputs) == 1 else outputs}


def _makes_output(spec: LayerSpec, model: object) -> bool:
    """Whether the layer, or a call of it (the dtype is the layer's), is a model output."""
    return spec.name in model.outputs or any(
        s.shares == spec.name and s.name in model.outputs for s in model.layers)


def keras_json(inferred: InferredModel, mixed_precision: str | None = None) -> str:
    """The JSON text `keras.models.model_from_json` loads."""
    document = {"module": "keras.src.models.functional", "class_name": "Functional",
                "config": model_config(inferred, mixed_precision),
                "registered_name": "Functional"}
    return json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False) + "\n"
