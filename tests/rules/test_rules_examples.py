"""The seed examples as tests: each buggy form raises what its `# expect:` line says,
and no clean model (fixed examples, well-known Keras models) raises a warning or error.

The buggy lists are complete at warning level and above (an extra warning there is
either a false alarm or a missing entry, and both need a look); info findings may
come on top.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netlint.model.findings import severity_rank
from netlint.pipeline import lint_loaded
from netlint.rules.config import Config
from netlint.rules.engine import registry
from netlint.loader import load

ROOT = Path(__file__).resolve().parents[2]
BUGGY = sorted((ROOT / "examples" / "buggy").glob("*.yaml"))
FIXED = sorted((ROOT / "examples").glob("*.yaml"))
KNOWN_GOOD = sorted((Path(__file__).parent / "clean_models").glob("*.yaml"))
EXPECT = re.compile(r"^#\s*expect:\s*(.*)$", re.MULTILINE)


def findings(path: Path) -> list:
    # an isolated default config: the repository's own settings must not hide anything
    return lint_loaded(load(path), Config(isolated=True)).findings


def expected_codes(path: Path) -> set:
    match = EXPECT.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} has no `# expect:` line"
    words = [w.strip() for w in match.group(1).split(",")]
    return {w for w in words if w and w != "clean"}


def at_least_warning(found: list) -> list:
    return [f for f in found if severity_rank(f.severity) >= severity_rank("warning")]


def test_the_examples_are_there():
    assert len(BUGGY) >= 10 and len(FIXED) >= 10 and len(KNOWN_GOOD) >= 10


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_buggy_example_raises_what_it_expects(path):
    expected = expected_codes(path)
    assert expected, f"{path.name}: a buggy example must expect at least one rule"
    unknown = expected - set(registry())
    assert not unknown, f"{path.name} expects rules that do not exist: {unknown}"
    found = findings(path)
    fired = {f.code for f in found}
    report = "\n".join(f.text() for f in found)
    assert expected <= fired, f"missing {sorted(expected - fired)}:\n{report}"
    surplus = {f.code for f in at_least_warning(found)} - expected
    assert not surplus, f"unexpected {sorted(surplus)}:\n{report}"


@pytest.mark.parametrize("path", FIXED + KNOWN_GOOD, ids=lambda p: p.stem)
def test_clean_model_raises_no_warning(path):
    if path in FIXED:
        assert expected_codes(path) == set(), f"{path.name} should say `# expect: clean`"
    loud = at_least_warning(findings(path))
    assert not loud, "\n".join(f.text() for f in loud)


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.stem)
def test_buggy_example_names_a_fixed_form_that_exists(path):
    match = re.search(r"Fixed forms?: (\.\./[\w.-]+\.yaml)", path.read_text(encoding="utf-8"))
    assert match, f"{path.name} names no fixed form"
    assert (path.parent / match.group(1)).resolve() in {p.resolve() for p in FIXED}


def test_messages_carry_the_models_own_numbers():
    """The stacked-LSTM example's message is the one the issue promises, word for word."""
    found = findings(ROOT / "examples" / "buggy" / "stacked-lstm.yaml")
    nl104 = [f for f in found if f.code == "NL104"]
    assert [f.text().split(": ", 1)[1] for f in nl104] == [
        "NL104 [error] LSTM 'lstm_1' needs a sequence (None, timesteps, features) but 'lstm' "
        "gives (None, 32): set return_sequences: true on 'lstm'"]
    assert (nl104[0].line, nl104[0].column) == (21, 5)
