"""Core layers: Dense, Activation, Dropout and the noise layers, Masking, Identity, Embedding."""

from __future__ import annotations

from netlint.layers.base import (
    REQUIRED,
    Inferred,
    LayerCall,
    ShapeError,
    Weight,
    format_shape,
    last_dim,
)
from netlint.layers.registry import register

_LORA = {"lora_rank": None, "lora_alpha": None, "quantization_config": None}


def _same_shape(call: LayerCall) -> Inferred:
    return Inferred(call.shape)


@register("Dense", family="core", positional=("units", "activation"), params={
    "units": REQUIRED, "activation": None, "use_bias": True,
    "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
    "kernel_constraint": None, "bias_constraint": None, **_LORA,
})
def dense(call: LayerCall) -> Inferred:
    """Fully connected on the last axis; on a sequence it acts per timestep."""
    shape = call.shape
    if len(shape) < 2:
        raise ShapeError(f"Dense needs an input of at least 2D (batch, features) but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=2)
    features = last_dim(shape, "Dense")
    units = call["units"]
    weights = [Weight("kernel", (features, units))]
    if call["use_bias"]:
        weights.append(Weight("bias", (units,)))
    return Inferred(shape[:-1] + (units,), tuple(weights))


@register("Activation", family="core", positional=("activation",),
          params={"activation": REQUIRED})
def activation(call: LayerCall) -> Inferred:
    """Applies an activation function; shape unchanged."""
    return _same_shape(call)


@register("Dropout", family="core", positional=("rate",),
          params={"rate": REQUIRED, "noise_shape": None, "seed": None})
def dropout(call: LayerCall) -> Inferred:
    """Zeroes a fraction `rate` of inputs while training; shape unchanged."""
    return _same_shape(call)


@register("GaussianNoise", family="core", positional=("stddev",),
          params={"stddev": REQUIRED, "seed": None})
def gaussian_noise(call: LayerCall) -> Inferred:
    """Adds zero-mean noise while training; shape unchanged."""
    return _same_shape(call)


@register("GaussianDropout", family="core", positional=("rate",),
          params={"rate": REQUIRED, "seed": None})
def gaussian_dropout(call: LayerCall) -> Inferred:
    """Multiplicative noise while training; shape unchanged."""
    return _same_shape(call)


@register("AlphaDropout", family="core", positional=("rate",),
          params={"rate": REQUIRED, "noise_shape": None, "seed": None})
def alpha_dropout(call: LayerCall) -> Inferred:
    """Dropout that keeps SELU's self-normalisation; shape unchanged."""
    return _same_shape(call)


def _spatial_dropout(rank: int):
    def infer(call: LayerCall) -> Inferred:
        shape = call.shape
        if len(shape) != rank:
            raise ShapeError(f"{call.class_name} needs a {rank}D input but got "
                             f"{format_shape(shape)}", kind="rank", expected_rank=rank)
        return Inferred(shape)

    infer.__doc__ = f"Drops whole feature maps of a {rank}D input; shape unchanged."
    return infer


# SpatialDropout layers take no **kwargs in Keras 3: only these four arguments.
_SPATIAL = {"rate": REQUIRED, "seed": None, "name": None, "dtype": None}
register("SpatialDropout1D", family="core", positional=("rate",), params=_SPATIAL,
         base_params=False)(_spatial_dropout(3))
register("SpatialDropout2D", family="core", positional=("rate",),
         params={**_SPATIAL, "data_format": None}, base_params=False)(_spatial_dropout(4))
register("SpatialDropout3D", family="core", positional=("rate",),
         params={**_SPATIAL, "data_format": None}, base_params=False)(_spatial_dropout(5))


@register("Masking", family="core", params={"mask_value": 0.0})
def masking(call: LayerCall) -> Inferred:
    """Marks timesteps equal to `mask_value` as padding for later RNNs."""
    return _same_shape(call)


@register("Identity", family="core")
def identity(call: LayerCall) -> Inferred:
    """Passes its input through."""
    return _same_shape(call)


@register("Embedding", family="embedding", positional=("input_dim", "output_dim"), params={
    "input_dim": REQUIRED, "output_dim": REQUIRED, "embeddings_initializer": "uniform",
    "embeddings_regularizer": None, "embeddings_constraint": None, "mask_zero": False,
    "weights": None, **_LORA,
})
def embedding(call: LayerCall) -> Inferred:
    """Maps integer ids (vocabulary `input_dim`) to vectors of `output_dim`."""
    vocab, dim = call["input_dim"], call["output_dim"]
    return Inferred(call.shape + (dim,), (Weight("embeddings", (vocab, dim)),))


@register("InputLayer", family="core", base_params=False, params={
    "shape": None, "batch_size": None, "dtype": None, "sparse": None, "ragged": None,
    "batch_shape": None, "input_tensor": None, "optional": False, "name": None,
    # Keras 2 spellings InputLayer still reads (and then ignores any other keyword)
    "input_shape": None, "batch_input_shape": None,
})
def input_layer(call: LayerCall) -> Inferred:
    """The model's input; written as `input:`/`inputs:` or a first `- Input:` item."""
    return Inferred(call.shape)
