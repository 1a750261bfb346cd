"""Pipeline (a list of layers applied in order) against real Keras: the output is the
chain of its layers, the parameters their sum, and an inner layer Keras refuses is
refused as the Pipeline's.

Keras builds each case on symbolic inputs and runs it on a batch (training and not);
netlint must give the same shapes and counts, or refuse where Keras fails.
"""

import warnings

import keras
import numpy as np
import pytest
from keras_oracle import LayerAnswer, keras_counts, netlint_layer

from netlint.api import infer
from netlint.layers.base import ShapeError
from netlint.loader import load_text

IMAGE = (12, 10, 3)


def keras_item(item):
    """A `layers:` item as the Keras layer it names (inner layer lists too)."""
    if isinstance(item, str):
        item = {item: {}}
    (class_name, kwargs), = item.items()
    if not isinstance(kwargs, (dict, type(None))):  # `{Dropout: 0.5}`: positional
        return getattr(keras.layers, class_name)(kwargs)
    kwargs = dict(kwargs or {})
    for key in ("layer", "cell", "layers", "cells"):
        if key in kwargs:
            value = kwargs[key]
            kwargs[key] = [keras_item(v) for v in value] if isinstance(value, list) \
                else keras_item(value)
    return getattr(keras.layers, class_name)(**kwargs)


def keras_pipeline(items, shapes):
    """Keras's answer for Pipeline(items) on inputs of `shapes`, or None if it refuses
    to build it or to run a batch through it."""
    keras.backend.clear_session(free_memory=False)

    def call(layer, inputs, **options):
        return layer(inputs[0] if len(inputs) == 1 else inputs, **options)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = keras.layers.Pipeline([keras_item(i) for i in items])
            out = call(layer, [keras.Input(shape=s) for s in shapes])
            for training in (False, True):
                batch = [np.random.rand(4, *s).astype("float32") for s in shapes]
                call(keras.layers.Pipeline([keras_item(i) for i in items]), batch,
                     training=training)
    except Exception:  # noqa: BLE001 - Keras raises many kinds
        return None
    outs = out if isinstance(out, (list, tuple)) else [out]
    return LayerAnswer(tuple(tuple(o.shape) for o in outs), *keras_counts(layer))


CASES = [
    ([{"Rescaling": {"scale": 0.5}}, {"RandomFlip": {"mode": "horizontal"}}], [IMAGE]),
    ([{"Rescaling": {"scale": 0.5}}, {"Conv2D": {"filters": 4, "kernel_size": 3}},
      {"BatchNormalization": {}}], [IMAGE]),
    ([{"Dense": {"units": 5}}, {"Dropout": 0.5}, {"Dense": 2}], [(7,)]),
    ([{"Dense": {"units": 5, "trainable": False}}, {"Dense": {"units": 2}}], [(7,)]),
    (["RandomFlip", {"CenterCrop": {"height": 6, "width": 6}}, "Flatten"], [IMAGE]),
    ([{"Conv2D": {"filters": 4, "kernel_size": 20}}], [IMAGE]),  # too big a kernel
    ([{"Dense": {"units": 5}}, {"Conv1D": {"filters": 2, "kernel_size": 2}}], [(7,)]),
    ([{"LSTM": {"units": 3, "return_sequences": True}}, {"LSTM": {"units": 2}}], [(6, 4)]),
    ([{"LSTM": {"units": 3, "return_state": True}}], [(6, 4)]),  # several outputs
    ([{"Concatenate": {}}, {"Dense": {"units": 2}}], [(3,), (4,)]),  # takes a list
    ([{"Pipeline": {"layers": [{"Dense": {"units": 3}}]}}, {"Dense": {"units": 2}}], [(7,)]),
    ([{"TimeDistributed": {"layer": {"Dense": {"units": 3}}}}], [(6, 4)]),
    ([{"Bidirectional": {"layer": {"GRU": {"units": 3}}}}], [(6, 4)]),
    ([{"RNN": {"cell": [{"GRUCell": {"units": 3}}, {"LSTMCell": {"units": 2}}]}}], [(6, 4)]),
    ([], [(7,)]),  # no layer: Keras's call makes no output
]


