"""What editors show from the schema: each argument's description states the registry's
own default, the hover title never repeats, and values carry Keras's one-line meanings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netlint.layers.base import REQUIRED
from netlint.layers.registry import all_defs
from netlint.loader.schema import editor_schema, model_schema

ROOT = Path(__file__).resolve().parents[2]
STATED = re.compile(r"^(?P<prose>.*) \((?P<default>required|default: .*)\)$", re.DOTALL)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].rpartition("/")[2]]
    return node


def _expected(default: object) -> str:
    if default is REQUIRED:
        return "required"
    if isinstance(default, str):
        return f"default: {default}"
    as_json = json.loads(json.dumps(default))  # tuples as lists, True as true
    return f"default: {json.dumps(as_json)}"


def _arguments(schema: dict):
    for name, definition in sorted(all_defs().items()):
        if definition.name != name:
            continue  # an alias shares its class's entry
        props = schema["definitions"][name]["anyOf"][0]["properties"]
        for argument, default in definition.all_params.items():
            yield name, argument, default, _resolve(schema, props[argument])


@pytest.mark.parametrize("which", ["editor", "loader"])
def test_every_description_states_the_registrys_default(which):
    schema = editor_schema() if which == "editor" else model_schema()
    wrong = []
    checked = 0
    for layer, argument, default, node in _arguments(schema):
        match = STATED.match(node.get("description", ""))
        checked += 1
        if match is None:
            wrong.append(f"{layer}.{argument}: no stated default: {node.get('description')!r}")
            continue
        if "default" in match["prose"].lower():
            wrong.append(f"{layer}.{argument}: the prose states a default of its own: "
                         f"{match['prose']!r}")
        if default is None:
            if not match["default"].startswith("default: "):
                wrong.append(f"{layer}.{argument}: {match['default']!r}, Keras: None")
        elif match["default"] != _expected(default):
            wrong.append(f"{layer}.{argument}: says {match['default']!r}, Keras "
                         f"{_expected(default)!r}")
        if default is not None and default is not REQUIRED and "default" in node:
            assert json.loads(json.dumps(node["default"])) == json.loads(json.dumps(default))
    assert checked > 500
    assert not wrong, "\n".join(wrong[:40])


def test_lstm_activation_is_tanh_not_linear():
    props = editor_schema()["definitions"]["LSTM"]["anyOf"][0]["properties"]
    node = _resolve(editor_schema(), props["activation"])
    assert node["description"].endswith("(default: tanh)") and "linear" not in \
        node["description"]
    dense = editor_schema()["definitions"]["Dense"]["anyOf"][0]["properties"]
    assert _resolve(editor_schema(), dense["activation"])["description"].endswith(
        "(default: none, i.e. linear)")


def _any_ofs(node: object):
    if isinstance(node, dict):
        if "anyOf" in node:
            yield node["anyOf"]
        for value in node.values():
            yield from _any_ofs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _any_ofs(item)


def test_no_anyof_branch_is_anonymous_so_the_hover_title_never_repeats():
    """yaml-language-server joins the titles of an anyOf's branches with ` || ` when it
    takes them all for matched, which every branch without a title, description and
    properties is: it then shows "netlint model file || netlint model file || ..."."""
    schema = editor_schema()
    assert schema["title"] == "netlint model file"
    count = 0
    for branches in _any_ofs(schema):
        words = [b.get("title") or b.get("description") for b in branches
                 if isinstance(b, dict)]
        assert all(words), branches
        assert len(set(words)) == len(words), words
        count += 1
    assert count > 100
    text = (ROOT / "schemas" / "netlint-model.schema.json").read_text(encoding="utf-8")
    assert text.count('"title"') == 1


@pytest.mark.parametrize("kind, values", [
    ("padding", {"valid", "same", "causal"}),
    ("data_format", {"channels_last", "channels_first"}),
])
def test_enum_values_carry_their_meaning(kind, values):
    found = [node for node in _walk(editor_schema())
             if isinstance(node, dict) and node.get("x-keras-vocabulary") == kind]
    assert found
    for node in found:
        enum = node["anyOf"][0]
        assert set(enum["enum"]) == values
        assert len(enum["enumDescriptions"]) == len(enum["enum"])
        assert all(enum["enumDescriptions"])


def _walk(node: object):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)
