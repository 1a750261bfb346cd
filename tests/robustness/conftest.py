"""Checks every robustness test gets for free."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def no_child_process_left():
    """Nothing a test ran (netlint's worker processes above all) outlives it: a worker
    left running, or never waited for, is a leak the next test would trip over."""
    yield
    try:
        left = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:  # no child at all: the expected case
        return
    pytest.fail(f"a child process outlived the test (waitpid: {left})")
