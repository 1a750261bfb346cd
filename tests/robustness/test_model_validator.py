"""The generated schema validator (netlint.loader.model_validator) must agree with jsonschema.

`validate()` trusts the generated validator when it says "valid" and only then
skips jsonschema, so any document where the two disagree is a hole in the
schema's enforcement. These tests compare them on every real model file and on
thousands of generated and mutated documents (which must include both valid and
invalid ones, or the comparison proves little), and hold the committed schema
and validator to the registry they are generated from.
"""

from __future__ import annotations

import copy
import json
import random

import fuzz_cases
import pytest
from jsonschema import Draft7Validator

from netlint.loader import generate_validator, model_validator
from netlint.loader.schema import model_schema
from netlint.loader.validate import conforms
from netlint.loader.yaml_source import YamlProblem, read_yaml


class _Generated:
    """The generated validator, asked as validate.conforms() asks it."""

    @staticmethod
    def conforms(document) -> bool:
        return conforms(document)


@pytest.fixture(scope="module")
def both():
    return _Generated(), Draft7Validator(model_schema())


def test_committed_schema_and_validator_are_generated_from_the_registry_as_it_is():
    for path, text in generate_validator.generated_files().items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.name} is stale: run `python -m netlint.loader.generate_validator`"
    assert json.loads(generate_validator.SCHEMA_FILE.read_text(encoding="utf-8")) == model_schema()


def test_asking_never_changes_the_document():
    """fastjsonschema can write schema defaults into the document it checks; netlint's
    validator is generated without, or `LeakyReLU: {alpha: 0.2}` would read as 0.3."""
    document = {"input": {"shape": [4]},
                "layers": [{"LeakyReLU": {"alpha": 0.2}}, {"MaxPooling1D": {}},
                           {"Bidirectional": {"layer": {"LSTM": {"units": 2}}}}]}
    before = copy.deepcopy(document)
    model_validator.validate(document)
    assert document == before
    for _, text in fuzz_cases.seed_texts():
        document = _safe_read(text)
        before = copy.deepcopy(document)
        conforms(document)
        assert document == before


def test_a_broken_document_raises_the_validators_own_exception():
    with pytest.raises(model_validator.SchemaBroken):
        model_validator.validate({"layers": "not a list"})
    assert model_validator.validate({"layers": [{"Dense": {"units": 3}}]})


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
