"""Preprocessing beyond images: Rescaling, Normalization (non-trainable mean,
variance and count), Discretization and CategoryEncoding, with Keras's shapes."""

from __future__ import annotations

from math import prod

from netlint.layers.argument_checks import is_number as _number
from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import one_of as _one_of
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register
from netlint.layers.conv_utils import single_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FAMILY = "preprocessing"  # as Keras files them: keras.layers.preprocessing


def _array_shape(call: LayerCall, name: str) -> tuple:
    """np.shape of a (nested) list of numbers; a ragged or non-numeric one is refused."""
    value = call.kwargs.get(name)

    def shape_of(item: Any) -> tuple:
        if _number(item):
            return ()
        if isinstance(item, (list, tuple)):
            inner = {shape_of(v) for v in item}
            if len(inner) <= 1:
                return (len(item),) + (inner.pop() if inner else ())
        raise _refuse(call, name, "a number or a (nested) list of numbers of even lengths")

    return shape_of(value)


@register("Rescaling", family=FAMILY, positional=("scale", "offset"),
          params={"scale": REQUIRED, "offset": 0.0})
def rescaling(call: LayerCall) -> Inferred:
    """Multiplies by `scale` and adds `offset`; shape unchanged."""
    shape = single_input(call)
    for name in ("scale", "offset"):
        value = _array_shape(call, name)
        # a per-channel list broadcasts against the trailing axes; a wider one would
        # change the shape Keras declared, and so would one reaching the batch axis
        if len(value) > len(shape) or (value and len(value) == len(shape) and value[0] != 1) or any(
                v != 1 and d is not None and v != d for v, d in zip(value[::-1], shape[::-1])):
            raise ShapeError(f"Rescaling `{name}` of shape {format_shape(value)} does not "
                             f"broadcast over its input {format_shape(shape)}", kind="size")
    return Inferred(shape)


@register("Normalization", family=FAMILY, positional=("axis", "mean", "variance", "invert"),
          params={"axis": -1, "mean": None, "variance": None, "invert": False})
def normalization(call: LayerCall) -> Inferred:
    """Shifts and scales by a mean and variance per position of `axis`; shape unchanged.

    Without `mean` and `variance` it holds them (and a count) as non-trainable weights
    for adapt() to fill."""
    axis = call.kwargs.get("axis")
    if axis is None:
        axes: list = []
    elif _int(axis):
        axes = [axis]
    elif isinstance(axis, (list, tuple)) and all(map(_int, axis)):
        axes = list(axis)
    else:
        raise _refuse(call, "axis", "an integer, a list of integers, or null")
    mean, variance = call.kwargs.get("mean"), call.kwargs.get("variance")
    if (mean is None) != (variance is None):
        raise ShapeError("Normalization needs both `mean` and `variance`, or neither (adapt "
                         "fills them)", kind="value")
    given = mean is not None
    if given:
        mean_shape, variance_shape = _array_shape(call, "mean"), _array_shape(call, "variance")
        if mean_shape != variance_shape:
            raise ShapeError(f"Normalization `mean` {format_shape(mean_shape)} and `variance` "
                             f"{format_shape(variance_shape)} differ in shape", kind="value")
        if len(mean_shape) > len(axes):
            raise ShapeError(f"Normalization `mean` has {len(mean_shape)} axes, more than the "
                             f"{len(axes)} kept by axis={axis!r}", kind="value")
    shape = single_input(call)
    rank = len(shape)
    if any(not -rank <= a < rank for a in axes):
        raise ShapeError(f"Normalization axis {axis!r} is out of range for input "
                         f"{format_shape(shape)}", kind="value")
    kept = sorted(a % rank for a in axes)
    sizes = tuple(shape[a] for a in kept)
    if None in sizes:
        raise ShapeError(f"Normalization needs a known size on each kept axis {tuple(kept)} "
                         f"but gets {format_shape(shape)}", kind="size")
    if given:
        # Keras reshapes mean onto the last kept axes, then broadcasts it to the input
        expanded = [1] * rank
        for size, a in zip(mean_shape[::-1], kept[::-1]):
            expanded[a] = size
        if prod(expanded) != prod(mean_shape) or any(
                e not in (1, shape[d] if d in kept else 1) for d, e in enumerate(expanded)):
            raise ShapeError(f"Normalization `mean` of shape {format_shape(mean_shape)} does "
                             f"not broadcast to the kept axes {format_shape(sizes)}",
                             kind="size")
        return Inferred(shape)
    # a repeated axis is kept twice: Keras then reshapes size**2 statistics into size
    if any(shape[a] != 1 for a in kept if kept.count(a) > 1):
        raise ShapeError(f"Normalization axis {axis!r} names an axis twice", kind="value")
    return Inferred(shape, (Weight("mean", sizes, False), Weight("variance", sizes, False),
                            Weight("count", (), False)))


