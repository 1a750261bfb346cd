"""One mistake, one finding (issue 17, class 13): an empty list item, a misspelt
argument or a misspelt top-level key is reported once, where it is, with the fix; the
schema and the layer reader do not both say it, and a misspelt required argument is not
also reported missing."""

import pytest

from netlint.api import check

BODY = "input: {shape: [4]}\nlayers:\n"


@pytest.mark.parametrize("text, expected", [
    pytest.param(BODY + "  - Dense: {units: 4, activation: relu}\n  -\n  - Dense: {units: 1}\n",
                 [("NL001", 4, 4, "an empty layer item", "remove the `-`")],
                 id="empty-block-item"),
    pytest.param(BODY + "  - Dense: {units: 4, activation: relu}\n  - \n  - Dense: {units: 1}\n",
                 [("NL001", 4, 4, "an empty layer item", "remove the `-`")],
                 id="empty-block-item-trailing-space"),
    pytest.param("input: {shape: [4]}\nlayers: [{Dense: {units: 4}}, , {Dense: {units: 1}}]\n",
                 [("NL001", 2, 31, "YAML syntax error", None)],
                 id="empty-flow-item"),
    pytest.param(BODY + "  - Dense: {unit: 4, activation: relu}\n  - Dense: {units: 1}\n",
                 [("NL003", 3, 13, "Dense takes no argument 'unit'", "did you mean 'units'?")],
                 id="misspelt-required-argument"),
    pytest.param(BODY + "  - Conv1D: {filter: 4, kernel_size: 2}\n",
                 [("NL003", 3, 14, "Conv1D takes no argument 'filter'",
                   "did you mean 'filters'?")],
                 id="misspelt-required-argument-conv"),
    pytest.param(BODY + "  - Dense: {units: 4, activaton: relu}\n  - Dense: {units: 1}\n",
                 [("NL003", 3, 23, "Dense takes no argument 'activaton'",
                   "did you mean 'activation'?")],
                 id="misspelt-optional-argument"),
    pytest.param("input: {shape: [4]}\nlayer:\n  - Dense: {units: 1}\n",
                 [("NL001", 2, 1, "unknown key 'layer'", "did you mean 'layers'?")],
                 id="misspelt-layers-key"),
    pytest.param(BODY + "  - Dense: {units: 1}\ncompile: {loss: mse, optimizer: adam}\n"
                 "trian: {epochs: 3}\n",
                 [("NL001", 5, 1, "unknown key 'trian'", "did you mean 'train'?")],
                 id="misspelt-train-key"),
])
def test_one_mistake_one_finding(text, expected):
    findings = check(text)
    got = [(f.code, f.line, f.column) for f in findings]
    assert got == [(code, line, column) for code, line, column, _, _ in expected], \
        "\n".join(f.text() for f in findings)
    for finding, (_, _, _, words, fix) in zip(findings, expected):
        assert words in finding.message
        if fix is not None:
            assert fix in (finding.fix or "")


def test_missing_required_argument_alone_is_still_reported():
    """Without a misspelling that stands for it, a missing `units` is reported (NL001)."""
    findings = check(BODY + "  - Dense: {activation: relu}\n")
    assert [(f.code, f.message) for f in findings] == [("NL001", "Dense needs units")]


def test_missing_layers_alone_is_still_reported():
    findings = check("input: {shape: [4]}\n")
    assert [f.code for f in findings] == ["NL001"]
    assert "'layers' is a required property" in findings[0].message
