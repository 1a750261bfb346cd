"""Exported arguments Keras wants in a form YAML cannot write: Pipeline's list of layers
(as constructor calls) and TextVectorization's `ngrams` (a tuple, never a list).

Each exported model is built by its script's own build_model() in a fresh Python
(JAX on CPU, or TensorFlow for text), and compared with `netlint summary`.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from export_helpers import HERE, cli, compare_layers, netlint_summary, script_env

PIPELINE = HERE / "models" / "pipeline-augment.yaml"
NEEDS_TF = "Keras builds TextVectorization with TensorFlow only: pip install -e '.[test-tf]'"
TEXT_MODEL = """\
inputs:
  review: {shape: [], dtype: string}
layers:
  - TextVectorization: {vocabulary: [good, bad], ngrams: [1, 2], output_mode: multi_hot}
  - Dense: {units: 1, activation: sigmoid}
"""
# Build the script's model and write its layer table, without training it.
# Under mixed precision, the script's main() sets the global policy first, as here. Prints
# the dtype policy of the last layer's own layers (a Pipeline's).
BUILD = """
import json, runpy, sys
module = runpy.run_path(sys.argv[1])
if module.get("MIXED_PRECISION_POLICY"):
    module["keras"].mixed_precision.set_global_policy(module["MIXED_PRECISION_POLICY"])
model = module["build_model"]()
module["write_layer_table"](model, sys.argv[2])
print(json.dumps([layer.dtype_policy.name for layer in getattr(model.layers[-1], "layers", [])]))
"""


def _export(model: Path, out: Path, *options: str) -> str:
    result = cli("export", str(model), "-o", str(out), "--synthetic", *options)
    assert result.exit_code == 0, result.output
    return out.read_text()


def _build(script: Path, workdir: Path, **env: str) -> tuple[dict, list]:
    """(the built model's layer table, the dtype policies inside its last layer)."""
    table = workdir / "layers.json"
    run = subprocess.run([sys.executable, "-c", BUILD, str(script), str(table)], cwd=workdir,
                         env={**script_env(), **env}, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(table.read_text()), json.loads(run.stdout.strip().splitlines()[-1])


def _calls(source: str, func: str) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
            and ast.unparse(node.func) == func]


def test_a_pipeline_is_written_as_a_list_of_layer_constructors(tmp_path):
    source = _export(PIPELINE, tmp_path / "train.py")
    (pipeline,) = _calls(source, "keras.layers.Pipeline")
    layers = next(k.value for k in pipeline.keywords if k.arg == "layers")
    assert isinstance(layers, ast.List)
    assert [ast.unparse(item.func) for item in layers.elts] == [
        "keras.layers.Rescaling", "keras.layers.RandomFlip", "keras.layers.Conv2D"]


def test_the_exported_pipeline_builds_netlints_model(tmp_path):
    script = tmp_path / "train.py"
    _export(PIPELINE, script)
    table, _ = _build(script, tmp_path)
    assert compare_layers(table, netlint_summary(PIPELINE)) == []


def test_a_pipeline_output_computes_in_float32_under_mixed_precision(tmp_path):
    """The Pipeline takes no dtype: its last layer, which makes its output, gets it."""
    model = tmp_path / "model.yaml"
    model.write_text("input: {shape: [8]}\nlayers:\n  - Dense: {units: 4}\n"
                     "  - Pipeline: {layers: [{Dense: {units: 3}}, {Softmax: {}}]}\n")
    script = tmp_path / "train.py"
    source = _export(model, script, "--mixed-precision", "float16")
    (softmax,) = _calls(source, "keras.layers.Softmax")
    keywords = {k.arg: ast.literal_eval(k.value) for k in softmax.keywords}
    assert keywords["dtype"] == "float32"
    assert set(keywords) <= {"dtype", "name"}
    table, policies = _build(script, tmp_path)
    assert compare_layers(table, netlint_summary(model)) == []
    assert policies == ["mixed_float16", "float32"]


def test_ngrams_is_written_as_a_tuple(tmp_path):
    model = tmp_path / "model.yaml"
    model.write_text(TEXT_MODEL)
    source = _export(model, tmp_path / "train.py")
    (layer,) = _calls(source, "keras.layers.TextVectorization")
    ngrams = next(k.value for k in layer.keywords if k.arg == "ngrams")
    assert isinstance(ngrams, ast.Tuple) and ast.literal_eval(ngrams) == (1, 2)


def test_keras_takes_ngrams_as_a_tuple_only_and_builds_the_export(tmp_path):
    pytest.importorskip("tensorflow", reason=NEEDS_TF)
    import keras

    from netlint.codegen.layer_code import TUPLE_ARGUMENTS

    for class_name, argument in TUPLE_ARGUMENTS:  # each one Keras refuses as a list
        with pytest.raises(ValueError):
            getattr(keras.layers, class_name)(**{argument: [1, 2]})
    model = tmp_path / "model.yaml"
    model.write_text(TEXT_MODEL)
    script = tmp_path / "train.py"
    _export(model, script)
    table, _ = _build(script, tmp_path, KERAS_BACKEND="tensorflow")
    assert compare_layers(table, netlint_summary(model)) == []


def test_keras_json_holds_what_text_vectorization_from_config_reads(tmp_path):
    """Its from_config reads `ngrams`, `split` and `standardize` (and Rescaling's
    `offset`) whatever the file sets: the config has them, with Keras's defaults."""
    pytest.importorskip("tensorflow", reason=NEEDS_TF)
    import keras

    model = tmp_path / "model.yaml"
    model.write_text(TEXT_MODEL.replace("ngrams: [1, 2], ", "") +
                     "  - Rescaling: {scale: 2.0}\n")
    result = cli("export", str(model), "-o", "-", "--to", "keras-json")
    assert result.exit_code == 0, result.output
    keras.backend.clear_session()
    built = keras.models.model_from_json(result.stdout)
    ours = {row["name"]: row["output_shape"] for row in netlint_summary(model)["layers"]}
    assert {layer.name: list(layer.output.shape) for layer in built.layers} == ours


FROZEN = """\
input: {shape: [12, 4]}
layers:
  - Bidirectional: {layer: {GRU: {units: 3, return_sequences: true}}, trainable: false}  # netlint: disable=NL607
  - LSTM: {units: 2, trainable: false}
  - Dense: {units: 1}
"""


def test_the_layer_table_counts_frozen_weights_as_summary_does(tmp_path):
    # Bidirectional(trainable=False) freezes nothing (its GRUs make the weights), an LSTM
    # hands `trainable` to its cell: the script's table and netlint's summary agree
    model = tmp_path / "frozen.yaml"
    model.write_text(FROZEN, encoding="utf-8")
    script = tmp_path / "train.py"
    _export(model, script)
    table, _ = _build(script, tmp_path)
    assert compare_layers(table, netlint_summary(model)) == []
    rows = {row["name"]: row for row in table["layers"]}
    assert rows["bidirectional"]["non_trainable_params"] == 0
    assert rows["lstm"]["trainable_params"] == 0
