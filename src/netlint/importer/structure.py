"""Whether a parsed Keras config has the form of one, before anything reads it.

Everything the importer walks is checked here, each with where it is
(`config.layers[3].config: expected a mapping, got a list`): the model and
nested models, each layer (a mapping with a `class_name` and a `config`
mapping), each call (`inbound_nodes`), each serialized tensor
(`keras_history: [layer, node, tensor]`), `input_layers`/`output_layers`.
Before that, one pass over every value bounds the nesting and refuses text
that is no text (a lone UTF-16 surrogate, which JSON can spell and no file
can hold). A layer argument of a surprising type is not this module's
business: it is written as it is, or reported, by layers.py.
"""

from __future__ import annotations

import json
import re

from netlint.importer.source import MODEL_CLASSES, ImportFailed
from netlint.importer.tensors import MAX_INDEX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

# Nesting of JSON values: a layer's argument sits about 6 deep, a tensor in a call 8, each
# nested model adds 4; a real config stays under 40. The YAML that is written can hold it.
MAX_NESTING = 100
# Values in the whole config. A Keras config spends ~25 bytes a value, so a real model
# under the 8 MiB cap holds ~350,000; past this, memory is spent on a hostile file only
# (every value becomes a YAML node when the file is written).
MAX_VALUES = 1_000_000
TENSOR = "__keras_tensor__"
MAX_PATH_STEPS = 12
PLAIN_KEY = re.compile(r"^[A-Za-z0-9_]{1,60}$")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _fail(where: str, path: str, message: str) -> ImportFailed:
    fix = "" if ";" in message else "; Keras writes no such config: save the model again"
    return ImportFailed(f"{where}: {path or 'the top level'}: {message}{fix}")


def _expect(value: Any, kind: type, where: str, path: str, what: str = "") -> None:
    if not isinstance(value, kind) or isinstance(value, bool):
        wanted = {dict: "a mapping", list: "a list", str: "a string"}[kind]
        raise _fail(where, path, f"expected {wanted}{what}, got {_kind(value)}")


def check_values(document: Any, where: str) -> None:
    """ImportFailed at the first value nested deeper than MAX_NESTING, past MAX_VALUES,
    or the first string (key or value) with a lone surrogate. One pass, no recursion,
    and memory for the open containers only (a stack of iterators, not of every value
    waiting)."""
    if not isinstance(document, (dict, list)):
        return
    keys: list = []  # the key of each open container below the top: the path so far
    stack = [_items(document)]
    count = 0
    while stack:
        for key, item in stack[-1]:
            count += 1
            if count > MAX_VALUES:
                raise _fail(where, _path(keys + [key]), f"the config holds more than "
                            f"{MAX_VALUES:,} values here; a Keras model's holds a few "
                            "hundred thousand")
            if isinstance(key, str) and not key.isascii():
                _check_text(key, where, keys + [key])
            if isinstance(item, (dict, list)):
                if len(stack) >= MAX_NESTING:
                    raise _fail(where, _path(keys + [key]), f"nested deeper than "
                                f"{MAX_NESTING} levels; no Keras config is")
                keys.append(key)
                stack.append(_items(item))
                break
            if isinstance(item, str) and not item.isascii():
                _check_text(item, where, keys + [key])
        else:
            stack.pop()
            if keys:
                keys.pop()


def _items(value: dict | list) -> Iterator:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def _check_text(text: str, where: str, keys: list) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start]
        raise _fail(where, _path(keys), f"text with a lone surrogate (\\u{ord(bad):04x}), "
                    "which is no character; write the text as UTF-8") from None


def _path(keys: list) -> str:
    """`config.layers[3].config` from the keys leading there."""
    steps = [step(key) for key in keys[:MAX_PATH_STEPS]]
    if len(keys) > MAX_PATH_STEPS:  # the first steps say where; the rest is [0][0][0]...
        steps.append(f"... ({len(keys) - MAX_PATH_STEPS} levels more)")
    return "".join(steps).lstrip(".")


def step(key: int | str) -> str:
    """`[3]`, `.config`, or a key that is no plain word as `["a b"]` (escaped, cut)."""
    if isinstance(key, int):
        return f"[{key}]"
    return f".{key}" if PLAIN_KEY.match(key) else f"[{json.dumps(key[:40])}]"


