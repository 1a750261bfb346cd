"""netlint: lint, draw and export Keras models written in YAML.

The Python API is what the `netlint` command itself calls:

    import netlint

    loaded = netlint.load("model.yaml")            # Loaded(path, model, findings)
    for finding in netlint.check("model.yaml"):    # a file, a folder, or YAML text
        print(finding.text())                       # netlint.Finding, a frozen record
        row = netlint.asdict(finding)               # as a plain dict, positions included
    table = netlint.summary("model.yaml")           # Keras's model.summary() table
    dot_source = netlint.diagram("model.yaml", view="unrolled")
    script = netlint.export("model.yaml").text      # a Keras 3 training script

Everything is imported on first use (module `__getattr__`), so `import netlint`
costs nothing and `netlint --help` stays fast.

`netlint.diagram`, `netlint.export`, `netlint.summary` and `netlint.infer` are
also modules of this package (`from netlint.diagram import render`); calling
them calls the API function: `netlint.diagram.diagram(...)`,
`netlint.export.export_file(...)`, `netlint.api.summary(...)`,
`netlint.api.infer(...)`. Python binds a submodule to its parent's attribute
when it is imported, so a plain function of the same name could not survive
`import netlint.diagram`; the modules are made callable instead (`_Package`).
"""

from __future__ import annotations

import importlib
import sys
import types

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:  # for type checkers and IDEs; nothing is imported at run time
    from typing import Any

    from netlint.api import check, infer, summary
    from netlint.findings import Finding
    from netlint.records import asdict
    from netlint.spec import Loaded, load, load_text

__all__ = ["load", "load_text", "check", "summary", "infer", "diagram", "export", "Finding",
           "asdict", "Loaded", "Inferred", "__version__"]

# public name -> (module, attribute): resolved on first access, then cached here
_LAZY = {
    "load": ("netlint.spec", "load"),
    "load_text": ("netlint.spec", "load_text"),
    "Loaded": ("netlint.spec", "Loaded"),
    "check": ("netlint.api", "check"),
    "Inferred": ("netlint.api", "Inferred"),
    "Finding": ("netlint.findings", "Finding"),
    "asdict": ("netlint.records", "asdict"),
}

# API names that are also modules of this package -> (module, function) a call runs
_CALLABLE_SUBPACKAGES = {
    "diagram": ("netlint.diagram", "diagram"),
    "export": ("netlint.export", "export_file"),
    "summary": ("netlint.api", "summary"),
    "infer": ("netlint.api", "infer"),
}


def _target(short_name: str) -> Any:
    module_name, function = _CALLABLE_SUBPACKAGES[short_name]
    return getattr(importlib.import_module(module_name), function)


class _CallableModule(types.ModuleType):
    """A submodule that can be called like its API function (`netlint.diagram(...)`)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _target(self.__name__.rpartition(".")[2])(*args, **kwargs)

    @property
    def __signature__(self) -> Any:
        """inspect.signature(netlint.diagram) shows the function's parameters."""
        import inspect

        return inspect.signature(_target(self.__name__.rpartition(".")[2]))


def _make_callable(module: types.ModuleType) -> None:
    if type(module) is types.ModuleType:
        module.__class__ = _CallableModule


class _Package(types.ModuleType):
    """This package's module type: makes `diagram`/`export` callable whenever imported."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_SUBPACKAGES and isinstance(value, types.ModuleType) \
                and value.__name__ == f"{__name__}.{name}":
            _make_callable(value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("keras-netlint")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module_name), attribute)
    elif name in _CALLABLE_SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")  # made callable on binding
        _make_callable(value)
    elif name == "__version__":
        value = _version()
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
