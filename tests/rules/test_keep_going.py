"""A problem local to one value is a located finding, and the rest of the file is still
analysed: an unknown metric says nothing about the layers (issue: the front door)."""

from __future__ import annotations

import pytest

from netlint.api import check, infer
from netlint.loader import load_text

STACKED = ("input: {shape: [600, 8]}\nlayers:\n  - LSTM: {units: 32}\n  - LSTM: {units: 32}\n"
           "  - Dense: {units: 1}\n")


def codes(text: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in check(text)]


@pytest.mark.parametrize("tail, refused_at", [
    ("compile: {loss: mse, metrics: [acurracy]}\n", (6, 32)),  # an unknown metric
    ("compile: {loss: msee}\n", (6, 17)),  # an unknown loss
    ("train: {epochs: 3, show_accuracy: true}\n", (6, 20)),  # Keras 1's fit argument
    ("train: {epochs: many}\n", (6, 17)),
    ("data:\n  x: {shape: [100, 600, 8], rnage: [0, 1]}\n", (7, 29)),  # a typo under data:
])
def test_a_local_problem_leaves_the_rest_of_the_file_analysed(tail, refused_at):
    found = codes(STACKED + tail)
    assert ("NL001",) + refused_at in found
    assert ("NL104", 4, 5) in found  # the stacked LSTM missing return_sequences


def test_the_values_after_a_refused_list_item_keep_their_places():
    text = ("input: {shape: [4]}\nlayers: [{Dense: 1}]\n"
            "compile: {loss: mse, metrics: [acurracy, acc]}\n")
    found = codes(text)
    assert ("NL001", 3, 32) in found
    assert ("NL302", 3, 42) in found  # accuracy under mse, at the second item


def test_summary_and_diagram_see_the_model_despite_a_local_problem():
    result = infer(load_text(STACKED.replace("LSTM: {units: 32}\n  - LSTM", "LSTM: {units: 32, "
                                   "return_sequences: true}\n  - LSTM")
                             + "compile: {loss: mse, metrics: [acurracy]}\n"))
    assert result.model is not None
    assert any(f.code == "NL001" for f in result.findings)


@pytest.mark.parametrize("layers", [
    "  - LSTM: {units: 32, return_sequence: true}\n  - LSTM: {units: 32}\n",  # NL003
    "  - LSTM: {units: many}\n  - LSTM: {units: 32}\n",  # NL001 in a layer
])
def test_a_problem_in_the_layers_still_stops_the_file(layers):
    text = "input: {shape: [600, 8]}\nlayers:\n" + layers + "  - Dense: {units: 1}\n"
    found = {code for code, _, _ in codes(text)}
    assert found & {"NL001", "NL003"} and "NL104" not in found
