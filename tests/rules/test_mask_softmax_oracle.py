"""NL115's cards against real Keras: every model the card says is bad fails (or runs
only by accident of the batch size) on a batch of two, and every other one runs."""

from __future__ import annotations

import pytest

from keras_model import build_keras_graph, keras_runs
from netlint.loader import load_text
from netlint.rules.cards import load_cards

CARD = load_cards()["NL115"]
MODELS = [("bad", "bad", CARD["bad"]["model"]), ("good", "good", CARD["good"]["model"])] + \
    [(case["name"], case["kind"], case["model"]) for case in CARD.get("cases", [])]


@pytest.mark.parametrize("kind,text", [(kind, text) for _, kind, text in MODELS],
                         ids=[name for name, _, _ in MODELS])
def test_keras_fails_where_the_card_says_bad(kind, text):
    loaded = load_text(text)
    assert loaded.ok
    built = build_keras_graph(loaded.model)
    failed = keras_runs(built, loaded.model, list(loaded.model.outputs))
    if kind == "bad":
        assert failed is not None and "broadcastable" in str(failed)
    else:
        assert failed is None
