"""Numbers in a model file are read as YAML 1.2 reads them, with a note where PyYAML's
YAML 1.1 reads them otherwise.

The oracle is ruamel.yaml, Python's YAML 1.2 reader; PyYAML gives the YAML 1.1 reading
that the NL903 note is about.
"""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from ruamel.yaml import YAML

from netlint.api import check
from netlint.loader import load_text

YAML12 = YAML(typ="safe", pure=True)


def yaml12(text: str):
    return YAML12.load(f"a: {text}\n")["a"]


def netlint_reads(text: str):
    loaded = load_text(f"a: {text}\n")
    assert loaded.document is not None, loaded.findings
    return loaded.document.value["a"], [f for f in loaded.findings if f.code == "NL903"]


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


NUMBERISH = st.text(alphabet="0123456789_.eE+-xob:", min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(text=NUMBERISH | st.sampled_from([
    "1e-3", "5.7e20", "010", "2:30", "1_000", "0o17", "0x1F", "0b101", ".5", "5.", "1.0e7",
    "-.inf", ".NaN", "+5", "-0x1F", "1.5E-3", "190:20:30", "1.0e-3", "0", "-0.0"]))
def test_numbers_are_what_yaml_1_2_says(text):
    try:
        expected = yaml12(text)
    except Exception:  # noqa: BLE001 - not a scalar ruamel reads (`-`, `:`, `_`): no oracle
        return
    if isinstance(expected, bool) or expected is None:
        return  # booleans and nulls are read as YAML 1.1 reads them (documented)
    value, notes = netlint_reads(text)
    assert same(value, expected), (text, value, expected)
    yaml11 = yaml.safe_load(f"a: {text}\n")["a"]
    assert bool(notes) == (not same(yaml11, expected)), (text, yaml11, expected, notes)


@pytest.mark.parametrize("text, fix", [
    ("1e-3", "write 1.0e-3"), ("5.7e20", "write 5.7e+20"), ("010", "write 10"),
    ("2:30", "quote it ('2:30') if it is text, or write 150 if it is that number"),
])
def test_the_note_gives_a_spelling_both_readers_agree_on(text, fix):
    (note,) = netlint_reads(text)[1]
    assert note.severity == "info" and note.fix == fix
    spelled = fix.split()[1] if fix.startswith("write") else f"'{text}'"
    assert same(yaml.safe_load(f"a: {spelled}\n")["a"], yaml12(spelled))


def test_a_number_spelled_for_yaml_1_2_stops_nothing():
    """The rules still run on a file with `1e-3` and `5.7e20` (it used to be an error)."""
    text = ("input: {shape: [600, 8]}\nlayers:\n  - LSTM: {units: 32}\n  - LSTM: {units: 32}\n"
            "  - Dense: {units: 1}\n"
            "compile: {loss: mse, optimizer: {Adam: {learning_rate: 1e-3}}}\n")
    codes = {f.code for f in check(text)}
    assert {"NL903", "NL104"} <= codes
