"""No rule may crash, whatever the model, its compile section or its data claims.

Random models from the core's strategies, with random losses, metrics,
optimizers and `data:` entries (shapes that fit or not, encodings, ranges,
NaN-declaring ranges) laid on top. The engine turns a rule's exception into a
RuleCrash; here that is a failure.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_strategies import random_model

from netlint.pipeline import lint_loaded
from netlint.loader import load_text

losses = st.sampled_from([
    "mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", {"CategoricalCrossentropy": {"from_logits": True}},
    {"BinaryCrossentropy": {"from_logits": False}}, "poisson",
])
optimizers = st.sampled_from(["adam", {"Adam": {"learning_rate": 0.5}},
                              {"SGD": {"learning_rate": 3.0}}, {"RMSprop": {"lr": 0.02}}])
sizes = st.one_of(st.none(), st.integers(0, 12))
ranges = st.one_of(st.none(), st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("inf"))),
                                       min_size=2, max_size=2))


@st.composite
def data_entry(draw) -> dict:
    entry = {"shape": draw(st.lists(sizes, min_size=1, max_size=4))}
    encoding = draw(st.sampled_from([None, "one-hot", "integer", "multi-hot", "continuous"]))
    if encoding:
        entry["encoding"] = encoding
    if draw(st.booleans()):
        entry["classes"] = draw(st.integers(1, 12))
    limits = draw(ranges)
    if limits is not None:
        entry["range"] = limits
    if draw(st.booleans()):
        entry["padded"] = True
    return entry


@st.composite
def model_with_extras(draw) -> str:
    model = json.loads(draw(random_model()))
    model["compile"] = {"loss": draw(losses), "optimizer": draw(optimizers),
                        "metrics": draw(st.sampled_from([[], ["accuracy"], ["mae"]]))}
    model["data"] = {"x": draw(data_entry()), "y": draw(data_entry())}
    if draw(st.booleans()):
        model["train"] = {"batch_size": draw(st.integers(1, 64))}
    return json.dumps(model, allow_nan=True).replace("Infinity", ".inf")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_with_extras())
def test_no_rule_crashes(text):
    findings = lint_loaded(load_text(text, "random.yaml")).findings
    for finding in findings:
        assert finding.message and finding.code.startswith("NL")
