"""Build a loaded netlint model with real Keras and compare the two, layer by layer."""

from __future__ import annotations

import math
import warnings

import keras

from keras_oracle import SEPARATE_ARGUMENTS
from netlint.api import infer
from netlint.model.graph import LayerSpec, ModelSpec
from netlint.loader import load_text

# Keras 2 input arguments that the loader turned into the model input; Keras 3 rejects
# batch_input_shape/batch_size on layers and ignores input_shape/input_dim after the first.
_INPUT_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")


def _keras_kwargs(spec: LayerSpec) -> dict:
    kwargs = {k: v for k, v in spec.kwargs.items()
              if k not in _INPUT_KWARGS or (k == "input_dim" and spec.class_name == "Embedding")}
    if spec.wrapped is not None:  # a wrapper's layer, or an RNN's cell (or cell stack)
        kwargs["cell" if spec.class_name == "RNN" else "layer"] = make_layer(spec.wrapped)
    if spec.cells:  # StackedRNNCells' cells, Pipeline's layers
        kwargs["layers" if spec.class_name == "Pipeline" else "cells"] = \
            [make_layer(inner) for inner in spec.cells]
    if isinstance(kwargs.get("backward_layer"), dict):  # written like a layers item
        (cls, inner), = kwargs["backward_layer"].items()
        kwargs["backward_layer"] = getattr(keras.layers, cls)(**(inner or {}))
    if spec.explicit_name:
        kwargs["name"] = spec.name
    return kwargs


def make_layer(spec: LayerSpec):
    return getattr(keras.layers, spec.class_name)(**_keras_kwargs(spec))


class KerasRefused(Exception):
    def __init__(self, layer: str, error: Exception):
        super().__init__(f"{layer}: {type(error).__name__}: {error}")
        self.layer = layer
        self.error = error


def build_keras(model: ModelSpec) -> dict:
    """name -> (output shapes, trainable, non-trainable) as Keras builds the model."""
    return build_keras_model(model)[0]


def build_keras_model(model: ModelSpec) -> tuple[dict, object]:
    """(per-layer answers, the keras.Model) for a netlint model.

    Layers are created in file order (so Keras's default names are assigned as
    in a user's script) and called in dependency order. Raises KerasRefused
    naming the first layer Keras rejects.
    """
    from netlint.layers.inference import dependency_order

    keras.backend.clear_session()
    tensors = {}
    for inp in model.inputs:
        tensors[inp.name] = [keras.Input(shape=inp.shape, batch_size=inp.batch_size,
                                         name=inp.name, dtype=inp.dtype)]
    layers = {}
    for spec in model.layers:
        try:
            layers[spec.name] = make_layer(spec)
        except Exception as error:  # noqa: BLE001 - Keras raises many kinds
            raise KerasRefused(spec.name, error) from None
    answers = {}
    for spec in dependency_order(model):
        args = [t for ref in spec.inbound for t in tensors[ref]]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                layer = layers[spec.name]
                # MultiHeadAttention is called as mha(query, value[, key]), not on a list
                out = layer(*args) if spec.class_name in SEPARATE_ARGUMENTS else \
                    layer(args[0] if len(args) == 1 else args)
        except Exception as error:  # noqa: BLE001
            raise KerasRefused(spec.name, error) from None
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        tensors[spec.name] = outs
        layer = layers[spec.name]
        answers[layer.name] = (tuple(tuple(o.shape) for o in outs),
                               sum(math.prod(w.shape) for w in layer.trainable_weights),
                               sum(math.prod(w.shape) for w in layer.non_trainable_weights))
    inputs = [tensors[i.name][0] for i in model.inputs]
    outputs = [t for name in model.outputs for t in tensors[name]]
    keras_model = keras.Model(inputs[0] if len(inputs) == 1 else inputs,
                              outputs[0] if len(outputs) == 1 else outputs)
    return answers, keras_model


def compare_model_text(text: str) -> int:
    """Assert netlint agrees with Keras on every layer of a model; returns layers compared."""
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    result = infer(loaded)
    ours = result.model
    try:
        theirs = build_keras(loaded.model)
    except KerasRefused as refused:
        failed = [n.name for n in ours.errors]
        assert failed, f"Keras refused {refused} but netlint found no shape error\n{text}"
        assert failed[0] == refused.layer, \
            f"Keras refused at {refused} but netlint at {failed[0]}\n{text}"
        return 1
    assert not ours.errors, f"netlint refused {[n.error.message for n in ours.errors]} " \
                            f"but Keras built it\n{text}"
    for name, (shapes, trainable, frozen) in theirs.items():
        assert name in ours.nodes, f"Keras named a layer {name!r}; netlint has " \
                                   f"{[n.name for n in ours.layers]}"
        node = ours[name]
        got = (tuple(tuple(s) for s in node.output_shapes), node.trainable_params,
               node.non_trainable_params)
        assert got == (shapes, trainable, frozen), \
            f"layer {name}: netlint {got} != Keras {(shapes, trainable, frozen)}\n{text}"
    assert set(theirs) == {n.name for n in ours.layers}, "layer names differ"
    return len(theirs)
