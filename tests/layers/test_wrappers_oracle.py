"""TimeDistributed and Bidirectional against real Keras: shapes, parameter counts, refusals."""

import warnings

import keras
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import (LayerAnswer, compare_layer, keras_counts, make_keras_layer,
                          netlint_layer)

from netlint.layers.base import ShapeError
from netlint.layers.registry import get

RNNS = ("SimpleRNN", "LSTM", "GRU")
MERGE_MODES = ("concat", "sum", "mul", "ave", None)

steps = st.one_of(st.none(), st.integers(1, 6))
batches = st.one_of(st.none(), st.integers(1, 4))


def needs(*class_names):
    """Skip while a colleague's layer family has not registered these classes yet."""
    missing = [name for name in class_names if get(name) is None]
    if missing:
        pytest.skip(f"not registered yet: {', '.join(missing)}")


# -- TimeDistributed -------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=4).map(tuple),
       timesteps=steps, units=st.integers(1, 12), use_bias=st.booleans(), batch=batches,
       trainable=st.booleans(), inner_trainable=st.booleans())
def test_time_distributed_dense(shape, timesteps, units, use_bias, batch, trainable,
                                inner_trainable):
    compare_layer("TimeDistributed", {"trainable": trainable}, [(timesteps,) + shape[1:]],
                  wrapped=("Dense", {"units": units, "use_bias": use_bias,
                                     "trainable": inner_trainable}), batch_size=batch)


@pytest.mark.parametrize("inner, shape, batch", [
    (("Dropout", {"rate": 0.5}), (3, 4), None),
    (("Activation", {"activation": "relu"}), (None, 4, 2), 3),
    (("Masking", {}), (3, 4), None),
    (("Embedding", {"input_dim": 20, "output_dim": 4}), (3, 5), 2),
    (("SimpleRNN", {"units": 3}), (2, 5, 4), None),
    (("LSTM", {"units": 3, "return_sequences": True}), (None, 5, 4), 3),
    (("GRU", {"units": 3, "reset_after": False}), (2, None, 4), None),
    (("LSTM", {"units": 3, "stateful": True}), (2, 5, 4), 3),
    (("LSTM", {"units": 3, "stateful": True}), (2, 5, 4), None),
    (("LSTM", {"units": 3, "return_state": True}), (2, 5, 4), None),  # several outputs
    (("LSTM", {"units": 3}), (2, 4), None),  # one timestep of (batch, 4) is no sequence
    (("LSTM", {"units": 3}), (2, 5, None), None),
    (("ConvLSTM1D", {"filters": 2, "kernel_size": 2}), (3, 4, 5, 2), None),
    (("Dense", {"units": 3}), (4,), None),  # no time axis at all
    (("Dense", {"units": 3}), (4,), 2),
    (("Dense", {"units": 3}), (4, None), None),
])
def test_time_distributed_over(inner, shape, batch):
    compare_layer("TimeDistributed", {}, [shape], wrapped=inner, batch_size=batch)


@pytest.mark.parametrize("inner, shape", [
    (("Conv2D", {"filters": 4, "kernel_size": 3}), (5, 8, 8, 3)),
    (("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same", "strides": 2}),
     (None, 7, 7, 1)),
    (("Conv2D", {"filters": 4, "kernel_size": 3}), (5, 2, 2, 3)),  # kernel larger than map
    (("Conv2D", {"filters": 4, "kernel_size": 3}), (5, 8, 8)),  # no channels axis
    (("Conv1D", {"filters": 2, "kernel_size": 3}), (3, 4, 8)),
    (("MaxPooling2D", {}), (3, 8, 8, 2)),
    (("MaxPooling1D", {"pool_size": 3}), (None, 9, 2)),
    (("Flatten", {}), (3, 4, 4, 2)),
    (("Flatten", {}), (3, 8)),
    (("GlobalAveragePooling1D", {}), (3, 8, 2)),
    (("Reshape", {"target_shape": (2, 4)}), (3, 8)),
    (("Reshape", {"target_shape": (3, 4)}), (3, 8)),
    (("RepeatVector", {"n": 2}), (3, 8)),
])
def test_time_distributed_over_other_families(inner, shape):
    needs(inner[0])
    compare_layer("TimeDistributed", {}, [shape], wrapped=inner)


