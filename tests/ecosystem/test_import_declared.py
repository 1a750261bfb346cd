"""`netlint import` of what netlint takes on trust: Lambda, custom layers, keras.ops nodes.

Each is written with the output shape Keras recorded for it (and a custom layer with
the size of its stored weights); the imported file must then give Keras's own totals,
and every Keras layer's name, shape and count, read back without Keras.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import keras
import yaml
from typer.testing import CliRunner

from netlint.api import check, infer
from netlint.cli import app
from netlint.importer import import_model
from netlint.loader import load

runner = CliRunner()


@keras.saving.register_keras_serializable(package="import_declared")
class Gain(keras.layers.Layer):
    """A custom class with weights (one gain per channel) and an argument of its own."""

    def __init__(self, floor=0.5, **kwargs):
        super().__init__(**kwargs)
        self.floor = floor

    def build(self, shape):
        self.gain = self.add_weight(shape=(shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.gain + self.floor

    def get_config(self):
        return {**super().get_config(), "floor": self.floor}


def _count(weights) -> int:
    return sum(int(w.numpy().size) for w in weights)


def keras_totals(model) -> tuple[int, int]:
    return _count(model.trainable_weights), _count(model.non_trainable_weights)


def keras_facts(model) -> dict:
    return {layer.name: (list(layer.output.shape), layer.count_params())
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)}


def imported(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / f"{source.name}.yaml"
    result = runner.invoke(app, ["import", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def netlint_facts(target: Path) -> dict:
    result = runner.invoke(app, ["summary", str(target), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["name"]: (row["output_shape"], row["params"])
            for row in json.loads(result.stdout)["layers"]}


def save_both(model, tmp_path: Path) -> list[Path]:
    keras_file, json_file = tmp_path / "m.keras", tmp_path / "m.json"
    model.save(keras_file)
    json_file.write_text(model.to_json())
    return [keras_file, json_file]


def assert_like_keras(model, target: Path, counts: bool = True) -> None:
    """Keras's totals, and each Keras layer's shape and (with `counts`) parameter count."""
    inferred = infer(load(target)).model
    assert inferred is not None
    if counts:
        assert (inferred.trainable_params, inferred.non_trainable_params) == \
            keras_totals(model)
    facts = netlint_facts(target)
    for name, (shape, count) in keras_facts(model).items():
        assert facts[name] == (shape, count) if counts else facts[name][0] == shape, name
    assert not [f.text() for f in check(target) if f.severity in ("error", "warning")]


def layer_items(target: Path) -> list:
    return yaml.safe_load(target.read_text())["layers"]


def test_a_lambda_imports_with_the_shape_keras_recorded(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((6, 4))
    x = keras.layers.Lambda(lambda t: t[:, :3] * 2.0)(inputs)  # no output_shape given
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(x)))
    for source in save_both(model, tmp_path):
        target = imported(source, tmp_path)
        assert layer_items(target)[0] == {"Lambda": {"output_shape": [3, 4]}}
        assert_like_keras(model, target)


def test_a_custom_layer_saved_as_keras_brings_its_weight_count(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((5,))
    x = Gain(floor=0.25)(keras.layers.Dense(3)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    keras_file, json_file = save_both(model, tmp_path)
    target = imported(keras_file, tmp_path)
    assert layer_items(target)[1] == {"Gain": {"output_shape": [3], "params": 3,
                                               "floor": 0.25}}
    assert_like_keras(model, target)
    # a JSON config holds no weights: the count is left out, and the import says so
    result = runner.invoke(app, ["import", str(json_file), "-o", str(tmp_path / "j.yaml")])
    assert result.exit_code == 0 and "parameter count is left out" in result.output
    assert "params" not in layer_items(tmp_path / "j.yaml")[1]["Gain"]
    assert_like_keras(model, tmp_path / "j.yaml", counts=False)


def test_weights_are_found_where_keras_keeps_them_not_by_layer_name(tmp_path):
    # a .keras file keeps a layer's weights under its class (gain, gain_1, ...), a nested
    # model's under the model's: named layers and a submodel must still find theirs
    keras.backend.clear_session()
    inner = keras.Sequential([keras.Input((4,)), Gain(name="inner_gain"),
                              keras.layers.Dense(4)], name="block")
    inputs = keras.Input((6,))
    x = keras.layers.Dense(4, name="first")(inputs)
    x = Gain(name="boost")(x)
    x = inner(x)
    x = Gain(name="second_boost")(keras.layers.Dense(5)(x))
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    keras_file, _ = save_both(model, tmp_path)
    target = imported(keras_file, tmp_path)
    assert [item["Gain"]["params"] for item in layer_items(target) if "Gain" in item] == \
        [4, 4, 5]
    inferred = infer(load(target)).model
    assert (inferred.trainable_params, inferred.non_trainable_params) == keras_totals(model)


def test_convnext_saved_as_keras_reads_its_layer_scales_from_the_weights(tmp_path):
    keras.backend.clear_session()
    model = keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3),
                                            classes=2)
    keras_file, _ = save_both(model, tmp_path)
    target = imported(keras_file, tmp_path)
    assert any(item.get("LayerScale", {}).get("params") == 96 for item in layer_items(target))
    inferred = infer(load(target)).model
    assert (inferred.trainable_params, inferred.non_trainable_params) == keras_totals(model)


def test_a_sequential_model_declares_what_the_next_layer_was_built_on(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4),
                              Gain(name="gain"), keras.layers.Lambda(lambda t: t[:, :2]),
                              keras.layers.Dense(1)])
    keras_file, _ = save_both(model, tmp_path)
    target = imported(keras_file, tmp_path)
    assert layer_items(target)[1:3] == [{"Gain": {"output_shape": [4], "params": 4,
                                                  "floor": 0.5}},
                                        {"Lambda": {"output_shape": [2]}}]
    assert_like_keras(model, target)


def test_ops_nodes_import_as_ops_items_named_as_keras_names_them(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((1, 1, 16))
    shifted = inputs + 3.0  # MobileNetV3's hard sigmoid: x * relu6(x + 3) / 6
    gate = keras.layers.ReLU(max_value=6.0)(shifted) * (1.0 / 6.0)
    x = keras.layers.Multiply()([inputs, gate])
    model = keras.Model(inputs, keras.layers.Dense(4)(x) + 1.0)  # an ops node as output
    for source in save_both(model, tmp_path):
        target = imported(source, tmp_path)
        items = layer_items(target)
        assert items[0] == {"ops.add": {"output_shape": [1, 1, 16]}}
        assert items[2] == {"ops.multiply": {"output_shape": [1, 1, 16]}}
        assert items[-1] == {"ops.add": {"output_shape": [1, 1, 4]}}
        names = [spec.name for spec in load(target).model.layers]
        assert names == [op.name for op in model.operations
                         if not isinstance(op, keras.layers.InputLayer)]
        assert_like_keras(model, target)


def test_mobilenet_v3_imports_with_keras_totals(tmp_path):
    keras.backend.clear_session()
    model = keras.applications.MobileNetV3Small(weights=None)
    for source in save_both(model, tmp_path):
        inferred = infer(load(imported(source, tmp_path))).model
        assert (inferred.trainable_params, inferred.non_trainable_params) == \
            keras_totals(model)


def test_a_layer_no_one_consumes_and_nothing_records_stays_unexpressed(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda t: t[:, :2])(inputs))
    source = tmp_path / "m.json"
    source.write_text(model.to_json())
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "m.yaml")])
    assert result.exit_code == 1 and "records no shape" in result.output
    # a Lambda whose output_shape Keras was given: that is what it declares
    keras.backend.clear_session()
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda t: t[:, :2],
                                                    output_shape=(2,))(inputs))
    source.write_text(model.to_json())
    document = import_model(source).document
    assert document["layers"] == [{"Lambda": {"output_shape": [2]}}]


# -- the weights file, read with h5py: a damaged one is a note, never a crash ----------
def test_a_damaged_weights_file_is_unreadable_never_a_crash(tmp_path):
    keras.backend.clear_session()
    inputs = keras.Input((5,))
    model = keras.Model(inputs, keras.layers.Dense(1)(Gain()(inputs)))
    good = tmp_path / "good.keras"
    model.save(good)
    bad = tmp_path / "bad.keras"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "model.weights.h5":
                data = data[:8] + b"\xff" * (len(data) - 8)
            target.writestr(info, data)
    result = runner.invoke(app, ["import", str(bad), "-o", str(tmp_path / "m.yaml")])
    assert result.exit_code == 0 and "parameter count is left out" in result.output
