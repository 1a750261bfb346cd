"""Shared by the export tests: which models to export, how to run a script, how to compare.

Exported scripts run in subprocesses with real Keras on the JAX backend (CPU);
their layer tables (`--summary-json`) are compared with `netlint summary
--format json`, never with numbers written into the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from netlint.cli import app

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "models").glob("*.yaml"))
# The tests check what the scripts build and that they train, not how fast the code XLA
# makes runs: cheaper compilation keeps a run of ~25 scripts within a few minutes.
FAST_XLA = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"


def force_if_keras2(path: Path) -> list[str]:
    """`--force` for a fixture written with Keras 1/2 spellings Keras 3 refuses (NL901/
    NL902 errors, and no other error): netlint reads them and writes Keras 3 names, but
    exports a model with lint errors only when forced."""
    from netlint.codegen import lint

    errors = {f.code for f in lint(path)[1] if f.severity == "error"}
    return ["--force"] if errors and errors <= {"NL901", "NL902"} else []


def clean_examples() -> list[Path]:
    """examples/*.yaml without lint errors (the buggy ones are refused, as they should be)."""
    from netlint.codegen import lint

    clean = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        model, findings = lint(path)
        if model is not None and not any(f.severity == "error" for f in findings):
            clean.append(path)
    return clean


def cli(*args: str):
    """Run `netlint ARGS` in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args))


def netlint_summary(path: Path) -> dict:
    result = cli("summary", "--format", "json", str(path))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def compare_layers(keras_table: dict, netlint_table: dict) -> list[str]:
    """Every difference between the built model's layers and netlint's summary."""
    theirs = {row["name"]: row for row in keras_table["layers"]}
    ours = {row["name"]: row for row in netlint_table["layers"]}
    problems = []
    built = {n for n, row in theirs.items() if row["class"] != "InputLayer"}
    inferred = {n for n, row in ours.items() if row["class"] != "InputLayer"}
    if built != inferred:
        problems.append(f"layer names differ: Keras {sorted(built)} netlint {sorted(inferred)}")
    for name in sorted(set(theirs) & set(ours)):
        for key in ("class", "output_shape", "params", "trainable_params",
                    "non_trainable_params"):
            if theirs[name][key] != ours[name][key]:
                problems.append(f"{name}.{key}: Keras {theirs[name][key]!r} netlint "
                                f"{ours[name][key]!r}")
    return problems


def script_env(devices: int = 1) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERAS_", "XLA_", "JAX_"))}
    flags = FAST_XLA + (f" --xla_force_host_platform_device_count={devices}"
                        if devices > 1 else "")
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", XLA_FLAGS=flags,
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    return env


@dataclass
class ScriptRun:
    label: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    layers: dict | None  # the script's --summary-json output


def run_script(label: str, script: Path, workdir: Path, args: list[str],
               devices: int = 1, timeout: float = 600) -> ScriptRun:
    """`python script ARGS --summary-json layers.json` in `workdir`, timed."""
    table = workdir / "layers.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), *args, "--summary-json", str(table)],
                          cwd=workdir, env=script_env(devices), capture_output=True, text=True,
                          timeout=timeout)
    seconds = time.perf_counter() - start
    layers = json.loads(table.read_text()) if table.exists() else None
    return ScriptRun(label, proc.returncode, proc.stdout, proc.stderr, seconds, layers)
