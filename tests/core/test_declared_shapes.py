"""Declared shapes: a Lambda, a custom layer class or a keras.ops node, taken on trust.

The forms the loader reads, what inference makes of them (checked against the same
model built in Keras, where a shape or a count is involved), the NL113 note, the
export refusal, and the summary and diagram that show them like any layer.
"""

from __future__ import annotations

import json

import keras
import pytest
import yaml
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from netlint.api import check
from netlint.cli import app
from netlint.codegen import ExportError, export_file
from netlint.layers.inference import infer_shapes
from netlint.loader import load_text
from netlint.loader.schema import editor_schema

runner = CliRunner()

FORMS = """\
input: {shape: [6, 6, 4]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3}
  - ops.add: {output_shape: [4, 4, 8]}
  - Lambda: {output_shape: [4, 4, 8], name: hard_sigmoid}
  - CustomScaleLayer: {output_shape: [4, 4, 8], params: 8, scale: 0.17}
  - Flatten
  - Dense: {units: 3}
"""


def loaded(text: str):
    result = load_text(text)
    assert result.ok, [f.text() for f in result.findings]
    return result.model


def codes(text: str) -> list:
    return [(f.code, f.line, f.column) for f in check(text)]


# -- the forms the loader reads ------------------------------------------------------------
def test_each_form_reads_with_keras_names_and_its_arguments_as_written():
    model = loaded(FORMS)
    layers = {spec.name: spec for spec in model.layers}
    assert list(layers) == ["conv2d", "add", "hard_sigmoid", "custom_scale_layer", "flatten",
                            "dense"]
    assert layers["add"].class_name == "ops.add"
    assert layers["custom_scale_layer"].kwargs == {"output_shape": [4, 4, 8], "params": 8,
                                                   "scale": 0.17}


def test_an_ops_node_counts_in_keras_names_like_an_add_layer():
    # Keras names the node of `x + 3.0` from the class Add, with the Add layers' counter
    text = ("inputs: {a: {shape: [4]}, b: {shape: [4]}}\nlayers:\n"
            "  - {Add: {}, from: [a, b]}\n  - ops.add: {output_shape: [4]}\n"
            "  - {Add: {}, from: [a, add_1]}\n")
    assert [s.name for s in loaded(text).layers] == ["add", "add_1", "add_2"]
    keras.backend.clear_session()
    inputs = [keras.Input((4,), name="a"), keras.Input((4,), name="b")]
    first = keras.layers.Add()(inputs)
    node = first + 3.0
    keras.layers.Add()([inputs[0], node])
    assert node._keras_history[0].name == "add_1"


def test_a_custom_class_without_output_shape_stays_an_unknown_layer():
    for name in ("MyScale", "Zygote"):  # a weak look-alike (RandomGrayscale), or none
        found = load_text(f"input: {{shape: [4]}}\nlayers:\n  - {name}: {{scale: 2}}\n").findings
        assert [(f.code, f.line, f.column) for f in found] == [("NL002", 3, 5)]
        assert "output_shape" in found[0].fix and "custom layer" in found[0].fix
    typo = load_text("input: {shape: [4, 2]}\nlayers:\n  - LTSM: {units: 3}\n").findings
    assert typo[0].fix == "did you mean 'LSTM'?"  # a close Keras name is likelier a typo


@pytest.mark.parametrize("item, words", [
    ("MyScale: {output_shape: three}", "output_shape must be"),
    ("MyScale: {output_shape: [4, 0]}", "output_shape must be"),
    ("MyScale: {output_shape: [4], params: -1}", "params is the layer's parameter count"),
    ("ops.add: {output_shape: [4], params: 3}", "has no weights"),
    ("ops.add: {}", "needs output_shape"),
    ("ops.Add: {output_shape: [4]}", "ops.<name>"),
    ("ops.add: [4]", "by name"),
    ("TimeDistributed: {layer: {MyScale: {output_shape: [4]}}}", "cannot wrap"),
    ("Lambda: {output_shape: [4], params: 0}", "Lambda takes no argument 'params'"),
    ("MyScale: {output_shape: [4], from: x}", "belongs to the item"),
])
def test_a_wrong_declaration_is_located(item, words):
    found = load_text(f"input: {{shape: [3, 4]}}\nlayers:\n  - {item}\n").findings
    assert any(words in f.message for f in found), [f.text() for f in found]
    assert all(f.line == 3 for f in found)


def test_the_editor_schema_agrees_on_each_form():
    validator = Draft7Validator(editor_schema())

    def valid(item: str) -> bool:
        document = yaml.safe_load(f"input: {{shape: [4]}}\nlayers:\n  - {item}\n")
        return not list(validator.iter_errors(document))

    assert valid("Lambda: {output_shape: [4]}") and valid("Lambda: {output_shape: [[4], [2]]}")
    assert valid("MyScale: {output_shape: [4], params: 3, anything: {a: 1}}")
    assert valid("ops.multiply: {output_shape: [4]}")
    assert not valid("MyScale: {scale: 2}") and not valid("LTSM: {units: 3}")
    assert not valid("ops.add: {output_shape: [4], params: 0}")
    assert not valid("Lambda: {output_shape: [[4], 2]}")


