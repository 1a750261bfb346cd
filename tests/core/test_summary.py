"""`netlint summary` against Keras's own model.summary() and count_params()."""

import json
import subprocess
import sys

import numpy as np
import pytest

from keras_model import build_keras_model
from netlint.api import infer
from netlint.loader import load_text
from netlint.report.summary_table import summary_dict, summary_text

MODELS = {
    "stacked": "input: {shape: [10, 64]}\nlayers:\n  - LSTM: {units: 32, return_sequences: true}\n"
               "  - TimeDistributed: {layer: {Dense: {units: 15}}}\n  - Dense: 2\n",
    "two_inputs": "inputs:\n  series: {shape: [30, 8]}\n  static: {shape: [4]}\nlayers:\n"
                  "  - LSTM: {units: 32, name: encoder}\n    from: series\n"
                  "  - Concatenate: {name: merged}\n    from: [encoder, static]\n"
                  "  - Dense: {units: 1, name: price}\n",
    "frozen_bn": "input: {shape: [8]}\nlayers:\n  - Dense: {units: 16, trainable: false}\n"
                 "  - BatchNormalization: {}\n  - Dense: {units: 1, dtype: float16}\n",
}


def keras_totals(model) -> list[str]:
    lines = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    text = "\n".join(lines)
    return [line for line in text.splitlines()
            if line.lstrip().startswith(("Total params", "Trainable params",
                                         "Non-trainable params"))]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_totals_lines_equal_keras(name):
    loaded = load_text(MODELS[name])
    assert loaded.ok, [f.text() for f in loaded.findings]
    _, keras_model = build_keras_model(loaded.model)
    ours = summary_text(infer(loaded).model).splitlines()
    assert [line for line in ours if "params" in line] == keras_totals(keras_model)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_json_layers_match_keras(name):
    loaded = load_text(MODELS[name])
    assert loaded.ok, [f.text() for f in loaded.findings]
    answers, keras_model = build_keras_model(loaded.model)
    data = summary_dict(infer(loaded).model)
    layers = {entry["name"]: entry for entry in data["layers"] if entry["class"] != "InputLayer"}
    assert set(layers) == set(answers)
    for layer_name, (shapes, trainable, frozen) in answers.items():
        entry = layers[layer_name]
        assert entry["output_shape"] == list(shapes[0])
        assert (entry["trainable_params"], entry["non_trainable_params"]) == (trainable, frozen)
    assert data["total_params"] == keras_model.count_params()


def test_table_rows_follow_keras_layout():
    text = summary_text(infer(load_text(MODELS["two_inputs"])).model)
    assert text.startswith('Model: "functional"\n┏')
    assert "│ series (InputLayer) │ (None, 30, 8)     │          0 │ -                 │" in text
    assert "│ merged              │ (None, 36)        │          0 │ encoder[0][0],    │" in text


def test_cli_summary_is_deterministic_and_json(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MODELS["stacked"])
    runs = [subprocess.run([sys.executable, "-m", "netlint.cli", "summary", str(path),
                            "--format", "json"], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""})
            for seed in ("1", "2")]
    assert runs[0].stdout == runs[1].stdout
    data = json.loads(runs[0].stdout)
    assert [layer["name"] for layer in data["layers"]] == ["lstm", "time_distributed", "dense_1"]


def test_cli_summary_exit_codes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: {shape: [3]}\nlayers:\n  - LTSM: 3\n")
    run = subprocess.run([sys.executable, "-m", "netlint.cli", "summary", str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "NL002" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "netlint.cli", "summary", str(tmp_path / "no")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "no such file" in run.stderr


# -- the cost columns (`--cost`, and JSON's fields) -------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint.cli", "summary", *args],
                          capture_output=True, text=True, check=True)


def test_plain_summary_is_keras_table_without_cost(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MODELS["stacked"])
    plain = _cli(str(path)).stdout
    assert plain == summary_text(infer(load_text(MODELS["stacked"])).model)
    assert "Mult-Adds" not in plain and "Batch size" not in plain


def test_cost_columns_and_footer(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MODELS["stacked"])
    text = _cli(str(path), "--cost", "--batch-size", "8", "--dtype", "mixed_float16").stdout
    header = next(line for line in text.splitlines() if "Layer (type)" in line)
    assert "Mult-Adds" in header and "Activations" in header and "Weights" in header
    assert " Batch size: 8, dtype policy: mixed_float16, optimizer: rmsprop" in text
    assert " Estimated training step memory: " in text
    # Keras's own lines are all still there, unchanged
    plain = summary_text(infer(load_text(MODELS["stacked"])).model).splitlines()
    assert [line for line in plain if "params" in line] == \
        [line for line in text.splitlines() if "params" in line]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_json_weight_bytes_equal_keras_weights(name):
    loaded = load_text(MODELS[name])
    _, keras_model = build_keras_model(loaded.model)
    data = summary_dict(infer(loaded).model)
    by_name = {entry["name"]: entry for entry in data["layers"]}
    for layer in keras_model.layers:
        if layer.name in by_name and by_name[layer.name]["class"] != "InputLayer":
            expected = sum(int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize
                           for w in layer.weights)
            assert by_name[layer.name]["weight_bytes"] == expected, layer.name
    assert data["cost"]["weight_bytes"] == sum(
        int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize for w in keras_model.weights)


def test_json_totals_follow_the_batch_size(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MODELS["stacked"])
    small, large = (json.loads(_cli(str(path), "-f", "json", "--batch-size", size).stdout)
                    for size in ("16", "32"))
    assert small["cost"]["batch_size"] == 16 and large["cost"]["batch_size"] == 32
    assert large["cost"]["activation_bytes"] == 2 * small["cost"]["activation_bytes"]
    assert large["cost"]["weight_bytes"] == small["cost"]["weight_bytes"]
    assert small["layers"][0]["macs_per_sample"] == large["layers"][0]["macs_per_sample"]


def test_cost_footer_gives_a_time_per_step_when_asked(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MODELS["stacked"])
    assert "Time per step" not in _cli(str(path), "--cost").stdout
    assert " Time per step at 2.5 TFLOP/s (arithmetic only, a floor): " in \
        _cli(str(path), "--cost", "--tflops", "2.5").stdout
