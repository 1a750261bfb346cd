"""Every card model with a mechanical fix, fixed: that rule no longer fires, nothing new
does, and real Keras builds the result with the shapes netlint infers. Plus the
properties --fix owes a user's file: a second run changes nothing, random comments,
blank lines and spacing around the edited spans survive, and --diff is a patch that
gives the --fix result."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keras_model import KerasRefused, compare_model_text
from netlint.fixes.run import fix_text
from netlint.loader import load_text
from netlint.pipeline import lint
from netlint.rules.cards import load_cards

CARDS = load_cards()


def fixable_models():
    """(id, model text) of every card model (documented bad and bad cases) that has a
    finding with a fix."""
    for code, card in sorted(CARDS.items()):
        models = [("bad", card["bad"]["model"])]
        models += [(case["name"], case["model"]) for case in card.get("cases") or []
                   if case.get("kind") == "bad" and not case.get("options")]
        for name, text in models:
            text = text if text.endswith("\n") else text + "\n"
            if any(f.autofix is not None for f in lint(text).findings):
                yield pytest.param(text, id=f"{code}-{name}")


FIXABLE = list(fixable_models())


def test_the_cards_hold_fixable_models():
    # the property below must really run: NL104, NL901, NL902, NL903 at least have fixes
    codes = {param.id.split("-")[0] for param in FIXABLE}
    assert {"NL104", "NL901", "NL902"} <= codes, codes


@pytest.mark.parametrize("text", FIXABLE)
def test_a_fixed_card_model_is_clean_of_its_rule_and_builds_in_keras(text):
    before = lint(text).findings
    fixed = fix_text(text, "m.yaml", unsafe=True)
    fixed_codes = {f.code for f in fixed.applied}
    assert fixed_codes, [f.text() for f in before]
    after = {f.code for f in fixed.findings}
    assert not fixed_codes & {f.code for f in fixed.findings if f.autofix is not None}
    # nothing new: every code after the fix was there before it
    assert after <= {f.code for f in before}, sorted(after - {f.code for f in before})
    # a second run has nothing left to do
    assert fix_text(fixed.text, "m.yaml", unsafe=True).text == fixed.text
    loaded = load_text(fixed.text)
    if loaded.ok and not [f for f in fixed.findings if f.severity == "error"]:
        try:
            compare_model_text(fixed.text)
        except KerasRefused as refused:  # Keras refuses what netlint still reports
            pytest.fail(f"Keras refuses the fixed model: {refused}")


# -- the file around the edits ---------------------------------------------------------------

BASE = [
    ("input: {shape: [10, 8]}", None),
    ("layers:", None),
    ("  - CuDNNLSTM: {units: 16}", "  - LSTM: {units: 16, return_sequences: true}"),
    ("  - LSTM: {units: 8, init: glorot_uniform}",
     "  - LSTM: {units: 8, kernel_initializer: glorot_uniform}"),
    ("compile:", None),
    ("  loss: mse", None),
    ("  optimizer: {Adam: {learning_rate: 1e-3}}",
     "  optimizer: {Adam: {learning_rate: 1.0e-3}}"),
]

noise = st.sampled_from(["", "   ", "  # a comment", "  # netlint tip: keep me"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(st.sampled_from(["", "# note", "#"]), max_size=2),
       trailing=st.lists(noise, min_size=len(BASE), max_size=len(BASE)),
       crlf=st.booleans())
def test_comments_blank_lines_and_spacing_around_fixes_survive(before, trailing, crlf):
    lines = [*before]
    expected = [*before]
    for (line, fixed_line), tail in zip(BASE, trailing):
        # a comment after a flow mapping stays on its line; spaces before it too
        lines.append(line + tail)
        expected.append((fixed_line or line) + tail)
    eol = "\r\n" if crlf else "\n"
    text, wanted = eol.join(lines) + eol, eol.join(expected) + eol
    result = fix_text(text, "m.yaml", unsafe=True)
    assert result.text == wanted
    assert fix_text(result.text, "m.yaml", unsafe=True).text == result.text


def test_the_diff_is_a_patch_that_gives_the_fixed_file(tmp_path):
    text = "\n".join(line for line, _ in BASE) + "\n"
    model = tmp_path / "model.yaml"
    model.write_text(text)
    diff = subprocess.run([sys.executable, "-m", "netlint.cli", "check", "--diff",
                           "--unsafe-fixes", "model.yaml"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert diff.returncode == 1 and model.read_text() == text
    subprocess.run(["patch", "-p1", "--quiet"], input=diff.stdout, text=True, cwd=tmp_path,
                   check=True)
    patched = model.read_text()
    model.write_text(text)
    subprocess.run([sys.executable, "-m", "netlint.cli", "check", "--fix", "--unsafe-fixes",
                    "model.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert patched == model.read_text() != text


def test_an_interrupted_fix_leaves_the_original_file(tmp_path, monkeypatch):
    from netlint.cli import check_fix

    model = tmp_path / "model.yaml"
    text = "\n".join(line for line, _ in BASE) + "\n"
    model.write_text(text)

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", crash)
    said = []
    assert check_fix._write(str(model), text.replace("CuDNNLSTM", "LSTM"), said.append) is False
    assert model.read_text() == text and "No space left" in said[0]
    assert [p.name for p in tmp_path.iterdir()] == ["model.yaml"]


def test_the_fixes_page_lists_every_fixable_rule_with_its_kind():
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "fixes.md").read_text()
    listed = dict(re.findall(r"^\| (NL\d{3}) \|[^|]*\| (safe|unsafe) \|", page, re.MULTILINE))
    kinds: dict = {}
    for param in FIXABLE:
        for finding in lint(param.values[0]).findings:
            if finding.autofix is not None:
                kinds.setdefault(finding.code, set()).add(
                    "safe" if finding.autofix.safe else "unsafe")
    assert {code: {kind} for code, kind in listed.items() if code in kinds} == kinds
    assert set(kinds) <= set(listed), "a fixable rule is missing from docs/fixes.md"
