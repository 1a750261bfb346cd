"""Test set-up shared by every test: Keras runs on its numpy backend, quietly."""

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import subprocess  # noqa: E402 - after the environment set-up above, which must come first

import pytest  # noqa: E402

# Set in the fresh interpreter that runs a `forks` test, so that it runs there, in-process.
FRESH_INTERPRETER = "NETLINT_TEST_FRESH_INTERPRETER"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """A test marked `forks` runs in a fresh interpreter of its own.

    netlint's worker pool forks the process that runs it, which is safe for the
    command (it never loads a multithreaded library such as JAX) but not for this
    test process, where the oracle tests have started JAX's threads: a fork here
    could deadlock, and JAX says so with a RuntimeWarning. There a warning fails the
    test (the fork handler's warning cannot be turned into an exception: Python
    reports it and forks anyway), so a fork of a multithreaded process is caught,
    not filtered."""
    if pyfuncitem.get_closest_marker("forks") is None or os.environ.get(FRESH_INTERPRETER):
        return None
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         pyfuncitem.nodeid],
        cwd=pyfuncitem.config.rootpath, env={**os.environ, FRESH_INTERPRETER: "1"},
        capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    if run.returncode != 0:
        pytest.fail(f"in a fresh interpreter (exit {run.returncode}):\n{output[-6000:]}",
                    pytrace=False)
    summary = output.strip().splitlines()[-1]
    if "warning" in summary:
        pytest.fail(f"warnings in a fresh interpreter:\n{output[-6000:]}", pytrace=False)
    if "passed" not in summary:
        pytest.skip(f"in a fresh interpreter: {output[-1000:]}")
    return True
