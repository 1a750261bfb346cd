"""Fuzzing `netlint import`: no saved Keras model, however damaged, may crash it.

The cases (import_fuzz_cases.py) mutate real Keras saves (to_json() and .keras
files of models built here with keras, and Keras 2 configs). The invariant: the
importer returns an import, or ImportFailed with one line naming the file; the
command exits 0, 1 or 2 with netlint's message, never a traceback.

A default run checks a few hundred deterministic cases; NETLINT_FUZZ_LONG=1
checks 20,000 (bench/import_fuzz.py runs the same cases outside pytest).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

pytest.importorskip("keras")

import import_fuzz_cases  # noqa: E402

LONG = os.environ.get("NETLINT_FUZZ_LONG") == "1"
CASES = 20_000 if LONG else 300
CLI_EVERY = 25


def test_mutated_keras_saves_never_crash_the_importer(tmp_path):
    import_fuzz_cases.seeds()  # built once, outside the time bound
    started = time.perf_counter()
    failures, slowest = [], (0.0, "")
    for index, case in enumerate(import_fuzz_cases.cases(CASES, seed=2024)):
        path = tmp_path / f"case_{index}{case.suffix}"
        path.write_bytes(case.data)
        began = time.perf_counter()
        found = import_fuzz_cases.problems(path)
        if index % CLI_EVERY == 0:
            found += import_fuzz_cases.cli_problems(path, tmp_path / "out.yaml")
        slowest = max(slowest, (time.perf_counter() - began, case.name))
        failures += [f"{case.name}: {problem}" for problem in found]
        path.unlink()
    assert not failures, f"{len(failures)} of {CASES} cases failed:\n" + \
        "\n".join(failures[:5])
    # ~10 ms a case here; the bound is for a slow, shared CI machine
    assert slowest[0] < 20, slowest
    if not LONG:
        assert time.perf_counter() - started < 120


def test_the_cases_reach_every_outcome(tmp_path):
    """A fuzzer whose every case is refused at the first byte tests little: each kind
    of case must both import and be refused, some with parts not expressed."""
    outcomes: Counter = Counter()
    for index, case in enumerate(import_fuzz_cases.cases(200, seed=7)):
        path = tmp_path / f"case_{index}{case.suffix}"
        path.write_bytes(case.data)
        outcomes[case.name.split(":")[2], import_fuzz_cases.check(path)[0]] += 1
    for kind in ("json", "keras", "text"):
        assert outcomes[kind, "refused"] and outcomes[kind, "imported"], outcomes
    assert outcomes["json", "partial"] and outcomes["zip", "refused"], outcomes
