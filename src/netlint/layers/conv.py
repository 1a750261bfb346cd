"""Convolutions: Conv1D/2D/3D, their transposes, separable and depthwise forms.

Shapes follow Keras 3's compute_conv_output_shape and
compute_conv_transpose_output_shape (see conv_utils); weights follow each
base class's build(). Keras checks its arguments when the layer is made and
the input when it is built; netlint does both when it infers.
"""

from __future__ import annotations

from netlint.layers.base import (
    REQUIRED,
    Inferred,
    LayerCall,
    ShapeError,
    Weight,
    alias,
    format_shape,
)
from netlint.layers.registry import register
from netlint.layers.conv_utils import (
    join,
    known_channels,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    positive_int,
    spatial_input,
    transpose_output_length,
    window_outputs,
)
from netlint.plumbing.records import record

_BIAS_TAIL = {
    "activation": None, "use_bias": True, "kernel_initializer": "glorot_uniform",
    "bias_initializer": "zeros", "kernel_regularizer": None, "bias_regularizer": None,
    "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
}
_DEPTHWISE_TAIL = {
    "activation": None, "use_bias": True, "depthwise_initializer": "glorot_uniform",
    "bias_initializer": "zeros", "depthwise_regularizer": None, "bias_regularizer": None,
    "activity_regularizer": None, "depthwise_constraint": None, "bias_constraint": None,
}
_SEPARABLE_TAIL = {
    "activation": None, "use_bias": True, "depthwise_initializer": "glorot_uniform",
    "pointwise_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "depthwise_regularizer": None, "pointwise_regularizer": None, "bias_regularizer": None,
    "activity_regularizer": None, "depthwise_constraint": None, "pointwise_constraint": None,
    "bias_constraint": None,
}


def _ones(rank: int):
    """Keras's default stride/dilation spelling: 1 for 1D, (1, 1) for 2D, ..."""
    return 1 if rank == 1 else (1,) * rank


@record(frozen=True)
class _Window:
    kernel: tuple
    strides: tuple
    dilation: tuple
    padding: str
    data_format: str


def _window(call: LayerCall, rank: int, *, allow_causal: bool = False,
            strided_dilation: bool = False) -> _Window:
    """The sliding-window arguments, checked as the Keras constructor checks them."""
    name = call.class_name
    window = _Window(
        kernel=normalize_tuple(call.kwargs.get("kernel_size"), rank, "kernel_size", name),
        strides=normalize_tuple(call.kwargs.get("strides"), rank, "strides", name),
        dilation=normalize_tuple(call.kwargs.get("dilation_rate"), rank, "dilation_rate", name),
        padding=normalize_padding(call.kwargs.get("padding"), name, allow_causal=allow_causal),
        data_format=normalize_data_format(call.kwargs.get("data_format"), name),
    )
    # Conv and ConvTranspose refuse the combination; depthwise/separable accept it.
    if not strided_dilation and max(window.strides) > 1 and max(window.dilation) > 1:
        raise ShapeError(f"{name} cannot combine strides > 1 with dilation_rate > 1 "
                         f"(strides={window.strides}, dilation_rate={window.dilation})",
                         kind="value", fix="set one of them to 1")
    return window


def _bias(call: LayerCall, size: int) -> list:
    return [Weight("bias", (size,))] if call.kwargs.get("use_bias", True) else []


def _kernel_weights(call: LayerCall, kernel_shape: tuple, filters: int) -> list:
    """The kernel, or with LoRA a frozen kernel plus its two trainable factors."""
    lora_rank = call.kwargs.get("lora_rank")
    if not lora_rank:  # Keras tests truthiness: lora_rank=0 means no LoRA
        return [Weight("kernel", kernel_shape)]
    if not isinstance(lora_rank, int) or lora_rank < 0:
        raise ShapeError(f"{call.class_name} `lora_rank` must be a positive integer, "
                         f"got {lora_rank!r}", kind="value")
    return [Weight("kernel", kernel_shape, trainable=False),
            Weight("lora_kernel_a", kernel_shape[:-1] + (lora_rank,)),
            Weight("lora_kernel_b", (lora_rank, filters))]


