"""RNN with LSTMCell, GRUCell, SimpleRNNCell and StackedRNNCells against real Keras.

netlint's side goes through the loader, as a model file does: `cell:` is read like a
wrapper's `layer:`, a list of cells becomes a StackedRNNCells, and a stack's `cells:`
are read one by one.
"""

import json
import warnings
from dataclasses import dataclass

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from keras_oracle import keras_counts

from netlint.layers.inference import infer_shapes
from netlint.layers.base import ShapeError
from netlint.pipeline import lint_loaded
from netlint.rules.config import Config
from netlint.loader import load_text

CELLS = ("LSTMCell", "GRUCell", "SimpleRNNCell")


@dataclass(frozen=True)
class Answer:
    output_shapes: tuple
    trainable: int
    non_trainable: int


# -- the two sides ----------------------------------------------------------------------

def keras_cell(item: dict):
    """`{LSTMCell: {units: 8}}` (or a StackedRNNCells of such) as a Keras cell."""
    (name, kwargs), = item.items()
    kwargs = dict(kwargs)
    if name == "StackedRNNCells":
        kwargs["cells"] = [keras_cell(c) for c in kwargs["cells"]]
    return getattr(keras.layers, name)(**kwargs)


def keras_cell_arg(cell):
    return [keras_cell(c) for c in cell] if isinstance(cell, list) else keras_cell(cell)


def keras_layer(item: dict, shape: tuple, batch: int | None):
    """Keras's answer for a layer item `{RNN: {cell: ...}}` (or a wrapper around one)."""
    keras.backend.clear_session(free_memory=False)
    layer = keras_object(item)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = layer(keras.Input(shape=shape, batch_size=batch))
    return Answer(tuple(tuple(o.shape) for o in keras.tree.flatten(out)), *keras_counts(layer))


def keras_object(item: dict):
    (name, kwargs), = item.items()
    kwargs = dict(kwargs)
    if "cell" in kwargs:
        kwargs["cell"] = keras_cell_arg(kwargs["cell"])
    if "layer" in kwargs:
        kwargs["layer"] = keras_object(kwargs["layer"])
    return getattr(keras.layers, name)(**kwargs)


def model_text(item: dict, shape: tuple, batch: int | None = None, then: list = ()) -> str:
    inp = {"shape": list(shape), **({"batch_size": batch} if batch else {})}
    return json.dumps({"netlint": 1, "input": inp, "layers": [item, *then]})  # JSON is YAML


def netlint_layer(item: dict, shape: tuple, batch: int | None) -> Answer:
    loaded = load_text(model_text(item, shape, batch))
    assert loaded.ok, [f.message for f in loaded.findings]
    node = infer_shapes(loaded.model).layers[0]
    if node.error is not None:
        raise node.error
    return Answer(tuple(tuple(s) for s in node.output_shapes), node.trainable_params,
                  node.non_trainable_params)


def compare(item: dict, shape: tuple, batch: int | None = None) -> None:
    """netlint and Keras agree: the same answer, or both refuse."""
    try:
        expected = keras_layer(item, shape, batch)
    except Exception as keras_error:
        with pytest.raises(ShapeError):
            got = netlint_layer(item, shape, batch)
            raise AssertionError(f"Keras refused {item} on {shape} ({keras_error}) but "
                                 f"netlint gave {got}")
        return
    try:
        got = netlint_layer(item, shape, batch)
    except ShapeError as error:
        raise AssertionError(f"netlint refused {item} on {shape}: {error.message}; Keras "
                             f"gave {expected}") from None
    assert got == expected, f"{item} on {shape}: netlint {got} != Keras {expected}"


def rnn(cell, **kwargs) -> dict:
    return {"RNN": {"cell": cell, **kwargs}}


# -- each cell, a stack, a list ---------------------------------------------------------

def _cell_item(data, name: str) -> dict:
    kwargs = {"units": data.draw(st.integers(1, 9), "units"),
              "use_bias": data.draw(st.booleans(), "use_bias")}
    if data.draw(st.booleans(), "frozen"):
        kwargs["trainable"] = False
    if name == "GRUCell":
        kwargs["reset_after"] = data.draw(st.booleans(), "reset_after")
    if name == "LSTMCell":
        kwargs["unit_forget_bias"] = data.draw(st.booleans(), "unit_forget_bias")
    return {name: kwargs}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(CELLS), steps=st.one_of(st.none(), st.integers(1, 6)),
       features=st.integers(1, 6), batch=st.one_of(st.none(), st.integers(1, 3)),
       return_sequences=st.booleans(), return_state=st.booleans(), stateful=st.booleans(),
       trainable=st.booleans(), data=st.data())
