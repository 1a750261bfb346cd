"""A Sequential model written without an input shape is valid Keras: Keras builds it
when `fit` first sees the data. netlint takes the shape from `data: x` when declared,
else infers with unknown sizes where Keras would, and never refuses the model for the
missing shape alone."""

from __future__ import annotations


import keras
import numpy as np
import pytest

from keras_oracle import keras_counts
from netlint.api import check, infer
from netlint.codegen import ExportError, ScriptOptions, export_model
from netlint.loader import load_text

TEXT_CLASSIFIER = """\
layers:
  - Embedding: {input_dim: 1000, output_dim: 64}
  - Conv1D: {filters: 32, kernel_size: 5, activation: relu}
  - MaxPooling1D: {pool_size: 2}
  - LSTM: {units: 32, return_sequences: true}
  - LSTM: {units: 16}
  - Dense: {units: 1, activation: sigmoid}
compile: {loss: binary_crossentropy, optimizer: adam, metrics: [acc]}
"""


def keras_built_at_fit(text: str, batch) -> list[tuple]:
    """(name, output shape, trainable, non-trainable) of each layer of the Sequential
    model built by Keras on a first batch, as `fit` builds it."""
    keras.backend.clear_session()
    loaded = load_text(text)
    model = keras.Sequential([getattr(keras.layers, spec.class_name)(**spec.kwargs)
                              for spec in loaded.model.layers])
    model.build(batch)
    return [(layer.name, tuple(layer.output.shape), *keras_counts(layer))
            for layer in model.layers]


def ours(text: str) -> list[tuple]:
    result = infer(load_text(text))
    return [(n.name, n.output_shape, n.trainable_params, n.non_trainable_params)
            for n in result.model.layers]


def test_a_model_without_an_input_shape_is_not_refused():
    findings = check(TEXT_CLASSIFIER)
    assert not [f for f in findings if f.severity == "error"], [f.text() for f in findings]


def test_unknown_sizes_are_inferred_as_keras_builds_them():
    """Token ids of any length, (batch, timesteps): what Keras builds at fit."""
    assert ours(TEXT_CLASSIFIER) == keras_built_at_fit(TEXT_CLASSIFIER, (None, None))


def test_the_shape_comes_from_data_when_declared():
    text = ("layers:\n  - LSTM: {units: 8}\n  - Dense: {units: 1}\n"
            "data:\n  x: {shape: [200, 50, 3]}\n  y: {shape: [200, 1]}\n")
    assert ours(text) == keras_built_at_fit(text, (None, 50, 3))


def test_rules_that_need_no_size_still_run():
    """A stacked LSTM missing return_sequences is wrong whatever the sequence length."""
    text = TEXT_CLASSIFIER.replace("{units: 32, return_sequences: true}", "{units: 32}")
    assert ("NL104", 6) in {(f.code, f.line) for f in check(text)}


@pytest.mark.parametrize("text", [
    "layers:\n  - Dense: {units: 64, activation: relu}\n  - Dense: {units: 10}\n",
    "layers:\n  - LSTM: {units: 8, return_sequences: true}\n  - LSTM: {units: 4}\n"
    "  - Dense: {units: 2}\n",
    "layers:\n  - Conv1D: {filters: 4, kernel_size: 3}\n  - GlobalMaxPooling1D\n"
    "  - Dense: {units: 3}\n",
])
def test_what_does_not_depend_on_the_data_is_known_and_the_rest_unknown(text):
    """Keras learns the sizes at fit: built on two different batches, every size and
    count netlint says must be Keras's on both, and every one it leaves unknown must
    differ between them (it was not knowable)."""
    result = infer(load_text(text))
    rank = len(result.model.inputs[0].output_shape)
    one, other = (keras_built_at_fit(text, (None,) + (size,) * (rank - 1)) for size in (5, 9))
    for node, built, rebuilt in zip(result.model.layers, one, other):
        assert node.name == built[0]
        for ours_, theirs, again in zip(node.output_shape[1:], built[1][1:], rebuilt[1][1:]):
            assert ours_ == theirs == again if ours_ is not None else theirs != again
        if node.params_unknown:
            assert built[2] != rebuilt[2]
        else:
            assert node.trainable_params == built[2] == rebuilt[2]
    assert not [f for f in check(text) if f.severity == "error"]
    with pytest.raises(ExportError, match="no input shape"):
        export_model(result.model)


def test_the_exported_script_builds_what_netlint_infers():
    result = infer(load_text(TEXT_CLASSIFIER))
    source = export_model(result.model, options=ScriptOptions(synthetic=True))
    assert "keras.Input(shape=(None,)" in source
    keras.backend.clear_session()
    namespace: dict = {"__name__": "exported"}
    exec(compile(source, "train.py", "exec"), namespace)  # noqa: S102 - our own export
    built = namespace["build_model"]()
    assert built.count_params() == result.model.total_params
    assert built(np.zeros((2, 7), "int32")).shape == (2, 1)
