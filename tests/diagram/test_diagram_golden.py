"""Golden DOT files: the same model gives byte-identical DOT, and changes are deliberate.

A change in a diagram shows up here as a diff of the .dot file. To accept it,
rewrite the goldens and review the diff: NETLINT_UPDATE_GOLDEN=1 pytest tests/diagram
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from diagram_helpers import GOLDEN, MODELS, UPDATE_GOLDEN, dot_for

MODEL_FILES = sorted(MODELS.glob("*.yaml"))
CASES = [(path, view) for path in MODEL_FILES for view in ("graph", "unrolled")]


@pytest.mark.parametrize("path,view", CASES, ids=[f"{p.stem}-{v}" for p, v in CASES])
def test_dot_matches_golden(path, view):
    golden = GOLDEN / f"{path.stem}.{view}.dot"
    source = dot_for(path, view=view)
    if UPDATE_GOLDEN:
        golden.write_text(source, encoding="utf-8")
    assert golden.exists(), f"no golden for {path.name} ({view}); run with " \
                            f"NETLINT_UPDATE_GOLDEN=1 to create it"
    assert source == golden.read_text(encoding="utf-8"), \
        f"{golden.name} differs; if the change is intended, rerun with NETLINT_UPDATE_GOLDEN=1"


def test_every_golden_has_a_model():
    """A golden whose model was removed would otherwise linger unnoticed."""
    expected = {f"{p.stem}.{v}.dot" for p, v in CASES}
    assert {g.name for g in GOLDEN.glob("*.dot")} == expected


_PRINT_ALL = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from diagram_helpers import MODELS, dot_for
for path in sorted(MODELS.glob("*.yaml")):
    for view in ("graph", "unrolled"):
        sys.stdout.write(dot_for(path, view=view))
"""


def test_dot_is_the_same_under_any_hash_seed():
    """Set and dict iteration must not leak into the output: two seeds, one DOT."""
    code = _PRINT_ALL.format(tests=str(MODELS.parent))
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                              check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"digraph netlint {") == len(CASES)