def check_model(model: dict, where: str, path: str = "") -> None:
    """ImportFailed where `model` (a Sequential, Functional or Model) lacks the form of
    one; nested models are checked in turn."""
    config = model.get("config")
    inner = f"{path}.config" if path else "config"
    if config is None:
        raise _fail(where, inner, "null: the model holds no layers, so there is nothing to "
                    "import; save the model after building it")
    if isinstance(config, list) and model.get("class_name") == "Sequential":
        # Keras 2.0/2.1: a Sequential's config is its layer list
        layers, layers_path = config, inner
    else:
        _expect(config, dict, where, inner)
        name = config.get("name")
        if name is not None:
            _expect(name, str, where, f"{inner}.name")
        layers, layers_path = config.get("layers"), f"{inner}.layers"
        if layers is None:
            raise _fail(where, layers_path, "missing: the model lists no layers, so there is "
                        "nothing to import")
        for key in ("input_layers", "output_layers"):
            if config.get(key) is not None:
                _check_endpoints(config[key], where, f"{inner}.{key}")
    _expect(layers, list, where, layers_path, " of layers")
    for number, layer in enumerate(layers):
        check_layer(layer, where, f"{layers_path}[{number}]")


def check_layer(layer: Any, where: str, path: str) -> None:
    _expect(layer, dict, where, path, " (a serialized layer)")
    cls = layer.get("class_name")
    if cls is None:
        raise _fail(where, path, "no class_name: every Keras layer names its class")
    _expect(cls, str, where, f"{path}.class_name")
    if not cls.strip():
        raise _fail(where, f"{path}.class_name", "empty: every Keras layer names its class")
    for key in ("name", "module", "registered_name"):
        if layer.get(key) is not None:
            _expect(layer[key], str, where, f"{path}.{key}")
    if "config" not in layer:
        raise _fail(where, path, "no config: a serialized layer holds its arguments there")
    _expect(layer["config"], dict, where, f"{path}.config", " (the layer's arguments)")
    if layer["config"].get("name") is not None:
        _expect(layer["config"]["name"], str, where, f"{path}.config.name")
    nodes = layer.get("inbound_nodes")
    if nodes is not None:
        _expect(nodes, list, where, f"{path}.inbound_nodes", " of calls")
        for number, node in enumerate(nodes):
            _check_node(node, where, f"{path}.inbound_nodes[{number}]")
    if cls in MODEL_CLASSES:
        check_model(layer, where, path)


def _check_node(node: Any, where: str, path: str) -> None:
    """One call: Keras 3's {"args": [...], "kwargs": {...}}, or Keras 2's list of
    [layer, node, tensor, kwargs] entries."""
    if isinstance(node, list):
        for number, entry in enumerate(node):
            _check_triple(entry, where, f"{path}[{number}]", extra=True)
        return
    _expect(node, dict, where, path, " (a call: args and kwargs)")
    if node.get("args") is not None:
        _expect(node["args"], list, where, f"{path}.args")
    if node.get("kwargs") is not None:
        _expect(node["kwargs"], dict, where, f"{path}.kwargs")
    _check_tensors(node, where, path)


def _check_tensors(node: dict, where: str, path: str) -> None:
    """Every serialized tensor in a call's args and kwargs."""
    pending = [(node.get("args"), f"{path}.args"), (node.get("kwargs"), f"{path}.kwargs")]
    while pending:
        value, at = pending.pop()
        if isinstance(value, dict) and value.get("class_name") == TENSOR:
            config = value.get("config")
            _expect(config, dict, where, f"{at}.config", " (the tensor's history)")
            _check_triple(config.get("keras_history"), where, f"{at}.config.keras_history")
            shape = config.get("shape")
            if shape is not None:
                _expect(shape, list, where, f"{at}.config.shape")
        elif isinstance(value, dict):
            pending += [(item, f"{at}{step(key)}") for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(item, f"{at}[{number}]") for number, item in enumerate(value)]


def _check_triple(value: Any, where: str, path: str, extra: bool = False) -> None:
    """[layer name, node index, tensor index] (a Keras 2 call adds its kwargs)."""
    form = "[layer name, call index, output index" + (", kwargs]" if extra else "]")
    if not isinstance(value, list) or len(value) not in ((3, 4) if extra else (3,)):
        raise _fail(where, path, f"expected {form}, got {_kind(value)}"
                    + (f" of {len(value)}" if isinstance(value, list) else ""))
    _expect(value[0], str, where, f"{path}[0]", " (a layer name)")
    for number in (1, 2):
        index = value[number]
        if type(index) is not int or not 0 <= index <= MAX_INDEX:
            raise _fail(where, f"{path}[{number}]", f"expected an index from 0 to "
                        f"{MAX_INDEX:,} as in {form}, got {_kind(index)}")
    if extra and len(value) == 4 and value[3] is not None:
        _expect(value[3], dict, where, f"{path}[3]", " (the call's keyword arguments)")


def _check_endpoints(value: Any, where: str, path: str) -> None:
    """`input_layers`/`output_layers`: one [name, node, tensor], or a list (or a mapping,
    for a model of named inputs) of them."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        _check_triple(value, where, path)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _check_endpoints(item, where, f"{path}[{number}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_endpoints(item, where, f"{path}{step(key)}")
    else:
        raise _fail(where, path, f"expected [layer name, call index, output index], got "
                    f"{_kind(value)}")
