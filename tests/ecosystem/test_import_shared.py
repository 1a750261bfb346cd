"""`netlint import` of shared layers: one layer item, then a `- call:` item per further node.

The oracle is Keras: each model is built and saved by Keras (.keras and
to_json()), imported, and the file must load without errors, give Keras's
totals and, layer by layer, Keras's parameters and the output shape of each
node; its `export --to keras-json` must rebuild in Keras with the same totals
and the same number of nodes per layer.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import keras
import pytest
import yaml
from typer.testing import CliRunner

from netlint.api import check
from netlint.cli import app
from netlint.importer import import_model

runner = CliRunner()
layers = keras.layers


def _siamese_lstm():
    left, right = keras.Input((10, 8), name="left"), keras.Input((12, 8), name="right")
    encoder = layers.LSTM(16)
    merged = layers.Subtract()([encoder(left), encoder(right)])
    return keras.Model([left, right], layers.Dense(1, activation="sigmoid")(merged))


def _shared_embedding():
    first, second = keras.Input((6,), dtype="int32"), keras.Input((9,), dtype="int32")
    words = layers.Embedding(100, 8)
    pooled = [layers.GlobalAveragePooling1D()(words(ids)) for ids in (first, second)]
    return keras.Model([first, second], layers.Dense(2)(layers.Concatenate()(pooled)))


def _dense_thrice():
    """The second call consumes a layer Keras lists after the shared one."""
    inputs = keras.Input((8,))
    dense = layers.Dense(8)
    first = dense(inputs)
    third = dense(dense(layers.ReLU()(first)))
    return keras.Model(inputs, layers.Add()([first, third]))


def _shared_bidirectional():
    left, right = keras.Input((5, 3)), keras.Input((7, 3))
    reader = layers.Bidirectional(layers.LSTM(4))
    return keras.Model([left, right], layers.Concatenate()([reader(left), reader(right)]))


def _shared_time_distributed():
    left, right = keras.Input((5, 3)), keras.Input((7, 3))
    step = layers.TimeDistributed(layers.Dense(4))
    return keras.Model([left, right], [step(left), step(right)])


def _shared_inside_a_submodel():
    """A submodel (called once) that shares a layer inside: flattened, calls kept."""
    inner_in = keras.Input((4,))
    dense = layers.Dense(4, activation="relu")
    inner = keras.Model(inner_in, dense(dense(inner_in)), name="block")
    outer_in = keras.Input((4,))
    return keras.Model(outer_in, layers.Dense(1)(inner(outer_in)))


def _name_taken():
    """A layer named like the call's default name: the call gets another, written."""
    inputs = keras.Input((8,), name="x")
    dense = layers.Dense(8, name="d")
    taken = layers.Dense(8, name="d_call_2")(dense(inputs))
    return keras.Model(inputs, layers.Add()([dense(taken), taken]))


MODELS = {"siamese-lstm": _siamese_lstm, "embedding": _shared_embedding,
          "dense-thrice": _dense_thrice, "bidirectional": _shared_bidirectional,
          "time-distributed": _shared_time_distributed,
          "in-submodel": _shared_inside_a_submodel, "name-taken": _name_taken}


def _leaves(model) -> list:
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out += _leaves(layer)
        elif not isinstance(layer, layers.InputLayer):
            out.append(layer)
    return out


def _keras_facts(model) -> dict:
    """layer -> (params, the output shape of each of its nodes in this model)."""
    facts = {}
    for layer in _leaves(model):
        nodes = [node for node in layer._inbound_nodes if node.output_tensors]
        facts[layer.name] = (layer.count_params(),
                             [[list(t.shape) for t in node.output_tensors] for node in nodes])
    return facts