def test_one_cell(name, steps, features, batch, return_sequences, return_state, stateful,
                  trainable, data):
    item = rnn(_cell_item(data, name), return_sequences=return_sequences,
               return_state=return_state, stateful=stateful, trainable=trainable)
    compare(item, (steps, features), batch)


@settings(max_examples=30, deadline=None)
@given(names=st.lists(st.sampled_from(CELLS), min_size=1, max_size=3),
       as_list=st.booleans(), steps=st.integers(1, 5), features=st.integers(1, 6),
       return_sequences=st.booleans(), return_state=st.booleans(), data=st.data())
def test_stacked_cells(names, as_list, steps, features, return_sequences, return_state, data):
    cells = [_cell_item(data, name) for name in names]
    if data.draw(st.booleans(), "frozen stack") and not as_list:
        cell = {"StackedRNNCells": {"cells": cells, "trainable": False}}
    else:
        cell = cells if as_list else {"StackedRNNCells": {"cells": cells}}
    compare(rnn(cell, return_sequences=return_sequences, return_state=return_state),
            (steps, features))


@pytest.mark.parametrize("extra", [
    {"go_backwards": True}, {"unroll": True}, {"zero_output_for_mask": True},
    {"return_sequences": True, "return_state": True},
])
@pytest.mark.parametrize("cell", [{"LSTMCell": {"units": 4}}, {"GRUCell": {"units": 3}},
                                  [{"LSTMCell": {"units": 4}}, {"SimpleRNNCell": {"units": 2}}]])
def test_rnn_arguments(cell, extra):
    compare(rnn(cell, **extra), (5, 3))


@pytest.mark.parametrize("cell", [
    {"LSTMCell": {"units": 5, "dropout": 0.2, "recurrent_dropout": 0.1, "seed": 3,
                  "activation": "relu", "kernel_regularizer": "l2"}},
    {"GRUCell": 4},  # Keras's first positional argument, units
    {"StackedRNNCells": {"cells": [{"LSTMCell": {"units": 8}},
                                   {"StackedRNNCells": {"cells": [{"GRUCell": {"units": 2}},
                                                                  {"GRUCell": {"units": 3}}]}}]}},
])
def test_cell_forms(cell):
    expected_cell = {"GRUCell": {"units": 4}} if cell == {"GRUCell": 4} else cell
    assert netlint_layer(rnn(cell), (5, 3), None) == keras_layer(rnn(expected_cell), (5, 3),
                                                                 None)


@pytest.mark.parametrize("item,shape,batch", [
    (rnn({"LSTMCell": {"units": 4}}), (8,), None),  # no feature axis: after a last-step RNN
    (rnn({"LSTMCell": {"units": 4}}), (5, None), None),  # unknown features
    (rnn({"GRUCell": {"units": 4}}, stateful=True), (5, 3), None),  # no fixed batch
    (rnn({"LSTMCell": {"units": 0}}), (5, 3), None),
    (rnn([]), (5, 3), None),
    # Keras's RNN returns one level of a stack's states: an LSTM in a nested stack fails
    (rnn({"StackedRNNCells": {"cells": [{"StackedRNNCells": {"cells": [
        {"LSTMCell": {"units": 2}}]}}]}}, return_state=True), (5, 3), None),
])
def test_refusals(item, shape, batch):
    compare(item, shape, batch)


def test_nested_stack_without_return_state_is_fine():
    compare(rnn({"StackedRNNCells": {"cells": [{"StackedRNNCells": {"cells": [
        {"LSTMCell": {"units": 2}}]}}]}}), (5, 3))


@pytest.mark.parametrize("cell", [{"LSTMCell": {"units": 4}}, {"SimpleRNNCell": {"units": 4}}])
def test_four_axes_are_refused_as_keras_cannot_run_them(cell):
    # Keras builds RNN on (batch, t, a, b) symbolically (its RNN has no InputSpec), but the
    # step's matmul gives (batch, a, 4 units) and cannot add the (batch, units) state
    with pytest.raises(ShapeError) as error:
        netlint_layer(rnn(cell), (5, 3, 2), None)
    assert error.value.kind == "rank"
    layer = keras_object(rnn(cell))
    with pytest.raises(Exception):
        layer(np.zeros((2, 5, 3, 2), "float32"))


