"""Recurrent layers: SimpleRNN, LSTM, GRU and ConvLSTM1D/2D/3D.

Keras builds an RNN's cell on one timestep, so the weights depend only on the
feature axis (or, for ConvLSTM, the channels and kernel), never on the number
of timesteps. `return_state` adds the final state(s) as extra outputs: h for
SimpleRNN and GRU, h and c for LSTM and ConvLSTM.
"""

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
from netlint.layers.conv_utils import (
    conv_output_length,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)

_INITIALIZERS = {
    "kernel_initializer": "glorot_uniform", "recurrent_initializer": "orthogonal",
    "bias_initializer": "zeros",
}
_REGULARIZERS = {
    "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
    "activity_regularizer": None,
}
_CONSTRAINTS = {"kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None}
_DROPOUT = {"dropout": 0.0, "recurrent_dropout": 0.0}
_FLAGS = {"return_sequences": False, "return_state": False, "go_backwards": False,
          "stateful": False}
# Not in the subclasses' signatures but accepted: their **kwargs reach keras.layers.RNN,
# whose __init__ takes these (ConvLSTM forwards `unroll` the same way).
_RNN_BASE_EXTRAS = {"zero_output_for_mask": False}

# for an input one axis short: most often the time axis was never there, or a
# previous RNN dropped it
_SEQUENCE_FIX = ("give the input a time axis, shape (timesteps, features); after another "
                 "RNN, set return_sequences: true on that one")
_MAPS_FIX = ("give the input a time axis before the maps; after another ConvLSTM, set "
             "return_sequences: true on that one")


# -- checks shared by every RNN ------------------------------------------------------

def _sequence(call: LayerCall, rank: int, layout: str, fix: str) -> tuple:
    """The input shape, or the rank error Keras's InputSpec(ndim=rank) raises."""
    if len(call.input_shapes) != 1:
        raise ShapeError(f"{call.class_name} takes one input, got {len(call.input_shapes)}",
                         kind="value")
    shape = call.shape
    if len(shape) != rank:
        raise ShapeError(f"{call.class_name} needs a sequence {layout} but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=rank,
                         fix=fix if len(shape) == rank - 1 else None)
    return shape


def _check_stateful(call: LayerCall, batch: int | None) -> None:
    # a stateful RNN keeps one state per sample, so Keras needs the batch size to build it
    if call.get("stateful", False) and batch is None:
        raise ShapeError(f"{call.class_name} with stateful=True needs a fixed batch size, "
                         f"but the batch axis is None", kind="value",
                         fix="give the input a batch_size (and feed batches of that size)")


def _positive_units(call: LayerCall) -> int:
    units = call["units"]
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ShapeError(f"{call.class_name} needs a positive integer `units`, got {units!r}",
                         kind="value")
    return units


def _check_cudnn(call: LayerCall) -> None:
    if call["use_cudnn"] not in ("auto", True, False):
        raise ShapeError(f"{call.class_name}: use_cudnn must be 'auto', true or false, "
                         f"got {call['use_cudnn']!r}", kind="value")


def _outputs(call: LayerCall, shape: tuple, step_out: tuple, n_states: int,
             weights: list) -> Inferred:
    """Last output or the whole sequence, plus the states when return_state is set."""
    batch, steps = shape[0], shape[1]
    output = (batch, steps) + step_out if call.get("return_sequences", False) \
        else (batch,) + step_out
    if not call.get("return_state", False):
        return Inferred(output, tuple(weights))
    states = ((batch,) + step_out,) * n_states
    return Inferred((output,) + states, tuple(weights), multi_output=True)


def _bias(call: LayerCall, shape: tuple) -> list:
    return [Weight("bias", shape)] if call.get("use_bias", True) else []


# -- SimpleRNN, LSTM, GRU -----------------------------------------------------------

def _gated_rnn(call: LayerCall, gates: int) -> tuple:
    """Checks common to the three RNNs; returns (shape, units, kernel weights)."""
    units = _positive_units(call)
    shape = _sequence(call, 3, "(batch, timesteps, features)", _SEQUENCE_FIX)
    features = last_dim(shape, call.class_name)
    _check_stateful(call, shape[0])
    kernels = [Weight("kernel", (features, gates * units)),
               Weight("recurrent_kernel", (units, gates * units))]
    return shape, units, kernels


_SIMPLE_RNN = {
    "units": REQUIRED, "activation": "tanh", "use_bias": True, **_INITIALIZERS,
    **_REGULARIZERS, **_CONSTRAINTS, **_DROPOUT, **_FLAGS, "unroll": False, "seed": None,
}


@register("SimpleRNN", family="recurrent", recurrent=True,
          positional=tuple(_SIMPLE_RNN), params={**_SIMPLE_RNN, **_RNN_BASE_EXTRAS})
def simple_rnn(call: LayerCall) -> Inferred:
    """Fully connected RNN: h_t = activation(x_t W + h_{t-1} U + b)."""
    shape, units, kernels = _gated_rnn(call, 1)
    return _outputs(call, shape, (units,), 1, kernels + _bias(call, (units,)))


_LSTM = {
    "units": REQUIRED, "activation": "tanh", "recurrent_activation": "sigmoid",
    "use_bias": True, **_INITIALIZERS, "unit_forget_bias": True, **_REGULARIZERS,
    **_CONSTRAINTS, **_DROPOUT, "seed": None, **_FLAGS, "unroll": False, "use_cudnn": "auto",
}


@register("LSTM", family="recurrent", recurrent=True, positional=tuple(_LSTM),
          params={**_LSTM, **_RNN_BASE_EXTRAS})
def lstm(call: LayerCall) -> Inferred:
    """Long short-term memory: four gates (i, f, c, o), states h and c."""
    _check_cudnn(call)
    shape, units, kernels = _gated_rnn(call, 4)
    return _outputs(call, shape, (units,), 2, kernels + _bias(call, (4 * units,)))


_GRU = {
    "units": REQUIRED, "activation": "tanh", "recurrent_activation": "sigmoid",
    "use_bias": True, **_INITIALIZERS, **_REGULARIZERS, **_CONSTRAINTS, **_DROPOUT,
    "seed": None, **_FLAGS, "unroll": False, "reset_after": True, "use_cudnn": "auto",
}


@register("GRU", family="recurrent", recurrent=True, positional=tuple(_GRU),
          params={**_GRU, **_RNN_BASE_EXTRAS})
def gru(call: LayerCall) -> Inferred:
    """Gated recurrent unit: three gates (z, r, h), state h."""
    _check_cudnn(call)
    shape, units, kernels = _gated_rnn(call, 3)
    # reset_after (the cuDNN form) keeps separate input and recurrent biases
    bias = (2, 3 * units) if call.get("reset_after", True) else (3 * units,)
    return _outputs(call, shape, (units,), 1, kernels + _bias(call, bias))


# -- ConvLSTM ------------------------------------------------------------------------

def _conv_config(call: LayerCall, rank: int) -> tuple:
    """(kernel_size, strides, dilation_rate, padding, channels_first), as Keras validates."""
    name = call.class_name
    kernel = normalize_tuple(call["kernel_size"], rank, "kernel_size", name)
    # Keras lets strides be 0 here and only fails later dividing by it: refuse it now
    strides = normalize_tuple(call["strides"], rank, "strides", name)
    dilation = normalize_tuple(call["dilation_rate"], rank, "dilation_rate", name)
    padding = normalize_padding(call["padding"], name)
    data_format = normalize_data_format(call["data_format"], name)
    if max(strides) > 1 and max(dilation) > 1:
        raise ShapeError(f"{name}: strides > 1 cannot be combined with dilation_rate > 1 "
                         f"(got strides={strides}, dilation_rate={dilation})", kind="value")
    return kernel, strides, dilation, padding, data_format == "channels_first"


def _conv_lstm_state(call: LayerCall, step: tuple, config: tuple) -> tuple:
    """The per-sample state shape of one step, and the input channels."""
    kernel, strides, dilation, padding, first = config
    channels, spatial = (step[0], step[1:]) if first else (step[-1], step[:-1])
    if None in spatial:
        raise ShapeError(f"{call.class_name} needs every spatial axis known (Keras builds "
                         f"its state from them), got step shape {format_shape(step)}",
                         kind="size")
    if channels is None:
        raise ShapeError(f"{call.class_name} needs a known channels axis to build its "
                         f"weights, got step shape {format_shape(step)}", kind="size")
    out = tuple(conv_output_length(n, k, s, d, padding)
                for n, k, s, d in zip(spatial, kernel, strides, dilation))
    if any(n <= 0 for n in out):
        raise ShapeError(f"{call.class_name}: kernel {kernel} (dilation {dilation}) is larger "
                         f"than the input maps {spatial} with padding='valid'",
                         kind="size", fix="use padding: same or a smaller kernel_size")
    filters = call["filters"]
    return ((filters,) + out if first else out + (filters,)), channels


def _conv_lstm(rank: int):
    axes = ("cols",) if rank == 1 else ("rows", "cols") if rank == 2 else \
        ("depth", "rows", "cols")

    def infer(call: LayerCall) -> Inferred:
        filters = call["filters"]
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 0:
            raise ShapeError(f"{call.class_name} needs a non-negative integer `filters`, "
                             f"got {filters!r}", kind="value")
        config = _conv_config(call, rank)
        layout = ("channels", *axes) if config[4] else (*axes, "channels")
        shape = _sequence(call, rank + 3,
                          f"of {rank}D maps (batch, timesteps, {', '.join(layout)})", _MAPS_FIX)
        state, channels = _conv_lstm_state(call, shape[2:], config)
        _check_stateful(call, shape[0])
        kernel = config[0]
        weights = [Weight("kernel", kernel + (channels, 4 * filters)),
                   Weight("recurrent_kernel", kernel + (filters, 4 * filters))]
        return _outputs(call, shape, state, 2, weights + _bias(call, (4 * filters,)))

    infer.__doc__ = (f"LSTM whose gates are {rank}D convolutions: a sequence of {rank}D "
                     f"feature maps in, maps of `filters` channels out.")
    return infer


_CONV_LSTM = {
    "filters": REQUIRED, "kernel_size": REQUIRED, "strides": 1, "padding": "valid",
    "data_format": None, "dilation_rate": 1, "activation": "tanh",
    "recurrent_activation": "sigmoid", "use_bias": True, **_INITIALIZERS,
    "unit_forget_bias": True, **_REGULARIZERS, **_CONSTRAINTS, **_DROPOUT, "seed": None,
    **_FLAGS,
}

for _rank in (1, 2, 3):
    # its ConvLSTMCell is made without the layer's `trainable` (unlike LSTM's cell)
    register(f"ConvLSTM{_rank}D", family="recurrent", recurrent=True, owns_weights=False,
             positional=tuple(_CONV_LSTM),
             params={**_CONV_LSTM, "unroll": False, **_RNN_BASE_EXTRAS})(_conv_lstm(_rank))
