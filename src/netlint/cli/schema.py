"""`netlint schema`: the JSON Schema of the model file, for editors.

Printed to stdout, or written with `--output` (atomically: the file is either
the complete new schema or left as it was). `--check` compares instead of
writing, for CI and the staleness test: exit 1 when the file differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from netlint.cli.common import fail_usage


def schema(
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="write the schema to this file instead of stdout"),
    check: bool = typer.Option(
        False, "--check", help="with --output: write nothing; exit 1 if the file is stale"),
    loader: bool = typer.Option(
        False, "--loader", help="the loader's schema (layer and argument names left open; "
                                "netlint checks those itself) instead of the editor's"),
) -> None:
    """Print the JSON Schema (draft-07) of model files, for editor completion and checks.

    Point your editor at it with a first line in each model file:
    `# yaml-language-server: $schema=path/to/netlint-model.schema.json`
    """
    from netlint.loader.schema import editor_schema, model_schema, schema_text

    text = schema_text(model_schema() if loader else editor_schema())
    if output is None:
        if check:
            raise fail_usage("--check needs --output FILE (the file to compare)")
        typer.echo(text, nl=False)
        return
    if output.is_dir():
        raise fail_usage(f"{output}: is a folder; give a file name such as "
                         f"{output / 'netlint-model.schema.json'}")
    if check:
        _check(output, text)
        return
    if not output.parent.is_dir() and str(output.parent):
        raise fail_usage(f"{output}: the folder {output.parent} does not exist")
    from netlint.drawing.render import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as error:
        raise fail_usage(f"{output}: cannot write: {error.strerror or error}") from None
    typer.echo(f"wrote {output}", err=True)


def _check(output: Path, text: str) -> None:
    try:
        current = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        typer.echo(f"netlint: {output}: missing; run `netlint schema -o {output}`", err=True)
        raise typer.Exit(1) from None
    except OSError as error:
        raise fail_usage(f"{output}: cannot read: {error.strerror or error}") from None
    if current != text:
        typer.echo(f"netlint: {output}: stale; run `netlint schema -o {output}`", err=True)
        raise typer.Exit(1)