@pytest.mark.parametrize("item", [
    {"Bidirectional": {"layer": rnn({"LSTMCell": {"units": 4}}, return_sequences=True)}},
    {"Bidirectional": {"layer": rnn([{"GRUCell": {"units": 4}}, {"GRUCell": {"units": 2}}],
                                    return_state=True), "merge_mode": "sum"}},
    {"TimeDistributed": {"layer": rnn({"SimpleRNNCell": {"units": 3}})}},
])
def test_inside_wrappers(item):
    shape = (2, 5, 3) if "TimeDistributed" in item else (5, 3)
    compare(item, shape)


# -- the loader -------------------------------------------------------------------------

FORMS = """
netlint: 1
input: {shape: [10, 3]}
layers:
  - RNN: {cell: {LSTMCell: {units: 8}}, return_sequences: true}
  - RNN: {cell: [{GRUCell: {units: 8}}, {GRUCell: {units: 4}}], return_sequences: true}
  - RNN: {cell: {StackedRNNCells: {cells: [{LSTMCell: {units: 8}}, {LSTMCell: {units: 4}}]}}}
"""


def test_yaml_forms_load_and_infer():
    loaded = load_text(FORMS)
    assert loaded.ok, [f.message for f in loaded.findings]
    first, second, third = loaded.model.layers
    assert first.wrapped.class_name == "LSTMCell"
    # a list is the StackedRNNCells Keras makes of it, named after its cells
    assert second.wrapped.class_name == "StackedRNNCells"
    assert [c.name for c in second.wrapped.cells] == ["gru_cell", "gru_cell_1"]
    assert second.wrapped.name == "stacked_rnn_cells"
    assert [c.class_name for c in third.wrapped.cells] == ["LSTMCell", "LSTMCell"]
    inferred = infer_shapes(loaded.model)
    got = [(n.output_shape, n.params) for n in inferred.layers]
    keras.backend.clear_session(free_memory=False)
    x = keras.Input((10, 3))
    expected = []
    for layer in (keras.layers.RNN(keras.layers.LSTMCell(8), return_sequences=True),
                  keras.layers.RNN([keras.layers.GRUCell(8), keras.layers.GRUCell(4)],
                                   return_sequences=True),
                  keras.layers.RNN(keras.layers.StackedRNNCells(
                      [keras.layers.LSTMCell(8), keras.layers.LSTMCell(4)]))):
        x = layer(x)
        expected.append((tuple(x.shape), layer.count_params()))
    assert got == expected


def test_mistakes_in_cells_are_loader_findings():
    text = ("input: {shape: [10, 3]}\nlayers:\n"
            "  - RNN: {cell: [{LSTMCel: {units: 8}}, {GRUCell: {unit: 3}}]}\n")
    found = {(f.code, f.position.line) for f in load_text(text).findings}
    # `unit: 3` is one mistake: NL003 with its did-you-mean, not also "needs units"
    assert {("NL002", 3), ("NL003", 3)} <= found and ("NL001", 3) not in found


def test_a_cell_as_a_layer_says_to_wrap_it():
    text = "input: {shape: [10, 3]}\nlayers:\n  - LSTMCell: {units: 8}\n"
    node = infer_shapes(load_text(text).model).layers[0]
    assert "RNN" in node.error.fix and "LSTMCell" in node.error.fix
    with pytest.raises(TypeError):  # what Keras says: the cell's call needs `states`
        keras.layers.LSTMCell(8)(keras.Input((10, 3)))


# -- rules ------------------------------------------------------------------------------

def lint(text: str) -> list:
    return lint_loaded(load_text(text, "m.yaml"), Config(options={}, isolated=True)).findings


def test_nl104_fires_on_stacked_rnn_cells_without_return_sequences():
    text = ("input: {shape: [10, 3]}\nlayers:\n"
            "  - RNN: {cell: {LSTMCell: {units: 8}}}\n"
            "  - RNN: {cell: {LSTMCell: {units: 4}}}\n")
    found = [f for f in lint(text) if f.code == "NL104"]
    assert len(found) == 1 and "return_sequences" in found[0].fix


def test_recurrent_rules_read_the_cell():
    text = ("input: {shape: [8, 3]}\nlayers:\n"
            "  - RNN: {cell: {LSTMCell: {units: 8}}, stateful: true}\n")
    by_code = {f.code: f for f in lint(text)}
    assert by_code["NL201"].position.line == 3  # units, inside the cell
    assert "NL203" in by_code  # stateful without a batch size
    assert "NL204" not in by_code  # RNN(LSTMCell) never takes the cuDNN path anyway


def test_a_frozen_stack_freezes_nothing_as_in_keras():
    # Keras freezes only the variables a frozen layer creates itself; a stack's cells
    # create theirs, so StackedRNNCells(trainable=False) leaves them trainable
    stack = {"StackedRNNCells": {"cells": [{"LSTMCell": {"units": 2}}], "trainable": False}}
    got = netlint_layer(rnn(stack), (5, 3), None)
    assert got == keras_layer(rnn(stack), (5, 3), None)
    assert got.trainable == 48 and got.non_trainable == 0


