"""The `netlint` command: thin typer commands over the library.

Each command parses options, calls the library, prints, and sets the exit
code: 0 clean, 1 findings (or a model with errors), 2 usage/unreadable path.
"""

from __future__ import annotations

import sys

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


def _register() -> None:
    """Each command lives in netlint/commands/<name>.py; they import heavy modules lazily."""
    from netlint.commands import check, diagram, export, rules_cmd, summary

    app.command()(check.check)
    app.command()(summary.summary)
    app.command()(diagram.diagram)
    app.command()(export.export)
    app.command("rules")(rules_cmd.rules)
    app.command()(rules_cmd.explain)


_register()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
