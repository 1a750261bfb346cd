"""Reading model files: positions, every kind of bad input, bounds, Keras 2 spellings."""

import time

import pytest
import yaml

from netlint.loader import load, load_text, yaml_source
from netlint.loader.yaml_source import MAX_DEPTH


def codes(loaded):
    return [(f.code, f.line, f.column) for f in loaded.findings]


def test_positions_point_at_the_node():
    loaded = load_text("input: {shape: [10, 64]}\nlayers:\n  - Dense: {units: 3}\n"
                       "  - Dropout: {rate: 0.5}\n")
    assert loaded.ok
    dense, dropout = loaded.model.layers
    assert (dense.position.line, dense.position.column) == (3, 5)
    assert (dropout.kwarg_position("rate").line, dropout.kwarg_position("rate").column) == (4, 21)
    assert loaded.model.inputs[0].shape_position.column == 16


@pytest.mark.parametrize("text, code, line, column, words", [
    ("layers: [", "NL001", 2, 1, "YAML syntax error"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, units: 4}\n", "NL001", 3, 23,
     "duplicate key 'units'"),
    ("input: {shape: [3]}\nlayers:\n  - LTSM: {units: 3}\n", "NL002", 3, 5, "'LTSM'"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, activaton: relu}\n", "NL003", 3, 23,
     "activaton"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: -3}\n", "NL001", 3, 20, "minimum"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: three}\n", "NL001", 3, 20, "integer"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {}\n", "NL001", 3, 5, "needs units"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: 3\n    from: nowhere\n", "NL004", 4, 11,
     "nowhere"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: 3\noutputs: [densee]\n", "NL004", 4, 11,
     "densee"),
    ("- 1\n- 2\n", "NL001", 1, 1, "mapping"),
    # what Keras refuses: no output, a '/' in a name (issue: hostile inputs)
    ("input: {shape: [3]}\nlayers: [{Dense: 1}]\noutputs: []\n", "NL004", 3, 10, "empty"),
    ("name: a/b\ninput: {shape: [3]}\nlayers: [{Dense: 1}]\n", "NL001", 1, 7, "'/'"),
    ("input: {shape: [3]}\nlayer:\n  - Dense: 3\n", "NL001", 2, 1, "unknown key 'layer'"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 2, activation: rleu}\n", "NL001", 3, 35,
     "activation"),
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, name: a}\n    from: b\n"
     "  - Dense: {units: 3, name: b}\n    from: a\n", "NL004", 3, 5, "cycle"),
    ("input: !!python/object/apply:os.system [echo hi]\nlayers: [Flatten]\n", "NL001", 1, 8,
     "not allowed"),
    ("a: 1\n---\nb: 2\n", "NL001", 2, 1, "one YAML document"),
])
def test_bad_files_give_located_findings(text, code, line, column, words):
    loaded = load_text(text, "m.yaml")
    assert not loaded.ok
    matching = [f for f in loaded.findings if f.code == code and words in f.message]
    assert matching, [f.text() for f in loaded.findings]
    assert (matching[0].line, matching[0].column) == (line, column), matching[0].text()
    assert matching[0].path == "m.yaml"


def test_did_you_mean_for_layers_and_arguments():
    loaded = load_text("input: {shape: [5, 3]}\nlayers:\n  - LTSM: {units: 3}\n"
                       "  - LSTM: {units: 3, return_sequence: true}\n")
    fixes = {f.code: f.fix for f in loaded.findings}
    assert fixes["NL002"] == "did you mean 'LSTM'?"
    assert fixes["NL003"] == "did you mean 'return_sequences'?"


def test_yaml11_float_trap_is_reported_with_the_spelling_that_works():
    loaded = load_text("input: {shape: [3]}\nlayers: [{Dense: 1}]\n"
                       "compile: {loss: mse, optimizer: {Adam: {learning_rate: 1e-3}}}\n")
    trap = [f for f in loaded.findings if "1e-3" in f.message]
    assert trap and trap[0].fix == "write 1.0e-3" and (trap[0].line, trap[0].column) == (3, 56)
    assert loaded.model.compile.values["optimizer"]["Adam"]["learning_rate"] == 0.001


