"""Keras's serialized values -> the netlint spelling: initializers, dtypes, floats, defaults.

Keras writes every argument, defaults included, and wraps objects in
`{"class_name": ..., "config": ...}`. A netlint file holds only what differs
from Keras 3's defaults, in the short spellings a person writes
(`he_normal`, `{L2: {l2: 0.01}}`, `float32` rather than a DTypePolicy).
"""

from __future__ import annotations

import struct

from netlint.errors import NetlintError
from netlint.layers import vocab
from netlint.loader.layer_items import to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Unexpressible(NetlintError):
    """A value the netlint format cannot hold (custom code, a schedule, ...)."""


# Keras 3 defaults of each serialized object's config (checked against Keras by the tests).
INITIALIZER_DEFAULTS: dict[str, dict] = {
    "Orthogonal": {"gain": 1.0},
    "RandomNormal": {"mean": 0.0, "stddev": 0.05},
    "RandomUniform": {"minval": -0.05, "maxval": 0.05},
    "TruncatedNormal": {"mean": 0.0, "stddev": 0.05},
    "VarianceScaling": {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
    "Constant": {"value": 0.0},
    "Identity": {"gain": 1.0},
}
# Keras 2 wrote glorot/he/lecun as VarianceScaling: (scale, mode, distribution) -> name.
# Keras 2's "normal" was already truncated, as Keras 3's named initializers are.
VARIANCE_SCALING_NAMES = {
    (1.0, "fan_avg", "uniform"): "glorot_uniform",
    (1.0, "fan_avg", "normal"): "glorot_normal",
    (1.0, "fan_avg", "truncated_normal"): "glorot_normal",
    (2.0, "fan_in", "uniform"): "he_uniform",
    (2.0, "fan_in", "normal"): "he_normal",
    (2.0, "fan_in", "truncated_normal"): "he_normal",
    (1.0, "fan_in", "uniform"): "lecun_uniform",
    (1.0, "fan_in", "normal"): "lecun_normal",
}
REGULARIZER_DEFAULTS: dict[str, dict] = {"L1L2": {"l1": 0.0, "l2": 0.0}}
CONSTRAINT_DEFAULTS: dict[str, dict] = {
    "MaxNorm": {"max_value": 2, "axis": 0},
    "MinMaxNorm": {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0},
    "UnitNorm": {"axis": 0},
}
# Keras 1/2 class spellings of initializers.
LEGACY_INITIALIZERS = {"Zeros": "zeros", "Ones": "ones", "Identity": "identity"}


def tidy_float(value: float) -> float:
    """0.009999999776482582 (a float32 read back as float64) -> 0.01; others unchanged.

    Keras stores optimizer settings and Keras 2 regularizers as float32 values; their
    float64 spelling is noise. A value is shortened only if the short form is the same
    float32, so nothing that was really written with more digits is rounded.
    """
    try:
        as_float32 = struct.unpack("f", struct.pack("f", value))[0]
    except (OverflowError, struct.error):
        return value
    if as_float32 != value:
        return value
    for digits in range(1, 10):
        short = float(f"{value:.{digits}g}")
        if struct.unpack("f", struct.pack("f", short))[0] == as_float32:
            return short
    return value


def tidy(value: Any) -> Any:
    """Floats tidied, tuples as lists, recursively."""
    if isinstance(value, float):
        return tidy_float(value)
    if isinstance(value, (list, tuple)):
        return [tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    return value


def is_serialized_object(value: Any) -> bool:
    """`{"class_name": "...", "config": ...}`, as Keras serializes an object (a class name
    that is no string makes it a plain value, written or reported as such)."""
    return isinstance(value, dict) and isinstance(value.get("class_name"), str) \
        and "config" in value


def custom_object(value: dict) -> bool:
    """A serialized object of user code (registered or `__main__`), not Keras's own."""
    module = value.get("module")
    return (value.get("registered_name") not in (None, value.get("class_name"))
            or (isinstance(module, str) and not module.startswith("keras")))


def _drop_defaults(config: dict, defaults: dict) -> dict:
    return {k: tidy(v) for k, v in config.items()
            if v is not None and not (k in defaults and tidy(v) == defaults[k])}


def object_value(value: Any, kind: str) -> Any:
    """An initializer/regularizer/constraint as netlint writes it; Unexpressible if custom."""
    if value is None or isinstance(value, str):
        return value
    if not is_serialized_object(value) or custom_object(value) \
            or not isinstance(value["config"], dict):
        raise Unexpressible(f"a custom {kind} ({_describe(value)})")
    cls, config = value["class_name"], value["config"]
    if kind == "initializer":
        return _initializer(cls, config)
    defaults = REGULARIZER_DEFAULTS if kind == "regularizer" else CONSTRAINT_DEFAULTS
    kept = _drop_defaults(config, defaults.get(cls, {}))
    names = vocab.REGULARIZERS if kind == "regularizer" else vocab.CONSTRAINTS
    if not kept and to_snake_case(cls) in names:
        return to_snake_case(cls)
    return {cls: kept}


def _initializer(cls: str, config: dict) -> Any:
    if cls == "VarianceScaling" and config.get("seed") is None:
        key = (tidy(config.get("scale", 1.0)), config.get("mode"), config.get("distribution"))
        if all(isinstance(part, (int, float, str)) for part in key) and \
                key in VARIANCE_SCALING_NAMES:
            return VARIANCE_SCALING_NAMES[key]
    kept = _drop_defaults(config, INITIALIZER_DEFAULTS.get(cls, {}))
    if not kept:
        name = LEGACY_INITIALIZERS.get(cls, to_snake_case(cls))
        if name in vocab.INITIALIZERS:
            return name
        # a class Keras does not take by name alone (`Constant` needs its value, even
        # the default one): written with its arguments
        kept = {k: tidy(v) for k, v in config.items() if v is not None}
    return {cls: kept}


# Keras's second names for the same initializer.
_INITIALIZER_ALIASES = {"uniform": "random_uniform", "normal": "random_normal",
                        "zero": "zeros", "one": "ones"}


def initializer_alias(name: str) -> str:
    """One spelling per initializer: `uniform`, `RandomUniform` -> `random_uniform`."""
    snake = to_snake_case(name)
    return _INITIALIZER_ALIASES.get(snake, snake)


def dtype_name(value: Any) -> Any:
    """A DTypePolicy (or its Keras 2 string) as its name: `float32`, `mixed_float16`."""
    if is_serialized_object(value) and isinstance(value["config"], dict):
        return value["config"].get("name")
    return value


def activation_name(value: Any) -> Any:
    """An activation as its name; Unexpressible for custom functions."""
    if is_serialized_object(value):
        config = value["config"]
        if value.get("class_name") == "function" and isinstance(config, str):
            value = config
        elif isinstance(config, dict) and not custom_object(value):
            return {value["class_name"]: _drop_defaults(config, {})}
        else:
            raise Unexpressible(f"a custom activation ({_describe(value)})")
    if isinstance(value, str) and value not in vocab.ACTIVATIONS:
        raise Unexpressible(f"activation {value!r}, which Keras 3 does not name")
    return value


def short(value: Any, limit: int = 60) -> str:
    """repr(value), cut to `limit` characters; containers are not walked past it."""
    if isinstance(value, (dict, list, tuple)) and len(value) > limit:
        return f"a {type(value).__name__} of {len(value):,} items"
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # nested too deep; an int too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("registered_name") or value.get("class_name") or "object")
    return type(value).__name__


# Arguments whose int and tuple forms mean the same: 3 == [3] == [3, 3] on a 2D layer.
SIZED_ARGUMENTS = ("kernel_size", "strides", "pool_size", "dilation_rate", "size",
                   "output_size", "padding", "cropping", "output_padding")


def canonical_size(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        items = [canonical_size(v) for v in value]
        if items and all(isinstance(i, int) and i == items[0] for i in items):
            return items[0]
        return items
    return value


def same_as_default(name: str, value: Any, default: Any) -> bool:
    """Whether a serialized value is what Keras 3 would use without the argument."""
    value, default = tidy(value), tidy(default)
    if value == default:
        return True
    if name in SIZED_ARGUMENTS:
        return canonical_size(value) == canonical_size(default)
    if name in ("activation",) and default is None:
        return value == "linear"
    if name == "dtype" and default is None:
        return value == "float32"
    if name.endswith("_initializer") and isinstance(value, str) and isinstance(default, str):
        return initializer_alias(value) == initializer_alias(default)
    if name == "data_format" and default is None:
        return value == "channels_last"  # Keras's image_data_format unless configured
    return False


def written_form(name: str, value: Any) -> Any:
    """How a kept value is written: `[5]` -> `5` for one-axis sizes, floats tidied."""
    value = tidy(value)
    if name in SIZED_ARGUMENTS and isinstance(value, list) and len(value) == 1 \
            and isinstance(value[0], int):
        return value[0]
    return value