# -- inference through them, against Keras -------------------------------------------------
@keras.saving.register_keras_serializable(package="declared_tests")
class Gain(keras.layers.Layer):
    """A custom class with weights: one gain per channel."""

    def build(self, shape):
        self.gain = self.add_weight(shape=(shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.gain


def test_totals_and_shapes_through_a_lambda_and_a_custom_layer_equal_keras():
    keras.backend.clear_session()
    inputs = keras.Input((6, 6, 4))
    x = keras.layers.Conv2D(8, 3)(inputs)
    x = keras.layers.Lambda(lambda t: t[:, :2], output_shape=(2, 4, 8))(x)
    x = Gain()(x)
    frozen = Gain(trainable=False)(x)
    y = keras.layers.Dense(3)(keras.layers.Flatten()(frozen))
    model = keras.Model(inputs, y)
    text = """\
input: {shape: [6, 6, 4]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3}
  - Lambda: {output_shape: [2, 4, 8]}
  - Gain: {output_shape: [2, 4, 8], params: 8}
  - Gain: {output_shape: [2, 4, 8], params: 8, trainable: false}
  - Flatten
  - Dense: {units: 3}
"""
    inferred = infer_shapes(loaded(text))
    assert inferred.output_shapes == [tuple(model.output.shape)]
    assert (inferred.trainable_params, inferred.non_trainable_params) == (
        sum(int(w.numpy().size) for w in model.trainable_weights),
        sum(int(w.numpy().size) for w in model.non_trainable_weights))
    assert inferred["lambda"].output_shape == tuple(model.layers[2].output.shape)


def test_a_lambda_with_several_outputs_declares_a_list_of_shapes():
    keras.backend.clear_session()
    inputs = keras.Input((5, 3))
    halves = keras.layers.Lambda(lambda t: [t[:, :2], t[:, 2:]],
                                 output_shape=[(2, 3), (3, 3)])(inputs)
    keras_shapes = [tuple(h.shape) for h in halves]
    text = ("input: {shape: [5, 3]}\nlayers:\n  - Lambda: {output_shape: [[2, 3], [3, 3]]}\n"
            "  - Concatenate: {axis: 1}\n")
    inferred = infer_shapes(loaded(text))
    assert list(inferred["lambda"].output_shapes) == keras_shapes
    assert inferred["concatenate"].output_shape == (None, 5, 3)


def test_a_lambda_without_output_shape_is_one_error_and_the_layers_before_it_are_kept():
    text = ("input: {shape: [8]}\nlayers:\n  - Dense: {units: 4}\n  - Lambda: {}\n"
            "  - Dense: {units: 2}\n  - Dense: {units: 1}\n")
    findings = check(text)
    assert [(f.code, f.line) for f in findings if f.severity == "error"] == [("NL105", 4)]
    assert "output_shape" in next(f.fix for f in findings if f.code == "NL105")
    inferred = infer_shapes(load_text(text).model)
    assert inferred["dense"].params == 36 and inferred["lambda"].error is not None
    assert inferred["dense_1"].skipped and inferred["dense_2"].skipped


def test_the_input_a_declared_layer_receives_is_not_checked():
    # a custom layer may take any input: nothing about it can be wrong
    text = ("inputs: {a: {shape: [4]}, b: {shape: [2, 9]}}\nlayers:\n"
            "  - {Mix: {output_shape: [7]}, from: [a, b]}\n  - Dense: {units: 1}\n")
    assert [code for code, _, _ in codes(text)] == ["NL113"]
    assert infer_shapes(loaded(text))["dense"].params == 8


# -- NL113 ---------------------------------------------------------------------------------
def test_nl113_notes_each_declared_layer_at_its_output_shape():
    notes = [f for f in check(FORMS) if f.code == "NL113"]
    assert [(f.line, f.column, f.layer) for f in notes] == [
        (4, 29, "add"), (5, 28, "hard_sigmoid"), (6, 38, "custom_scale_layer")]
    assert all(f.severity == "info" for f in notes)
    assert "(None, 4, 4, 8)" in notes[0].message and "8 parameter(s)" in notes[2].message
    assert "get_layer('hard_sigmoid')" in notes[1].fix


# -- export, summary, diagram --------------------------------------------------------------
@pytest.mark.parametrize("item, words", [
    ("Lambda: {output_shape: [3, 4]}", "Lambda 'lambda'"),
    ("MyScale: {output_shape: [3, 4]}", "the custom layer MyScale 'my_scale'"),
    ("ops.add: {output_shape: [3, 4]}", "keras.ops.add 'add'"),
])
@pytest.mark.parametrize("target", ["script", "keras-json"])
def test_export_refuses_what_it_cannot_write(item, words, target, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(f"input: {{shape: [3, 4]}}\nlayers:\n  - {item}\n  - Dense: {{units: 1}}\n")
    with pytest.raises(ExportError) as refused:
        export_file(path, to=target)
    assert f"netlint cannot write the code of {words}" in refused.value.message
    out = tmp_path / "out.py"
    result = runner.invoke(app, ["export", str(path), "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert "Traceback" not in result.output


def test_summary_and_diagram_show_declared_layers(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(FORMS)
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["layers"]}
    assert rows["custom_scale_layer"]["output_shape"] == [None, 4, 4, 8]
    assert rows["custom_scale_layer"]["params"] == 8 and rows["add"]["class"] == "ops.add"
    dot = tmp_path / "m.dot"
    drawn = runner.invoke(app, ["diagram", str(path), "-o", str(dot)])
    assert drawn.exit_code == 0, drawn.output
    assert "CustomScaleLayer" in dot.read_text() and "ops.add" in dot.read_text()
