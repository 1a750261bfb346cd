"""Pooling: Max/Average over windows, to a fixed size (adaptive), or over whole axes.

No weights. Window pooling follows Keras 3's compute_pooling_output_shape;
global pooling drops the spatial axes (or keeps them as 1 with keepdims).
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, alias
from netlint.layers.registry import register
from netlint.layers.conv_utils import (
    DATA_FORMATS,
    join,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    spatial_input,
    window_outputs,
)


def _pool(rank: int, mode: str):
    def infer(call: LayerCall) -> Inferred:
        name = call.class_name
        pool = normalize_tuple(call.kwargs.get("pool_size"), rank, "pool_size", name)
        # strides=None means "same as pool_size". Keras's constructor allows a 0
        # stride but then divides by it when it computes the shape: refuse it here.
        strides = call.kwargs.get("strides")
        strides = pool if strides is None else normalize_tuple(strides, rank, "strides", name)
        padding = normalize_padding(call.kwargs.get("padding"), name, lower=False)
        data_format = normalize_data_format(call.kwargs.get("data_format"), name)
        batch, spatial, channels = spatial_input(call, rank, data_format)
        out = window_outputs(call, spatial, pool, strides, (1,) * rank, padding,
                             what="pool_size")
        return Inferred(join(batch, out, channels, data_format))

    infer.__doc__ = (f"{mode.capitalize()} over {rank}D windows of `pool_size`, stepping "
                     f"`strides` (default: pool_size); no weights.")
    return infer


def _global_pool(rank: int, mode: str):
    def infer(call: LayerCall) -> Inferred:
        data_format = normalize_data_format(call.kwargs.get("data_format"), call.class_name)
        batch, _, channels = spatial_input(call, rank, data_format)
        if call.kwargs.get("keepdims"):
            return Inferred(join(batch, (1,) * rank, channels, data_format))
        return Inferred((batch, channels))

    infer.__doc__ = (f"{mode.capitalize()} over every {rank}D position: one value per "
                     f"channel (keepdims keeps the spatial axes as 1).")
    return infer


def _adaptive_pool(rank: int, mode: str):
    def infer(call: LayerCall) -> Inferred:
        name = call.class_name
        # Keras builds an output_size of 0 but cannot run it: ask for > 0.
        size = normalize_tuple(call.kwargs.get("output_size"), rank, "output_size", name)
        # Unlike the other layers, adaptive pooling compares data_format as written.
        data_format = call.kwargs.get("data_format") or "channels_last"
        if data_format not in DATA_FORMATS:
            raise ShapeError(f"{name} data_format must be 'channels_last' or "
                             f"'channels_first', got {data_format!r}", kind="value")
        # Keras's compute_output_shape takes any rank here, but the pooling op
        # fails on the wrong rank when the model runs: refuse it now.
        batch, _, channels = spatial_input(call, rank, data_format)
        return Inferred(join(batch, size, channels, data_format))

    infer.__doc__ = (f"{mode.capitalize()} pooling to a fixed `output_size` per {rank}D "
                     f"axis, whatever the input length; no weights.")
    return infer


def _register(rank: int) -> None:
    window = {"strides": None, "padding": "valid", "data_format": None, "name": None}
    positional = ("pool_size", "strides", "padding", "data_format")
    default_pool = 2 if rank == 1 else (2,) * rank
    register(f"MaxPooling{rank}D", family="pooling", positional=positional,
             params={"pool_size": default_pool, **window})(_pool(rank, "maximum"))
    # AveragePooling has no default pool_size in Keras 3, unlike MaxPooling.
    register(f"AveragePooling{rank}D", family="pooling", positional=positional,
             params={"pool_size": REQUIRED, **window})(_pool(rank, "average"))
    global_params = {"data_format": None, "keepdims": False}
    register(f"GlobalMaxPooling{rank}D", family="pooling", positional=("data_format", "keepdims"),
             params=global_params)(_global_pool(rank, "maximum"))
    register(f"GlobalAveragePooling{rank}D", family="pooling",
             positional=("data_format", "keepdims"),
             params=global_params)(_global_pool(rank, "average"))
    adaptive = {"output_size": REQUIRED, "data_format": None}
    register(f"AdaptiveMaxPooling{rank}D", family="pooling",
             positional=("output_size", "data_format"), params=adaptive,
             )(_adaptive_pool(rank, "maximum"))
    register(f"AdaptiveAveragePooling{rank}D", family="pooling",
             positional=("output_size", "data_format"), params=adaptive,
             )(_adaptive_pool(rank, "average"))
    alias(f"MaxPool{rank}D", f"MaxPooling{rank}D")
    alias(f"AvgPool{rank}D", f"AveragePooling{rank}D")
    alias(f"GlobalMaxPool{rank}D", f"GlobalMaxPooling{rank}D")
    alias(f"GlobalAvgPool{rank}D", f"GlobalAveragePooling{rank}D")


for _rank in (1, 2, 3):
    _register(_rank)