def test_billion_laughs_is_refused_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 400
    start = time.perf_counter()
    loaded = load_text(text)
    assert time.perf_counter() - start < 0.5
    assert "billion laughs" in loaded.findings[0].message


# How deep nesting is refused is netlint's own: the same code, position and limit whichever
# parser reads the file. libyaml (PyYAML 6.0.4's wheels) refuses flow nesting past 1000
# levels while scanning ahead, before netlint sees the events; PyYAML's pure-Python
# parser has no limit and hands out every event.
PARSERS = [pytest.param(yaml.loader.SafeLoader, id="pure-python")]
if yaml.__with_libyaml__:
    PARSERS.append(pytest.param(yaml.cyaml.CParser, id="libyaml"))


def _column_past_the_limit(prefix: str, step: str, depth_before: int) -> int:
    """The column of the opener that takes the nesting past MAX_DEPTH."""
    return len(prefix) + (MAX_DEPTH - depth_before) * len(step) + 1


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("prefix, step, close, depth_before", [
    ("", "[", "]", 0),
    ("layers: ", "[", "]", 1),
    ("layers: ", "{a: ", "}", 1),
    ("input: {shape: [3]}\nlayers: [{Dense: {units: 1, name: ", "[", "]", 4),
])
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 2_000, 100_000])
def test_deep_nesting_is_refused_at_the_first_level_past_the_limit(
        monkeypatch, parser, prefix, step, close, depth_before, levels):
    monkeypatch.setattr(yaml_source, "_Parser", parser)
    text = prefix + step * levels + "1" + close * levels + "}}]" * prefix.count("[{")
    start = time.perf_counter()
    loaded = load_text(text)
    seconds = time.perf_counter() - start
    assert not loaded.ok
    (finding,) = loaded.findings
    line = prefix.count("\n") + 1
    column = _column_past_the_limit(prefix.split("\n")[-1], step, depth_before)
    assert (finding.code, finding.line, finding.column) == ("NL001", line, column)
    assert str(MAX_DEPTH) in finding.message
    assert seconds < 1.0


@pytest.mark.parametrize("parser", PARSERS)
def test_nesting_up_to_the_limit_is_read(monkeypatch, parser):
    monkeypatch.setattr(yaml_source, "_Parser", parser)
    depth = MAX_DEPTH - 4  # the mapping, layers:, the item and Dense: take four levels
    text = ("input: {shape: [4]}\nlayers: [{Dense: {units: 1, name: "
            + "[" * depth + "]" * depth + "}}]\n")
    document = load_text(text).document
    assert document is not None  # read: the schema may still say a name is text
    assert _list_depth(document.value["layers"][0]["Dense"]["name"]) == depth


def _list_depth(value) -> int:
    return 1 + max(map(_list_depth, value), default=0) if isinstance(value, list) else 0


@pytest.mark.parametrize("parser", PARSERS)
def test_brackets_in_quotes_and_comments_do_not_count_as_nesting(monkeypatch, parser):
    # a file the parser refuses for another reason keeps the parser's own finding
    monkeypatch.setattr(yaml_source, "_Parser", parser)
    text = "a: ['" + "[" * 3_000 + "', \"" + "{" * 3_000 + "\"] # " + "[" * 3_000 + "\nb: [\n"
    (finding,) = load_text(text).findings
    assert finding.code == "NL001" and str(MAX_DEPTH) not in finding.message


def test_huge_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.seek(20 * 1024 * 1024)
        handle.write(b"\n")
    start = time.perf_counter()
    loaded = load(big)
    assert time.perf_counter() - start < 0.5
    assert "limit" in loaded.findings[0].message


