"""`netlint summary FILE`: Keras's model.summary() table, or JSON."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from netlint.commands.common import existing_file, say


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


def summary(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    format: SummaryFormat = typer.Option(SummaryFormat.text, "--format", "-f",
                                         help="text (Keras's table) or json"),
) -> None:
    """Print the table Keras 3's model.summary() prints: shapes and parameter counts."""
    from netlint.api import infer
    from netlint.summary_table import summary_dict, summary_text

    result = infer(existing_file(file))
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        say(finding.text(), err=True)
    if result.model is None:
        raise typer.Exit(1)
    if format is SummaryFormat.json:
        typer.echo(json.dumps(summary_dict(result.model), indent=2, sort_keys=False))
    else:
        say(summary_text(result.model), nl=False)
    if result.model.errors:
        raise typer.Exit(1)


