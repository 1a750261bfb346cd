"""String inputs (`dtype: string`): the text layers read them, a few layers move them
about, and every other layer fed one directly is refused, as Keras fails on the first
batch. Keras builds text models only with TensorFlow, so the oracle test skips
without it; the model-file tests need none.
"""

import json
import os
import subprocess
import sys

import keras
import pytest

from netlint.api import infer
from netlint.layers.string_inputs import READS_STRINGS, string_input_error, takes_strings
from netlint.loader import load_text

NEEDS_TF = "Keras runs layers on strings with TensorFlow only: pip install -e '.[test-tf]'"
# A working layer of each class asked about: its kwargs, and the per-sample shape of
# the string input it is fed.
LAYERS = {
    "TextVectorization": ({"vocabulary": ["a", "b"]}, []),
    "StringLookup": ({"vocabulary": ["a", "b"]}, [2]),
    "Hashing": ({"num_bins": 4}, [2]),
    "HashedCrossing": ({"num_bins": 4}, []),
    "Identity": ({}, [2]), "Reshape": ({"target_shape": [2, 1]}, [2]),
    "Flatten": ({}, [2]), "Permute": ({"dims": [1]}, [2]),
    "Dense": ({"units": 2}, [2]), "Embedding": ({"input_dim": 5, "output_dim": 2}, [2]),
    "Conv1D": ({"filters": 2, "kernel_size": 1}, [2, 1]),
    "Activation": ({"activation": "relu"}, [2]), "Masking": ({}, [2]),
    "Dropout": ({"rate": 0.5}, [2]), "IntegerLookup": ({"vocabulary": [1, 2]}, [2]),
    "CategoryEncoding": ({"num_tokens": 4}, [2]),
    "Normalization": ({"mean": 0.0, "variance": 1.0}, [2]), "Concatenate": ({}, [2]),
    "RepeatVector": ({"n": 2}, [2]), "Cropping1D": ({"cropping": 1}, [3, 1]),
    "ZeroPadding1D": ({"padding": 1}, [3, 1]), "UpSampling1D": ({"size": 2}, [3, 1]),
    "ZeroPadding2D": ({"padding": 1}, [3, 3, 1]), "Cropping2D": ({"cropping": 1}, [3, 3, 1]),
    "ZeroPadding3D": ({"padding": 1}, [3, 3, 3, 1]),
    "Cropping3D": ({"cropping": 1}, [3, 3, 3, 1]),
}


# Run in a fresh interpreter on Keras's TensorFlow backend, the only one that runs a
# model on strings (the JAX and numpy backends hold no string arrays): whether a model
# of each layer on a string input predicts, training and not.
VERDICTS = """
import json, sys, warnings
warnings.simplefilter("ignore")
import keras, tensorflow as tf
verdicts = {}
for class_name, (kwargs, shape) in json.loads(sys.argv[1]).items():
    many = class_name in ("HashedCrossing", "Concatenate")
    values = tf.fill([3] + shape, "a")
    try:
        inputs = [keras.Input(shape=shape, dtype="string") for _ in range(2 if many else 1)]
        layer = getattr(keras.layers, class_name)(**kwargs)
        model = keras.Model(inputs, layer(inputs if many else inputs[0]))
        for training in (False, True):
            model([values] * 2 if many else values, training=training)
        verdicts[class_name] = True
    except Exception:
        verdicts[class_name] = False
print(json.dumps(verdicts))
"""


@pytest.fixture(scope="module")
def keras_runs_on_strings():
    pytest.importorskip("tensorflow", reason=NEEDS_TF)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-c", VERDICTS, json.dumps(LAYERS)], env=env,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("class_name", sorted(LAYERS))
def test_a_layer_takes_strings_where_keras_runs_it_on_strings(class_name,
                                                              keras_runs_on_strings):
    assert takes_strings(class_name) == keras_runs_on_strings[class_name]


TEXT_MODEL = """\
inputs:
  review: {shape: [], dtype: string}
layers:
  - TextVectorization: {max_tokens: 50, output_sequence_length: 6, vocabulary: [good, bad]}
  - Embedding: {input_dim: 50, output_dim: 4}
  - GlobalAveragePooling1D
  - Dense: {units: 1, activation: sigmoid}
"""


def test_a_string_input_through_text_vectorization_to_an_embedding_infers():
    loaded = load_text(TEXT_MODEL)
    assert loaded.ok, [f.text() for f in loaded.findings]
    result = infer(loaded)
    assert not result.findings, [f.text() for f in result.findings]
    assert loaded.model.inputs[0].dtype == "string"
    assert all(string_input_error(spec, loaded.model) is None for spec in loaded.model.layers)
    shapes = [node.output_shape for node in result.model.layers]
    assert shapes == [(None, 6), (None, 6, 4), (None, 4), (None, 1)]


def test_a_string_input_fed_to_dense_is_refused_with_the_fix():
    loaded = load_text("inputs:\n  review: {shape: [3], dtype: string}\nlayers:\n"
                       "  - Dense: {units: 2}\n")
    assert loaded.ok, [f.text() for f in loaded.findings]
    (dense,) = loaded.model.layers
    error = string_input_error(dense, loaded.model)
    assert error is not None and "input 'review' has dtype string" in error.message
    assert "TextVectorization" in error.fix


@pytest.mark.parametrize("class_name, kwargs", [
    ("Dense", {"units": 2}), ("Embedding", {"input_dim": 5, "output_dim": 2}),
    ("Identity", {}), ("Reshape", {"target_shape": [3, 1]})])
def test_a_layer_computes_in_strings_where_keras_builds_it_so(class_name, kwargs):
    """`dtype: string` on a layer: Keras cannot make weights of it, and builds the rest."""
    keras.backend.clear_session(free_memory=False)
    try:
        getattr(keras.layers, class_name)(**kwargs, dtype="string")(keras.Input(shape=(3,)))
        keras_builds = True
    except Exception:  # noqa: BLE001
        keras_builds = False
    item = f"{class_name}: {{{', '.join(f'{k}: {v}' for k, v in kwargs.items())}" \
           f"{', ' if kwargs else ''}dtype: string}}"
    result = infer(load_text(f"input: {{shape: [3]}}\nlayers:\n  - {item}\n"))
    found = [(f.code, f.position.line) for f in result.findings]
    assert found == ([] if keras_builds else [("NL105", 3)]), [f.text() for f in
                                                                result.findings]
    if not keras_builds:
        assert "cannot compute in strings" in result.findings[0].message


def test_the_text_layers_read_strings():
    assert all(takes_strings(name) for name in READS_STRINGS)
