"""Issue 17's sequence faults, as the issue writes them: each is one finding of the
right rule (the cards hold the variants; these are the reports' own models)."""

from __future__ import annotations

import pytest

from netlint.api import check

ISSUE_MODELS = {
    "NL102": """\
input: {shape: [30, 30]}
layers: [{LSTM: {units: 32}}, {Dense: {units: 1}}]
compile: {loss: mse, optimizer: adam}
data:
  x: {shape: [1000, 30, 30], axes: [samples, features, time]}
  y: {shape: [1000, 1]}
""",
    "NL101": """\
input: {shape: [64]}
layers: [{Reshape: {target_shape: [1, 64]}}, {LSTM: {units: 32}}, {Dense: {units: 1}}]
""",
    "NL106": """\
input: {shape: [null, 8]}
layers: [{LSTM: {units: 32, return_sequences: true}}, {Dense: {units: 1}}]
compile: {loss: mse, optimizer: adam}
data: {y: {shape: [1000, 1]}}
""",
}


@pytest.mark.parametrize("code", sorted(ISSUE_MODELS))
def test_the_issue_model_raises_its_rule_once(code):
    loud = [f for f in check(ISSUE_MODELS[code]) if f.severity != "info"]
    assert [f.code for f in loud] == [code], "\n".join(f.text() for f in loud)


def test_a_conv1d_that_leaves_an_lstm_one_step_is_one_finding_about_the_conv1d():
    findings = check("input: {shape: [4, 8]}\n"
                     "layers: [{Conv1D: {filters: 8, kernel_size: 4}}, {LSTM: {units: 8}}]\n")
    codes = [f.code for f in findings if f.code in ("NL101", "NL111")]
    assert codes == ["NL101"]
    (finding,) = [f for f in findings if f.code == "NL101"]
    assert finding.message.startswith("Conv1D 'conv1d' leaves 1 timestep")
    assert "window" not in finding.message


def test_the_square_window_fix_is_the_data_not_the_model():
    (finding,) = [f for f in check(ISSUE_MODELS["NL102"]) if f.code == "NL102"]
    assert "the model is right" in finding.message
    assert finding.fix.startswith("x = np.transpose(x, (0, 2, 1))")
