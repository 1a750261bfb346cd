"""Shared layers (`- call: layer`) in both exports: Keras builds one layer, called per node.

The oracle is Keras: the exported script's `build_model()` and the keras-json
rebuilt by `model_from_json` must hold each shared layer once, with one
inbound node per call fed by the tensors netlint's summary names, and the
totals of `netlint summary`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import keras
import pytest

from export_helpers import cli, compare_layers, netlint_summary
from test_export_keras_json import _keras_table
from test_export_random import _check_synthetic_data

SIAMESE = """\
inputs:
  left: {shape: [10, 8]}
  right: {shape: [12, 8]}
layers:
  - LSTM: {units: 16, name: encoder}
    from: left
  - call: encoder
    from: right
    name: right_code
  - Subtract: {}
    from: [encoder, right_code]
  - Dense: {units: 1, activation: sigmoid}
outputs: [dense]
"""

# one Dense called three times, a layer between its calls; the last call is the output
DENSE_THRICE = """\
input: {shape: [8]}
layers:
  - Dense: {units: 8, activation: relu, name: block}
  - Dropout: {rate: 0.1}
  - call: block
  - call: block
outputs: [block_call_3]
"""

# a wrapper shared by two inputs of other lengths, and an Embedding shared the same way
WRAPPERS = """\
inputs:
  question: {shape: [6], dtype: int32}
  answer: {shape: [9], dtype: int32}
layers:
  - Embedding: {input_dim: 50, output_dim: 8, name: words}
    from: question
  - call: words
    from: answer
  - Bidirectional: {layer: {LSTM: {units: 4, return_sequences: true}}, name: reader}
    from: words
  - call: reader
    from: words_call_2
  - TimeDistributed: {layer: {Dense: {units: 3}}, name: per_step}
    from: reader
  - call: per_step
    from: reader_call_2
  - GlobalAveragePooling1D: {}
    from: per_step
  - GlobalAveragePooling1D: {name: pooled_answer}
    from: per_step_call_2
  - Concatenate: {}
    from: [global_average_pooling1d, pooled_answer]
  - Dense: {units: 1, activation: sigmoid, name: score}
outputs: [score]
"""

MODELS = {"siamese": SIAMESE, "dense-thrice": DENSE_THRICE, "wrappers": WRAPPERS}


def _write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _quiet(build, policy: str = "float32"):
    keras.backend.clear_session()  # which resets the global dtype policy: set after it
    keras.mixed_precision.set_global_policy(policy)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build()
    finally:
        keras.mixed_precision.set_global_policy("float32")


def _script(path: Path, *options: str) -> str:
    result = cli("export", str(path), "-o", "-", "--synthetic", *options)
    assert result.exit_code == 0, result.output
    return result.stdout


def _script_namespace(path: Path, *options: str) -> dict:
    namespace = {"__name__": "exported_script", "__file__": "train.py"}
    exec(compile(_script(path, *options), "train.py", "exec"), namespace)  # our own code
    return namespace


def _script_model(path: Path, *options: str, policy: str = "float32"):
    return _quiet(_script_namespace(path, *options)["build_model"], policy), \
        _script(path, *options)


def _json_model(path: Path, *options: str):
    result = cli("export", str(path), "-o", "-", "--to", "keras-json", *options)
    assert result.exit_code == 0, result.output
    return _quiet(lambda: keras.models.model_from_json(result.stdout)), result.stdout


def _keras_nodes(model) -> dict:
    """layer -> per node, the (layer, node index) of each tensor it consumes, as Keras
    recorded the calls."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        out[layer.name] = [[(t._keras_history.operation.name, t._keras_history.node_index)
                            for t in node.input_tensors] for node in layer._inbound_nodes]
    return out


def _netlint_nodes(summary: dict) -> dict:
    """The same from `netlint summary --format json`: a call's output is its layer's
    next node."""
    where = {}
    for row in summary["layers"]:
        where[row["name"]] = (row["name"], 0)
        for number, call in enumerate(row.get("calls", []), start=1):
            where[call["name"]] = (row["name"], number)
    out = {}
    for row in summary["layers"]:
        if row["class"] != "InputLayer":
            out[row["name"]] = [[where[n] for n in node["inbound"]]
                                for node in [row, *row.get("calls", [])]]
    return out