@pytest.mark.parametrize("items, shapes", CASES, ids=repr)
def test_pipeline_is_the_chain_of_its_layers(items, shapes):
    expected = keras_pipeline(items, shapes)
    try:
        got = netlint_layer("Pipeline", {"layers": items}, shapes)
    except ShapeError as error:
        assert expected is None, f"netlint refused Pipeline({items}) on {shapes} " \
                                 f"({error.message}) but Keras gave {expected}"
        return
    assert expected is not None, f"Keras refuses Pipeline({items}) on {shapes}; netlint " \
                                 f"gave {got}"
    assert got == expected


@pytest.mark.parametrize("items, code, column, says", [
    # the loader reads each inner item as a layer item: its mistakes are located there
    ([{"Rescale": {"scale": 0.5}}], "NL002", 26, "Keras 3 has no layer 'Rescale'"),
    ([{"Rescaling": {"scal": 0.5}}], "NL003", 40, "takes no argument 'scal'"),
    ([{"Rescaling": {}}], "NL001", 26, "needs scale"),
    ([5], "NL001", 25, "must be a mapping"),
    # what only inference can judge is the Pipeline's, with the inner layer's place
    ([{"Dense": {"units": 4.0}}], "NL105", 5, "layers[0] (Dense): Dense `units` takes whole"),
    ("Dense", "NL105", 5, "takes a list of layers"),
])
def test_a_wrong_inner_layer_is_a_located_finding(items, code, column, says):
    text = f"input: {{shape: [7]}}\nlayers:\n  - Pipeline: {{layers: {items!r}}}\n"
    findings = infer(load_text(text)).findings
    found = [f for f in findings if (f.code, f.position.line, f.position.column) ==
             (code, 3, column)]
    assert found and says in found[0].message, [f.text() for f in findings]


def test_the_inner_layers_take_their_names_before_the_pipeline_as_in_keras():
    text = """\
input: {shape: [6]}
layers:
  - Pipeline:
      layers:
        - Dense: {units: 4}
        - Dense: {units: 3}
  - Dense: {units: 2}
"""
    result = infer(load_text(text))
    assert not result.findings, [f.text() for f in result.findings]
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Pipeline(
        [keras.layers.Dense(4), keras.layers.Dense(3)]), keras.layers.Dense(2)])
    assert [node.name for node in result.model.layers] == [layer.name for layer in model.layers]
    assert result.model.total_params == model.count_params()


def test_a_model_with_a_pipeline_has_the_shapes_and_counts_keras_builds():
    text = """\
input: {shape: [12, 10, 3]}
layers:
  - Pipeline:
      layers:
        - Rescaling: {scale: 0.00392}
        - RandomFlip: {mode: horizontal}
        - Conv2D: {filters: 4, kernel_size: 3, activation: relu}
  - GlobalAveragePooling2D
  - Dense: {units: 2, activation: softmax}
"""
    result = infer(load_text(text))
    assert not result.findings, [f.text() for f in result.findings]
    keras.backend.clear_session()
    inputs = keras.Input(shape=(12, 10, 3))
    pipeline = keras.layers.Pipeline([keras.layers.Rescaling(0.00392),
                                      keras.layers.RandomFlip("horizontal"),
                                      keras.layers.Conv2D(4, 3, activation="relu")])
    pooled = keras.layers.GlobalAveragePooling2D()(pipeline(inputs))
    dense = keras.layers.Dense(2, activation="softmax")
    keras.Model(inputs, dense(pooled))
    ours = {node.name: (node.output_shape, node.params) for node in result.model.layers}
    assert ours["pipeline"] == (tuple(pipeline.output.shape), pipeline.count_params())
    assert ours["dense"] == (tuple(dense.output.shape), dense.count_params())
    assert result.model.total_params == pipeline.count_params() + dense.count_params()
