"""`netlint import`: real Keras models saved as .keras and to_json(), read back without Keras.

The oracle is Keras itself: every layer of the saved model (submodels opened
up) must come back with the same name, output shape and parameter count in
`netlint summary --format json` of the imported file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest
import yaml
from keras_model import build_keras_model
from typer.testing import CliRunner

from netlint.cli import app
from netlint.importer import ImportFailed, import_model
from netlint.importer.compile import OPTIMIZER_DEFAULTS, _loss, _optimizer
from netlint.importer.layers import Report
from netlint.importer.values import INITIALIZER_DEFAULTS, object_value
from netlint.layers import registry
from netlint.layers.base import REGISTRY
from netlint.loader import load, load_text

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
runner = CliRunner()


# -- helpers -------------------------------------------------------------------------------
def leaf_layers(model) -> list:
    """Keras's layers with nested models opened up; InputLayers left out."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out += leaf_layers(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            out.append(layer)
    return out


def keras_facts(model) -> dict:
    facts = {}
    for layer in leaf_layers(model):
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        shapes = [list(o.shape) for o in outputs]
        facts[layer.name] = (shapes[0] if len(shapes) == 1 else shapes, layer.count_params())
    return facts


def netlint_facts(model_file: Path) -> dict:
    result = runner.invoke(app, ["summary", str(model_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    return {row["name"]: (row["output_shape"], row["params"]) for row in summary["layers"]
            if row["class"] != "InputLayer"}


def import_cli(source: Path, target: Path, *extra: str):
    return runner.invoke(app, ["import", str(source), "-o", str(target), *extra])


def save_both(model, folder: Path, stem: str) -> tuple[Path, Path]:
    """The model as a .keras file and as a to_json() file."""
    keras_file, json_file = folder / f"{stem}.keras", folder / f"{stem}.json"
    model.save(keras_file)
    json_file.write_text(model.to_json())
    return keras_file, json_file


def assert_round_trip(model, tmp_path: Path, stem: str = "model") -> list[Path]:
    """Import both saved forms; each must reproduce Keras layer by layer."""
    expected = keras_facts(model)
    written = []
    for source in save_both(model, tmp_path, stem):
        target = tmp_path / f"{source.name}.yaml"
        result = import_cli(source, target)
        assert result.exit_code == 0, result.output
        assert netlint_facts(target) == expected, target.read_text()
        written.append(target)
    return written


# -- the examples: build each in Keras, save, import, compare --------------------------------
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip_through_keras(example, tmp_path):
    loaded = load(example)
    assert loaded.ok
    _, model = build_keras_model(loaded.model)
    keras_yaml, json_yaml = assert_round_trip(model, tmp_path, example.stem)
    assert keras_yaml.read_text().split("\n", 1)[1] == json_yaml.read_text().split("\n", 1)[1]
    # only what the example itself set comes back: every other argument was a default
    items = yaml.safe_load(json_yaml.read_text())["layers"]
    layers = [layer for layer in loaded.model.layers if layer.shares is None]
    for item, layer in zip([i for i in items if "call" not in i], layers, strict=True):
        (written, kwargs), = [(k, v) for k, v in item.items() if k != "from"]
        assert written == layer.class_name
        assert set(kwargs) <= set(layer.kwargs) | {"name"}, (kwargs, layer.kwargs)
    # each further call of a shared layer comes back as a `call:` of that layer (Keras's
    # call order may differ from the file's: counted, not paired)
    assert sorted(i["call"] for i in items if "call" in i) == \
        sorted(layer.shares for layer in loaded.model.layers if layer.shares)


def test_import_is_deterministic(tmp_path):
    _, model = build_keras_model(load(ROOT / "examples" / "two-input-functional.yaml").model)
    keras_file, _ = save_both(model, tmp_path, "m")
    assert import_model(keras_file).text == import_model(keras_file).text


def test_output_is_the_same_under_any_hash_seed(tmp_path):
    keras.backend.clear_session()
    _, model = build_keras_model(load(ROOT / "examples" / "imdb-bidirectional-lstm.yaml").model)
    keras_file, _ = save_both(model, tmp_path, "m")
    code = "import sys; from netlint.importer import import_model; " \
           "sys.stdout.write(import_model(sys.argv[1]).text)"
    texts = {subprocess.run([sys.executable, "-c", code, str(keras_file)], text=True,
                            check=True, capture_output=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout
             for seed in ("0", "1", "4242")}
    assert len(texts) == 1 and "mask_zero: true" in texts.pop()


def test_fresh_session_names_need_no_name_key(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((10, 64)), keras.layers.LSTM(32),
                              keras.layers.Dense(2)])
    _, json_file = save_both(model, tmp_path, "m")
    document = import_model(json_file).document
    assert document["layers"] == [{"LSTM": {"units": 32}}, {"Dense": {"units": 2}}]
    assert document["input"] == {"shape": [10, 64]}


def test_an_initializer_keras_takes_only_with_its_arguments_keeps_them(tmp_path):
    """`Constant(0.0)` holds only defaults, but Keras refuses the bare name `Constant`
    (EfficientNetV2's head): it is written with its value."""
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        2, bias_initializer=keras.initializers.Constant(0.0))])
    for written in assert_round_trip(model, tmp_path):
        assert "{Constant: {value: 0.0}}" in written.read_text()