def _netlint_summary(path: Path) -> dict:
    result = runner.invoke(app, ["summary", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _netlint_facts(summary: dict) -> dict:
    def shapes(node: dict) -> list:
        shape = node["output_shape"]
        return shape if shape and isinstance(shape[0], list) else [shape]

    return {row["name"]: (row["params"], [shapes(node) for node in
                                          [row, *row.get("calls", [])]])
            for row in summary["layers"] if row["class"] != "InputLayer"}


def _saved(make, tmp_path: Path) -> list[Path]:
    keras.backend.clear_session()
    model = make()
    keras_file, json_file = tmp_path / "model.keras", tmp_path / "model.json"
    model.save(keras_file)
    json_file.write_text(model.to_json())
    return [keras_file, json_file]


def _rebuilt(path: Path):
    result = runner.invoke(app, ["export", str(path), "-o", "-", "--to", "keras-json"])
    assert result.exit_code == 0, result.output
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.models.model_from_json(result.stdout)


def _node_counts(model) -> dict:
    return {layer.name: len(layer._inbound_nodes) for layer in _leaves(model)}


@pytest.mark.parametrize("make", MODELS.values(), ids=list(MODELS))
def test_shared_layers_round_trip_through_keras(make, tmp_path):
    keras.backend.clear_session()
    model = make()
    expected, total = _keras_facts(model), model.count_params()
    assert any(len(nodes) > 1 for _, nodes in expected.values())  # the test tests sharing
    for source in _saved(make, tmp_path):
        target = tmp_path / f"{source.name}.yaml"
        result = runner.invoke(app, ["import", str(source), "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert "call:" in target.read_text()
        assert [f for f in check(target) if f.severity == "error"] == [], target.read_text()
        summary = _netlint_summary(target)
        assert sum(row["params"] for row in summary["layers"]) == total
        assert _netlint_facts(summary) == expected, target.read_text()
        rebuilt = _rebuilt(target)
        assert rebuilt.count_params() == total
        nodes = {name: len(shapes) for name, (_, shapes) in expected.items()}
        assert _node_counts(rebuilt) == nodes


def test_calls_are_named_only_where_the_default_is_taken(tmp_path):
    written = {}
    for make in (_siamese_lstm, _name_taken):
        source = _saved(make, tmp_path)[1]
        written[make] = yaml.safe_load(import_model(source).text)["layers"]
    calls = [item for item in written[_siamese_lstm] if "call" in item]
    assert calls == [{"call": "lstm", "from": "right"}]
    taken = [item for item in written[_name_taken] if "call" in item]
    assert len(taken) == 1 and taken[0]["call"] == "d"
    assert taken[0]["name"] != "d_call_2"  # the Dense named d_call_2 keeps its name
    assert {"Dense": {"units": 8, "name": "d_call_2"}} in written[_name_taken]


def test_a_later_call_comes_after_what_it_consumes(tmp_path):
    source = _saved(_dense_thrice, tmp_path)[1]
    items = yaml.safe_load(import_model(source).text)["layers"]
    kinds = [next(iter(item)) for item in items]
    assert kinds == ["Dense", "ReLU", "call", "call", "Add"]
    assert import_model(source).complete


def _shared_submodel():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, layers.Dense(2)(inner_in), name="tower")
    left, right = keras.Input((4,)), keras.Input((4,))
    return keras.Model([left, right], layers.Add()([inner(left), inner(right)]))


def test_a_submodel_called_twice_is_still_reported(tmp_path):
    source = _saved(_shared_submodel, tmp_path)[1]
    imported = import_model(source)
    assert any("submodel 'tower' is called 2 times" in p for p in imported.problems)


def _shared_lambda(other_length: int):
    def make():
        left, right = keras.Input((4,), name="left"), keras.Input((other_length,))
        double = layers.Lambda(lambda t: t * 2.0)
        with warnings.catch_warnings():  # Keras runs it on random values to find its shape
            warnings.simplefilter("ignore", RuntimeWarning)
            outputs = layers.Concatenate()([double(left), double(right)])
        return keras.Model([left, right], outputs)
    return make


def test_a_shared_lambda_on_inputs_of_its_shape_imports(tmp_path):
    source = _saved(_shared_lambda(4), tmp_path)[1]
    target = tmp_path / "model.yaml"
    result = runner.invoke(app, ["import", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    keras.backend.clear_session()
    model = _shared_lambda(4)()
    summary = _netlint_summary(target)
    assert _netlint_facts(summary) == _keras_facts(model)


def test_a_shared_lambda_on_other_shapes_is_reported(tmp_path):
    """netlint declares a Lambda's output once; a call making another shape is not that."""
    source = _saved(_shared_lambda(6), tmp_path)[1]
    keras.backend.clear_session()
    assert list(_shared_lambda(6)().output.shape) == [None, 10]  # 4 + 6, not 4 + 4
    imported = import_model(source)
    assert any("calls 'lambda' again on inputs of other shapes" in p
               for p in imported.problems), imported.problems
