"""Recurrent layers against real Keras: shapes, parameter counts and refusals."""

import inspect

import keras
import pytest
from hypothesis import given, settings, strategies as st

from keras_oracle import compare_layer, netlint_layer
from netlint.layers.base import REQUIRED, ShapeError
from netlint.layers.registry import get

RNNS = ("SimpleRNN", "LSTM", "GRU")
CONV_LSTMS = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
# Accepted through **kwargs by keras.layers.RNN.__init__, though not in the signatures.
RNN_EXTRAS = {"zero_output_for_mask"}
CONV_LSTM_EXTRAS = {"zero_output_for_mask", "unroll"}

steps = st.one_of(st.none(), st.integers(1, 6))
batches = st.one_of(st.none(), st.integers(1, 4))


@pytest.mark.parametrize("class_name", RNNS + CONV_LSTMS)
def test_arguments_match_keras_signature(class_name):
    definition = get(class_name)
    assert definition.recurrent
    signature = inspect.signature(getattr(keras.layers, class_name).__init__)
    named = [p for p in signature.parameters.values()
             if p.name != "self" and p.kind is not p.VAR_KEYWORD]
    for p in named:
        want = REQUIRED if p.default is p.empty else p.default
        assert definition.params[p.name] == want, p.name
    assert definition.positional == tuple(p.name for p in named)
    extras = set(definition.params) - {p.name for p in named}
    assert extras == (CONV_LSTM_EXTRAS if class_name in CONV_LSTMS else RNN_EXTRAS)


@settings(max_examples=60, deadline=None)
@given(class_name=st.sampled_from(RNNS), units=st.integers(1, 12), timesteps=steps,
       features=st.integers(1, 8), batch=batches, return_sequences=st.booleans(),
       return_state=st.booleans(), use_bias=st.booleans(), stateful=st.booleans(),
       trainable=st.booleans(), data=st.data())
def test_rnn(class_name, units, timesteps, features, batch, return_sequences, return_state,
             use_bias, stateful, trainable, data):
    kwargs = {"units": units, "return_sequences": return_sequences,
              "return_state": return_state, "use_bias": use_bias, "stateful": stateful,
              "trainable": trainable}
    if class_name == "GRU":
        kwargs["reset_after"] = data.draw(st.booleans(), "reset_after")
    if class_name == "LSTM":
        kwargs["unit_forget_bias"] = data.draw(st.booleans(), "unit_forget_bias")
    compare_layer(class_name, kwargs, [(timesteps, features)], batch_size=batch)


@pytest.mark.parametrize("class_name", RNNS)
@pytest.mark.parametrize("extra", [
    {"go_backwards": True}, {"unroll": True}, {"dropout": 0.3, "recurrent_dropout": 0.2},
    {"activation": "relu"}, {"zero_output_for_mask": True}, {"seed": 7},
    {"kernel_regularizer": "l2", "recurrent_constraint": "max_norm"},
    {"units": 0}, {"units": -3},
])
def test_rnn_arguments(class_name, extra):
    compare_layer(class_name, {"units": 4, **extra}, [(None, 5)])


@pytest.mark.parametrize("class_name", ("LSTM", "GRU"))
@pytest.mark.parametrize("use_cudnn", ["auto", True, False, "yes"])
def test_use_cudnn(class_name, use_cudnn):
    compare_layer(class_name, {"units": 3, "use_cudnn": use_cudnn}, [(4, 2)])


@pytest.mark.parametrize("class_name", RNNS)
@pytest.mark.parametrize("shape", [(5,), (3, None), (2, 3, 4), (2, 3, 4, 5)])
@pytest.mark.parametrize("batch", [None, 2])
def test_rnn_refusals(class_name, shape, batch):
    compare_layer(class_name, {"units": 4}, [shape], batch_size=batch)