def test_a_frozen_rnn_inside_a_wrapper_keeps_its_cell_trainable():
    # Keras's RNN creates no variables itself, so inside Bidirectional its cell's weights
    # stay trainable (layers.freezing)
    compare({"Bidirectional": {"layer": rnn({"LSTMCell": {"units": 2}}, trainable=False)}},
            (5, 3))


# -- export, import, diagram ------------------------------------------------------------

def _keras_model_of_forms():
    layers = keras.layers
    keras.backend.clear_session(free_memory=False)
    return keras.Sequential([
        keras.Input((10, 3)),
        layers.RNN(layers.LSTMCell(8, dropout=0.1), return_sequences=True),
        layers.RNN([layers.GRUCell(8), layers.GRUCell(4)], return_sequences=True),
        layers.Bidirectional(layers.RNN(layers.StackedRNNCells(
            [layers.LSTMCell(8), layers.SimpleRNNCell(4, trainable=False)]))),
        layers.Dense(1)])


def _facts(model) -> list:
    return [(layer.name, tuple(layer.output.shape), *keras_counts(layer)) for layer in model.layers
            if not isinstance(layer, keras.layers.InputLayer)]


def _netlint_facts(inferred) -> list:
    return [(n.name, n.output_shape, n.trainable_params, n.non_trainable_params)
            for n in inferred.layers]


def test_export_builds_the_same_model(tmp_path):
    from netlint.codegen import ScriptOptions, export_model

    text = FORMS + ("  - Bidirectional: {layer: {RNN: {cell: [{GRUCell: 3}]}}}\n"
                    "    from: rnn_1\n"
                    "  - Concatenate: {}\n    from: [rnn_2, bidirectional]\n")
    inferred = infer_shapes(load_text(text).model)
    assert not inferred.errors
    script = export_model(inferred, options=ScriptOptions(synthetic=True))
    assert "keras.layers.LSTMCell(" in script and "keras.layers.StackedRNNCells(" in script
    namespace: dict = {}
    exec(compile(script, "exported.py", "exec"), namespace)  # noqa: S102 - our own output
    keras.backend.clear_session(free_memory=False)
    assert _facts(namespace["build_model"]()) == _netlint_facts(inferred)
    keras.backend.clear_session(free_memory=False)
    rebuilt = keras.models.model_from_json(export_model(inferred, "keras-json"))
    assert _facts(rebuilt) == _netlint_facts(inferred)


def test_import_writes_the_cell_forms(tmp_path):
    from netlint.importer import import_model

    model = _keras_model_of_forms()
    source = tmp_path / "m.json"
    source.write_text(model.to_json())
    imported = import_model(source)
    assert imported.complete, imported.problems
    rnn_1, rnn_2, bidirectional = imported.document["layers"][:3]
    assert rnn_1 == {"RNN": {"cell": {"LSTMCell": {"units": 8, "dropout": 0.1}},
                             "return_sequences": True}}
    # the StackedRNNCells Keras made of a list is written back as the list
    assert rnn_2["RNN"]["cell"] == [{"GRUCell": {"units": 8}}, {"GRUCell": {"units": 4}}]
    assert bidirectional["Bidirectional"]["layer"]["RNN"]["cell"] == [
        {"LSTMCell": {"units": 8}}, {"SimpleRNNCell": {"units": 4, "trainable": False}}]
    loaded = load_text(imported.text)
    assert loaded.ok, [f.message for f in loaded.findings]
    assert _netlint_facts(infer_shapes(loaded.model)) == _facts(model)


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_diagram_draws_rnn_cells(tmp_path, view):
    from netlint.drawing import labels

    loaded = load_text(FORMS)
    assert [labels.recurrent_class(spec) for spec in loaded.model.layers] == \
        ["LSTM", "RNN", "RNN"]
    path = tmp_path / "m.yaml"
    path.write_text(FORMS)
    from typer.testing import CliRunner

    from netlint.cli import app

    result = CliRunner().invoke(app, ["diagram", str(path), "-o", str(tmp_path / "m.dot"),
                                      "--view", view])
    assert result.exit_code == 0, result.output
    dot = (tmp_path / "m.dot").read_text()
    assert "RNN(LSTMCell(8))" in dot
    if view == "unrolled":
        assert "c<SUB>1</SUB>" in dot  # RNN(LSTMCell) carries h and c, as LSTM does
