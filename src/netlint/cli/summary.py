"""`netlint summary FILE`: Keras's model.summary() table, or JSON."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from netlint.cli.common import existing_file, fail_usage, say


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


def summary(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    format: SummaryFormat = typer.Option(SummaryFormat.text, "--format", "-f",
                                         help="text (Keras's table) or json"),
) -> None:
    """Print the table Keras 3's model.summary() prints: shapes and parameter counts."""
    from netlint.pipeline import lint
    from netlint.rules.config import ConfigError
    from netlint.report.summary_table import summary_dict, summary_text

    try:
        result = lint(existing_file(file))
    except ConfigError as error:  # the project's lint config, read on the way
        raise fail_usage(str(error)) from None
    # the loader's and inference's own findings, as the table's footnotes
    for finding in sorted(result.core_findings, key=lambda f: f.sort_key()):
        say(finding.text(), err=True)
    model = result.inferred
    if model is None:
        raise typer.Exit(1)
    if format is SummaryFormat.json:
        typer.echo(json.dumps(summary_dict(model), indent=2, sort_keys=False))
    else:
        say(summary_text(model), nl=False)
    if model.errors:
        raise typer.Exit(1)


