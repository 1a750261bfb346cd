"""Helpers every command uses: terminal text, usage errors (exit 2) and path checks."""

from __future__ import annotations

from pathlib import Path

import typer


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text meant for a person: control and bidirectional characters from a
    model file (a layer name, a key, a file name) are shown as escapes, never obeyed
    by the terminal or a CI log. Data (DOT, a script, YAML, JSON) goes out as it is."""
    from netlint.report.text import visible

    typer.echo(visible(text, keep_newlines=True), err=err, nl=nl)


def fail_usage(message: str) -> typer.Exit:
    """Print `netlint: message` to stderr; raise the returned Exit (code 2)."""
    say(f"netlint: {message}", err=True)
    return typer.Exit(2)


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise fail_usage(f"{path}: no such file")
    if path.is_dir():
        raise fail_usage(f"{path}: is a folder; give a model file")
    return path


def write_output(text: str, output_file: Path, inputs: tuple = ()) -> None:
    """`text` written whole to `output_file` (atomically: plumbing.output_files), or a
    usage error (exit 2) when the path cannot take it: a folder, one of `inputs`."""
    from netlint.plumbing.output_files import OutputError, check_output, write_atomic

    try:
        check_output(output_file, inputs)
        write_atomic(output_file, text.encode("utf-8", "surrogateescape"))
    except OutputError as error:
        raise fail_usage(str(error)) from None
    except OSError as error:
        raise fail_usage(f"{output_file}: cannot write: {error.strerror or error}") from None