def _conv(rank: int):
    def infer(call: LayerCall) -> Inferred:
        window = _window(call, rank, allow_causal=rank == 1)
        filters, groups = positive_int(call, "filters"), positive_int(call, "groups")
        if filters % groups:
            raise ShapeError(f"{call.class_name} filters {filters} must divide evenly into "
                             f"groups={groups}", kind="value")
        batch, spatial, channels = spatial_input(call, rank, window.data_format)
        channels = known_channels(channels, call, window.data_format)
        if channels % groups:
            raise ShapeError(f"{call.class_name} groups={groups} must divide its {channels} "
                             f"input channels evenly", kind="size")
        out = window_outputs(call, spatial, window.kernel, window.strides, window.dilation,
                             window.padding, what="kernel_size")
        kernel_shape = window.kernel + (channels // groups, filters)
        weights = _kernel_weights(call, kernel_shape, filters) + _bias(call, filters)
        return Inferred(join(batch, out, filters, window.data_format), tuple(weights))

    infer.__doc__ = (f"{rank}D convolution: `filters` kernels of `kernel_size` slide over "
                     f"the input; padding 'valid' shrinks it, 'same' keeps it"
                     + (", 'causal' pads the past only." if rank == 1 else "."))
    return infer


def _output_padding(call: LayerCall, rank: int, strides: tuple) -> tuple | None:
    value = call.kwargs.get("output_padding")
    if value is None:
        return None
    padding = normalize_tuple(value, rank, "output_padding", call.class_name, allow_zero=True)
    if any(p >= s for p, s in zip(padding, strides)):
        raise ShapeError(f"{call.class_name} output_padding {padding} must be smaller than "
                         f"strides {strides} on every axis", kind="value")
    return padding


def _conv_transpose(rank: int):
    def infer(call: LayerCall) -> Inferred:
        window = _window(call, rank)
        filters = positive_int(call, "filters")
        output_padding = _output_padding(call, rank, window.strides)
        batch, spatial, channels = spatial_input(call, rank, window.data_format)
        channels = known_channels(channels, call, window.data_format)
        if 0 in spatial:
            # Keras declares a shape for an empty axis (even a negative one) but the
            # transposed convolution itself fails on it when the model runs.
            raise ShapeError(f"{call.class_name} has nothing to transpose: its input "
                             f"{format_shape(call.shape)} has an empty axis", kind="size")
        out = tuple(
            transpose_output_length(length, window.kernel[i], window.strides[i],
                                    window.dilation[i], window.padding,
                                    None if output_padding is None else output_padding[i])
            for i, length in enumerate(spatial))
        weights = [Weight("kernel", window.kernel + (filters, channels))] + _bias(call, filters)
        return Inferred(join(batch, out, filters, window.data_format), tuple(weights))

    infer.__doc__ = (f"{rank}D transposed convolution: grows each axis to about "
                     f"length x strides (the inverse of a strided Conv{rank}D).")
    return infer


def _depthwise(rank: int):
    def infer(call: LayerCall) -> Inferred:
        window = _window(call, rank, strided_dilation=True)
        multiplier = positive_int(call, "depth_multiplier")
        batch, spatial, channels = spatial_input(call, rank, window.data_format)
        channels = known_channels(channels, call, window.data_format)
        out = window_outputs(call, spatial, window.kernel, window.strides, window.dilation,
                             window.padding, what="kernel_size")
        weights = [Weight("kernel", window.kernel + (channels, multiplier))]
        weights += _bias(call, channels * multiplier)
        return Inferred(join(batch, out, channels * multiplier, window.data_format),
                        tuple(weights))

    infer.__doc__ = (f"{rank}D depthwise convolution: each input channel gets its own "
                     f"`depth_multiplier` kernels; no mixing across channels.")
    return infer


def _separable(rank: int):
    def infer(call: LayerCall) -> Inferred:
        window = _window(call, rank, strided_dilation=True)
        multiplier = positive_int(call, "depth_multiplier")
        filters = positive_int(call, "filters")
        batch, spatial, channels = spatial_input(call, rank, window.data_format)
        channels = known_channels(channels, call, window.data_format)
        out = window_outputs(call, spatial, window.kernel, window.strides, window.dilation,
                             window.padding, what="kernel_size")
        weights = [Weight("depthwise_kernel", window.kernel + (channels, multiplier)),
                   Weight("pointwise_kernel", (1,) * rank + (channels * multiplier, filters))]
        weights += _bias(call, filters)
        return Inferred(join(batch, out, filters, window.data_format), tuple(weights))

    infer.__doc__ = (f"{rank}D separable convolution: a depthwise pass per channel, then "
                     f"a 1x1 convolution to `filters` channels.")
    return infer


def _register_family(rank: int) -> None:
    ones = _ones(rank)
    # Conv1D/2D/3D take lora_rank/lora_alpha through **kwargs (BaseConv's own arguments).
    register(f"Conv{rank}D", family="conv",
             positional=("filters", "kernel_size", "strides", "padding"), params={
                 "filters": REQUIRED, "kernel_size": REQUIRED, "strides": ones,
                 "padding": "valid", "data_format": None, "dilation_rate": ones, "groups": 1,
                 **_BIAS_TAIL, "lora_rank": None, "lora_alpha": None,
             })(_conv(rank))
    # Conv3DTranspose lists data_format before output_padding; the others after.
    head = {"filters": REQUIRED, "kernel_size": REQUIRED, "strides": ones, "padding": "valid"}
    order = ({"data_format": None, "output_padding": None} if rank == 3
             else {"output_padding": None, "data_format": None})
    register(f"Conv{rank}DTranspose", family="conv",
             positional=("filters", "kernel_size", "strides", "padding"),
             params={**head, **order, "dilation_rate": ones, **_BIAS_TAIL},
             )(_conv_transpose(rank))
    if rank == 3:
        return  # Keras 3 has no SeparableConv3D or DepthwiseConv3D
    register(f"SeparableConv{rank}D", family="conv",
             positional=("filters", "kernel_size", "strides", "padding"), params={
                 "filters": REQUIRED, "kernel_size": REQUIRED, "strides": ones,
                 "padding": "valid", "data_format": None, "dilation_rate": ones,
                 "depth_multiplier": 1, **_SEPARABLE_TAIL,
             })(_separable(rank))
    register(f"DepthwiseConv{rank}D", family="conv",
             positional=("kernel_size", "strides", "padding", "depth_multiplier"), params={
                 "kernel_size": REQUIRED, "strides": ones, "padding": "valid",
                 "depth_multiplier": 1, "data_format": None, "dilation_rate": ones,
                 **_DEPTHWISE_TAIL,
             })(_depthwise(rank))


for _rank in (1, 2, 3):
    _register_family(_rank)

# Second names keras.layers itself exports for the same classes.
for _rank in (1, 2, 3):
    alias(f"Convolution{_rank}D", f"Conv{_rank}D")
    alias(f"Convolution{_rank}DTranspose", f"Conv{_rank}DTranspose")
for _rank in (1, 2):
    alias(f"SeparableConvolution{_rank}D", f"SeparableConv{_rank}D")