def test_binary_file_is_a_finding(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert load(path).findings[0].code == "NL001"


def test_keras2_first_layer_input_arguments():
    text = ("layers:\n  - Dense: {units: 150, input_dim: 23, activation: relu}\n"
            "  - Dense: {units: 7, input_shape: [7]}\n")
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    (inp,) = loaded.model.inputs
    assert inp.shape == (23,) and inp.origin == "input_dim"
    first, second = loaded.model.layers
    assert "input_dim" not in first.kwargs
    assert second.kwargs["input_shape"] == [7]  # kept: NL108 reports it


def test_legacy_spellings_are_normalised_and_remembered():
    text = ("layers:\n  - Convolution2D: [32, 3, 3]\n"
            "  - InputLayer: {batch_input_shape: [null, 28, 28, 1]}\n")
    loaded = load_text("layers:\n  - InputLayer: {batch_input_shape: [null, 7000, 1]}\n"
                       "  - LSTM: {units: 16, dropout_W: 0.2, dropout_U: 0.2}\n"
                       "  - Convolution1D: [8, 3]\ntrain: {nb_epoch: 3}\n")
    assert loaded.ok, [f.text() for f in loaded.findings]
    assert loaded.model.inputs[0].shape == (7000, 1)
    lstm, conv = loaded.model.layers
    assert lstm.kwargs == {"units": 16, "dropout": 0.2, "recurrent_dropout": 0.2}
    assert lstm.legacy_kwargs == {"dropout_W": "dropout", "dropout_U": "recurrent_dropout"}
    assert conv.class_name == "Conv1D" and conv.written_class == "Convolution1D"
    assert conv.kwargs == {"filters": 8, "kernel_size": 3}
    assert loaded.model.train.values == {"epochs": 3}
    keras1 = load_text(text)
    assert keras1.model.layers[0].kwargs == {"filters": 32, "kernel_size": [3, 3]}


def test_default_names_follow_keras_counters():
    loaded = load_text("input: {shape: [5, 3]}\nlayers:\n"
                       "  - Bidirectional: {layer: {LSTM: {units: 4, return_sequences: true}}}\n"
                       "  - LSTM: 4\n  - Dense: 2\n  - Dense: {units: 1, name: out}\n")
    assert [layer.name for layer in loaded.model.layers] == \
        ["bidirectional", "lstm_1", "dense", "out"]


@pytest.mark.parametrize("text, inbound", [
    # no `from:` (or an empty one): the item above, or the model's one input
    ("input: {shape: [3]}\nlayers:\n  - Dense: 3\n  - Dense: 2\n    from: []\n",
     [("input_layer",), ("dense",)]),
    # a first layer's own input_shape is what it takes, with or without `from: []`
    ("layers:\n  - Dense: {units: 3, input_shape: [4]}\n  - Dense: 2\n",
     [("input_layer",), ("dense",)]),
    ("layers:\n  - Dense: {units: 3, input_shape: [4]}\n    from: []\n  - Dense: 2\n",
     [("input_layer",), ("dense",)]),
    (("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, name: a}\n    from: [input_layer]\n"
      "  - Dense: {units: 2}\n    from: a\n"), [("input_layer",), ("a",)]),
])
def test_what_a_layer_takes(text, inbound):
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    assert [layer.inbound for layer in loaded.model.layers] == inbound


@pytest.mark.parametrize("text, line", [
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 2, name: d}\n"
     "  - Dense: {units: 2, name: d}\n", 4),
    # each `from:` names a layer above it, but `a` is two layers: no cycle to speak of
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, name: a}\n"
     "  - Dense: {units: 3, name: b}\n    from: a\n  - Dense: {units: 3, name: a}\n"
     "    from: b\n", 6),
])
def test_a_name_written_twice_is_reported_as_such_not_as_a_cycle(text, line):
    loaded = load_text(text)
    assert [(f.code, f.line) for f in loaded.findings] == [("NL001", line)]
    assert "are named" in loaded.findings[0].message


