"""One exception base for the API, and a typed package.

Every exception class netlint defines derives from `netlint.NetlintError` (found
two ways: by importing every module, and by reading every class statement, so a
class inside a function or a module that fails to import is not missed), keeps
its other bases, and the ones the API raises are exported at the top level.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import netlint
from netlint.errors import NetlintError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "netlint"
BUGGY = ROOT / "examples" / "buggy" / "stacked-lstm.yaml"
EXPORTED = ("NetlintError", "ConfigError", "DiagramError", "RenderError", "ExportRefused",
            "ExportError", "OutputError", "ImportFailed")
BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}


def _exception_classes() -> dict[str, type]:
    """Every exception class defined in a netlint module, by `module.Class`."""
    found = {}
    for info in pkgutil.walk_packages(netlint.__path__, "netlint."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and \
                    value.__module__ == info.name:
                found[f"{info.name}.{value.__qualname__}"] = value
    return found


def test_every_exception_class_derives_from_netlint_error():
    classes = _exception_classes()
    assert len(classes) >= 15, sorted(classes)  # the walk found the package's errors
    stray = sorted(name for name, cls in classes.items() if not issubclass(cls, NetlintError))
    assert stray == []


def test_no_class_statement_derives_from_a_builtin_exception_alone():
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(base) for base in node.bases}
            if bases & BUILTIN_EXCEPTIONS and "NetlintError" not in bases and \
                    node.name != "NetlintError":
                stray.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert stray == []


def test_the_other_bases_still_catch_them():
    from netlint.fixes.text_edits import EditOutOfRange
    from netlint.loader.model_validator import SchemaBroken
    from netlint.plumbing.records import FrozenRecordError

    assert issubclass(EditOutOfRange, ValueError) and issubclass(SchemaBroken, ValueError)
    finding = netlint.check(BUGGY)[0]
    with pytest.raises(AttributeError) as caught:
        finding.code = "NL000"  # type: ignore[misc]
    assert isinstance(caught.value, FrozenRecordError) and \
        isinstance(caught.value, NetlintError)


@pytest.mark.parametrize("name", EXPORTED)
def test_errors_are_exported_at_the_top_level(name):
    assert name in netlint.__all__ and name in dir(netlint)
    error = getattr(netlint, name)
    assert isinstance(error, type) and issubclass(error, NetlintError)
    assert (error.__doc__ or "").strip(), f"{name} has no docstring"


def test_the_exported_errors_are_the_ones_raised(tmp_path):
    assert netlint.ExportError is importlib.import_module("netlint.codegen").ExportError
    assert netlint.ConfigError is importlib.import_module("netlint.rules.config").ConfigError
    with pytest.raises(netlint.NetlintError) as refused:
        netlint.export(BUGGY)
    assert isinstance(refused.value, netlint.ExportRefused)
    broken = tmp_path / "broken.yaml"
    broken.write_text("layers: [{Dense: {units: 2}}, {Nope: {}}]\n")
    with pytest.raises(netlint.NetlintError) as undrawn:
        netlint.diagram(broken)
    assert isinstance(undrawn.value, netlint.DiagramError)
    config = tmp_path / "netlint.toml"
    config.write_text("[rules]\nNL104 = 'loud'\n")
    with pytest.raises(netlint.NetlintError) as misconfigured:
        netlint.check(BUGGY, config)
    assert isinstance(misconfigured.value, netlint.ConfigError)


def test_netlint_errors_imports_nothing():
    code = ("import sys, netlint; before = set(sys.modules); import netlint.errors; "
            "new = sorted(set(sys.modules) - before); print(' '.join(new))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    assert result.stdout.split() == ["netlint.errors"]


def test_the_package_is_typed():
    # PEP 561: the marker sits in the package; the wheel takes the whole package folder
    # (pyproject: [tool.hatch.build.targets.wheel] packages = ["src/netlint"])
    assert (PACKAGE / "py.typed").is_file()
    import tomllib

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"]["wheel"]
    assert "src/netlint" in wheel["packages"]
    assert not any("py.typed" in pattern for pattern in wheel.get("exclude", []))


def test_finding_and_the_api_functions_are_documented():
    for name in ("Finding", "load", "load_text", "lint", "check", "summary", "infer",
                 "diagram", "export", "asdict"):
        assert (getattr(netlint, name).__doc__ or "").strip(), name
    doc = netlint.summary.__doc__
    assert "None only when" in doc and "dict" in doc and "as_json" in doc