@pytest.mark.parametrize("inner, shape, batch, rank", [
    (("MaxPooling2D", {}), (3, 8, 8), None, 5),
    (("MaxPooling1D", {}), (3, 8), None, 4),
    (("GlobalAveragePooling1D", {}), (3, 8, 2, 1), None, 4),
    (("RepeatVector", {"n": 2}), (3, 8, 2), None, 3),
    (("SpatialDropout1D", {"rate": 0.2}), (3, 4), None, 4),
    (("LSTM", {"units": 2}), (3, 5), 4, 4),
])
def test_time_distributed_checks_the_inner_rank_keras_skips(inner, shape, batch, rank):
    """A deliberate difference: Keras's TimeDistributed builds the inner layer without its
    InputSpec check, so it gives a (meaningless) symbolic shape here; fit/predict then
    fail or disagree with it. netlint refuses, naming the rank the wrapper needs."""
    needs(inner[0])
    with pytest.raises(ShapeError) as caught:
        netlint_layer("TimeDistributed", {}, [shape], wrapped=inner, batch_size=batch)
    assert caught.value.kind == "rank"
    assert caught.value.message.startswith(f"TimeDistributed({inner[0]}): ")
    assert caught.value.expected_rank == rank  # the inner layer's rank plus the time axis
    keras.backend.clear_session()
    layer = keras.layers.TimeDistributed(make_keras_layer(*inner))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer(keras.Input(shape=shape, batch_size=batch))  # Keras lets it through


# -- Bidirectional ---------------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(inner=st.sampled_from(RNNS), merge_mode=st.sampled_from(MERGE_MODES),
       units=st.integers(1, 8), timesteps=steps, features=st.integers(1, 6), batch=batches,
       return_sequences=st.booleans(), return_state=st.booleans(), stateful=st.booleans(),
       trainable=st.booleans(), inner_trainable=st.booleans())
def test_bidirectional(inner, merge_mode, units, timesteps, features, batch,
                       return_sequences, return_state, stateful, trainable, inner_trainable):
    compare_layer("Bidirectional", {"merge_mode": merge_mode, "trainable": trainable},
                  [(timesteps, features)], batch_size=batch, wrapped=(inner, {
                      "units": units, "return_sequences": return_sequences,
                      "return_state": return_state, "stateful": stateful,
                      "trainable": inner_trainable}))


@pytest.mark.parametrize("inner, shape", [
    (("ConvLSTM1D", {"filters": 3, "kernel_size": 2}), (4, 6, 2)),
    (("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "return_sequences": True}),
     (None, 5, 5, 1)),
    (("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "data_format": "channels_first",
                     "return_state": True}), (3, 1, 5, 4)),
    (("ConvLSTM2D", {"filters": 2, "kernel_size": 3}), (3, 5, 5)),
    (("GRU", {"units": 3, "reset_after": False, "use_bias": False}), (4, 2)),
    (("LSTM", {"units": 3, "go_backwards": True}), (4, 2)),  # both copies go backwards
    (("LSTM", {"units": 3}), (4,)),
    (("LSTM", {"units": 3}), (4, 2, 1)),
    (("LSTM", {"units": 3}), (4, None)),
    (("Dense", {"units": 3}), (4, 2)),  # no go_backwards to flip
    (("Conv1D", {"filters": 3, "kernel_size": 2}), (4, 2)),
])
@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_over(inner, shape, merge_mode):
    needs(inner[0])
    compare_layer("Bidirectional", {"merge_mode": merge_mode}, [shape], wrapped=inner)


@pytest.mark.parametrize("merge_mode", ["max", "Concat", ""])
def test_bidirectional_merge_mode_refused(merge_mode):
    compare_layer("Bidirectional", {"merge_mode": merge_mode}, [(4, 2)],
                  wrapped=("LSTM", {"units": 3}))


# -- nested layers and backward_layer: beyond keras_oracle's one level of `wrapped` -------

def _keras_build(spec):
    """spec = (class_name, kwargs, inner spec or None); backward_layer: (class_name, kwargs)."""
    class_name, kwargs, inner = spec
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("backward_layer"), tuple):
        kwargs["backward_layer"] = _keras_build(kwargs["backward_layer"] + (None,))
    if inner is not None:
        kwargs["layer"] = _keras_build(inner)
    return getattr(keras.layers, class_name)(**kwargs)


def _layers_item(spec) -> dict:
    """The same spec as a model file writes it: `backward_layer:` as a layers item."""
    class_name, kwargs, inner = spec
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("backward_layer"), tuple):
        back_class, back_kwargs = kwargs["backward_layer"]
        kwargs["backward_layer"] = {back_class: back_kwargs}
    if inner is not None:
        kwargs["layer"] = _layers_item(inner)
    return {class_name: kwargs}


