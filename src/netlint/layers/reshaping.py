"""Reshaping: Flatten, Reshape, Permute, RepeatVector, UpSampling, ZeroPadding, Cropping.

None of these has weights; each follows its Keras 3 class's
compute_output_shape, including which inputs it refuses.
"""

from __future__ import annotations

from math import prod

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.registry import register
from netlint.layers.conv_utils import (
    AXIS_UNITS,
    join,
    normalize_data_format,
    normalize_tuple,
    single_input,
    spatial_input,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _data_format(call: LayerCall) -> str:
    return normalize_data_format(call.kwargs.get("data_format"), call.class_name)


@register("Flatten", family="reshaping", positional=("data_format",),
          params={"data_format": None})
def flatten(call: LayerCall) -> Inferred:
    """Joins every non-batch axis into one; data_format changes order, not shape."""
    _data_format(call)
    shape = single_input(call)
    rest = shape[1:]
    if not rest:
        return Inferred((shape[0], 1))  # Keras gives a (batch,) input one feature
    return Inferred((shape[0], None if None in rest else prod(rest)))


def _target_shape(call: LayerCall) -> tuple:
    """target_shape with Keras's own reading: a non-integer entry is an unknown length."""
    value = call.kwargs.get("target_shape")
    if not isinstance(value, (list, tuple)):
        raise ShapeError(f"Reshape target_shape must be a list of lengths, got {value!r}",
                         kind="value")
    target = tuple(d if isinstance(d, int) else None for d in value)
    if any(d is not None and d < -1 for d in target) or target.count(-1) > 1:
        raise ShapeError(f"Reshape target_shape {format_shape(target)} may hold lengths >= 0 "
                         f"and at most one -1", kind="value")
    if sum(d is None or d == -1 for d in target) > 1:
        # Keras builds it, then runs each unknown entry as a -1, and a reshape takes one
        raise ShapeError(f"Reshape target_shape {value!r} leaves more than one length "
                         f"unknown (a -1, or an entry that is no whole number): Keras "
                         f"cannot run it", kind="value",
                         fix="give every length but one as a whole number")
    return target


def _element_count(dims: tuple) -> str:
    """"100 x 5 = 500" (or just "500"), to show where a count comes from."""
    total = prod(dims)
    return f"{' x '.join(map(str, dims))} = {total}" if len(dims) > 1 else str(total)


@register("Reshape", family="reshaping", positional=("target_shape",),
          params={"target_shape": REQUIRED})
def reshape(call: LayerCall) -> Inferred:
    """Rearranges the non-batch axes into `target_shape` (one -1 is inferred)."""
    target = _target_shape(call)
    shape = single_input(call)
    rest = shape[1:]
    if None in rest or None in target:
        # Keras cannot check counts against an unknown length, so it trusts the target.
        return Inferred((shape[0],) + tuple(None if d == -1 else d for d in target))
    size = prod(rest)
    if -1 not in target:
        if prod(target) != size:
            raise ShapeError(
                f"Reshape {format_shape(target)} needs {_element_count(target)} elements but "
                f"gets {_element_count(rest)} from {format_shape(shape)}", kind="size")
        return Inferred((shape[0],) + target)
    known = prod(d for d in target if d != -1)
    if known == 0 or size % known:
        raise ShapeError(
            f"Reshape {format_shape(target)} cannot fill its -1: the "
            f"{_element_count(rest)} elements of {format_shape(shape)} do not divide "
            f"by {known}", kind="size")
    return Inferred((shape[0],) + tuple(size // known if d == -1 else d for d in target))


@register("Permute", family="reshaping", positional=("dims",), params={"dims": REQUIRED})
def permute(call: LayerCall) -> Inferred:
    """Reorders the non-batch axes; `dims` counts them from 1."""
    dims = call.kwargs.get("dims")
    if (not isinstance(dims, (list, tuple)) or not all(isinstance(d, int) for d in dims)
            or sorted(dims) != list(range(1, len(dims) + 1))):
        raise ShapeError(f"Permute dims must be an ordering of 1..n (the non-batch axes), "
                         f"got {dims!r}", kind="value")
    shape = single_input(call)
    if len(shape) != len(dims) + 1:
        raise ShapeError(f"Permute dims {tuple(dims)} orders {len(dims)} axes, so it needs a "
                         f"{len(dims) + 1}D input (batch + {len(dims)}) but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=len(dims) + 1)
    return Inferred((shape[0],) + tuple(shape[d] for d in dims))


def _whole_number(call: LayerCall, name: str) -> int:
    """RepeatVector's n and UpSampling1D's size: Keras wants a true int (no bool) > 0."""
    value = call.kwargs.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ShapeError(f"{call.class_name} `{name}` must be a positive integer, got {value!r}",
                         kind="value")
    return value


@register("RepeatVector", family="reshaping", positional=("n",), params={"n": REQUIRED})
def repeat_vector(call: LayerCall) -> Inferred:
    """Repeats a (batch, features) vector n times into (batch, n, features)."""
    n = _whole_number(call, "n")
    shape = single_input(call)
    if len(shape) != 2:
        raise ShapeError(f"RepeatVector needs a 2D input (batch, features) but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=2,
                         fix="Flatten or pool it to (batch, features) first")
    return Inferred((shape[0], n, shape[1]))


def _times(length: Any, factor: int) -> Any:
    return None if length is None else length * factor


@register("UpSampling1D", family="reshaping", positional=("size",), params={"size": 2})
def up_sampling_1d(call: LayerCall) -> Inferred:
    """Repeats each step `size` times."""
    size = _whole_number(call, "size")
    batch, (steps,), channels = spatial_input(call, 1, "channels_last")
    return Inferred((batch, _times(steps, size), channels))


# What the backends' image resize takes (TensorFlow adds "area"); Keras
# lower-cases the name when the layer is made and checks it only when it runs.
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


def _interpolation(call: LayerCall) -> str:
    value = call.kwargs.get("interpolation")
    if not isinstance(value, str) or value.lower() not in INTERPOLATIONS:
        raise ShapeError(f"UpSampling2D interpolation must be one of "
                         f"{', '.join(map(repr, INTERPOLATIONS))}, got {value!r}", kind="value")
    return value.lower()


def _up_sampling(rank: int):
    def infer(call: LayerCall) -> Inferred:
        size = normalize_tuple(call.kwargs.get("size"), rank, "size", call.class_name)
        data_format = _data_format(call)
        if rank == 2:
            _interpolation(call)
        batch, spatial, channels = spatial_input(call, rank, data_format)
        out = tuple(_times(n, f) for n, f in zip(spatial, size))
        return Inferred(join(batch, out, channels, data_format))

    infer.__doc__ = f"Repeats rows/columns ({rank}D) `size` times along each spatial axis."
    return infer


register("UpSampling2D", family="reshaping", positional=("size", "data_format", "interpolation"),
         params={"size": (2, 2), "data_format": None, "interpolation": "nearest"},
         )(_up_sampling(2))
register("UpSampling3D", family="reshaping", positional=("size", "data_format"),
         params={"size": (2, 2, 2), "data_format": None})(_up_sampling(3))


def _pairs(call: LayerCall, name: str, rank: int) -> tuple:
    """ZeroPadding2D/3D and Cropping2D/3D's argument as ((before, after), ...) per axis.

    An int means the same on every side. Keras's ZeroPadding2D/3D constructor
    takes a negative int and builds a smaller output, but padding by a
    negative amount fails when the model runs, so netlint refuses it as
    Cropping does.
    """
    value = call.kwargs.get(name)
    if isinstance(value, int):
        if value < 0:
            raise ShapeError(f"{call.class_name} `{name}` cannot be negative, got {value}",
                             kind="value",
                             fix="use Cropping to trim" if name == "padding" else None)
        return ((value, value),) * rank
    if not isinstance(value, (list, tuple)) or len(value) != rank:
        raise ShapeError(f"{call.class_name} `{name}` must be an int, {rank} ints, or {rank} "
                         f"pairs of ints, got {value!r}", kind="value")
    return tuple(normalize_tuple(v, 2, f"{name}[{i}]", call.class_name, allow_zero=True)
                 for i, v in enumerate(value))


def _zero_padding(rank: int):
    def infer(call: LayerCall) -> Inferred:
        if rank == 1:
            pads = (normalize_tuple(call.kwargs.get("padding"), 2, "padding", call.class_name,
                                    allow_zero=True),)
        else:
            pads = _pairs(call, "padding", rank)
        data_format = _data_format(call)
        batch, spatial, channels = spatial_input(call, rank, data_format)
        out = tuple(None if n is None else n + sum(p) for n, p in zip(spatial, pads))
        return Inferred(join(batch, out, channels, data_format))

    infer.__doc__ = f"Adds rows of zeros around a {rank}D input; `padding` says how many."
    return infer


register("ZeroPadding1D", family="reshaping", positional=("padding", "data_format"),
         params={"padding": 1, "data_format": None})(_zero_padding(1))
register("ZeroPadding2D", family="reshaping", positional=("padding", "data_format"),
         params={"padding": (1, 1), "data_format": None})(_zero_padding(2))
register("ZeroPadding3D", family="reshaping", positional=("padding", "data_format"),
         params={"padding": ((1, 1), (1, 1), (1, 1)), "data_format": None})(_zero_padding(3))


def _cropping(rank: int):
    def infer(call: LayerCall) -> Inferred:
        if rank == 1:
            crops = (normalize_tuple(call.kwargs.get("cropping"), 2, "cropping",
                                     call.class_name, allow_zero=True),)
            data_format = "channels_last"  # Cropping1D has no data_format
        else:
            crops = _pairs(call, "cropping", rank)
            data_format = _data_format(call)
        batch, spatial, channels = spatial_input(call, rank, data_format)
        out = []
        for axis, (n, crop) in enumerate(zip(spatial, crops)):
            if n is not None and sum(crop) >= n:
                raise ShapeError(
                    f"{call.class_name} cropping {crop} removes {sum(crop)} of the {n} "
                    f"{AXIS_UNITS[rank][axis]} it gets (input {format_shape(call.shape)}), "
                    f"leaving nothing", kind="size", fix="crop less, or crop a larger input")
            out.append(None if n is None else n - sum(crop))
        return Inferred(join(batch, tuple(out), channels, data_format))

    infer.__doc__ = f"Trims a {rank}D input's spatial axes by `cropping` on each side."
    return infer


register("Cropping1D", family="reshaping", positional=("cropping",),
         params={"cropping": (1, 1)})(_cropping(1))
register("Cropping2D", family="reshaping", positional=("cropping", "data_format"),
         params={"cropping": ((0, 0), (0, 0)), "data_format": None})(_cropping(2))
register("Cropping3D", family="reshaping", positional=("cropping", "data_format"),
         params={"cropping": ((1, 1), (1, 1), (1, 1)), "data_format": None})(_cropping(3))
