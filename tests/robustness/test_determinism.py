"""Every output is byte-identical across runs and across PYTHONHASHSEED values.

Set iteration order depends on the hash seed, and a formatter, a rule or a
diagram builder that iterates a set of strings would reorder its output from
one run to the next: a CI diff, a cache miss, a golden-file test that flickers.
Each seed gets its own interpreter (the seed is fixed at start-up), which
produces every output: `check` in all formats and with --statistics (through
typer and through the fast path, and over a folder big enough to be checked by
several worker processes), `summary` as text and JSON, both diagram views and
both export targets. The outputs must be equal across seeds, and must not be
empty (an output that is always empty is trivially "deterministic").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("0", "1", "4242", "random")

PRODUCE = r'''
import contextlib, io, json, os, sys
from pathlib import Path
from typer.testing import CliRunner
from netlint.cli import app
from netlint.cli import check_fast

root, many = Path(sys.argv[1]), Path(sys.argv[2])
runner = CliRunner()
out = {}

def cli(name, *args):
    result = runner.invoke(app, [str(a) for a in args], env={"GITHUB_ACTIONS": ""})
    out[name] = [result.exit_code, result.stdout]

def fast(name, *args):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        code = check_fast.run(["check", *[str(a) for a in args]])
    out[name] = [code, buffer.getvalue()]

folders = (root / "examples", root / "examples" / "buggy", root / "tests" / "rules")
for fmt in ("text", "json", "sarif", "github"):
    cli(f"check {fmt}", "check", *folders, "-f", fmt)
    fast(f"check fast {fmt}", *folders, "-f", fmt)
cli("check statistics", "check", *folders, "--statistics")
os.environ["NETLINT_JOBS"] = "2"
fast("check workers", many, "-f", "json")
os.environ["NETLINT_JOBS"] = "1"
fast("check one process", many, "-f", "json")
for model in ("stacked-lstm", "two-input-functional", "mnist-convnet", "imdb-bidirectional-lstm"):
    path = root / "examples" / f"{model}.yaml"
    cli(f"summary {model}", "summary", path)
    cli(f"summary json {model}", "summary", path, "-f", "json")
    for view in ("graph", "unrolled"):
        cli(f"diagram {view} {model}", "diagram", path, "--view", view, "-o", "-")
    for target in ("script", "keras-json"):
        cli(f"export {target} {model}", "export", path, "-o", "-", "--synthetic", "--to", target)
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def many_models(tmp_path_factory):
    """Enough files (copies of the examples, buggy ones included) for the worker pool."""
    folder = tmp_path_factory.mktemp("many")
    sources = sorted((ROOT / "examples").rglob("*.yaml"))
    for index in range(96):
        source = sources[index % len(sources)]
        (folder / f"{index:03d}_{source.name}").write_bytes(source.read_bytes())
    return folder


@pytest.fixture(scope="module")
def outputs(many_models):
    produced = {}
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed, "GITHUB_ACTIONS": ""}
        env.pop("NETLINT_JOBS", None)
        run = subprocess.run([sys.executable, "-c", PRODUCE, str(ROOT), str(many_models)],
                             capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        produced[seed] = json.loads(run.stdout.splitlines()[-1])
    return produced


def test_every_output_is_identical_for_every_hash_seed(outputs):
    first = outputs[SEEDS[0]]
    for seed in SEEDS[1:]:
        assert outputs[seed].keys() == first.keys()
        different = [name for name in first if outputs[seed][name] != first[name]]
        assert different == [], f"PYTHONHASHSEED={seed} changes: {different}"


def test_the_outputs_compared_are_real(outputs):
    produced = outputs[SEEDS[0]]
    assert len(produced) >= 30
    empty = [name for name, (_, text) in produced.items() if not text.strip()]
    assert empty == [], empty
    assert all(code in (0, 1) for code, _ in produced.values())


def test_the_fast_path_prints_what_typer_prints(outputs):
    produced = outputs[SEEDS[0]]
    for fmt in ("text", "json", "sarif", "github"):
        assert produced[f"check fast {fmt}"] == produced[f"check {fmt}"], fmt


def test_worker_processes_print_what_one_process_prints(outputs):
    produced = outputs[SEEDS[0]]
    assert produced["check workers"] == produced["check one process"]
    assert json.loads(produced["check workers"][1])["summary"]["files_checked"] == 96


def test_a_second_run_with_the_same_seed_is_identical_too(many_models, outputs):
    env = {**os.environ, "PYTHONHASHSEED": "random", "GITHUB_ACTIONS": ""}
    env.pop("NETLINT_JOBS", None)
    run = subprocess.run([sys.executable, "-c", PRODUCE, str(ROOT), str(many_models)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert json.loads(run.stdout.splitlines()[-1]) == outputs["random"]