def _total(summary: dict) -> int:
    return sum(row["params"] for row in summary["layers"])


@pytest.mark.parametrize("text", MODELS.values(), ids=list(MODELS))
@pytest.mark.parametrize("target", ["script", "keras-json"])
def test_keras_builds_each_shared_layer_once(text, target, tmp_path):
    path = _write(tmp_path, text)
    summary = netlint_summary(path)
    assert any(row.get("calls") for row in summary["layers"])  # the test tests calls
    model, _ = (_script_model if target == "script" else _json_model)(path)
    assert model.count_params() == _total(summary)
    names = [layer.name for layer in model.layers]
    assert len(names) == len(set(names))  # each shared layer object once
    assert compare_layers(_keras_table(model), summary) == []
    assert _keras_nodes(model) == _netlint_nodes(summary)
    if target == "script":  # the synthetic arrays fit the inputs (ids for the embedding)
        _check_synthetic_data(_script_namespace(path), model)


def test_the_script_builds_a_shared_layer_then_calls_it(tmp_path):
    _, script = _script_model(_write(tmp_path, SIAMESE))
    assert '    layer_1 = keras.layers.LSTM(units=16, name="encoder")\n' \
           "    x_1 = layer_1(input_0)\n    x_2 = layer_1(input_1)\n" in script
    assert "right_code" not in script  # a call's output is a tensor, not a layer


def test_keras_json_has_one_entry_with_a_node_per_call(tmp_path):
    model, text = _json_model(_write(tmp_path, DENSE_THRICE))
    entries = [layer for layer in json.loads(text)["config"]["layers"]
               if layer["name"] == "block"]
    assert len(entries) == 1 and len(entries[0]["inbound_nodes"]) == 3
    assert json.loads(text)["config"]["output_layers"] == ["block", 2, 0]
    assert len(model.get_layer("block")._inbound_nodes) == 3
    assert model.outputs[0]._keras_history.node_index == 2


@pytest.mark.parametrize("target", ["script", "keras-json"])
def test_a_call_that_is_an_output_keeps_its_layer_float32(target, tmp_path):
    path = _write(tmp_path, DENSE_THRICE)
    if target == "script":  # the script's main() sets the policy before build_model()
        model, _ = _script_model(path, "--mixed-precision", "bfloat16",
                                 policy="mixed_bfloat16")
    else:
        model, _ = _json_model(path, "--mixed-precision", "bfloat16")
    assert model.get_layer("block").compute_dtype == "float32"
    assert model.get_layer("dropout").compute_dtype == "bfloat16"


INCOMPATIBLE = """\
inputs:
  left: {shape: [10, 8]}
  right: {shape: [10, 4]}
layers:
  - LSTM: {units: 16, name: encoder}
    from: left
  - call: encoder
    from: right
  - Subtract: {}
    from: [encoder, encoder_call_2]
outputs: [subtract]
"""


@pytest.mark.parametrize("target", ["script", "keras-json"])
def test_a_call_its_layer_cannot_take_is_not_exported(target, tmp_path):
    path = _write(tmp_path, INCOMPATIBLE)
    out = tmp_path / "out.txt"
    result = cli("export", str(path), "-o", str(out), "--to", target, "--synthetic")
    assert result.exit_code != 0, result.output
    assert not out.exists()
    # and Keras agrees: the 8-feature LSTM cannot run on 4 features
    left, right = keras.Input((10, 8)), keras.Input((10, 4))
    encoder = keras.layers.LSTM(16)
    encoder(left)
    with pytest.raises(Exception):  # noqa: B017 - Keras's error type differs by backend
        keras.Model([left, right], encoder(right)).predict(
            [keras.ops.zeros((1, 10, 8)), keras.ops.zeros((1, 10, 4))], verbose=0)
