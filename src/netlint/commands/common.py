"""Helpers every command uses: usage errors (exit 2) and path checks."""

from __future__ import annotations

from pathlib import Path

import typer


def fail_usage(message: str) -> typer.Exit:
    """Print `netlint: message` to stderr; raise the returned Exit (code 2)."""
    typer.echo(f"netlint: {message}", err=True)
    return typer.Exit(2)


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise fail_usage(f"{path}: no such file")
    if path.is_dir():
        raise fail_usage(f"{path}: is a folder; give a model file")
    return path