@pytest.mark.parametrize("class_name", RNNS + ("ConvLSTM1D",))
def test_rank_error_names_the_sequence(class_name):
    kwargs = {"filters": 2, "kernel_size": 1} if "Conv" in class_name else {"units": 4}
    with pytest.raises(ShapeError) as caught:
        netlint_layer(class_name, kwargs, [(32,)])
    error = caught.value
    assert error.kind == "rank"
    expected = 4 if "Conv" in class_name else 3
    assert error.expected_rank == expected
    assert error.message.startswith(f"{class_name} needs a sequence")
    assert "(None, 32)" in error.message


def test_stateful_without_batch_is_a_value_error():
    with pytest.raises(ShapeError) as caught:
        netlint_layer("LSTM", {"units": 4, "stateful": True}, [(3, 5)])
    assert caught.value.kind == "value"
    assert "batch" in caught.value.message


def _conv_inputs(rank, data_format, spatial, channels, timesteps):
    step = (channels, *spatial) if data_format == "channels_first" else (*spatial, channels)
    return [(timesteps, *step)]


@settings(max_examples=60, deadline=None)
@given(rank=st.integers(1, 3), filters=st.integers(0, 4), kernel=st.integers(1, 3),
       strides=st.integers(1, 2), dilation=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), data_format=st.sampled_from(
           [None, "channels_last", "channels_first"]), channels=st.integers(1, 3),
       timesteps=steps, return_sequences=st.booleans(), return_state=st.booleans(),
       use_bias=st.booleans(), data=st.data())
def test_conv_lstm(rank, filters, kernel, strides, dilation, padding, data_format, channels,
                   timesteps, return_sequences, return_state, use_bias, data):
    spatial = data.draw(st.tuples(*[st.integers(1, 6)] * rank), "spatial")
    kwargs = {"filters": filters, "kernel_size": kernel, "strides": strides,
              "dilation_rate": dilation, "padding": padding, "data_format": data_format,
              "return_sequences": return_sequences, "return_state": return_state,
              "use_bias": use_bias}
    compare_layer(f"ConvLSTM{rank}D", kwargs,
                  _conv_inputs(rank, data_format, spatial, channels, timesteps))


@pytest.mark.parametrize("class_name, kwargs, shape, batch", [
    ("ConvLSTM2D", {"kernel_size": (3, 1), "strides": (2, 1)}, (4, 7, 5, 2), None),
    ("ConvLSTM3D", {"kernel_size": [2, 3, 1], "padding": "SAME"}, (None, 4, 5, 6, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "stateful": True}, (3, 8, 2), 4),
    ("ConvLSTM1D", {"kernel_size": 3, "stateful": True}, (3, 8, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "unroll": True, "go_backwards": True}, (3, 8, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "unit_forget_bias": False, "trainable": False},
     (3, 8, 2), None),
    ("ConvLSTM2D", {"kernel_size": 3}, (3, None, 5, 2), None),  # spatial axis unknown
    ("ConvLSTM2D", {"kernel_size": 3}, (3, 5, 5, None), None),  # channels unknown
    ("ConvLSTM2D", {"kernel_size": 3}, (3, 2, 2, 1), None),  # kernel larger than the maps
    ("ConvLSTM2D", {"kernel_size": 3}, (3, 5, 2), None),  # wrong rank
    ("ConvLSTM2D", {"kernel_size": 3}, (3, 5, 5, 2, 1), None),
    ("ConvLSTM1D", {"kernel_size": 3, "strides": 2, "dilation_rate": 2}, (3, 9, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "strides": 0}, (3, 9, 2), None),
    ("ConvLSTM1D", {"kernel_size": 0}, (3, 9, 2), None),
    ("ConvLSTM1D", {"kernel_size": (3, 3)}, (3, 9, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "padding": "causal"}, (3, 9, 2), None),
    ("ConvLSTM1D", {"kernel_size": 3, "data_format": "channels_middle"}, (3, 9, 2), None),
])
def test_conv_lstm_cases(class_name, kwargs, shape, batch):
    compare_layer(class_name, {"filters": 3, **kwargs}, [shape], batch_size=batch)
