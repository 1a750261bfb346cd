"""`netlint update-diagrams FILE...`: keep `<model>.svg` beside each model file up to date.

Made for the `netlint-diagram` pre-commit hook: it rewrites the drawings of
the models being committed and exits 1 when it changed any (so the commit
stops and the new drawings can be added), 0 when all were current.

Deterministic where it matters: the DOT source netlint generates is
byte-identical for the same model, but the SVG that Graphviz makes of it
depends on the Graphviz version and fonts installed. So each SVG carries the
SHA-256 of its DOT source in a comment, and a drawing counts as current when
that hash matches: two people with different Graphviz versions do not keep
rewriting each other's diagrams. `--format dot` writes the DOT itself (no
Graphviz needed), compared byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from enum import Enum
from pathlib import Path

import typer

from netlint.cli.common import fail_usage, say

STAMP = re.compile(rb"<!-- netlint-dot-sha256: ([0-9a-f]{64}) -->")
STAMP_READ_BYTES = 4096  # the stamp sits in the prolog, before <svg


class DiagramFormat(str, Enum):
    svg = "svg"
    dot = "dot"


class View(str, Enum):
    graph = "graph"
    unrolled = "unrolled"


def dot_digest(dot_source: str) -> str:
    return hashlib.sha256(dot_source.encode("utf-8")).hexdigest()


def stamped_svg(svg: bytes, dot_source: str) -> bytes:
    """The SVG with the DOT digest as a comment just before the <svg> element."""
    stamp = f"<!-- netlint-dot-sha256: {dot_digest(dot_source)} -->\n".encode("ascii")
    at = svg.find(b"<svg")
    return svg[:at] + stamp + svg[at:] if at >= 0 else stamp + svg


def is_current(target: Path, dot_source: str, fmt: str) -> bool:
    """Whether `target` already shows this DOT source."""
    try:
        if fmt == "dot":
            return target.read_bytes() == dot_source.encode("utf-8")
        with open(target, "rb") as handle:
            match = STAMP.search(handle.read(STAMP_READ_BYTES))
    except OSError:
        return False
    return bool(match) and match.group(1).decode("ascii") == dot_digest(dot_source)


def target_of(model: Path, fmt: str) -> Path:
    """`models/lstm.yaml` -> `models/lstm.svg` (the last suffix replaced)."""
    return model.with_suffix(f".{fmt}")


def update_diagrams(
    files: list[Path] = typer.Argument(..., help="model files; each gets <name>.svg beside it"),
    view: View = typer.Option(View.graph, "--view",
                              help="graph: one box per layer; unrolled: recurrent layers "
                                   "drawn across their timesteps"),
    format: DiagramFormat = typer.Option(DiagramFormat.svg, "--format",
                                         help="svg (needs Graphviz's dot) or dot"),
    check: bool = typer.Option(False, "--check",
                               help="write nothing; exit 1 if a diagram is missing or stale"),
) -> None:
    """Write <model>.svg beside each model file when it is missing or out of date.

    Exit 0 when every diagram was current, 1 when one was written (or, with --check,
    is stale) or a model cannot be drawn, 2 for usage errors.
    """
    from netlint.drawing import DiagramOptions

    targets = _targets(files, format.value)
    options = DiagramOptions(view=view.value)
    failed = False
    for model, target in targets.items():
        failed = _update_one(model, target, options, format.value, check) or failed
    raise typer.Exit(1 if failed else 0)


def _targets(files: list[Path], fmt: str) -> dict[Path, Path]:
    targets: dict[Path, Path] = {}
    owners: dict[Path, Path] = {}
    for model in dict.fromkeys(files):
        if not model.is_file():
            raise fail_usage(f"{model}: no such file")
        target = target_of(model, fmt)
        if target.resolve() in owners:
            raise fail_usage(f"{model} and {owners[target.resolve()]} would both be drawn to "
                             f"{target}; rename one of them")
        owners[target.resolve()] = model
        targets[model] = target
    return targets


def _update_one(model: Path, target: Path, options: object, fmt: str, check: bool) -> bool:
    """Bring one diagram up to date; True when that changed (or would change) something."""
    from netlint.drawing import DiagramError, diagram_and_findings
    from netlint.drawing.render import (
        INSTALL_HINT,
        RenderError,
        render_bytes,
        write_atomic,
    )
    from netlint.rules.config import ConfigError

    notes: list[str] = []
    try:
        dot_source, _ = diagram_and_findings(model, options, notes)  # type: ignore[arg-type]
    except DiagramError as error:
        for finding in sorted(error.findings, key=lambda f: f.sort_key()):
            say(finding.text(), err=True)
        say(f"netlint: cannot draw {model}: fix the errors above", err=True)
        return True
    except ConfigError as error:
        raise fail_usage(str(error)) from None
    for note in notes:  # what was shortened so that Graphviz draws it
        say(f"netlint: {model}: note: {note}", err=True)
    if is_current(target, dot_source, fmt):
        return False
    if check:
        say(f"stale: {target}")
        return True
    try:
        data = dot_source.encode("utf-8") if fmt == "dot" else \
            stamped_svg(render_bytes(dot_source, "svg"), dot_source)
        write_atomic(target, data)
    except RenderError as error:
        say(f"netlint: {model}: {error.message}; {INSTALL_HINT} (or use --format dot)",
            err=True)
        return True
    except OSError as error:
        say(f"netlint: {target}: cannot write: {error.strerror or error}", err=True)
        return True
    say(f"updated: {target}")
    return True
