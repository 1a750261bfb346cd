"""The schema check that skips jsonschema (netlint.spec.conforms) must agree with jsonschema.

`validate()` trusts `conforms()` when it says "valid" and only then skips
jsonschema, so any document where the two disagree is a hole in the schema's
enforcement. These tests compare them on every real model file, on thousands of
generated and mutated documents (which must include both valid and invalid
ones, or the comparison proves little), and on the edge cases where draft-07's
semantics surprise (1.0 is an integer, True is not 1, $ref siblings are ignored).
"""

from __future__ import annotations

import copy
import math
import random
import marshal
import sys

import fuzz_cases
import pytest
from jsonschema import Draft7Validator

from netlint.spec.conforms import DRAFT7_KEYWORDS, SchemaChecker, Unsupported
from netlint.spec.schema import model_schema
from netlint.spec.schema_cache import cache_folder, cached_model_schema, fingerprint
from netlint.spec.yaml_source import YamlProblem, read_yaml


@pytest.fixture(scope="module")
def both():
    schema = model_schema()
    return SchemaChecker(schema), Draft7Validator(schema)


def test_every_draft7_keyword_is_known():
    assert DRAFT7_KEYWORDS == set(Draft7Validator.VALIDATORS)


def _documents(count: int, seed: int):
    rng = random.Random(seed)
    names, params = fuzz_cases.layer_vocabulary()
    seeds = fuzz_cases.seed_texts()
    for _ in range(count):
        text = fuzz_cases.random_model(rng, names, params) if rng.random() < 0.5 else \
            fuzz_cases.mutate(rng, rng.choice(seeds)[1], names)
        try:
            yield read_yaml(text).value
        except YamlProblem:
            continue


