"""A finding: one thing netlint has to say about one place in one file.

Defined here, below every stage, because the loader (NL0xx), the shape
inference and the rules all produce them, and every formatter reads them.
"""

from __future__ import annotations

from netlint.model.graph import Position
from netlint.plumbing.records import record, replace

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@record(frozen=True)
class Finding:
    code: str  # stable rule id, "NL104"
    name: str  # rule name, "stacked-rnn-missing-return-sequences"
    severity: str  # "error" | "warning" | "info"
    message: str  # what is wrong, with this model's numbers
    path: str = ""  # the model file, as given on the command line
    position: Position | None = None
    fix: str | None = None  # how to fix it, with this model's numbers
    layer: str | None = None  # the layer it concerns, by name

    @property
    def line(self) -> int:
        return self.position.line if self.position else 1

    @property
    def column(self) -> int:
        return self.position.column if self.position else 1

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_path(self, path: str) -> Finding:
        return replace(self, path=path)

    def with_severity(self, severity: str) -> Finding:
        return replace(self, severity=severity)

    def text(self) -> str:
        """The one-line form: `path:line:col: CODE [severity] message`."""
        fix = f": {self.fix}" if self.fix else ""
        return f"{self.path}:{self.line}:{self.column}: {self.code} [{self.severity}] " \
               f"{self.message}{fix}"


# Names of the file-level findings the loader itself produces (the rest live with the rules).
LOADER_CODES = {
    "NL001": "invalid-spec",
    "NL002": "unknown-layer",
    "NL003": "unknown-argument",
    "NL004": "unresolved-reference",
    "NL903": "yaml11-number",
}
# The loader's findings are errors (the file cannot be read as a model), except these notes.
LOADER_SEVERITIES = {"NL903": "info"}


def loader_finding(code: str, message: str, position: Position | None, *, fix: str | None = None,
                   layer: str | None = None, path: str = "") -> Finding:
    return Finding(code=code, name=LOADER_CODES[code],
                   severity=LOADER_SEVERITIES.get(code, "error"), message=message,
                   path=path, position=position, fix=fix, layer=layer)