def _netlint_answer(spec, shape, batch):
    """What netlint says of a one-layer model file: a LayerAnswer, or the error it reports
    (a loader finding such as NL003 for a backward_layer argument, or a shape error)."""
    import json

    from netlint.api import infer
    from netlint.loader import load_text

    model = {"input": {"shape": list(shape), **({"batch_size": batch} if batch else {})},
             "layers": [_layers_item(spec)]}
    result = infer(load_text(json.dumps(model)))  # JSON is YAML
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        return errors[0]
    node = result.model.layers[0]
    return LayerAnswer(tuple(node.output_shapes), node.trainable_params,
                       node.non_trainable_params)


def _answers(spec, shape, batch):
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            layer = _keras_build(spec)
            out = layer(keras.Input(shape=shape, batch_size=batch))
            outs = out if isinstance(out, (list, tuple)) else [out]
            expected = LayerAnswer(tuple(tuple(o.shape) for o in outs), *keras_counts(layer))
        except Exception as error:  # Keras refused
            expected = error
    return expected, _netlint_answer(spec, shape, batch)


LSTM3 = ("LSTM", {"units": 3}, None)


@pytest.mark.parametrize("spec, shape, batch", [
    # backward_layer: Keras takes every shape from the forward layer
    (("Bidirectional", {"backward_layer": ("LSTM", {"units": 3, "go_backwards": True})},
      LSTM3), (5, 2), None),
    (("Bidirectional", {"backward_layer": ("LSTM", {"units": 7, "go_backwards": True})},
      LSTM3), (5, 2), None),
    (("Bidirectional", {"merge_mode": None, "backward_layer": (
        "GRU", {"units": 4, "go_backwards": True, "return_state": True})},
      ("LSTM", {"units": 3, "return_state": True}, None)), (5, 2), 2),
    (("Bidirectional", {"backward_layer": ("LSTM", {"units": 3})}, LSTM3), (5, 2), None),
    (("Bidirectional", {"backward_layer": ("LSTM", {"units": 3, "go_backwards": True,
                                                    "return_sequences": True})},
      LSTM3), (5, 2), None),
    (("Bidirectional", {"backward_layer": (
        "LSTM", {"units": 3, "go_backwards": True, "trainable": False})}, LSTM3), (5, 2), None),
    (("Bidirectional", {"backward_layer": ("Dense", {"units": 3})}, LSTM3), (5, 2), None),
    (("Bidirectional", {"backward_layer": ("LSTM", {"units": 3, "go_backwards": True,
                                                    "return_sequence": True})},
      LSTM3), (5, 2), None),
    # wrappers inside wrappers
    (("TimeDistributed", {}, ("Bidirectional", {"merge_mode": "sum"}, LSTM3)),
     (4, 5, 2), None),
    (("TimeDistributed", {}, ("Bidirectional", {}, LSTM3)), (4, 5), None),
    (("TimeDistributed", {}, ("TimeDistributed", {}, ("Dense", {"units": 2}, None))),
     (4, 5, 3), None),
    (("Bidirectional", {}, ("TimeDistributed", {}, ("Dense", {"units": 2}, None))),
     (4, 5), None),
    (("Bidirectional", {}, ("Bidirectional", {}, LSTM3)), (4, 5), None),
])
def test_backward_layer_and_nesting(spec, shape, batch):
    expected, got = _answers(spec, shape, batch)
    if isinstance(expected, Exception):
        assert not isinstance(got, LayerAnswer), f"Keras refused ({expected}) but netlint " \
                                                 f"gave {got}"
    else:
        assert got == expected, f"netlint {got} != Keras {expected}"


def test_a_written_backward_layer_takes_its_keras_name_like_any_constructed_layer():
    # Keras names a layer when it is constructed: in Bidirectional(LSTM(..),
    # backward_layer=LSTM(..)) both LSTMs take a name, so the next LSTM is lstm_2
    from netlint.api import infer
    from netlint.loader import load_text

    keras.backend.clear_session()
    inputs = keras.Input((5, 3))
    both = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True),
        backward_layer=keras.layers.LSTM(4, go_backwards=True, return_sequences=True))(inputs)
    middle = keras.layers.LSTM(3, return_sequences=True)(both)  # constructed in file order
    outputs = keras.layers.LSTM(2)(middle)
    expected = [layer.name for layer in keras.Model(inputs, outputs).layers[1:]]
    text = ("input: {shape: [5, 3]}\nlayers:\n  - Bidirectional:\n"
            "      layer: {LSTM: {units: 4, return_sequences: true}}\n"
            "      backward_layer: {LSTM: {units: 4, go_backwards: true, "
            "return_sequences: true}}\n"
            "  - LSTM: {units: 3, return_sequences: true}\n  - LSTM: {units: 2}\n")
    assert [node.name for node in infer(load_text(text)).model.layers] == expected