def _perturb(rng: random.Random, value, depth=0):
    """Replace one node somewhere in a valid document with a hostile value."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        value[key] = _perturb(rng, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        value[index] = _perturb(rng, value[index], depth + 1)
        return value
    return fuzz_cases.hostile_value(rng)


def test_agrees_with_jsonschema_on_every_real_model(both):
    checker, validator = both
    compared = 0
    for name, text in fuzz_cases.seed_texts():
        try:
            doc = read_yaml(text).value
        except YamlProblem:
            continue
        compared += 1
        assert checker.conforms(doc) == validator.is_valid(doc), name
    assert compared > 50


def test_agrees_with_jsonschema_on_generated_and_perturbed_documents(both):
    checker, validator = both
    rng = random.Random(11)
    valid_docs = [doc for _, text in fuzz_cases.seed_texts()
                  for doc in [_safe_read(text)] if doc is not None and validator.is_valid(doc)]
    outcomes = {True: 0, False: 0}
    documents = list(_documents(1500, seed=5))
    for _ in range(1500):  # one node of a valid model changed: near the boundary
        documents.append(_perturb(rng, copy.deepcopy(rng.choice(valid_docs))))
    for doc in documents:
        expected = validator.is_valid(doc)
        assert checker.conforms(doc) == expected, doc
        outcomes[expected] += 1
    # both verdicts must be well represented, or agreement proves little
    assert outcomes[True] > 300 and outcomes[False] > 300, outcomes


def _safe_read(text):
    try:
        return read_yaml(text).value
    except YamlProblem:
        return None


@pytest.mark.parametrize("schema, instance, valid", [
    ({"type": "integer"}, 1.0, True),  # draft-07: a float with no fraction is an integer
    ({"type": "integer"}, 1.5, False),
    ({"type": "integer"}, True, False),  # a bool is never a number
    ({"type": "number"}, False, False),
    ({"enum": [1]}, True, False),  # and True is not 1
    ({"enum": [1]}, 1.0, True),
    ({"enum": [[1, 2]]}, [1, 2], True),
    ({"const": {"a": [True]}}, {"a": [1]}, False),
    ({"minimum": 1}, float("nan"), True),  # no comparison with NaN fails
    ({"maximum": 1}, float("inf"), False),
    ({"minimum": 1}, "text", True),  # bounds only apply to numbers
    ({"pattern": "^a$"}, "a\n", True),  # re.search, where $ matches before a final newline
    ({"$ref": "#/definitions/x", "type": "string", "definitions": {"x": {}}}, 5, True),
    ({"allOf": [{"type": "integer"}, {"minimum": 2}]}, 1, False),
    ({"anyOf": []}, 1, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 1, False),
    ({"not": {"type": ["object", "null"]}}, None, False),
    ({"items": [{"type": "string"}], "additionalItems": False}, ["a", "b"], False),
    ({"additionalItems": False}, [1, 2], True),  # ignored without an items list
    ({"properties": {"a": False}}, {"a": 1}, False),
    ({"additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
     {"a": "x", "b": 1}, True),
    ({"patternProperties": {"^x": {"type": "integer"}}, "additionalProperties": False},
     {"xa": 1}, True),
    ({"dependencies": {"a": ["b"]}}, {"a": 1}, False),
    ({"propertyNames": {"maxLength": 2}}, {"abc": 1}, False),
    ({"uniqueItems": True}, [1, True], True),
    ({"uniqueItems": True}, [1, 1.0], False),
    ({"contains": {"type": "null"}}, [1, None], True),
    ({"if": {"type": "integer"}, "then": {"minimum": 3}, "else": {"type": "string"}}, 2, False),
    ({"multipleOf": 0.5}, 1.5, True),
    ({"minItems": 1}, [], False),
    ({"maxProperties": 0}, {}, True),
    ({"format": "email"}, "not an email", True),  # Draft7Validator does not assert format
    (True, 1, True),
    (False, 1, False),
])
def test_draft7_edge_cases(schema, instance, valid):
    assert Draft7Validator(schema).is_valid(instance) is valid  # the cases themselves hold
    assert SchemaChecker(schema).conforms(instance) is valid


# Node shapes `draft7.fuse` compiles into one predicate, and neighbours it must leave to
# the keyword-by-keyword walk (patternProperties, a list of items, exclusive bounds).
FUSED_SHAPES = [
    {"type": "object", "properties": {"a": {"type": "integer"}, "b": False},
     "required": ["a"], "additionalProperties": False},
    {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1,
     "maxProperties": 1},
    {"type": "object", "properties": {"a": {}}, "additionalProperties": True},
    {"type": "object", "minProperties": 1, "maxProperties": 1},
    {"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}],
     "propertyNames": {"maxLength": 1}},
    {"type": "object", "patternProperties": {"^a": {"type": "integer"}},
     "additionalProperties": False},
    {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1,
     "maxItems": 3},
    {"type": "array", "items": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
     "uniqueItems": True},
    {"type": "array", "items": [{"type": "integer"}], "additionalItems": False},
    {"type": "integer", "minimum": 1},
    {"type": "integer", "maximum": 3},
    {"type": "number", "minimum": 0, "maximum": 1},
    {"type": "number"},
    {"type": "integer", "exclusiveMinimum": 0, "multipleOf": 2, "minimum": 1},
    {"type": "string", "enum": ["a", "b"]},
    {"type": "string", "enum": ["a", "bb"], "maxLength": 1},
    {"type": "integer", "enum": [1]},
    {"enum": [1, "a", None, 2.5]},
    {"enum": [True, 1, [1]]},
]
INSTANCES = [None, True, False, 0, 1, 2, -1, 1.0, 1.5, 0.5, math.nan, math.inf, "a", "b",
             "1", "", [], [1], [True], [1, 1], [1, None], [0], [1, 2, 3, 4], {}, {"a": 1},
             {"a": True}, {"a": "x"}, {"b": 1}, {"a": 1, "b": 2}, {"ab": 1}, {"a": [1]}]


@pytest.mark.parametrize("schema", FUSED_SHAPES, ids=lambda s: str(s)[:60])
def test_fused_nodes_decide_as_the_keyword_walk_and_jsonschema(schema):
    fused, walk = SchemaChecker(schema), SchemaChecker(schema, fused=False)
    validator = Draft7Validator(schema)
    verdicts = set()
    for instance in INSTANCES:
        expected = validator.is_valid(instance)
        assert fused.conforms(instance) == expected, instance
        assert walk.conforms(instance) == expected, instance
        verdicts.add(expected)
    assert verdicts == {True, False}  # each shape accepts something and refuses something


def test_fused_checker_agrees_with_the_keyword_walk_on_model_documents():
    schema = model_schema()
    fused, walk = SchemaChecker(schema), SchemaChecker(schema, fused=False)
    rng = random.Random(23)
    valid_docs = [doc for _, text in fuzz_cases.seed_texts()
                  for doc in [_safe_read(text)] if doc is not None and walk.conforms(doc)]
    documents = list(_documents(500, seed=17))
    documents += [_perturb(rng, copy.deepcopy(rng.choice(valid_docs))) for _ in range(500)]
    outcomes = {True: 0, False: 0}
    for doc in documents:
        verdict = walk.conforms(doc)
        assert fused.conforms(doc) == verdict, doc
        outcomes[verdict] += 1
    assert outcomes[True] > 100 and outcomes[False] > 100, outcomes


def test_what_it_cannot_decide_it_refuses_to_decide():
    with pytest.raises(Unsupported):
        SchemaChecker({"$ref": "https://example.com/other.json"}).conforms(1)
    nested_id = {"definitions": {"a": {"$id": "other.json", "type": "string"}},
                 "$ref": "#/definitions/a"}
    with pytest.raises(Unsupported):
        SchemaChecker(nested_id).conforms(1)


def test_cached_schema_equals_the_built_one_and_tracks_the_source(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "prefix"))
    assert cached_model_schema() == model_schema()  # built, and written
    written = list((tmp_path / "prefix" / "netlint").glob("netlint-schema-*.marshal"))
    assert len(written) == 1
    assert cached_model_schema() == model_schema()  # read back
    whole = written[0].read_bytes()
    # a damaged cache is rebuilt, never trusted: garbage, cut short, or not a schema at all
    for damaged in (b"{not marshal", whole[: len(whole) // 2], marshal.dumps([1, 2])):
        written[0].write_bytes(damaged)
        assert cached_model_schema() == model_schema()
        assert marshal.loads(written[0].read_bytes()) == model_schema()  # and rewritten
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert cache_folder() is None  # -B / PYTHONDONTWRITEBYTECODE: no cache at all
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "layer.py"
    module.write_text("A = 1\n")
    before = fingerprint(package)
    assert fingerprint(package) == before
    module.write_text("A = 22\n")  # an edit changes the size (and the mtime)
    assert fingerprint(package) != before


def test_nan_stays_unequal_to_itself_through_the_checker(both):
    checker, validator = both
    doc = {"layers": [{"Dropout": {"rate": math.nan}}], "input": {"shape": [3]}}
    assert checker.conforms(doc) == validator.is_valid(doc)
