"""Arguments Keras 3 needs as whole numbers, and the one check that refuses a float there.

YAML reads `units: 8.0` as a float, and JSON Schema (draft-07) counts 8.0 as an
integer, so the schema lets it through. Keras does not: `Dense(8.0)` raises
"expected a positive integer", `Conv2D(8, 3.0)` "must be a tuple of 2 integers",
and a size that slips past a constructor ends as a float in a weight's or an
output's shape, which Keras refuses when it builds ("Cannot convert '(3, 8.0)' to
a shape"). So before any layer is inferred, every argument the registry knows as
whole refuses a float, alone or inside a list, with the fix (`units: 8`).

An argument is whole when its Keras default in the registry is (an int, or a
tuple of ints), or when its name is one Keras reads as a count, a size, an axis
or an index wherever it appears (`units`, `filters`, `seed`...). Where Keras
takes a float all the same, netlint takes it too: each exception below says why,
and tests/layers/test_whole_numbers_oracle.py asks Keras for every verdict.
"""

from __future__ import annotations

from netlint.layers.base import LayerCall, ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Names Keras reads as whole numbers in every class that takes them; the ones whose
# Keras default is an int are found from the registry and need no listing here.
WHOLE_NAMES = frozenset({
    "units", "filters", "kernel_size", "strides", "pool_size", "output_size",
    "output_padding", "dilation_rate", "input_dim", "output_dim", "n", "dims",
    "target_shape", "num_heads", "key_dim", "value_dim", "head_dim", "num_query_heads",
    "num_key_value_heads", "sliding_window", "attention_axes", "height", "width",
    "max_tokens", "num_tokens", "num_bins", "output_sequence_length", "ngrams",
    "frame_step", "fft_length", "sequence_length", "seed", "lora_rank", "noise_shape",
    "shared_axes", "axes", "output_shape",
})

# Whole defaults of arguments that take any number: a range of pixel values, a rate in
# hertz (22050.5 Hz audio exists).
ANY_NUMBER = frozenset({"value_range", "sampling_rate"})

# Where Keras takes a float in an argument that is whole elsewhere, with why.
FLOATS_TAKEN = {
    # BatchNormalization.__init__ stores int(axis): -1.0 is -1, 1.5 is 1
    ("BatchNormalization", "axis"): "Keras stores int(axis)",
    # _set_kernel_size only asks that the size be odd (`factor % 2`), of any number
    ("RandomGaussianBlur", "kernel_size"): "Keras takes any odd number",
    # the layer pads bounding boxes only: on an image tensor neither is ever read
    ("MaxNumBoundingBoxes", "max_number"): "Keras reads it for bounding boxes only",
    ("MaxNumBoundingBoxes", "fill_value"): "Keras reads it for bounding boxes only",
    # compute_reshape_output_shape reads a non-int entry as an unknown length (-1)
    ("Reshape", "target_shape"): "Keras reads a float as an unknown length",
    # TensorFlow's lookup tables and hashes take a float count; it is refused only where
    # it becomes an output size (one-hot over num_bins, pad_to_max_tokens), which the
    # text module checks as Keras does
    ("Hashing", "num_bins"): "TensorFlow hashes into a float count of bins",
    ("HashedCrossing", "num_bins"): "TensorFlow hashes into a float count of bins",
    ("StringLookup", "max_tokens"): "a size only with pad_to_max_tokens",
    ("IntegerLookup", "max_tokens"): "a size only with pad_to_max_tokens",
    ("TextVectorization", "max_tokens"): "a size only with pad_to_max_tokens",
    ("IntegerLookup", "oov_token"): "a value of the lookup table, which casts it",
}

# Classes whose seed (and AlphaDropout's noise_shape) Keras reads only while the layer
# draws random numbers: its SeedGenerator, which refuses a float seed, is made only when
# this argument is above 0. Every other class with a seed makes one in __init__.
RANDOM_WHEN_ABOVE_ZERO = {
    "Dropout": "rate", "AlphaDropout": "rate", "GaussianDropout": "rate",
    "SpatialDropout1D": "rate", "SpatialDropout2D": "rate", "SpatialDropout3D": "rate",
    "GaussianNoise": "stddev", "Attention": "dropout", "AdditiveAttention": "dropout",
    "MultiHeadAttention": "dropout", "GroupQueryAttention": "dropout",
}
_READ_ONLY_WHEN_RANDOM = {"seed": None, "noise_shape": ("AlphaDropout",)}

# Arguments the loader reads as the model's input (Keras 2's input_shape, InputLayer's
# shape): checked there, not as a layer's own.
_INPUT_ARGUMENTS = frozenset({"input_shape", "batch_input_shape", "batch_size", "shape",
                              "batch_shape"})


def is_whole_default(value: Any) -> bool:
    if isinstance(value, tuple):
        return bool(value) and all(is_whole_default(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)


def whole_arguments(class_name: str, family: str, params: dict) -> tuple:
    """The arguments of a class (its own `params`, with Keras's defaults) that refuse a
    float, in the registry's order. The registry asks once per class, as it registers it
    (`LayerDef.whole_numbers`). A declared layer's arguments are taken on trust."""
    if family == "declared":
        return ()
    return tuple(name for name, default in params.items()
                 if (name in WHOLE_NAMES or is_whole_default(default))
                 and name not in ANY_NUMBER and name not in _INPUT_ARGUMENTS
                 and (class_name, name) not in FLOATS_TAKEN)


def _has_float(value: Any) -> bool:
    if value.__class__ is float:
        return True
    return isinstance(value, (list, tuple)) and any(_has_float(v) for v in value)


def _read(call: LayerCall, name: str) -> bool:
    """False where Keras never reads the argument in this call (see RANDOM_WHEN_ABOVE_ZERO)."""
    if name not in _READ_ONLY_WHEN_RANDOM:
        return True
    switch = RANDOM_WHEN_ABOVE_ZERO.get(call.class_name)
    only = _READ_ONLY_WHEN_RANDOM[name]
    if switch is None or (only is not None and call.class_name not in only):
        return True
    level = call.kwargs.get(switch)
    return not isinstance(level, (int, float)) or level > 0


def check_whole_numbers(call: LayerCall, names: tuple) -> None:
    """Refuse a float in one of `names` where Keras needs a whole number (a ShapeError
    of kind "value", which the NL105 finding reports at the layer, with the fix)."""
    kwargs = call.kwargs
    for name in names:
        value = kwargs.get(name)
        if value is not None and _has_float(value) and _read(call, name):
            raise ShapeError(f"{call.class_name} `{name}` takes whole numbers, got "
                             f"{_yaml(value)}: Keras 3 refuses a float there",
                             kind="value", fix=_fix(name, value))


def _fix(name: str, value: Any) -> str:
    if _all_whole(value):
        return f"write `{name}: {_yaml(_as_ints(value))}`"
    return f"write `{name}` as a whole number (Keras does not round {_yaml(value)})"


def _all_whole(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_all_whole(v) for v in value)
    return not isinstance(value, float) or value.is_integer()


def _as_ints(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_as_ints(v) for v in value]
    return int(value) if isinstance(value, float) else value


def _yaml(value: Any) -> str:
    """The value as the file would write it: [3, 3], null, 8.0."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)