def test_nested_models_are_flattened_and_match_keras(tmp_path):
    keras.backend.clear_session()
    series, static = keras.Input((30, 8), name="series"), keras.Input((4,), name="static")
    head = keras.Sequential([keras.Input((36,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(1)], name="head")
    inner_in = keras.Input((30, 8))
    encoder = keras.Model(inner_in, keras.layers.LSTM(32)(
        keras.layers.Conv1D(8, 3, padding="causal")(inner_in)), name="encoder")
    merged = keras.layers.Concatenate()([encoder(series), static])
    model = keras.Model([series, static], head(merged))
    for written in assert_round_trip(model, tmp_path):
        assert "flattened" not in written.read_text()  # notes go to stderr, not the file
    imported = import_model(tmp_path / "model.keras")
    assert not imported.problems
    assert any("'head' (Sequential) is flattened" in n for n in imported.notes)


def test_compile_config_becomes_the_compile_section(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((20, 1)), keras.layers.LSTM(8),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    keras_file, json_file = save_both(model, tmp_path, "m")
    assert import_model(keras_file).document["compile"] == {
        "loss": {"CategoricalCrossentropy": {"from_logits": True}},
        "optimizer": {"Adam": {"learning_rate": 0.01}}, "metrics": ["accuracy"]}
    assert "compile" not in import_model(json_file).document  # to_json() has no compile
    target = tmp_path / "m.yaml"
    assert import_cli(keras_file, target).exit_code == 0
    assert not [f for f in load(target).findings if f.severity == "error"]


# -- Keras 2 configs, written by hand in Keras 2.2.4's format -------------------------------
def test_keras2_sequential_config(tmp_path):
    target = tmp_path / "m.yaml"
    result = import_cli(DATA / "keras2-lstm-300-forecast.json", target)
    assert result.exit_code == 0, result.output
    assert "implementation is left out" in result.stderr
    document = yaml.safe_load(target.read_text())
    assert document["input"] == {"shape": [20, 1]}
    assert document["layers"][0] == {"LSTM": {"units": 300,
                                              "recurrent_activation": "hard_sigmoid",
                                              "name": "lstm_1"}}
    keras.backend.clear_session()
    oracle = keras.Sequential([keras.Input((20, 1)), keras.layers.LSTM(
        300, recurrent_activation="hard_sigmoid", name="lstm_1"),
        keras.layers.Dense(20, name="dense_1")])
    assert netlint_facts(target) == keras_facts(oracle)


def test_keras2_functional_config(tmp_path):
    target = tmp_path / "m.yaml"
    assert import_cli(DATA / "keras2-two-input-functional.json", target).exit_code == 0
    keras.backend.clear_session()
    series, static = keras.Input((30, 8), name="series"), keras.Input((4,), name="static")
    encoded = keras.layers.LSTM(32, recurrent_activation="hard_sigmoid", name="encoder")(series)
    merged = keras.layers.Concatenate(name="merged")([encoded, static])
    oracle = keras.Model([series, static], keras.layers.Dense(1, name="price")(merged))
    assert netlint_facts(target) == keras_facts(oracle)


def test_keras2_leaky_relu_alpha_is_negative_slope():
    from netlint.importer.layers import convert_layer

    report = Report()
    layer = {"class_name": "LeakyReLU", "config": {"name": "leaky_re_lu_1", "alpha": 0.1}}
    converted = convert_layer(layer, "layer", report)
    assert converted.kwargs == {"negative_slope": 0.1} and not report.problems
    assert keras.layers.LeakyReLU(negative_slope=0.1).get_config()["negative_slope"] == 0.1


# -- what cannot be expressed is reported, never dropped ------------------------------------
def _shared_submodel():
    # a shared layer imports as `call:` items (test_import_shared.py); a whole submodel
    # called twice has no form in a model file yet
    inner_in = keras.Input((8,))
    inner = keras.Model(inner_in, keras.layers.Dense(4)(inner_in), name="encoder")
    a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
    return keras.Model([a, b], keras.layers.Add()([inner(a), inner(b)]))


def _state_model():
    inputs = keras.Input((5, 3))
    _, state_h, _ = keras.layers.LSTM(4, return_state=True)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(state_h))


def _unknown_model():
    return keras.Sequential([keras.Input((8,)), keras.layers.Rescaling(0.5),
                             keras.layers.Dense(2)])


@pytest.mark.parametrize("make, words", [
    # a Lambda, a custom class and keras.ops nodes now import as declared shapes
    # (tests/ecosystem/test_import_declared.py)
    (_unknown_model, "does not know the layer class 'Rescaling'"),
    (_shared_submodel, "is called 2 times"),
    (_state_model, "returns several tensors"),
], ids=["unknown", "shared", "return-state"])
def test_unexpressible_parts_fail_loudly(make, words, tmp_path, monkeypatch):
    if make is _unknown_model:
        # a class netlint does not know, whichever classes it knows by now
        registry.all_defs()
        monkeypatch.delitem(REGISTRY, "Rescaling")
    keras.backend.clear_session()
    model = make()
    source = tmp_path / "m.json"
    source.write_text(model.to_json())
    target = tmp_path / "m.yaml"
    result = import_cli(source, target)
    assert result.exit_code == 1
    assert words in result.stderr and "cannot express" in result.stderr
    assert not target.exists()  # nothing half-written
    partial = import_cli(source, target, "--allow-partial")
    assert partial.exit_code == 0, partial.output
    text = target.read_text()
    assert "NOT EXPRESSED" in text and words in text
    assert all(line.startswith("#") for line in text.splitlines()
               if "NOT EXPRESSED" in line or words in line)
    load_text(text)  # still a YAML document the loader reads without crashing


def test_seeded_initializer_and_regularizer_are_kept(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_initializer=keras.initializers.HeNormal(seed=7),
        kernel_regularizer=keras.regularizers.L2(0.01), use_bias=False)])
    _, json_file = save_both(model, tmp_path, "m")
    assert import_model(json_file).document["layers"][0] == {"Dense": {
        "units": 3, "use_bias": False, "kernel_initializer": {"HeNormal": {"seed": 7}},
        "kernel_regularizer": {"L2": {"l2": 0.01}}}}


