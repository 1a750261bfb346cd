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


@record(frozen=True, order=True)
class TextEdit:
    """Replace the text from line:column up to end_line:end_column (1-based, as editors
    count; the end excluded) with `text`. An insertion starts and ends at one place."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@record(frozen=True)
class Autofix:
    """A finding's fix as edits of the model file, applied all together or not at all.

    `safe`: the fix keeps the model's meaning for Keras (a Keras 1 spelling, the place an
    input shape is written, how a number is spelt), so `--fix` applies it; an unsafe one
    changes the model (return_sequences, a loss, an activation, an input shape) and is
    applied only with `--unsafe-fixes`, as ruff does."""

    edits: tuple  # of TextEdit, not overlapping
    safe: bool = True


@record(frozen=True)
class Finding:
    """One problem netlint found in a model file (`netlint.Finding`), a frozen record.

    `code` and `name` say which rule (NL104, "stacked-rnn-missing-return-sequences"),
    `severity` how bad ("error", "warning" or "info", after the config), `message`
    what is wrong and `fix` how to mend it, both with the model's own numbers.
    `position` is where in the file (`line` and `column` read it, 1-based; 1:1 when
    there is none), `layer` the layer concerned, and `autofix` the fix as text edits
    when `netlint check --fix` can apply it. `text()` is the one-line form the CLI
    prints; `netlint.asdict(finding)` is a plain dict, for JSON.
    """

    code: str  # stable rule id, "NL104"
    name: str  # rule name, "stacked-rnn-missing-return-sequences"
    severity: str  # "error" | "warning" | "info"
    message: str  # what is wrong, with this model's numbers
    path: str = ""  # the model file, as given on the command line
    position: Position | None = None
    fix: str | None = None  # how to fix it, with this model's numbers
    layer: str | None = None  # the layer it concerns, by name
    autofix: Autofix | None = None  # the fix as edits of the file, when it is mechanical

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
        """The one-line form the text report prints: `path:line:col: CODE [severity]
        message: fix`, with ruff's `[*]` after the code when `--fix` fixes it."""
        path, where, code, mark, severity, said = self.text_parts()
        return f"{path}{where}{code} {mark}{severity} {said}"

    def text_parts(self) -> tuple[str, str, str, str, str, str]:
        """`text()` in pieces, for a report that colours them: (path, ":line:col: ",
        code, "[*] " or "", "[severity]", "message: fix")."""
        fix = f": {self.fix}" if self.fix else ""
        mark = "[*] " if self.autofix is not None and self.autofix.safe else ""
        return (str(self.path), f":{self.line}:{self.column}: ", self.code, mark,
                f"[{self.severity}]", f"{self.message}{fix}")


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
                   layer: str | None = None, path: str = "",
                   autofix: Autofix | None = None) -> Finding:
    return Finding(code=code, name=LOADER_CODES[code],
                   severity=LOADER_SEVERITIES.get(code, "error"), message=message,
                   path=path, position=position, fix=fix, layer=layer, autofix=autofix)
