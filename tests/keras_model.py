"""Build a loaded netlint model with real Keras and compare the two, layer by layer."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import keras
import numpy as np

from keras_oracle import SEPARATE_ARGUMENTS, keras_counts
from netlint.api import infer
from netlint.model.graph import LayerSpec, ModelSpec
from netlint.loader import load_text
from netlint.plumbing.records import replace

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
    naming the first layer Keras rejects. A `call:` item (spec.shares) makes no
    layer: it calls the layer object of its `shares` again (see build_keras_graph).
    """
    built = build_keras_graph(model)
    return built.layers, built.model


@dataclass
class KerasGraph:
    """A netlint model as Keras built it, symbolically."""

    layers: dict  # Keras layer name -> (output shapes of its first call, trainable, frozen)
    calls: dict  # a `call:` item's name -> the output shapes of that call
    model: object  # the keras.Model, inputs in file order, outputs as `outputs:` says
    inputs: list  # the keras.Input tensors, in model.inputs order
    tensors: dict  # netlint node name -> the Keras tensors it made
    objects: dict  # layer item name -> the Keras layer object (each made once)

    def trainable(self) -> int:
        """Trainable weights over every layer made, each layer (so a shared one) once."""
        return sum(keras_counts(layer)[0] for layer in self.objects.values())

    def frozen(self) -> int:
        return sum(keras_counts(layer)[1] for layer in self.objects.values())


def build_keras_graph(model: ModelSpec) -> KerasGraph:
    from netlint.layers.inference import dependency_order

    keras.backend.clear_session()
    tensors = {}
    for inp in model.inputs:
        tensors[inp.name] = [keras.Input(shape=inp.shape, batch_size=inp.batch_size,
                                         name=inp.name, dtype=inp.dtype)]
    layers = {}
    for spec in model.layers:
        if spec.shares is not None:  # a call makes no layer: it reuses spec.shares's
            continue
        try:
            layers[spec.name] = make_layer(spec)
        except Exception as error:  # noqa: BLE001 - Keras raises many kinds
            raise KerasRefused(spec.name, error) from None
    answers, calls = {}, {}
    for spec in dependency_order(model):
        args = [t for ref in spec.inbound for t in tensors[ref]]
        layer = layers[spec.name if spec.shares is None else spec.shares]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # MultiHeadAttention is called as mha(query, value[, key]), not on a list
                out = layer(*args) if spec.class_name in SEPARATE_ARGUMENTS else \
                    layer(args[0] if len(args) == 1 else args)
        except Exception as error:  # noqa: BLE001
            raise KerasRefused(spec.name, error) from None
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        tensors[spec.name] = outs
        shapes = tuple(tuple(o.shape) for o in outs)
        if spec.shares is not None:
            calls[spec.name] = shapes
        else:
            answers[layer.name] = (shapes, *keras_counts(layer))
    inputs = [tensors[i.name][0] for i in model.inputs]
    outputs = [t for name in model.outputs for t in tensors[name]]
    keras_model = keras.Model(inputs[0] if len(inputs) == 1 else inputs,
                              outputs[0] if len(outputs) == 1 else outputs)
    return KerasGraph(answers, calls, keras_model, inputs, tensors, layers)


# --- running what Keras built -------------------------------------------------------
# Keras checks a layer's input against its weights when it is called only where the
# layer declares an input spec (Dense, Conv1D, BatchNormalization: axis -1 must be the
# size it was built for). Others (LSTM, GRU, SimpleRNN, Bidirectional) build the symbolic
# call of a shared layer on any input and fail only when a batch goes through it
# (`matmul: ... size 8 is different from 4`). So a call Keras refuses "at construction
# or at first run" counts as Keras refusing it: the model is run on a tiny batch of
# zeros (model.predict), and a call counts as refused there when a batch gets through to
# its inputs but not through it, or comes out in another shape than Keras built it with
# (a PReLU alpha broadcast against an input it was not built for). A model with calls
# that netlint accepts must run through to its outputs.

RUN_BATCH = 2
RUN_FILL = 12  # an unknown size (variable-length sequences) in the batch of zeros


def zero_batch(model: ModelSpec) -> list:
    return [np.zeros((inp.batch_size or RUN_BATCH,
                      *(RUN_FILL if d is None else d for d in inp.shape)), dtype=inp.dtype)
            for inp in model.inputs]


def keras_runs(built: KerasGraph, model: ModelSpec, names: list) -> Exception | None:
    """None when a batch of zeros goes through Keras's model up to the outputs of the
    nodes `names` (inputs or layers or calls) and comes out in the shapes Keras built
    them with, else what Keras raised (or a ValueError saying how the shape differs)."""
    outputs = [t for name in names for t in built.tensors[name]]
    if not outputs:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            part = keras.Model(built.inputs, outputs)
            ran = part.predict(zero_batch(model), verbose=0)
    except Exception as error:  # noqa: BLE001 - the backend raises many kinds
        return error
    ran = ran if isinstance(ran, (list, tuple)) else [ran]
    for tensor, array in zip(outputs, ran):
        declared = tuple(tensor.shape)
        if len(declared) != array.ndim or \
                any(d not in (None, r) for d, r in zip(declared, array.shape)):
            # it ran, but not as it was built (a weight broadcast over the batch's axes)
            return ValueError(f"built as {declared}, a batch came out as {array.shape}")
    return None


