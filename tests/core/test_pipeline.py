"""`netlint.lint`: the one road (load, infer once, rules once) that every command takes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netlint
from netlint import pipeline
from netlint.layers import inference
from netlint.cli import app
from netlint.loader import load

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "examples" / "buggy" / "stacked-lstm.yaml"
CLEAN = ROOT / "examples" / "lstm-units.yaml"
BROKEN = "input: {shape: [4]}\nlayers:\n  - LTSM: {units: 3}\n"  # a loader error (NL002)

runner = CliRunner()


@pytest.fixture
def runs(monkeypatch):
    """How many times each stage ran: inference (wherever it is asked for) and the rules."""
    counts = {"infer": 0, "rules": 0}

    def counted(stage, real):
        def wrapper(*args, **kwargs):
            # the export's plan infers another model, the file's with every free input
            # axis given a length (codegen.plan.concrete_model): not the file's again
            if sys._getframe(1).f_globals["__name__"] != "netlint.codegen.plan":
                counts[stage] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(pipeline, "infer_shapes", counted("infer", pipeline.infer_shapes))
    monkeypatch.setattr(inference, "infer_shapes", counted("infer", inference.infer_shapes))
    monkeypatch.setattr(pipeline, "run_rules", counted("rules", pipeline.run_rules))
    return counts


def test_lint_returns_the_loaded_the_inferred_model_and_what_check_reports():
    linted = netlint.lint(BUGGY)
    assert isinstance(linted, netlint.Linted)
    assert linted.loaded.path == str(BUGGY) and linted.inferred is not None
    assert linted.findings == netlint.check(BUGGY)
    assert not linted.ok and netlint.lint(CLEAN).ok
    # NL104 explains the layer, so check drops the generic NL105, and the core's view
    # (summary's and export's) names the same rule for the same mistake
    assert "NL104" in {f.code for f in linted.findings}
    assert "NL105" not in {f.code for f in linted.findings}
    assert [f.code for f in linted.core_findings] == ["NL104"]


def test_lint_takes_a_path_text_or_a_loaded_alike():
    text = BUGGY.read_text()
    by_path = netlint.lint(BUGGY)
    assert netlint.lint(load(BUGGY)).findings == by_path.findings
    assert [f.code for f in netlint.lint(text).findings] == [f.code for f in by_path.findings]


def test_loader_errors_stop_before_inference_and_the_rules_see_no_model(runs):
    linted = netlint.lint(BROKEN)
    assert linted.inferred is None and not linted.ok
    assert [f.code for f in linted.findings] == ["NL002"] == [f.code for f in
                                                              linted.core_findings]
    assert runs == {"infer": 0, "rules": 1}


def test_infer_is_a_view_of_the_same_result():
    result = netlint.infer(BUGGY)
    assert isinstance(result, netlint.Inferred)
    assert result.model is result.linted.inferred and result.loaded is result.linted.loaded
    assert [f.code for f in result.findings] == ["NL104"] and not result.ok
    assert netlint.summary(result) == netlint.summary(BUGGY)
    assert netlint.diagram(result) == netlint.diagram(result.linted) == netlint.diagram(BUGGY)


def test_the_python_api_lints_once_per_call(runs):
    from netlint.codegen import ScriptOptions

    linted = netlint.lint(CLEAN)
    assert runs == {"infer": 1, "rules": 1}
    netlint.summary(linted)
    netlint.diagram(linted)
    netlint.export(linted, options=ScriptOptions(synthetic=True))
    assert runs == {"infer": 1, "rules": 1}  # a Linted is taken as it is


@pytest.mark.parametrize("argv", [
    ["check", str(BUGGY)],
    ["summary", str(BUGGY)],
    ["summary", str(BUGGY), "-f", "json"],
    ["diagram", str(BUGGY), "-o", "-"],
    ["diagram", str(BUGGY), "--view", "unrolled", "-o", "-"],
    ["export", str(CLEAN), "--synthetic", "-o", "-"],
    ["export", str(BUGGY), "--synthetic", "--force", "-o", "-"],
    ["export", str(CLEAN), "--to", "keras-json", "-o", "-"],
], ids=lambda argv: " ".join(a for a in argv if not a.startswith("/")))
def test_every_command_infers_and_runs_the_rules_once(runs, argv):
    result = runner.invoke(app, argv)
    assert result.exit_code in (0, 1), result.output
    assert runs == {"infer": 1, "rules": 1}


def test_update_diagrams_lints_each_model_once(runs, tmp_path):
    model = tmp_path / "m.yaml"
    model.write_text(CLEAN.read_text())
    result = runner.invoke(app, ["update-diagrams", "--format", "dot", str(model)])
    assert result.exit_code == 1 and (tmp_path / "m.dot").exists(), result.output
    assert runs == {"infer": 1, "rules": 1}


def test_export_still_infers_a_model_the_loader_objected_to_once_for_force(runs):
    linted = netlint.lint("input: {shape: [600, 8]}\nlayers:\n"
                          "  - LSTM: {units: 32, return_sequence: true}\n  - Dense: {units: 1}\n")
    assert linted.inferred is None and [f.code for f in linted.findings] == ["NL003"]
    runs.update(infer=0, rules=0)
    from netlint.codegen import lint as export_lint

    model, _ = export_lint(linted)
    assert model is not None and runs == {"infer": 1, "rules": 0}


def test_nl105_has_one_producer():
    from netlint.drawing import marks
    from netlint.rules import engine
    from netlint.rules.checks import incompatible_shape

    assert engine.GENERIC_SHAPE_CODE is marks.GENERIC_SHAPE_CODE is \
        incompatible_shape.GENERIC_SHAPE_CODE
    assert not hasattr(netlint.api, "shape_findings")
