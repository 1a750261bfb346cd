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

    linted = netlint.lint("model.yaml")             # Linted(loaded, inferred, findings)
    table, dot_source = netlint.summary(linted), netlint.diagram(linted)  # linted once

Every error netlint raises derives from `netlint.NetlintError` (netlint/errors.py),
and the ones the API raises are here by name: `ConfigError` (a bad configuration),
`DiagramError` and `RenderError` (diagram), `ExportRefused` (the model has lint
errors) and `ExportError` (a value that cannot be exported), `OutputError` (an
output path that is refused) and `ImportFailed` (`netlint import`).

Everything is imported on first use (module `__getattr__`), so `import netlint`
costs nothing and `netlint --help` stays fast. The modules behind the functions
have other names (`netlint.layers.inference`, `netlint.report.summary_table`,
`netlint.drawing`, `netlint.codegen`), so importing one never replaces a function of
this package (a `netlint/diagram/` or `netlint/export/` package would).

Modules across the package begin with `TYPE_CHECKING = False` rather than
`from typing import TYPE_CHECKING`: importing `typing` costs 8.5 ms of a ~70 ms
one-file check (python -X importtime), and type checkers treat a module's own
`TYPE_CHECKING` name the same way, so imports for annotations only sit under
`if TYPE_CHECKING:` and never run.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:  # for type checkers and IDEs; nothing is imported at run time
    from typing import Any

    from netlint.api import Inferred, check, infer, summary
    from netlint.codegen import export_file as export
    from netlint.drawing import diagram
    from netlint.model.findings import Finding
    from netlint.pipeline import Linted, lint
    from netlint.plumbing.records import asdict
    from netlint.loader import Loaded, load, load_text
    from netlint.errors import NetlintError
    from netlint.rules.config_settings import ConfigError
    from netlint.drawing import DiagramError
    from netlint.drawing.render import RenderError
    from netlint.codegen import ExportRefused
    from netlint.codegen.emitter import ExportError
    from netlint.plumbing.output_files import OutputError
    from netlint.importer.source import ImportFailed

# the errors the API raises, each a NetlintError: name -> module
_ERRORS = {
    "NetlintError": "netlint.errors",
    "ConfigError": "netlint.rules.config_settings",
    "DiagramError": "netlint.drawing",
    "RenderError": "netlint.drawing.render",
    "ExportRefused": "netlint.codegen",
    "ExportError": "netlint.codegen.emitter",
    "OutputError": "netlint.plumbing.output_files",
    "ImportFailed": "netlint.importer.source",
}

__all__ = ["load", "load_text", "lint", "check", "summary", "infer", "diagram", "export",
           "Finding", "asdict", "Loaded", "Linted", "Inferred", "NetlintError", "ConfigError",
           "DiagramError", "RenderError", "ExportRefused", "ExportError", "OutputError",
           "ImportFailed", "__version__"]

# public name -> (module, attribute): resolved on first access, then cached here
_LAZY = {
    "load": ("netlint.loader", "load"),
    "load_text": ("netlint.loader", "load_text"),
    "Loaded": ("netlint.loader", "Loaded"),
    "lint": ("netlint.pipeline", "lint"),
    "Linted": ("netlint.pipeline", "Linted"),
    "check": ("netlint.api", "check"),
    "summary": ("netlint.api", "summary"),
    "infer": ("netlint.api", "infer"),
    "Inferred": ("netlint.api", "Inferred"),
    "diagram": ("netlint.drawing", "diagram"),
    "export": ("netlint.codegen", "export_file"),
    "Finding": ("netlint.model.findings", "Finding"),
    "asdict": ("netlint.plumbing.records", "asdict"),
    **{name: (module, name) for name, module in _ERRORS.items()},
}


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
    elif name == "__version__":
        value = _version()
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