def compare_model_text(text: str) -> int:
    """Assert netlint agrees with Keras on every layer of a model; returns layers compared
    (1 for a refusal both make at the same layer or call)."""
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    return compare_model(loaded.model, infer(loaded).model, text)


def compare_model(spec: ModelSpec, ours, text: str = "") -> int:
    """compare_model_text for a loaded model and netlint's inferred one."""
    shared = any(layer.shares is not None for layer in spec.layers)
    try:
        built = build_keras_graph(spec)
    except KerasRefused as refused:
        failed = [n.name for n in ours.errors]
        assert failed, f"Keras refused {refused} but netlint found no shape error\n{text}"
        later = ours.nodes.get(refused.layer)
        if failed[0] != refused.layer and _is_call(ours.errors[0]) and \
                later is not None and (later.skipped or later.error is not None):
            # Keras built the call netlint refuses and refused something netlint never
            # got to, after it: the call must still fail when a batch goes through it
            assert_keras_refuses_call(spec, ours.errors[0], text)
            return 1
        assert failed[0] == refused.layer, \
            f"Keras refused at {refused} but netlint at {failed[0]}\n{text}"
        return 1
    if ours.errors:
        first = ours.errors[0]
        assert _is_call(first), \
            f"netlint refused {[n.error.message for n in ours.errors]} but Keras built it\n{text}"
        assert_keras_refuses_call(spec, first, text)
        return 1
    for name, (shapes, trainable, frozen) in built.layers.items():
        assert name in ours.nodes, f"Keras named a layer {name!r}; netlint has " \
                                   f"{[n.name for n in ours.layers]}"
        node = ours[name]
        got = (tuple(tuple(s) for s in node.output_shapes), node.trainable_params,
               node.non_trainable_params)
        assert got == (shapes, trainable, frozen), \
            f"layer {name}: netlint {got} != Keras {(shapes, trainable, frozen)}\n{text}"
    for name, shapes in built.calls.items():
        got = tuple(tuple(s) for s in ours[name].output_shapes)
        assert got == shapes, f"call {name} of {ours[name].spec.shares}: netlint {got} != " \
                              f"Keras {shapes}\n{text}"
    assert set(built.layers) | set(built.calls) == {n.name for n in ours.layers}, \
        "layer names differ"
    if shared:
        totals = (ours.trainable_params, ours.non_trainable_params)
        assert totals == (built.trainable(), built.frozen()), \
            f"totals (trainable, non-trainable): netlint {totals} != Keras " \
            f"{(built.trainable(), built.frozen())}\n{text}"
        made = {layer.name for layer in built.model.layers}
        if made >= set(built.objects):  # every layer feeds an output: Keras counts them all
            assert ours.total_params == built.model.count_params(), \
                f"netlint {ours.total_params} params, Keras's model.count_params() " \
                f"{built.model.count_params()}\n{text}"
        # netlint accepts every call: Keras must run each with its layer's weights
        ran = keras_runs(built, spec, list(spec.outputs))
        assert ran is None, f"netlint accepted the model but Keras fails to run it: " \
                            f"{type(ran).__name__}: {ran}\n{text}"
    return len(built.layers) + len(built.calls)


def _is_call(node) -> bool:
    """A node netlint refused that is a call of a layer built before it: for its weights
    (error kind "shared", NL105 from shared_calls) or for anything else (an RNN called on
    a rank-2 input). Keras may build such a call symbolically and refuse it only when a
    batch runs through it, which counts as refusing (see keras_runs)."""
    return node.error.kind == "shared" or node.spec.shares is not None


def _upstream(spec: ModelSpec, name: str) -> set:
    """`name` and every node it depends on (what it consumes, the layer a call reuses)."""
    layers = {layer.name: layer for layer in spec.layers}
    needed, todo = set(), [name]
    while todo:
        node = todo.pop()
        if node not in needed:
            needed.add(node)
            todo += list(layers[node].depends_on) if node in layers else []
    return needed


def assert_keras_refuses_call(spec: ModelSpec, refused, text: str = "") -> None:
    """netlint refused the call `refused` (a node; for its weights, error kind "shared"):
    Keras must refuse that call too, at construction or when a batch of zeros runs
    through it, and not before it (a batch gets through to the call's inputs)."""
    needed = _upstream(spec, refused.name)
    part = replace(spec, layers=tuple(layer for layer in spec.layers if layer.name in needed),
                   outputs=(refused.name,))
    message = f"netlint refused call {refused.name} ({refused.error.message})"
    try:
        built = build_keras_graph(part)
    except KerasRefused as error:  # refused at construction
        assert error.layer == refused.name, f"{message} but Keras refuses before it: " \
                                            f"{error}\n{text}"
        return
    before = keras_runs(built, part, list(refused.spec.inbound))
    assert before is None, f"{message} but Keras fails before it, at run time: {before}\n{text}"
    assert keras_runs(built, part, [refused.name]) is not None, \
        f"{message} but Keras builds and runs it as {built.calls.get(refused.name)}\n{text}"
