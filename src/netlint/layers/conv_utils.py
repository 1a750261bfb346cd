"""Arithmetic shared by the convolution, pooling and reshaping families.

Every formula here is Keras 3's own (keras/src/ops/operation_utils.py and
keras/src/backend/common/backend_utils.py), written for one axis at a time
so a message can name the axis that went wrong. `None` (an unknown length)
passes through: Keras skips its checks on unknown axes, and so do we.
"""

from __future__ import annotations

from netlint.layers.base import LayerCall, ShapeError, format_shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What Keras's docstrings call the spatial axes, for messages.
AXIS_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("dim1", "dim2", "dim3")}

# The same axes counted, for "larger than the 3 steps it gets".
AXIS_UNITS = {1: ("steps",), 2: ("rows", "columns"),
              3: ("positions along dim1", "positions along dim2", "positions along dim3")}

DATA_FORMATS = ("channels_last", "channels_first")


def _is_int(value: Any) -> bool:
    # bool is an int to Keras too (standardize_tuple uses isinstance(value, int))
    return isinstance(value, int)


def normalize_tuple(value: Any, n: int, name: str, class_name: str, *,
                    allow_zero: bool = False) -> tuple:
    """`3` or `[3, 3]` -> (3, 3), refusing what Keras's standardize_tuple refuses.

    Keras would let an integral float through in a list (and then fail later,
    or not); netlint asks for integers, as Keras's documentation does.
    """
    if _is_int(value):
        values = (value,) * n
    elif isinstance(value, (list, tuple)) and len(value) == n and all(map(_is_int, value)):
        values = tuple(value)
    else:
        raise ShapeError(f"{class_name} `{name}` must be an integer or a list of {n} "
                         f"integers, got {value!r}", kind="value")
    low = 0 if allow_zero else 1
    # min and map, not generators: this runs for every window argument of every conv and
    # pooling layer (and rules ask again), and the generators cost ~4,000 instructions
    if values and min(values) < low:
        need = ">= 0" if allow_zero else "> 0"
        raise ShapeError(f"{class_name} `{name}` values must be {need}, got {value!r}",
                         kind="value")
    return tuple(map(int, values))


def normalize_padding(value: Any, class_name: str, *, allow_causal: bool = False,
                      lower: bool = True) -> str:
    """"valid" or "same" (or "causal", Conv1D only).

    Convolutions lower-case the value first; pooling layers compare it as
    written, so Keras refuses MaxPooling1D(padding="SAME") but not Conv1D's.
    """
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if lower and isinstance(value, str) else value
    if not isinstance(padding, str) or padding not in allowed:
        spelled = "" if lower else " (lower case)"
        raise ShapeError(f"{class_name} padding must be one of "
                         f"{', '.join(map(repr, allowed))}{spelled}, got {value!r}",
                         kind="value")
    return padding


def positive_int(call: LayerCall, name: str) -> int:
    """An argument Keras needs as a whole number above zero (filters, groups, ...)."""
    value = call.kwargs.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ShapeError(f"{call.class_name} `{name}` must be a positive integer, "
                         f"got {value!r}", kind="value")
    return value


def normalize_data_format(value: Any, class_name: str) -> str:
    """None means Keras's image_data_format(), channels_last unless configured."""
    if value is None:
        return "channels_last"
    data_format = str(value).lower()
    if data_format not in DATA_FORMATS:
        raise ShapeError(f"{class_name} data_format must be 'channels_last' or "
                         f"'channels_first', got {value!r}", kind="value")
    return data_format


def layout(rank: int, data_format: str) -> str:
    """"(batch, height, width, channels)" for a rank-2 spatial layer."""
    axes = AXIS_NAMES[rank]
    order = ("channels",) + axes if data_format == "channels_first" else axes + ("channels",)
    return "(batch, " + ", ".join(order) + ")"


