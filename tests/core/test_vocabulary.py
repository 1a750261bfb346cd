"""Keras decides the vocabulary: the strings netlint accepts are the ones Keras accepts.

The committed `keras_vocabulary.json` is what `python -m netlint.vocabulary.generate`
makes from the installed Keras; here it is made again and compared, and every
string it asked Keras about is also written into a model file and read by netlint's
loader, which must reach the same verdict as Keras did.
"""

from __future__ import annotations

import json

import pytest

from netlint import vocabulary
from netlint.loader import load_text
from netlint.vocabulary import generate


@pytest.fixture(scope="module")
def keras_verdicts():
    return generate.keras_verdicts()


def test_the_committed_vocabulary_is_what_keras_says(keras_verdicts):
    made = generate.vocabulary_json(keras_verdicts)
    assert generate.DATA.read_text(encoding="utf-8") == made, \
        "src/netlint/vocabulary/keras_vocabulary.json is stale: run " \
        "`python -m netlint.vocabulary.generate` and commit it"


# A model file in which `{}` is replaced by the string (as a JSON string: valid YAML).
USES = {
    "metric": "input: {{shape: [4]}}\nlayers: [{{Dense: 1}}]\n"
              "compile: {{loss: mse, metrics: [{}]}}\n",
    "loss": "input: {{shape: [4]}}\nlayers: [{{Dense: 1}}]\ncompile: {{loss: {}}}\n",
    "optimizer": "input: {{shape: [4]}}\nlayers: [{{Dense: 1}}]\n"
                 "compile: {{loss: mse, optimizer: {}}}\n",
    "activation": "input: {{shape: [4]}}\nlayers: [{{Dense: {{units: 2, activation: {}}}}}]\n",
    "initializer": "input: {{shape: [4]}}\n"
                   "layers: [{{Dense: {{units: 2, kernel_initializer: {}}}}}]\n",
    "regularizer": "input: {{shape: [4]}}\n"
                   "layers: [{{Dense: {{units: 2, kernel_regularizer: {}}}}}]\n",
    "constraint": "input: {{shape: [4]}}\n"
                  "layers: [{{Dense: {{units: 2, kernel_constraint: {}}}}}]\n",
    "padding": "input: {{shape: [8, 2]}}\n"
               "layers: [{{Conv1D: {{filters: 2, kernel_size: 3, padding: {}}}}}]\n",
    "data_format": "input: {{shape: [6, 6, 6]}}\n"
                   "layers: [{{Conv2D: {{filters: 2, kernel_size: 3, data_format: {}}}}}]\n",
}


def netlint_accepts(kind: str, name: str) -> bool:
    loaded = load_text(USES[kind].format(json.dumps(name)))
    assert loaded.document is not None, name
    return not [f for f in loaded.findings if f.code == "NL001"]


@pytest.mark.parametrize("kind", sorted(USES))
def test_netlint_and_keras_agree_on_every_string_asked(kind, keras_verdicts):
    verdicts = keras_verdicts[kind]
    assert len(verdicts) > 20 and any(verdicts.values()) and not all(verdicts.values())
    disagree = {name: ("keras accepts" if meaning else "keras refuses")
                for name, meaning in verdicts.items()
                if netlint_accepts(kind, name) != (meaning is not None)}
    assert not disagree, disagree


@pytest.mark.parametrize("kind, written, meant", [
    ("metric", "acc", "accuracy"),  # keras.io's examples and "Deep Learning with Python"
    ("metric", "ACC", "accuracy"),
    ("metric", "FBetaScore", "f_beta_score"),
    ("loss", "MSE", "mean_squared_error"),
    ("loss", "BCE", "binary_crossentropy"),
    ("loss", "crossentropy", "crossentropy"),
    ("initializer", "OrthogonalInitializer", "orthogonal"),
    ("optimizer", "RMSProp", "rmsprop"),
])
def test_spellings_users_copy_are_accepted_with_their_meaning(kind, written, meant):
    assert vocabulary.meaning(kind, written) == meant
    assert netlint_accepts(kind, written)


@pytest.mark.parametrize("kind, written, suggested", [
    ("metric", "acurracy", "accuracy"),  # never 'AUC'
    ("metric", "accu", "accuracy"),
    ("metric", "f1", "f1_score"),
    ("loss", "binary_crosentropy", "binary_crossentropy"),
    ("loss", "categorical_cross_entropy", "categorical_crossentropy"),
    ("activation", "Relu6x", "relu6"),
    ("activation", "leakyrelu", "leaky_relu"),
])
def test_a_refused_string_gets_the_spelling_people_meant(kind, written, suggested):
    (finding,) = [f for f in load_text(USES[kind].format(json.dumps(written))).findings
                  if f.code == "NL001"]
    assert finding.severity == "error" and repr(written) in finding.message
    assert finding.fix == f"did you mean '{suggested}'?"


def test_threshold_is_refused_because_keras_cannot_use_it():
    """Keras lists `threshold` but a layer using it fails when called: it needs its
    arguments, which a string cannot give."""
    assert generate.verdict("activation", "threshold") is None
    assert not netlint_accepts("activation", "threshold")


def test_letter_case_is_ignored_where_keras_ignores_it():
    text = ("input: {shape: [8, 2]}\nlayers:\n"
            "  - Conv1D: {filters: 2, kernel_size: 3, padding: SAME}\n"
            "  - Conv1D: {filters: 2, kernel_size: 3, padding: Causal}\n"
            "compile: {loss: mse, optimizer: {AdamW: {learning_rate: 0.001}}}\n")
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    assert [layer.kwargs["padding"] for layer in loaded.model.layers] == ["same", "causal"]


def test_suggestions_by_letters_share_the_files_budget(monkeypatch):
    """difflib costs up to a millisecond; a file of 500,000 wrong names must stay linear,
    so Keras-name suggestions draw on the loader's one budget per file."""
    from netlint.loader import layer_items

    monkeypatch.setattr(layer_items, "MAX_SUGGESTIONS", 1)
    text = USES["metric"].format('acurracy, "acurracy"')
    first, second = [f for f in load_text(text).findings if f.code == "NL001"]
    assert first.fix == "did you mean 'accuracy'?"
    assert second.fix.startswith("write one of the metrics Keras 3 names")