def encoded_shape(shape: tuple, mode: str, depth: int) -> tuple:
    """numerical_utils' encodings: one_hot adds an axis (replacing a last axis of 1);
    multi_hot and count fold axis 1 away (a rank-1 input becomes one sample)."""
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    if len(shape) >= 2:
        return (shape[0],) + shape[2:] + (depth,)
    return (depth,)


@register("Discretization", family=FAMILY, base_params=False,
          positional=("bin_boundaries", "num_bins"), params={
              "bin_boundaries": None, "num_bins": None, "epsilon": 0.01, "output_mode": "int",
              "sparse": False, "dtype": None, "name": None})
def discretization(call: LayerCall) -> Inferred:
    """Buckets values by `bin_boundaries` into integer ids (or their one/multi-hot form)."""
    boundaries, bins = call.kwargs.get("bin_boundaries"), call.kwargs.get("num_bins")
    mode = call.kwargs.get("output_mode")
    _one_of(call, "output_mode", ("int", "one_hot", "multi_hot", "count"))
    if call.kwargs.get("sparse") and mode == "int":
        raise ShapeError("Discretization sparse=True needs output_mode one_hot, multi_hot or "
                         "count", kind="value")
    if (boundaries is None) == (bins is None):
        raise ShapeError("Discretization takes exactly one of `bin_boundaries` and `num_bins`",
                         kind="value")
    if bins is not None and (not _int(bins) or bins < 0):
        raise _refuse(call, "num_bins", "an integer >= 0")
    if boundaries is not None and not (isinstance(boundaries, (list, tuple))
                                       and all(map(_number, boundaries))):
        raise _refuse(call, "bin_boundaries", "a list of numbers")
    shape = single_input(call)
    if mode == "int":
        return Inferred(shape)
    depth = len(boundaries) + 1 if boundaries is not None else bins
    return Inferred(encoded_shape(shape, mode, depth))


@register("CategoryEncoding", family=FAMILY, positional=("num_tokens", "output_mode"),
          params={"num_tokens": None, "output_mode": "multi_hot", "sparse": False})
def category_encoding(call: LayerCall) -> Inferred:
    """Encodes integer ids below `num_tokens` as one-hot, multi-hot or count vectors."""
    mode = call.kwargs.get("output_mode")
    mode = "multi_hot" if mode == "binary" else mode  # Keras's old name for it
    if mode not in ("count", "one_hot", "multi_hot"):
        raise _refuse(call, "output_mode", "one of 'one_hot', 'multi_hot', 'count'")
    tokens = call.kwargs.get("num_tokens")
    if not _int(tokens) or tokens < 1:
        raise _refuse(call, "num_tokens", "an integer >= 1 (the number of ids)")
    shape = single_input(call)
    if mode == "one_hot":
        return Inferred(encoded_shape(shape, mode, tokens))
    declared = shape[:-1] + (tokens,)
    computed = encoded_shape(shape, mode, tokens)
    # Keras declares (..., num_tokens) in place of the last axis but encodes over axis 1
    if len(shape) >= 3 and any(a is not None and b is not None and a != b
                               for a, b in zip(declared, computed)):
        raise ShapeError(
            f"CategoryEncoding output_mode={mode!r} on {format_shape(shape)}: Keras declares "
            f"{format_shape(declared)} but computes {format_shape(computed)} (it folds axis 1, "
            f"not the last)", kind="rank", expected_rank=2,
            fix="feed it (batch, ids) of rank 2, e.g. Reshape or Flatten first")
    return Inferred(declared)