@pytest.mark.parametrize("text, cycle", [
    ("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, name: a}\n    from: a\n",
     "a -> a"),
    (("input: {shape: [3]}\nlayers:\n  - Dense: {units: 3, name: a}\n    from: b\n"
      "  - Dense: {units: 3, name: b}\n"), "a -> b -> a"),
])
def test_cycles_are_found(text, cycle):
    messages = [f.message for f in load_text(text).findings if f.code == "NL004"]
    assert messages == [f"the layers form a cycle: {cycle}"]


def test_no_from_and_nothing_above_is_reported_once():
    loaded = load_text("layers:\n  - Dense: {units: 3}\n    from: []\n")
    assert [f.message for f in loaded.findings] == ["the model has no input shape"]
    loaded = load_text("inputs: {x: {shape: [3]}, y: {shape: [3]}}\nlayers:\n  - Dense: 3\n")
    assert [f.code for f in loaded.findings] == ["NL004"]
    assert loaded.model.layers[0].inbound == ()


def _composed_spans(node, path=()):
    """path -> (start, end, key start) from PyYAML's own composer, for every node."""
    import yaml

    mark = (node.start_mark.line + 1, node.start_mark.column + 1,
            node.end_mark.line + 1, node.end_mark.column + 1)
    found = {path: (mark, node)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            found.update(_composed_spans(value, child))
            found[child] = (*found[child], (key.start_mark.line + 1, key.start_mark.column + 1))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(_composed_spans(item, path + (index,)))
    return found


MODEL_FILES = sorted((__import__("pathlib").Path(__file__).resolve().parents[2] / "examples")
                     .rglob("*.yaml"))


@pytest.mark.parametrize("model", MODEL_FILES, ids=lambda p: p.name)
def test_every_position_matches_pyyamls_composer(model):
    """Starts of every node and key, and whole spans of scalars and flow collections, are
    where PyYAML's composer puts them (a block collection ends at its last child here,
    where libyaml ends it at the next token, so only its start is compared)."""
    import yaml

    from netlint.loader.yaml_source import read_yaml

    text = model.read_text(encoding="utf-8")
    document = read_yaml(text)
    expected = _composed_spans(yaml.compose(text, Loader=yaml.SafeLoader))
    assert set(document.positions) == set(expected)
    for path, (span, node, *key) in expected.items():
        ours = document.positions[path]
        block = isinstance(node, yaml.CollectionNode) and not node.flow_style
        assert (ours.line, ours.column) == span[:2], path
        if not block:
            assert (ours.end_line, ours.end_column) == span[2:], path
        if key:
            got = document.key_positions[path]
            assert (got.line, got.column) == key[0], path


MERGE_KEY_DOCUMENTS = [
    "base: &b {units: 8, activation: relu}\nlayer:\n  <<: *b\n  units: 4\n",
    "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n",
    "c:\n  z: 3\n  <<: {z: 9, w: 4}\n",
    "'<<': {a: 1}\n",  # quoted: an ordinary key named <<, not a merge
    "a: {\"<<\": {b: 1}, c: 2}\n",
]


@pytest.mark.parametrize("text", MERGE_KEY_DOCUMENTS)
def test_merge_keys_read_as_pyyaml_reads_them(text):
    import yaml

    from netlint.loader.yaml_source import read_yaml

    assert read_yaml(text).value == yaml.load(text, Loader=yaml.SafeLoader)


def test_a_merge_of_a_non_mapping_points_at_the_merged_value():
    from netlint.loader.yaml_source import YamlProblem, read_yaml

    with pytest.raises(YamlProblem) as caught:
        read_yaml("a:\n  <<: [1, 2]\n")
    assert "merge key" in caught.value.message
    assert (caught.value.position.line, caught.value.position.column) == (2, 7)