# -- bad input: a clear message, exit 2, no traceback ---------------------------------------
@pytest.mark.parametrize("name, content, words", [
    ("m.json", b"{not json", "not JSON"),
    ("m.json", b'{"class_name": "Dense", "config": {}}', "not a Keras model config"),
    ("m.json", b"\xff\xfe", "not UTF-8"),
    ("m.keras", b"PK\x05\x06" + b"\0" * 18, "no config.json"),
    ("m.h5", b"\x89HDF", "to_json"),
])
def test_unreadable_input_is_a_usage_error(name, content, words, tmp_path):
    source = tmp_path / name
    source.write_bytes(content)
    result = import_cli(source, tmp_path / "out.yaml")
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_output_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "m.yaml"
    target.write_text("keep me\n")
    source = DATA / "keras2-lstm-300-forecast.json"
    assert import_cli(source, target).exit_code == 2
    assert target.read_text() == "keep me\n"
    assert import_cli(source, target, "--force").exit_code == 0
    assert import_cli(source, tmp_path / "missing" / "m.yaml").exit_code == 2


def test_missing_model_file_raises_import_failed(tmp_path):
    with pytest.raises(ImportFailed):
        import_model(tmp_path / "nope.json")


# -- the default tables match Keras ----------------------------------------------------------
@pytest.mark.parametrize("cls", sorted(OPTIMIZER_DEFAULTS))
def test_optimizer_defaults_match_keras(cls):
    serialized = keras.saving.serialize_keras_object(getattr(keras.optimizers, cls)())
    assert isinstance(_optimizer(serialized, Report()), str), serialized["config"]


@pytest.mark.parametrize("cls", ["CategoricalCrossentropy", "SparseCategoricalCrossentropy",
                                 "BinaryCrossentropy", "MeanSquaredError", "Huber",
                                 "BinaryFocalCrossentropy", "KLDivergence"])
def test_loss_defaults_match_keras(cls):
    serialized = keras.saving.serialize_keras_object(getattr(keras.losses, cls)())
    assert isinstance(_loss(serialized, Report()), str), serialized["config"]


@pytest.mark.parametrize("cls", sorted(INITIALIZER_DEFAULTS) + ["GlorotUniform", "Zeros"])
def test_initializer_defaults_match_keras(cls):
    serialized = keras.saving.serialize_keras_object(getattr(keras.initializers, cls)())
    value = object_value(serialized, "initializer")
    try:  # Keras builds it from the bare name: then its default arguments are dropped
        keras.initializers.get({"class_name": cls, "config": {}})
        bare = {cls: {}}
    except (KeyError, TypeError, ValueError):  # Constant: its value must be written
        bare = {cls: serialized["config"]}
    assert isinstance(value, str) or value == bare, (value, serialized["config"])
