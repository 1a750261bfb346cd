"""The `netlint` command: thin typer commands over the library.

Each command parses options, calls the library, prints, and sets the exit
code: 0 clean, 1 findings (or a model with errors), 2 usage/unreadable path.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

app = typer.Typer(
    name="netlint",
    help="Lint, draw and export Keras models written in YAML.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"netlint {version('keras-netlint')}")
        except PackageNotFoundError:  # running from a source tree
            typer.echo("netlint (source tree)")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="print the version and exit"),
) -> None:
    """Lint, draw and export Keras models written in YAML."""


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


def fail_usage(message: str) -> typer.Exit:
    typer.echo(f"netlint: {message}", err=True)
    return typer.Exit(2)


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise fail_usage(f"{path}: no such file")
    if path.is_dir():
        raise fail_usage(f"{path}: is a folder; give a model file")
    return path


@app.command()
def summary(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    format: SummaryFormat = typer.Option(SummaryFormat.text, "--format", "-f",
                                         help="text (Keras's table) or json"),
) -> None:
    """Print the table Keras 3's model.summary() prints: shapes and parameter counts."""
    from netlint.api import infer
    from netlint.summary import summary_dict, summary_text

    result = infer(existing_file(file))
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        typer.echo(finding.text(), err=True)
    if result.model is None:
        raise typer.Exit(1)
    if format is SummaryFormat.json:
        typer.echo(json.dumps(summary_dict(result.model), indent=2, sort_keys=False))
    else:
        typer.echo(summary_text(result.model), nl=False)
    if result.model.errors:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
