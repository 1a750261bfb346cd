"""`netlint summary` against Keras's own model.summary() and count_params()."""

import json
import subprocess
import sys

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
