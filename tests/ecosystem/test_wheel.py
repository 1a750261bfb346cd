"""The built wheel, installed into a fresh virtualenv, works from outside the source tree.

It must carry the rule cards and the schema (pyproject force-includes `rules/` and
`schemas/` at `netlint/_data/`), and `netlint import` must work without Keras (the
fresh environment has none). pip fetches hatchling and netlint's dependencies
from the package index; when none is reachable the test skips and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

import netlint as netlint_api

pytestmark = pytest.mark.slow  # a wheel build and a fresh virtualenv: ~20-40 s

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
NO_INDEX = ("Could not find a version that satisfies", "No matching distribution found",
            "NewConnectionError", "Temporary failure in name resolution",
            "Network is unreachable", "Max retries exceeded")


def run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def needs_index(result: subprocess.CompletedProcess, what: str) -> None:
    output = result.stdout + result.stderr
    if result.returncode != 0 and any(words in output for words in NO_INDEX):
        pytest.skip(f"{what}: pip reached no package index\n{output[-2000:]}")
    assert result.returncode == 0, output


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv with the wheel installed, a folder outside the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: the build leaves nothing behind in the repository
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "src", "rules", "schemas"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = work / "dist"
    needs_index(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                     str(dist), str(source)], work), "building the wheel")
    wheel = next(dist.glob("keras_netlint-*.whl"))
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work).check_returncode()
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    needs_index(run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], work),
                "installing the wheel's dependencies")
    outside = work / "elsewhere"
    shutil.copytree(ROOT / "examples", outside / "examples",
                    ignore=shutil.ignore_patterns("diagrams"))
    return wheel, bin_dir, outside


def netlint(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return run([str(bin_dir / "netlint"), *args], cwd, env)


def test_wheel_carries_cards_and_schema(installed):
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    cards = sorted(p.name for p in (ROOT / "rules").glob("NL*.yaml"))
    assert {f"netlint/_data/rules/{card}" for card in cards} <= names
    assert "netlint/_data/schemas/netlint-model.schema.json" in names


def test_explain_reads_the_packaged_card(installed):
    _, bin_dir, outside = installed
    result = netlint(bin_dir, outside, "explain", "NL104")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("NL104 stacked-rnn-missing-return-sequences [error]")
    assert "Bad:" in result.stdout and "Good:" in result.stdout  # the card's models


def test_schema_matches_the_committed_file(installed):
    _, bin_dir, outside = installed
    result = netlint(bin_dir, outside, "schema")
    assert result.returncode == 0, result.stderr
    committed = (ROOT / "schemas" / "netlint-model.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed
    json.loads(result.stdout)


def test_check_examples_outside_the_tree(installed):
    _, bin_dir, outside = installed
    clean = sorted(str(p.relative_to(outside)) for p in (outside / "examples").glob("*.yaml"))
    result = netlint(bin_dir, outside, "check", *clean)
    assert result.returncode == 0, result.stdout + result.stderr
    buggy = netlint(bin_dir, outside, "check", "examples/")
    assert buggy.returncode == 1
    assert "examples/buggy/stacked-lstm.yaml:21:5: NL104 [error]" in buggy.stdout


def test_import_and_api_need_no_keras(installed):
    _, bin_dir, outside = installed
    assert run([str(bin_dir / "python"), "-c", "import keras"], outside).returncode != 0
    result = netlint(bin_dir, outside, "import", str(DATA / "keras2-lstm-300-forecast.json"),
                     "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "LSTM: {units: 300" in result.stdout
    api = run([str(bin_dir / "python"), "-c",
               "import netlint; print(netlint.__version__); print(*(f.code for f in "
               "netlint.check('examples/buggy/stacked-lstm.yaml')))"], outside)
    assert api.returncode == 0, api.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    expected = [f.code for f in netlint_api.check(ROOT / "examples/buggy/stacked-lstm.yaml")]
    assert api.stdout.splitlines() == [version, " ".join(expected)]
