"""The `netlint` command: thin typer commands over the library.

Each command parses options, calls the library, prints, and sets the exit
code: 0 clean, 1 findings (or a model with errors), 2 usage/unreadable path.
"""

from __future__ import annotations

import sys

# The typer app is built on first use of `netlint.cli.app` (module __getattr__), not on
# import: `netlint check FILE...` from a hook runs without typer (cli/check_fast.py).


def _build_app() -> object:
    """The typer app with the root callback; `_register` then adds the commands."""
    import typer

    typer_app = typer.Typer(
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

    @typer_app.callback()
    def root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                     help="print the version and exit"),
    ) -> None:
        """Lint, draw and export Keras models written in YAML."""

    return typer_app


def _register() -> None:
    """Each command lives in netlint/cli/<name>.py; they import heavy modules lazily."""
    from netlint.cli import check, diagram, export, rules_cmd, summary

    app.command()(check.check)
    app.command()(summary.summary)
    app.command()(diagram.diagram)
    app.command()(export.export)
    app.command("rules")(rules_cmd.rules)
    app.command()(rules_cmd.explain)
    from netlint.cli import schema

    app.command()(schema.schema)
    from netlint.cli import import_cmd

    app.command("import")(import_cmd.import_model)
    from netlint.cli import update_diagrams

    app.command("update-diagrams")(update_diagrams.update_diagrams)


def _app() -> object:
    """The typer app, built and registered on first use."""
    global app
    if "app" not in globals():
        app = _build_app()
        _register()
    return app


def __getattr__(name: str) -> object:  # PEP 562: `from netlint.cli import app` builds it
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point.

    A bug in netlint exits 2 with one line naming the command, as ruff does: CI must
    tell a crash from findings (exit 1). NETLINT_DEBUG=1 shows the traceback."""
    try:
        from netlint.cli import check_fast

        code = check_fast.run(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        _app()()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        import os

        if os.environ.get("NETLINT_DEBUG"):
            raise
        sys.stderr.write(internal_error_line(error, sys.argv[1:]) + "\n")
        sys.exit(2)


def internal_error_line(error: BaseException, argv: list[str]) -> str:
    """`netlint: internal error in `netlint check model.yaml`: ZeroDivisionError: ...`"""
    from netlint.report.text import visible

    command = " ".join(["netlint", *argv])
    if len(command) > 200:
        command = command[:197] + "..."
    message = str(error).splitlines()[0] if str(error) else ""
    return visible(f"netlint: internal error in `{command}`: {type(error).__name__}"
                   + (f": {message[:300]}" if message else "")
                   + " (a bug in netlint: please report it; NETLINT_DEBUG=1 shows the "
                     "traceback)")
