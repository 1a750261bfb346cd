"""Whole models against real Keras: 330 random models per run (200 stacks, 80 two-input
graphs with merges, 50 graphs with shared layers called again by `call:`), plus every
example. NETLINT_ORACLE_SCALE=N runs N times as many (bench/ and a release run use 10):
the default keeps `make test` near its 10-minute budget on two cores, and under CI the
draws are the same every run."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from keras_model import compare_model_text
from model_strategies import random_functional_model, random_model, random_shared_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))

STATS = {"models": 0, "layers": 0}
SCALE = max(1, int(os.environ.get("NETLINT_ORACLE_SCALE", "1") or 1))
COUNTS = {"stacks": 200 * SCALE, "graphs": 80 * SCALE, "shared": 50 * SCALE}


# new random models on every local run; the same ones under CI (Hypothesis's ci profile
# derandomizes, and so does this), so a landing is never decided by a random draw
@settings(max_examples=COUNTS["stacks"], deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=random_model())
def test_random_models_match_keras(text):
    STATS["models"] += 1
    STATS["layers"] += compare_model_text(text)


@settings(max_examples=COUNTS["graphs"], deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=random_functional_model())
def test_random_functional_models_match_keras(text):
    STATS["models"] += 1
    STATS["layers"] += compare_model_text(text)


# ~0.15-0.25 s a model (a shared model is also run on a batch of zeros): ~10 s of CPU,
# 15-19 s on 2 busy cores
@settings(max_examples=COUNTS["shared"], deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=random_shared_model())
def test_random_shared_models_match_keras(text):
    STATS["models"] += 1
    STATS["layers"] += compare_model_text(text)


def test_oracle_ran_enough_models():
    # runs after the property tests in file order: proves they were really generated
    if STATS["models"]:
        assert STATS["models"] >= sum(COUNTS.values()), STATS
        print(f"\nKeras oracle: {STATS['models']} random models, {STATS['layers']} layers "
              "compared (or refusals matched), 0 mismatches")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_example_matches_keras(path):
    from netlint.loader import load

    loaded = load(path)
    if not loaded.ok:
        pytest.skip("a buggy example the loader rejects (NL00x): covered by the rule tests")
    compare_model_text(path.read_text())
