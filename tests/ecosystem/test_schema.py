"""The JSON Schema editors use: committed file fresh, valid draft-07, agrees with the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft7Validator
from model_strategies import random_model
from typer.testing import CliRunner

from netlint.cli import app
from netlint.rules.cards import load_cards
from netlint.loader import load_text
from netlint.loader.schema import editor_schema, model_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "netlint-model.schema.json"
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))
SCHEMA_CODES = ("NL001", "NL002", "NL003")  # what a schema can see (NL004 is the graph)
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

runner = CliRunner()


def expected_codes(path: Path) -> set[str]:
    line = next(line for line in path.read_text().splitlines() if line.startswith("# expect:"))
    return set(re.findall(r"NL\d{3}", line))


def schema_errors(document: object) -> list:
    return list(Draft7Validator(editor_schema()).iter_errors(document))


def leaf_errors(errors: list) -> list:
    """The innermost errors under anyOf branches: what an editor underlines."""
    out = []
    for error in errors:
        out += leaf_errors(list(error.context)) if error.context else [error]
    return out


def test_committed_schema_is_fresh():
    assert COMMITTED.exists(), "run `netlint schema -o schemas/netlint-model.schema.json`"
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), \
        "schemas/netlint-model.schema.json is stale: run " \
        "`netlint schema -o schemas/netlint-model.schema.json` and commit it"


def test_cli_prints_and_checks_the_same_text(tmp_path):
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0 and printed.stdout == schema_text()
    target = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "-o", str(target)]).exit_code == 0
    assert target.read_text() == schema_text()
    assert runner.invoke(app, ["schema", "-o", str(target), "--check"]).exit_code == 0
    target.write_text("{}\n")
    stale = runner.invoke(app, ["schema", "-o", str(target), "--check"])
    assert stale.exit_code == 1 and "stale" in stale.stderr
    assert target.read_text() == "{}\n"  # --check never writes
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 2
    assert runner.invoke(app, ["schema", "-o", str(tmp_path / "no" / "s.json")]).exit_code == 2


@pytest.mark.parametrize("schema", [editor_schema(), model_schema()], ids=["editor", "loader"])
def test_schema_is_valid_draft7(schema):
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    json.dumps(schema, allow_nan=False)  # plain JSON: no NaN, no Python objects


def test_text_is_deterministic():
    assert schema_text() == schema_text(json.loads(schema_text()))


def test_every_example_points_at_the_committed_schema():
    for path in EXAMPLES:
        first = path.read_text().splitlines()[0]
        match = MODELINE.match(first)
        assert match, f"{path}: first line is not the yaml-language-server modeline"
        assert (path.parent / match.group(1)).resolve() == COMMITTED.resolve(), path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_validate_unless_their_bug_is_in_the_schema(path):
    errors = schema_errors(yaml.safe_load(path.read_text()))
    if not expected_codes(path) & set(SCHEMA_CODES):
        assert not errors, [(list(e.absolute_path), e.message) for e in errors]
    else:
        assert errors, f"{path} expects {sorted(expected_codes(path))}; the schema accepts it"


def test_unknown_argument_is_underlined_at_its_layer():
    path = ROOT / "examples" / "buggy" / "lstm-300-forecast.yaml"
    leaves = leaf_errors(schema_errors(yaml.safe_load(path.read_text())))
    unexpected = [e for e in leaves if e.validator == "additionalProperties"]
    assert [list(e.absolute_path) for e in unexpected] == [["layers", 0, "LSTM"]]
    # what is wrong, from the error's data rather than jsonschema's wording of it
    assert "units_size" in unexpected[0].instance
    assert "units_size" not in unexpected[0].schema.get("properties", {})
    missing = [e for e in leaves if e.validator == "required"]
    assert any("units" in e.validator_value and "units" not in e.instance for e in missing)


def _card_models():
    for code, card in sorted(load_cards().items()):
        for label in ("bad", "good"):
            example = card.get(label)
            if isinstance(example, dict) and example.get("model"):
                yield pytest.param(example["model"], id=f"{code}-{label}")


def _agree(text: str) -> None:
    """The editor schema flags a file exactly when the loader finds an NL001-NL003 problem."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # not YAML: no schema can speak about it
    loader_codes = {f.code for f in load_text(text).findings}
    errors = schema_errors(document)
    if not loader_codes & set(SCHEMA_CODES):
        assert not errors, f"loader accepts, schema refuses: " \
                           f"{[(list(e.absolute_path), e.message) for e in errors]}\n{text}"
    if not errors:
        assert not loader_codes & {"NL002", "NL003"}, \
            f"schema accepts a file with unknown names ({loader_codes})\n{text}"


@pytest.mark.parametrize("text", list(_card_models()))
def test_schema_agrees_with_loader_on_rule_cards(text):
    _agree(text)


@pytest.mark.parametrize("text", [
    "input: {shape: [3]}\nlayers:\n  - Dense: {output_dim: 3, init: normal}\n",
    "input: {shape: [1, 28, 28]}\nlayers:\n  - Convolution2D: {nb_filter: 4, nb_row: 3, "
    "nb_col: 3, border_mode: same, dim_ordering: th}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - CuDNNLSTM: {units: 3, input_length: 5}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - LSTM: {units: 3, return_sequence: true}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - LTSM: {units: 3}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - ZeroPadding1D: {padding: [1, 2]}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - MaxPooling1D: {pool_size: 2, strides: null}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - Bidirectional: {layer: {LSTM: {units: 3}}, "
    "backward_layer: {LSTM: {units: 3, go_backwards: true}}, merge_mode: ave}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - Bidirectional: {layer: {LSTM: {units: 3}}, "
    "merge_mode: average}\n",
    "input: {shape: [5, 2]}\nlayers:\n  - Dense: 4\n  - Dropout: 0.5\n",
])
def test_schema_agrees_with_loader_on_legacy_and_edge_spellings(text):
    _agree(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_model())
def test_schema_agrees_with_loader_on_random_models(text):
    _agree(text)


def test_descriptions_defaults_and_enums_reach_the_editor():
    schema = editor_schema()
    definitions = schema["definitions"]

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = definitions[node["$ref"].rpartition("/")[2]]
        return node

    from netlint.layers.registry import all_defs

    for name, definition in all_defs().items():
        layer = resolve({"$ref": f"#/definitions/{definition.name}"})
        assert definition.doc.splitlines()[0] in layer["description"], name
        arguments = next(b for b in layer["anyOf"] if b.get("type") == "object")["properties"]
        for argument in definition.all_params:
            assert resolve(arguments[argument]).get("description"), (name, argument)
    lstm = next(b for b in definitions["LSTM"]["anyOf"] if b.get("type") == "object")
    assert resolve(lstm["properties"]["return_sequences"])["default"] is False
    assert "units" in lstm["allOf"][0]["anyOf"][0]["required"] or \
        lstm["allOf"][0] == {"required": ["units"]}
    bidirectional = next(b for b in definitions["Bidirectional"]["anyOf"]
                         if b.get("type") == "object")["properties"]
    assert "layerItem" in json.dumps(resolve(bidirectional["backward_layer"]))
    assert "tanh" in definitions["activationFunction"]["anyOf"][0]["anyOf"][0]["enum"]
    loss = schema["properties"]["compile"]["properties"]["loss"]
    assert "categorical_crossentropy" in json.dumps(loss)
    assert "deprecationMessage" in definitions["CuDNNLSTM"]
