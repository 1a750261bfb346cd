"""The rule engine: registry, selection, severities, shape-error ownership, CLI exit codes."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from netlint.api import check
from netlint.cli import app
from netlint.model.findings import SEVERITIES
from netlint.pipeline import lint_loaded
from netlint.rules import engine
from netlint.rules.config import Config, ConfigError
from netlint.rules.engine import Context, RuleCrash, registry
from netlint.loader import load_text

runner = CliRunner()

CLEAN = "input: {shape: [20, 1]}\nlayers:\n  - LSTM: {units: 4}\n  - Dense: {units: 1}\n"
# Reshape gets 4 values for 15 places: a shape error no specific rule claims -> NL105 at 4:5
BROKEN = ("input: {shape: [20, 1]}\nlayers:\n  - LSTM: {units: 4}\n"
          "  - Reshape: {target_shape: [3, 5]}\n  - Dense: {units: 1}\n")


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def invoke(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env={"GITHUB_ACTIONS": "", **(env or {})})


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- registry ------------------------------------------------------------------------------

def test_registry_has_engine_rules_with_valid_metadata():
    rules = registry()
    for code in ("NL001", "NL002", "NL003", "NL004", "NL010", "NL105"):
        assert code in rules
    names = [r.name for r in rules.values()]
    assert len(names) == len(set(names))
    for code, rule in rules.items():
        assert re.fullmatch(r"NL\d{3}", code) and rule.code == code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.severity in SEVERITIES
        assert rule.summary and "\n" not in rule.summary


def test_every_rule_is_its_own_module_or_made_by_an_earlier_stage():
    # the check of each rule is the `check` of the module its card names, one module per
    # rule; the loader's rules (NL001-NL004, NL903) and NL010 have none
    import importlib

    catalog = engine.read_catalog()
    modules = set()
    for code, rule in registry().items():
        module = catalog[code]["module"]
        if module is None:
            assert rule.check is engine._reported_elsewhere and rule.needs is None, code
            continue
        assert module == rule.name.replace("-", "_") and module not in modules, code
        modules.add(module)
        checks = importlib.import_module(f"netlint.rules.checks.{module}")
        assert rule.needs is getattr(checks, "needs", None), code
        if rule.needs is None:
            assert rule.check is checks.check, code
        else:  # imported where it first runs: the same findings, through a stand-in
            assert catalog[code]["needs"] == rule.needs.__name__, code


def test_a_rule_with_needs_is_not_imported_until_a_file_needs_it():
    import ast
    import subprocess
    import sys

    code = ("import sys\nfrom netlint.api import check\n"
            "check('input: {shape: [4]}\\nlayers:\\n  - Dense: {units: 1}\\n')\n"
            "print(sorted(m for m in sys.modules if m.startswith('netlint.rules.checks.')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    imported = {m.rsplit(".", 1)[1] for m in ast.literal_eval(run.stdout)}
    catalog = engine.read_catalog()
    assert imported == {e["module"] for e in catalog.values() if e["module"] and not e["needs"]}


def _rule(code: str, name: str, severity: str) -> engine.Rule:
    return engine.Rule(code, name, severity, "x", lambda ctx: ())


def test_registering_a_code_twice_or_a_bad_severity_is_refused(temp_rules):
    code = temp_rules(lambda ctx: ())
    with pytest.raises(ValueError, match="registered twice"):
        engine.add_rule(_rule(code, "another-name", "warning"))
    with pytest.raises(ValueError, match="severity"):
        engine.add_rule(_rule("NL898", "bad-severity", "fatal"))
    with pytest.raises(ValueError, match="used by both"):
        engine.add_rule(_rule("NL897", engine.RULES[code].name, "info"))


def test_context_report_uses_the_rule_and_its_path(temp_rules):
    seen = {}

    def check_(ctx: Context):
        seen["options"] = ctx.options
        layer = ctx.model.layers[0]
        yield ctx.report("first", layer.position, fix="do this", layer=layer.name)
        yield ctx.report("second", None, severity="error")

    code = temp_rules(check_, options={"limit": 3})
    findings = [f for f in lint_loaded(load_text(CLEAN, "m.yaml")).findings if f.code == code]
    assert [(f.message, f.severity, f.path, f.line, f.column, f.layer, f.fix)
            for f in findings] == [
        ("second", "error", "m.yaml", 1, 1, None, None),
        ("first", "warning", "m.yaml", 3, 5, "lstm", "do this")]
    assert all(f.name == engine.RULES[code].name for f in findings)
    assert seen["options"] == {"limit": 3}


def test_context_report_refuses_an_unknown_severity(temp_rules):
    code = temp_rules(lambda ctx: [ctx.report("x", None, severity="fatal")])
    with pytest.raises(RuleCrash) as crash:
        lint_loaded(load_text(CLEAN, "m.yaml"))
    assert crash.value.code == code and "fatal" in str(crash.value)


# -- selection -----------------------------------------------------------------------------

def test_select_by_id_prefix_name_and_all(temp_rules):
    a = temp_rules(lambda ctx: [ctx.report("a", None)])
    b = temp_rules(lambda ctx: [ctx.report("b", None)], severity="info")
    name_b = engine.RULES[b].name

    def run(**kwargs):
        return set(codes(lint_loaded(load_text(CLEAN, "m.yaml"), Config(**kwargs)).findings))

    assert run() == {a, b}
    assert run(select=(a,)) == {a}
    assert run(select=(name_b,)) == {b}
    assert run(select=("NL8",)) == {a, b}
    assert run(select=("nl8",)) == {a, b}
    assert run(select=("NL1",)) == set()
    assert run(select=("ALL",), ignore=(a,)) == {b}
    assert run(ignore=("NL8",)) == set()


def test_more_specific_selector_wins_within_a_layer(temp_rules):
    a = temp_rules(lambda ctx: [ctx.report("a", None)])
    b = temp_rules(lambda ctx: [ctx.report("b", None)])
    loaded = load_text(CLEAN, "m.yaml")
    assert set(codes(lint_loaded(loaded, Config(select=("NL8",), ignore=(a,))).findings)) == {b}
    assert set(codes(lint_loaded(loaded, Config(select=(a,), ignore=("NL8",))).findings)) == {a}


def test_unknown_selector_is_a_config_error_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"'NL15'.*|did you mean"):
        lint_loaded(load_text(CLEAN), Config(select=("NL15",)))
    with pytest.raises(ConfigError, match="did you mean 'incompatible-shape'"):
        lint_loaded(load_text(CLEAN), Config(ignore=("incompatible-shap",)))


def test_loader_findings_go_through_selection():
    text = "input: {shape: [20, 1]}\nlayers:\n  - LTSM: {units: 4}\n"
    assert codes(lint_loaded(load_text(text)).findings) == ["NL002"]
    assert lint_loaded(load_text(text), Config(ignore=("NL002",))).findings == []
    assert lint_loaded(load_text(text), Config(ignore=("unknown-layer",))).findings == []


def test_severity_override_applies_to_every_finding_of_the_rule():
    findings = lint_loaded(load_text(BROKEN), Config(severity={"NL105": "info"})).findings
    assert [(f.code, f.severity) for f in findings] == [("NL105", "info")]
    with pytest.raises(ConfigError, match="not a severity"):
        lint_loaded(load_text(BROKEN), Config(severity={"NL105": "fatal"}))


def test_findings_are_sorted_and_deduplicated(temp_rules):
    def check_(ctx):
        layers = ctx.model.layers
        return [ctx.report("z", layers[1].position), ctx.report("y", layers[0].position),
                ctx.report("y", layers[0].position)]

    code = temp_rules(check_)
    found = [f for f in lint_loaded(load_text(CLEAN)).findings if f.code == code]
    assert [(f.line, f.message) for f in found] == [(3, "y"), (4, "z")]


# -- shape errors: NL105 unless a shape rule explains the layer ------------------------------

def test_shape_error_is_nl105_by_default():
    (finding,) = lint_loaded(load_text(BROKEN, "m.yaml")).findings
    assert (finding.code, finding.line, finding.column, finding.layer) == \
        ("NL105", 4, 5, "reshape")
    assert "(None, 4)" in finding.message and "15" in finding.message


def test_shape_rule_at_error_level_claims_the_layer(temp_rules):
    def explain(ctx):
        for node in ctx.inferred.errors:
            yield ctx.report("specific", node.spec.position, layer=node.name)

    specific = temp_rules(explain, family="NL1", severity="error")
    assert codes(lint_loaded(load_text(BROKEN)).findings) == [specific]
    # one mistake, one rule: ignoring the specific rule silences it, it does not come back
    # as NL105; summary and export, which refuse a broken model whatever the config, name
    # the specific rule too
    ignored = lint_loaded(load_text(BROKEN), Config(ignore=(specific,)))
    assert codes(ignored.findings) == []
    assert codes(ignored.core_findings) == [specific]
    assert codes(lint_loaded(load_text(BROKEN), Config(select=("NL105",))).findings) == []


def test_a_warning_does_not_claim_the_layer(temp_rules):
    def explain(ctx):
        for node in ctx.inferred.errors:
            yield ctx.report("hint", node.spec.position, layer=node.name)

    warning = temp_rules(explain, family="NL1", severity="warning")
    assert sorted(codes(lint_loaded(load_text(BROKEN)).findings)) == ["NL105", warning]


def test_an_error_from_any_family_claims_the_layer(temp_rules):
    # NL203 (stateful without a fixed batch) explains the layer as well as NL104 does
    def explain(ctx):
        for node in ctx.inferred.errors:
            yield ctx.report("because", node.spec.position, layer=node.name)

    other_family = temp_rules(explain, family="NL8", severity="error")
    assert codes(lint_loaded(load_text(BROKEN)).findings) == [other_family]


def test_rules_do_not_run_when_the_loader_failed(temp_rules):
    ran = []
    temp_rules(lambda ctx: ran.append(1) or ())
    lint_loaded(load_text("input: {shape: [20, 1]}\nlayers:\n  - LTSM: {units: 4}\n"))
    assert ran == []
    lint_loaded(load_text(CLEAN))
    assert ran == [1]


def test_rule_crash_names_rule_and_file(temp_rules, tmp_path):
    code = temp_rules(lambda ctx: 1 / 0)
    with pytest.raises(RuleCrash, match=f"{code} crashed on .*m.yaml: ZeroDivisionError"):
        lint_loaded(load_text(CLEAN, "m.yaml"))
    result = invoke("check", str(write(tmp_path, "m.yaml", CLEAN)))
    assert result.exit_code == 2
    assert "internal error" in result.output and "Traceback" not in result.output


# -- api.check -----------------------------------------------------------------------------

def test_check_accepts_text_file_and_folder(tmp_path):
    assert codes(check(BROKEN)) == ["NL105"]
    file = write(tmp_path, "a/broken.yaml", BROKEN)
    write(tmp_path, "a/b/clean.yml", CLEAN)
    write(tmp_path, "a/b/broken2.yaml", BROKEN)
    assert [f.path for f in check(file)] == [str(file)]
    assert sorted(f.path for f in check(tmp_path / "a")) == sorted(
        [str(file), str(tmp_path / "a/b/broken2.yaml")])
    with pytest.raises(FileNotFoundError):
        check(tmp_path / "nope.yaml")


# -- the command: exit codes and options -------------------------------------------------------

def test_clean_file_exits_0_silently(tmp_path):
    result = invoke("check", str(write(tmp_path, "m.yaml", CLEAN)))
    assert (result.exit_code, result.output) == (0, "")


def test_findings_exit_1_and_exit_zero_exits_0(tmp_path):
    path = write(tmp_path, "m.yaml", BROKEN)
    result = invoke("check", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{path}:4:5: NL105 [error] Reshape 'reshape'")
    assert result.output.splitlines()[-1] == "Found 1 problem (1 error) in 1 file."
    assert invoke("check", "--exit-zero", str(path)).exit_code == 0


def test_fail_on_threshold(tmp_path):
    # NL010 (a stale suppression) is a warning
    path = write(tmp_path, "m.yaml", CLEAN.replace("{units: 4}", "{units: 4}  # netlint: "
                                                   "disable=NL105", 1))
    assert invoke("check", str(path)).exit_code == 1
    assert invoke("check", "--fail-on", "warning", str(path)).exit_code == 1
    assert invoke("check", "--fail-on", "error", str(path)).exit_code == 0
    assert invoke("check", "--fail-on", "info", str(path)).exit_code == 1
    info = invoke("check", "--fail-on", "error", "--statistics", str(path))
    assert "NL010" in info.output  # below the threshold: still shown, exit 0
    assert invoke("check", "--fail-on", "fatal", str(path)).exit_code == 2


def test_fail_on_info_counts_info_findings(temp_rules, tmp_path):
    temp_rules(lambda ctx: [ctx.report("hint", None)], severity="info")
    path = write(tmp_path, "m.yaml", CLEAN)
    assert invoke("check", str(path)).exit_code == 0
    assert invoke("check", "--fail-on", "info", str(path)).exit_code == 1


def test_select_and_ignore_options(tmp_path):
    path = write(tmp_path, "m.yaml", BROKEN)
    assert invoke("check", "--ignore", "NL105", str(path)).exit_code == 0
    assert invoke("check", "--ignore", "NL0,NL1", str(path)).exit_code == 0
    assert invoke("check", "--select", "NL0", "--select", "NL010", str(path)).exit_code == 0
    assert invoke("check", "--select", "incompatible-shape", str(path)).exit_code == 1
    bad = invoke("check", "--select", "NL9999", str(path))
    assert bad.exit_code == 2 and "no rule matches 'NL9999'" in bad.output


def test_missing_path_exits_2_but_checks_the_rest(tmp_path):
    path = write(tmp_path, "m.yaml", BROKEN)
    result = invoke("check", str(path), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "missing.yaml: no such file or folder" in result.output
    assert "NL105" in result.output


def test_invalid_yaml_is_a_finding_not_a_crash(tmp_path):
    path = write(tmp_path, "m.yaml", "input: {shape: [20, 1]\nlayers: [\n")
    result = invoke("check", str(path))
    assert result.exit_code == 1 and "NL001 [error] YAML syntax error" in result.output


def test_folder_search_finds_model_files_only(tmp_path):
    write(tmp_path, "models/a.yaml", BROKEN)
    write(tmp_path, "models/deep/b.yml", BROKEN)
    write(tmp_path, "models/.hidden/c.yaml", BROKEN)
    write(tmp_path, "models/ci.yaml", "jobs:\n  test: {runs-on: ubuntu}\n")
    write(tmp_path, "models/notes.txt", BROKEN)
    result = invoke("check", "-f", "json", str(tmp_path / "models"))
    paths = {f["path"] for f in json.loads(result.output)["findings"]}
    assert paths == {str(tmp_path / "models/a.yaml"), str(tmp_path / "models/deep/b.yml")}
    assert json.loads(result.output)["summary"]["files_checked"] == 2
    empty = invoke("check", str(write(tmp_path, "empty/ci.yaml", "on: push\n").parent))
    assert empty.exit_code == 0 and "no model files found" in empty.output


def test_quiet_prints_nothing(tmp_path):
    path = write(tmp_path, "m.yaml", BROKEN)
    for fmt in ("text", "json", "sarif", "github"):
        result = invoke("check", "--quiet", "-f", fmt, str(path))
        assert (result.exit_code, result.output) == (1, "")


def test_statistics_counts_per_code(tmp_path):
    write(tmp_path, "a.yaml", BROKEN)
    write(tmp_path, "b.yaml", BROKEN)
    result = invoke("check", "--statistics", str(tmp_path))
    lines = result.output.splitlines()
    assert lines[0].split() == ["2", "NL105", "[error]", "incompatible-shape"]
    assert lines[-1] == "Found 2 problems (2 errors) in 2 files."


def test_github_format_is_the_default_under_github_actions(tmp_path):
    path = write(tmp_path, "m.yaml", BROKEN)
    result = invoke("check", str(path), env={"GITHUB_ACTIONS": "true"})
    assert result.output.startswith("::error file=")
    assert invoke("check", "-f", "text", str(path),
                  env={"GITHUB_ACTIONS": "true"}).output.startswith(str(path))


# -- rules and explain -------------------------------------------------------------------------

def test_rules_lists_every_rule_in_text_and_json():
    rules = registry()
    text = invoke("rules")
    assert text.exit_code == 0
    listed = [line.split()[0] for line in text.output.splitlines()[1:]]
    assert listed == list(rules)
    rows = json.loads(invoke("rules", "--format", "json").output)
    assert [(r["id"], r["name"], r["severity"]) for r in rows] == \
        [(c, r.name, r.severity) for c, r in rules.items()]


def test_explain_prints_the_card_by_id_or_name():
    result = invoke("explain", "NL010")
    assert result.exit_code == 0
    assert result.output.startswith("NL010 unused-suppression [warning]")
    for part in ("Why:", "Bad:", "Good:", "# netlint: disable=NL105"):
        assert part in result.output
    assert invoke("explain", "unused-suppression").output == result.output
    assert invoke("explain", "nl010").output == result.output


def test_explain_unknown_rule_exits_2_with_a_suggestion():
    result = invoke("explain", "unused-supression")
    assert result.exit_code == 2
    assert "did you mean NL010 unused-suppression" in result.output
    assert invoke("explain", "XYZ").exit_code == 2
