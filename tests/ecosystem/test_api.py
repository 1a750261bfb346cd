"""`import netlint`: cheap to import, typed documented functions, findings as frozen records."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

import netlint
from netlint.cli import app

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "examples" / "buggy" / "stacked-lstm.yaml"
CLEAN = ROOT / "examples" / "lstm-units.yaml"
API = ("load", "check", "summary", "diagram", "export")


def python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_netlint_loads_nothing_heavy():
    loaded = json.loads(python(
        "import sys, json, netlint; print(json.dumps(sorted(sys.modules)))"))
    heavy = {"netlint.api", "netlint.loader", "netlint.drawing", "netlint.codegen", "yaml",
             "jsonschema", "numpy", "typer", "graphviz", "typing"}
    assert not heavy & set(loaded), heavy & set(loaded)


@pytest.mark.parametrize("name", API)
def test_api_functions_are_documented_and_typed(name):
    function = getattr(netlint, name)
    assert callable(function)
    assert (inspect.getdoc(function) or "").strip(), name
    signature = inspect.signature(function)
    assert signature.return_annotation is not inspect.Signature.empty, name
    assert name in netlint.__all__ and name in dir(netlint)


def test_api_is_what_the_cli_prints():
    from netlint.api import check as api_check

    assert netlint.check is api_check
    result = CliRunner().invoke(app, ["check", str(BUGGY), "--format", "text"])
    printed = [line for line in result.stdout.splitlines() if line.startswith(str(BUGGY))]
    assert printed == [f.text() for f in netlint.check(BUGGY)]
    assert result.exit_code == 1


def test_load_summary_diagram_export():
    loaded = netlint.load(CLEAN)
    assert isinstance(loaded, netlint.Loaded) and loaded.ok
    assert netlint.summary(CLEAN).startswith('Model: "')
    assert netlint.summary(CLEAN, as_json=True)["total_params"] > 0
    dot_source = netlint.diagram(CLEAN, view="unrolled")
    assert dot_source.startswith("digraph") and dot_source == netlint.diagram(CLEAN,
                                                                               view="unrolled")
    from netlint.codegen import ScriptOptions

    script = netlint.export(CLEAN, options=ScriptOptions(synthetic=True))
    assert "import keras" in script.text
    compile(script.text, "train.py", "exec")


def test_findings_are_frozen_records_with_a_plain_dict_form():
    finding = netlint.check(BUGGY)[0]
    assert isinstance(finding, netlint.Finding)
    as_dict = netlint.asdict(finding)
    assert as_dict["code"] == finding.code and as_dict["position"]["line"] == finding.line
    assert json.loads(json.dumps(as_dict)) == as_dict
    with pytest.raises(AttributeError):
        finding.code = "NL000"  # type: ignore[misc]
    assert hash(finding) == hash(netlint.check(BUGGY)[0]) and finding == netlint.check(BUGGY)[0]


def test_version_is_the_installed_distributions():
    assert netlint.__version__ == version("keras-netlint")


@pytest.mark.parametrize("code", [
    "import netlint; print(netlint.diagram(PATH)[:7])",
    "import netlint.drawing; print(netlint.diagram(PATH)[:7])",
    "from netlint import diagram; print(diagram(PATH)[:7])",
    "from netlint.drawing import render; import netlint; print(netlint.diagram(PATH)[:7])",
    "import netlint.drawing as d, netlint; print(d.diagram(PATH)[:7], netlint.diagram(PATH)[:7])",
])
def test_diagram_is_the_function_in_every_import_order(code):
    # importing the module behind it (netlint.drawing) never replaces the API function
    output = python(code.replace("PATH", repr(str(CLEAN))))
    assert output.split() and set(output.split()) == {"digraph"}


@pytest.mark.parametrize("code", [
    "import netlint; print(netlint.summary(PATH).split()[0])",
    "import netlint.report.summary_table; print(netlint.summary(PATH).split()[0])",
    "import netlint.layers.inference, netlint; netlint.infer(PATH); "
    "print(netlint.summary(PATH)[:6])",
])
def test_summary_is_the_function_in_every_import_order(code):
    assert python(code.replace("PATH", repr(str(CLEAN)))).split() == ["Model:"]


@pytest.mark.parametrize("name", ["diagram", "export", "summary", "infer"])
def test_api_names_are_plain_functions_and_no_module_shadows_them(name):
    import netlint.codegen
    import netlint.drawing
    import netlint.layers.inference
    import netlint.report.summary_table  # noqa: F401 - imported to show it shadows nothing

    function = getattr(netlint, name)
    assert inspect.isfunction(function) and function.__module__ in (
        "netlint.api", "netlint.drawing", "netlint.codegen")
    assert "path" in str(inspect.signature(function)) or \
        "source" in str(inspect.signature(function))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        netlint.nope  # noqa: B018
