"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

All keep their input's shape. Keras checks their arguments when the layer is
made (a negative `max_value` is refused there), PReLU builds one `alpha` per
input position except along `shared_axes`, and Softmax's `axis` is only tried
on the first batch: netlint checks it against the input instead.
"""

from __future__ import annotations

from netlint.layers.base import Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _at_least_zero(call: LayerCall, name: str, optional: bool = False) -> None:
    value = call.kwargs.get(name)
    if optional and value is None:
        return
    if not _number(value) or value < 0:
        raise ShapeError(f"{call.class_name} needs `{name}` of 0 or more, got {value!r}",
                         kind="value")


@register("ReLU", family="activations", positional=("max_value", "negative_slope", "threshold"),
          params={"max_value": None, "negative_slope": 0.0, "threshold": 0.0})
def relu(call: LayerCall) -> Inferred:
    """Rectified linear unit, optionally capped (`max_value`) and leaky; shape unchanged."""
    _at_least_zero(call, "max_value", optional=True)
    _at_least_zero(call, "negative_slope")
    _at_least_zero(call, "threshold")
    return Inferred(call.shape)


@register("LeakyReLU", family="activations", positional=("negative_slope",),
          params={"negative_slope": 0.3})
def leaky_relu(call: LayerCall) -> Inferred:
    """ReLU with slope `negative_slope` below zero; shape unchanged."""
    _at_least_zero(call, "negative_slope")
    return Inferred(call.shape)


@register("ELU", family="activations", positional=("alpha",), params={"alpha": 1.0})
def elu(call: LayerCall) -> Inferred:
    """Exponential linear unit; shape unchanged."""
    return Inferred(call.shape)


def _shared_axes(call: LayerCall) -> list:
    shared = call.kwargs.get("shared_axes")
    if shared is None:
        return []
    shared = list(shared) if isinstance(shared, (list, tuple)) else [shared]
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in shared):
        raise ShapeError(f"PReLU needs integer shared_axes, got {call['shared_axes']!r}",
                         kind="value")
    return shared


@register("PReLU", family="activations", params={
    "alpha_initializer": "Zeros", "alpha_regularizer": None, "alpha_constraint": None,
    "shared_axes": None,
})
def prelu(call: LayerCall) -> Inferred:
    """ReLU with a learned slope per input position (one per `shared_axes` group)."""
    shape = call.shape
    alpha = list(shape[1:])
    for axis in _shared_axes(call):
        # Keras sets alpha[axis - 1], so axis 0 lands on the last axis and -1 on the
        # one before it: Python indexing, reproduced as is
        if not -len(alpha) <= axis - 1 < len(alpha):
            raise ShapeError(f"PReLU shared axis {axis} is out of range for input "
                             f"{format_shape(shape)}", kind="value")
        alpha[axis - 1] = 1
    if None in alpha:
        raise ShapeError(f"PReLU needs every axis it does not share to be known, to build "
                         f"alpha; got {format_shape(shape)} with shared_axes="
                         f"{call.kwargs.get('shared_axes')!r}", kind="size")
    return Inferred(shape, (Weight("alpha", tuple(alpha)),))


@register("Softmax", family="activations", positional=("axis",), params={"axis": -1})
def softmax(call: LayerCall) -> Inferred:
    """Softmax over `axis` (an int or a list of axes); shape unchanged."""
    shape, axis = call.shape, call["axis"]
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise ShapeError(f"Softmax needs `axis` as an integer or a list of integers, got "
                         f"{axis!r}", kind="value")
    # Keras declares the output without looking at `axis`; the first batch fails
    for a in axes:
        if not -len(shape) <= a < len(shape):
            raise ShapeError(f"Softmax axis {a} is out of range for input "
                             f"{format_shape(shape)}", kind="value")
    if len({a % len(shape) for a in axes}) != len(axes):
        raise ShapeError(f"Softmax names an axis twice in axis={axis!r} for input "
                         f"{format_shape(shape)}", kind="value")
    return Inferred(shape)
