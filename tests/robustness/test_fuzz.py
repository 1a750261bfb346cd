"""Fuzzing the loader and the whole `check` pipeline: no input may crash netlint.

The invariant (see fuzz_checks.problems): for any bytes at all, `check` returns
findings instead of raising, each finding is well formed with file:line:col,
every output format renders (JSON/SARIF parse back), the summary runs, and the
diagram either draws or refuses with the loader's findings. On a sample, the
real command (in-process through typer, and in a subprocess) exits 0, 1 or 2
without a traceback.

A default run checks a few hundred deterministic cases; NETLINT_FUZZ_LONG=1
checks 20,000 (bench/fuzz.py runs the same cases outside pytest).
"""

from __future__ import annotations

import os
import subprocess
import sys

import fuzz_cases
import fuzz_checks
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netlint.cli import app
from netlint.rules.config import ConfigFinder

LONG = os.environ.get("NETLINT_FUZZ_LONG") == "1"
CASES = 20_000 if LONG else 200
EXAMPLES = 2_000 if LONG else 60
runner = CliRunner()


def _run_cases(tmp_path, count: int, seed: int, diagram_every: int = 10) -> list:
    failures = []
    finder = ConfigFinder()
    for index, case in enumerate(fuzz_cases.cases(count, seed)):
        path = tmp_path / f"case_{index}.yaml"
        path.write_bytes(case.data)
        found = fuzz_checks.problems(path, finder)
        if index % diagram_every == 0:
            found += fuzz_checks.diagram_problems(path)
        if found:
            failures.append(f"{case.name}: {found[0]}")
        path.unlink()
    return failures


def test_fuzzed_files_never_crash_the_pipeline(tmp_path):
    failures = _run_cases(tmp_path, CASES, seed=2024)
    assert not failures, f"{len(failures)} of {CASES} cases failed:\n" + "\n".join(failures[:5])


def test_the_cases_cover_every_kind_and_reach_the_rules():
    """A fuzzer that only ever produces unreadable files tests little: check the mix."""
    kinds = {}
    reached_rules = 0
    from netlint.loader import load_text

    cases = 400
    for case in fuzz_cases.cases(cases, seed=2024):
        kinds[case.name.split(":")[1]] = kinds.get(case.name.split(":")[1], 0) + 1
        try:
            loaded = load_text(case.data.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        reached_rules += loaded.ok
    assert set(kinds) == {"mutated", "tweaked", "random-model", "random-bytes", "stress"}
    # many cases get past the loader: about a fifth (the draws move whenever the layer
    # registry grows, as the cases are drawn from it, so the floor has some room)
    assert reached_rules > cases * 0.15, reached_rules


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes(tmp_path, data):
    path = tmp_path / "bytes.yaml"
    path.write_bytes(data)
    assert fuzz_checks.problems(path) == []


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["relu", "softmax", "same", "valid", "mse", "adam", "LSTM", "Dense"]))
_keys = st.one_of(st.sampled_from(
    ["input", "inputs", "layers", "outputs", "compile", "data", "train", "shape", "axes",
     "units", "filters", "kernel_size", "return_sequences", "from", "name", "layer", "rate",
     "Dense", "LSTM", "Conv2D", "Reshape", "Bidirectional", "TimeDistributed", "loss", "x",
     "y", "path", "range", "encoding", "batch_size", "target_shape", "pool_size"]),
    st.text(max_size=12))
_values = st.recursive(_scalars, lambda children: st.one_of(
    st.lists(children, max_size=5), st.dictionaries(_keys, children, max_size=5)),
    max_leaves=30)
_models = st.fixed_dictionaries(
    {"layers": st.lists(st.dictionaries(_keys, _values, min_size=1, max_size=3), max_size=6)},
    optional={"input": st.fixed_dictionaries({"shape": st.lists(
        st.one_of(st.none(), st.integers(-2, 64)), max_size=4)}),
        "compile": st.dictionaries(_keys, _values, max_size=3),
        "data": st.dictionaries(_keys, _values, max_size=3),
        "outputs": _values})


@settings(max_examples=EXAMPLES * 3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_models, st.booleans())
def test_any_document_shaped_like_a_model(tmp_path, model, flow):
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(model, default_flow_style=flow, allow_unicode=True),
                    encoding="utf-8")
    assert fuzz_checks.problems(path) == []


def test_the_command_exits_0_1_or_2_and_never_prints_a_traceback(tmp_path):
    for index, case in enumerate(fuzz_cases.cases(40, seed=99)):
        path = tmp_path / f"case_{index}.yaml"
        path.write_bytes(case.data)
        for args in (["check", str(path)], ["check", str(path), "-f", "sarif"],
                     ["summary", str(path)]):
            result = runner.invoke(app, args, env={"GITHUB_ACTIONS": ""})
            assert result.exit_code in (0, 1, 2), (case.name, args, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), \
                (case.name, args, result.exception)
            assert "Traceback" not in result.output


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_in_a_real_process_too(tmp_path, seed):
    case = next(c for c in fuzz_cases.cases(50, seed) if "random-model" in c.name)
    path = tmp_path / "case.yaml"
    path.write_bytes(case.data)
    run = subprocess.run([sys.executable, "-m", "netlint.cli", "check", str(path)],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "GITHUB_ACTIONS": ""})
    assert run.returncode in (0, 1, 2)
    assert "Traceback" not in run.stderr
    if run.returncode == 1:  # findings: each line is path:line:col: CODE [severity] ...
        lines = run.stdout.splitlines()[:-1]
        assert lines and all(fuzz_checks.FINDING_TEXT.match(line) for line in lines), lines