def single_input(call: LayerCall) -> tuple:
    """The shape of the one tensor these layers take."""
    if len(call.input_shapes) != 1:
        raise ShapeError(f"{call.class_name} takes one input, got {len(call.input_shapes)}",
                         kind="value")
    return call.shape


def spatial_input(call: LayerCall, rank: int, data_format: str) -> tuple:
    """Split the one input into (batch, spatial lengths, channels), checking its rank."""
    shape = single_input(call)
    if len(shape) != rank + 2:
        fix = None
        if len(shape) == rank + 1 and data_format == "channels_last":
            # one axis short: a grayscale image or a plain series missing its channels
            fix = ("add a channels axis of 1, e.g. Reshape("
                   f"{format_shape(tuple(shape[1:]) + (1,))}), before it")
            if rank > 1 and f"{rank}D" in call.class_name:
                smaller = call.class_name.replace(f"{rank}D", f"{rank - 1}D")
                fix += f", or use {smaller} if the last axis already holds the channels"
        raise ShapeError(f"{call.class_name} needs a {rank + 2}D input "
                         f"{layout(rank, data_format)} but got {format_shape(shape)}",
                         kind="rank", expected_rank=rank + 2, fix=fix)
    if data_format == "channels_first":
        return shape[0], tuple(shape[2:]), shape[1]
    return shape[0], tuple(shape[1:-1]), shape[-1]


def join(batch: Any, spatial: tuple, channels: Any, data_format: str) -> tuple:
    """The inverse of spatial_input."""
    if data_format == "channels_first":
        return (batch, channels) + tuple(spatial)
    return (batch,) + tuple(spatial) + (channels,)


def known_channels(channels: Any, call: LayerCall, data_format: str) -> int:
    """Layers with weights must know their channel count to build them."""
    if channels is None:
        where = "first" if data_format == "channels_first" else "last"
        raise ShapeError(f"{call.class_name} needs a known channels axis ({where}) to build "
                         f"its weights, got {format_shape(call.shape)}", kind="size")
    return channels


def effective_kernel(kernel: int, dilation: int) -> int:
    """How many input positions a dilated kernel spans."""
    return (kernel - 1) * dilation + 1


def conv_output_length(length: int | None, kernel: int, stride: int, dilation: int,
                       padding: str) -> int | None:
    """Keras's compute_conv_output_shape for one axis (pooling: dilation 1).

    "causal" pads on the left only, so its length is that of "same". A result
    of zero or less under "valid" is the caller's to refuse.
    """
    if length is None:
        return None
    if padding == "valid":
        return (length - effective_kernel(kernel, dilation)) // stride + 1
    return (length - 1) // stride + 1


def transpose_output_length(length: int | None, kernel: int, stride: int, dilation: int,
                            padding: str, output_padding: int | None) -> int | None:
    """Keras's _get_output_shape_given_tf_padding: the length a transposed conv makes."""
    if length is None:
        return None
    span = effective_kernel(kernel, dilation)
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (length - 1) * stride + span + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + span % 2 + output_padding


def window_outputs(call: LayerCall, spatial: tuple, window: tuple, strides: tuple,
                   dilation: tuple, padding: str, *, what: str) -> tuple:
    """Output lengths of a sliding window (kernel or pool) over every spatial axis.

    Under "valid" a window longer than its axis leaves nothing, which Keras
    refuses; the message names the axis, the window and the way out.
    """
    units = AXIS_UNITS[len(spatial)]
    out = []
    for axis, length in enumerate(spatial):
        size = conv_output_length(length, window[axis], strides[axis], dilation[axis], padding)
        if padding == "valid" and size is not None and size <= 0:
            span = effective_kernel(window[axis], dilation[axis])
            dilated = f" (dilated to span {span})" if span != window[axis] else ""
            raise ShapeError(
                f"{call.class_name} {what} {window[axis]}{dilated} is larger than the {length} "
                f"{units[axis]} it gets (input {format_shape(call.shape)}, padding='valid')",
                kind="size", fix="use padding='same', a smaller window, or a longer input")
        out.append(size)
    return tuple(out)
