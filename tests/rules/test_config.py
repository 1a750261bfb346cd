"""Config files: discovery, every key, CLI precedence, and clear errors (exit 2)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from netlint.api import check
from netlint.cli import app
from netlint.rules.config import Config, ConfigError, ConfigFinder, load_config_file

runner = CliRunner()

# NL105 at 4:5 (Reshape gets 4 values for 15 places; no specific rule claims it)
BROKEN = ("input: {shape: [20, 1]}\nlayers:\n  - LSTM: {units: 4}\n"
          "  - Reshape: {target_shape: [3, 5]}\n  - Dense: {units: 1}\n")


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(*args: str):
    return runner.invoke(app, ["check", *map(str, args)], env={"GITHUB_ACTIONS": ""})


def found(*args: str) -> list[tuple]:
    result = run("-f", "json", *args)
    return [(f["code"], f["severity"]) for f in json.loads(result.output)["findings"]]


def test_pyproject_found_by_walking_up(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.netlint]\n'
                                       'ignore = ["NL105"]\n')
    model = write(tmp_path / "models/deep/m.yaml", BROKEN)
    assert run(model).exit_code == 0
    assert check(model) == []


def test_pyproject_without_our_table_is_passed_over(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.netlint]\nignore = ["NL105"]\n')
    write(tmp_path / "models/pyproject.toml", '[project]\nname = "inner"\n')
    model = write(tmp_path / "models/m.yaml", BROKEN)
    assert run(model).exit_code == 0


# Every TOML spelling of the tool.netlint table (the first group) must be parsed; files that
# only mention netlint elsewhere (the second group) are skipped without importing tomllib.
TOOL_NETLINT_SPELLINGS = [
    '[tool.netlint]\nignore = ["NL105"]\n',
    '[ tool . netlint ]\nignore = ["NL105"]\n',
    '["tool"."netlint"]\nignore = ["NL105"]\n',
    "['tool'.'netlint']\nignore = ['NL105']\n",
    '[tool.netlint.severity]\nNL105 = "info"\n',
    '[tool]\nnetlint = { ignore = ["NL105"] }\n',
    'tool.netlint.ignore = ["NL105"]\n',
    'tool = { netlint = { ignore = ["NL105"] } }\n',
    '  [tool.netlint]\n  ignore = ["NL105"]\n',
]
OTHER_MENTIONS = [
    '[project]\nname = "keras-netlint"\n[project.scripts]\nnetlint = "netlint.cli:main"\n',
    '[project.optional-dependencies]\ndev = ["keras-netlint>=0.1"]\n[tool.ruff]\n'
    'line-length = 100\n',
    '[tool.hatch.build.targets.wheel.force-include]\n"rules" = "netlint/_data/rules"\n',
]


@pytest.mark.parametrize("text", TOOL_NETLINT_SPELLINGS + OTHER_MENTIONS)
def test_pyproject_prefilter_never_skips_a_tool_netlint_table(text):
    from netlint.rules.config import _MAY_HAVE_TOOL_NETLINT

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    has_table = "netlint" in tomllib.loads(text).get("tool", {})
    assert has_table == (text in TOOL_NETLINT_SPELLINGS)
    if has_table:
        assert _MAY_HAVE_TOOL_NETLINT.search(text), "a real [tool.netlint] would be missed"
    elif "[tool]" not in text:
        assert not _MAY_HAVE_TOOL_NETLINT.search(text), "tomllib imported for nothing"


@pytest.mark.parametrize("text", TOOL_NETLINT_SPELLINGS)
def test_every_spelling_of_the_table_is_applied(tmp_path, text):
    write(tmp_path / "pyproject.toml", text)
    model = write(tmp_path / "m.yaml", BROKEN)
    expected = [("NL105", "info")] if "severity" in text else []
    assert found(model) == expected


def test_nearest_config_wins_and_yaml_beats_pyproject_in_one_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.netlint]\nignore = ["NL105"]\n')
    write(tmp_path / "models/.netlint.yaml", "severity: {NL105: info}\n")
    model = write(tmp_path / "models/m.yaml", BROKEN)
    # the nearer file alone applies (no merging across folders, as ruff)
    assert found(model) == [("NL105", "info")]
    write(tmp_path / "models/pyproject.toml", '[tool.netlint]\nignore = ["NL105"]\n')
    assert found(model) == [("NL105", "info")]


def test_severity_and_fail_on_from_config(tmp_path):
    write(tmp_path / ".netlint.yaml", "severity:\n  incompatible-shape: warning\n"
                                      "fail-on: error\n")
    model = write(tmp_path / "m.yaml", BROKEN)
    assert found(model) == [("NL105", "warning")]
    assert run(model).exit_code == 0  # a warning, below fail-on: error
    assert run("--fail-on", "warning", model).exit_code == 1  # the CLI beats the config


def test_command_line_select_replaces_config_selection(tmp_path):
    write(tmp_path / ".netlint.yaml", "select: [NL0]\n")
    model = write(tmp_path / "m.yaml", BROKEN)
    assert found(model) == []
    assert found("--select", "NL1", model) == [("NL105", "error")]
    # a CLI --ignore adds to the config's selection rather than replacing it
    write(tmp_path / ".netlint.yaml", "ignore: [NL105]\n")
    assert found("--ignore", "NL010", model) == []


def test_per_file_ignores_globs(tmp_path):
    write(tmp_path / ".netlint.yaml", "per-file-ignores:\n  'legacy/*.yaml': [NL105]\n"
                                      "  'scratch_*.yaml': incompatible-shape\n")
    assert found(write(tmp_path / "legacy/a.yaml", BROKEN)) == []
    assert found(write(tmp_path / "other/a.yaml", BROKEN)) == [("NL105", "error")]
    assert found(write(tmp_path / "deep/down/scratch_1.yaml", BROKEN)) == []


def test_options_reach_the_rule(tmp_path, temp_rules):
    seen = []
    code = temp_rules(lambda ctx: seen.append(dict(ctx.options)) or (),
                      options={"max_steps": 500, "ratio": 0.5})
    write(tmp_path / "pyproject.toml", f"[tool.netlint.options.{code}]\nmax_steps = 1000\n")
    model = write(tmp_path / "m.yaml", BROKEN)
    run(model)
    assert seen == [{"max_steps": 1000, "ratio": 0.5}]
    seen.clear()
    check(model, Config(options={code: {"ratio": 1}}))  # an int is a fine float
    assert seen == [{"max_steps": 1000, "ratio": 1}]


@pytest.mark.parametrize("text, message", [
    ("[tool.netlint]\nfail_on = 'error'\n", "unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ("[tool.netlint]\nselect = ['NL9999']\n", "no rule matches 'NL9999'"),
    ("[tool.netlint]\nignore = ['stacked-rnn-missing-return-sequence']\n", "no rule matches"),
    ("[tool.netlint.severity]\nNL105 = 'fatal'\n", "'fatal' is not a severity"),
    ("[tool.netlint.severity]\nNL1 = 'info'\n", "names several rules"),
    ("[tool.netlint.options.NL105]\nmax_steps = 3\n", "unknown option 'max_steps'"),
    ("[tool.netlint.options.NL606]\nmemory_budget = 'lots'\n",
     "memory_budget 'lots' is not a size: write bytes or a size such as 16GiB"),
    ("[tool.netlint.per-file-ignores]\n'a/*.yaml' = ['NL777']\n", "no rule matches 'NL777'"),
    ("[tool.netlint]\nfail-on = 'never'\n", "not a severity"),
    ("[tool.netlint\nselect = 1\n", "invalid TOML"),
    ("[tool.netlint]\nselect = [1]\n", "expected rule ids or names"),
])
def test_bad_config_is_exit_2_with_a_clear_message(tmp_path, text, message):
    write(tmp_path / "pyproject.toml", text)
    result = run(write(tmp_path / "m.yaml", BROKEN))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert str(tmp_path / "pyproject.toml") in result.output


def test_wrong_option_type_is_refused(temp_rules, tmp_path):
    code = temp_rules(lambda ctx: (), options={"max_steps": 500})
    write(tmp_path / ".netlint.yaml", f"options:\n  {code}: {{max_steps: many}}\n")
    result = run(write(tmp_path / "m.yaml", BROKEN))
    assert result.exit_code == 2 and "max_steps must be int" in result.output


def test_bad_yaml_config_points_at_the_line(tmp_path):
    write(tmp_path / ".netlint.yaml", "select: [NL1\nignore: []\n")
    result = run(write(tmp_path / "m.yaml", BROKEN))
    assert result.exit_code == 2 and ".netlint.yaml:" in result.output


def test_explicit_config_file_replaces_discovery(tmp_path):
    write(tmp_path / ".netlint.yaml", "ignore: [NL105]\n")
    model = write(tmp_path / "m.yaml", BROKEN)
    explicit = write(tmp_path / "ci/netlint.toml", 'severity = {NL105 = "info"}\n')
    assert found("--config", explicit, model) == [("NL105", "info")]
    in_table = write(tmp_path / "ci/pyproject.toml", '[tool.netlint]\nfail-on = "info"\n')
    assert found("--config", in_table, model) == [("NL105", "error")]
    missing = run("--config", tmp_path / "nope.toml", model)
    assert missing.exit_code == 2 and "config file not found" in missing.output
    assert check(model, explicit)[0].severity == "info"


def test_comma_lists_in_config_and_cli(tmp_path):
    write(tmp_path / ".netlint.yaml", "ignore: 'NL010, NL105'\n")
    assert found(write(tmp_path / "m.yaml", BROKEN)) == []


def test_finder_caches_and_layers_stack(tmp_path):
    write(tmp_path / ".netlint.yaml", "select: [NL1]\nseverity: {NL105: info}\n")
    finder = ConfigFinder()
    file_layer = finder.for_file(tmp_path / "a.yaml")
    assert file_layer is finder.for_file(tmp_path / "b.yaml")
    stacked = Config(fail_on="error").over(file_layer)
    assert [layer.source for layer in stacked.layers()] == \
        [str(tmp_path / ".netlint.yaml"), "command line"]
    assert stacked.fail_on_level == "error" and Config().fail_on_level == "warning"


def test_load_config_file_errors():
    with pytest.raises(ConfigError, match="not found"):
        load_config_file("/nonexistent/netlint.toml")


def test_python_without_a_toml_reader_skips_pyproject_with_a_note(tmp_path, monkeypatch):
    # Python 3.10 without tomli: pyproject is skipped with a clear message, not a crash
    from netlint.rules import config

    monkeypatch.setattr(config, "_toml_module", lambda: None)
    pyproject = write(tmp_path / "pyproject.toml", '[tool.netlint]\nignore = ["NL105"]\n')
    model = write(tmp_path / "m.yaml", BROKEN)
    result = run(model)
    assert result.exit_code == 1  # the ignore was not applied
    assert "[tool.netlint] ignored" in result.output and "tomli" in result.output
    explicit = run("--config", pyproject, model)
    assert explicit.exit_code == 2 and "needs the 'tomli' package" in explicit.output


# -- hostile and careless config files (issue: hostile inputs) -----------------------------

def test_a_pyproject_whose_tool_is_not_a_table_is_not_netlints(tmp_path):
    (tmp_path / "pyproject.toml").write_text('tool = "netlint"\n')
    model = tmp_path / "m.yaml"
    model.write_text("input: {shape: [4]}\nlayers: [{Dense: 1}]\n")
    assert check(model) == []  # no AttributeError, no config
    with pytest.raises(ConfigError, match="not the table"):
        load_config_file(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("options", [
    {"NL202": {"warn_steps": float("nan")}}, {"NL202": {"warn_steps": -5}},
    {"NL501": {"max_abs": float("inf")}}, {"NL103": {"channel_sizes": [1, -3]}},
])
def test_option_values_that_would_break_a_rule_are_refused(tmp_path, options):
    model = tmp_path / "m.yaml"
    model.write_text("input: {shape: [4]}\nlayers: [{Dense: 1}]\n")
    (code, values), = options.items()
    with pytest.raises(ConfigError, match=f"options for {code}: {next(iter(values))} must be"):
        check(model, Config(options=options))


def test_warn_steps_of_one_does_not_divide_by_zero():
    text = "input: {shape: [20, 2]}\nlayers:\n  - LSTM: {units: 2}\n"
    found = check(text, Config(options={"NL202": {"warn_steps": 1, "error_steps": 5}}))
    assert [f.code for f in found if f.code == "NL202"] == ["NL202"]


def test_an_empty_select_in_a_config_file_is_refused_not_silent(tmp_path):
    (tmp_path / ".netlint.yaml").write_text('select: ""\n')
    model = tmp_path / "m.yaml"
    model.write_text("input: {shape: [4]}\nlayers: [{Dense: 1}]\n")
    with pytest.raises(ConfigError, match="select names no rule"):
        check(model)


def test_config_files_are_read_only_up_to_a_bound(tmp_path, monkeypatch):
    from netlint.rules import config as config_module

    monkeypatch.setattr(config_module, "MAX_CONFIG_BYTES", 1000)
    (tmp_path / ".netlint.yaml").write_text("# " + "x" * 2000 + "\nselect: [NL104]\n")
    model = tmp_path / "m.yaml"
    model.write_text("input: {shape: [4]}\nlayers: [{Dense: 1}]\n")
    with pytest.raises(ConfigError, match="a config file .* is a few kilobytes"):
        check(model)
    (tmp_path / ".netlint.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text("# " + "x" * 2000 + "\n[tool.netlint]\n")
    finder = ConfigFinder()
    assert check(model, finder=finder) == []  # a huge pyproject is noted and skipped
    assert any("is ignored" in note for note in finder.notes)
