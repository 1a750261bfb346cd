"""Exported scripts train with real Keras, and build exactly the model netlint describes.

For one example or fixture of each kind (every one with NETLINT_TRAIN_ALL=1): export
with --synthetic, run the script in a subprocess (JAX on CPU, one epoch, three
batches of samples), and compare each layer's output shape and parameter
counts with `netlint summary --format json`. Two more runs prove the
data-parallel path (two simulated CPU devices) and loading `data:` paths
(.npy memory-mapped, .npz by key) under mixed precision.

The scripts run two at a time (the machine has two cores); every run's time
is printed at the end of the session (see conftest.py).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from export_helpers import (
    FIXTURES, ROOT, ScriptRun, clean_examples, cli, compare_layers, force_if_keras2,
    netlint_summary,
    run_script,
)

pytestmark = pytest.mark.slow

EXAMPLES = clean_examples()
# Every example and fixture already builds exactly netlint's model through keras-json and
# the script's own build (test_export_keras_json.py, test_export_cli.py, seconds each);
# training is the slow part (~8 s a script on two cores), so the default run trains one
# model of each kind, and NETLINT_TRAIN_ALL=1 trains them all.
REPRESENTATIVE = {
    "examples/stacked-lstm.yaml",  # stacked recurrent layers
    "examples/imdb-bidirectional-lstm.yaml",  # token ids, Embedding, Bidirectional
    "examples/addition-rnn-seq2seq.yaml",  # RepeatVector, TimeDistributed softmax
    "examples/mnist-convnet.yaml",  # convolutions on images
    "examples/timedistributed-softmax.yaml",  # a per-timestep classifier
    "tests/export/models/functional-heads.yaml",  # two inputs, two outputs
    "tests/export/models/keras2-no-compile.yaml",  # Keras 2 spellings, no compile:
    "tests/export/models/stateful-lstm.yaml",  # a fixed batch
    "tests/export/models/variable-length.yaml",  # a free time axis
}
MODELS = [model for model in EXAMPLES + FIXTURES
          if os.environ.get("NETLINT_TRAIN_ALL")
          or model.relative_to(ROOT).as_posix() in REPRESENTATIVE]
DATA_PARALLEL_MODEL = ROOT / "tests" / "export" / "models" / "functional-heads.yaml"
DATA_PATHS_MODEL = ROOT / "examples" / "two-input-functional.yaml"
TIMINGS: list = []  # (label, seconds), printed by conftest.py


def _label(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _batch(path: Path) -> int:
    from netlint.api import infer
    from netlint.codegen.plan import make_plan

    return make_plan(infer(path).model).batch_size


def _export(model: Path, script: Path, *options: str) -> None:
    result = cli("export", str(model), "-o", str(script), *options, *force_if_keras2(model))
    assert result.exit_code == 0, result.output


def _synthetic_job(model: Path, workdir: Path, devices: int = 1) -> tuple:
    """Export now (in this thread: the CLI runner swaps sys.stdout); run the script later."""
    script = workdir / "train.py"
    _export(model, script, "--synthetic")
    samples = 3 * _batch(model) * devices  # two training batches, one validation batch
    label = _label(model) + (f" ({devices} devices)" if devices > 1 else "")
    return label, script, workdir, ["--epochs", "1", "--samples", str(samples)], devices


def _data_paths_job(workdir: Path) -> tuple:
    """two-input-functional.yaml with real files: series .npy, static and y in one .npz."""
    rng = np.random.default_rng(0)
    count = 3 * _batch(DATA_PATHS_MODEL)
    np.save(workdir / "series.npy", rng.normal(size=(count, 30, 8)).astype("float32"))
    np.savez(workdir / "rest.npz", static=rng.normal(size=(count, 4)),
             price=rng.normal(size=(count, 1)))
    text = DATA_PATHS_MODEL.read_text().split("\ndata:")[0] + (
        "\ndata:\n  series: {path: ../series.npy}\n  static: {path: ../rest.npz}\n"
        "  y: {path: ../rest.npz, key: price}\n")
    (workdir / "data").mkdir()
    model = workdir / "data" / "model.yaml"  # data paths are relative to the model file
    model.write_text(text)
    script = workdir / "train.py"
    _export(model, script, "--mixed-precision", "float16")
    return ("two-input-functional with data paths, mixed_float16", script, workdir,
            ["--epochs", "1"], 1)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every script run, two at a time; keyed by what was run."""
    jobs = {_label(model): _synthetic_job(model, tmp_path_factory.mktemp("run"))
            for model in MODELS}
    jobs["data-parallel"] = _synthetic_job(DATA_PARALLEL_MODEL, tmp_path_factory.mktemp("dp"),
                                           devices=2)
    jobs["data-paths"] = _data_paths_job(tmp_path_factory.mktemp("data"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(run_script, *job) for key, job in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    TIMINGS.extend((run.label, run.seconds) for run in results.values())
    return results


def _assert_trained(run: ScriptRun) -> None:
    assert run.returncode == 0, f"{run.label} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
    assert "Saved the trained model to model.keras" in run.stdout
    assert run.layers is not None, f"{run.label}: no layer table written"


def test_every_representative_is_a_model_that_passes_lint():
    """A renamed or newly broken example must not drop out of the training runs unseen."""
    labels = {model.relative_to(ROOT).as_posix() for model in EXAMPLES + FIXTURES}
    assert REPRESENTATIVE <= labels, sorted(REPRESENTATIVE - labels)


def test_examples_are_covered():
    # the examples folder is where users look first; a broken lint would empty this list
    assert len(EXAMPLES) >= 10, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_script_builds_netlints_model_and_trains(model, runs):
    run = runs[_label(model)]
    _assert_trained(run)
    assert compare_layers(run.layers, netlint_summary(model)) == []


def test_data_parallel_on_two_devices(runs):
    run = runs["data-parallel"]
    _assert_trained(run)
    assert "keras.distribution.DataParallel on 2 devices" in run.stdout
    assert compare_layers(run.layers, netlint_summary(DATA_PARALLEL_MODEL)) == []


def test_one_device_trains_without_distribution(runs):
    run = runs[_label(DATA_PARALLEL_MODEL)]
    _assert_trained(run)
    assert "DataParallel" not in run.stdout and "Training on one device" in run.stdout


def test_data_paths_and_mixed_precision(runs):
    run = runs["data-paths"]
    _assert_trained(run)
    assert compare_layers(run.layers, netlint_summary(DATA_PATHS_MODEL)) == []
