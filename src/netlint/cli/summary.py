"""`netlint summary FILE`: Keras's model.summary() table, or JSON."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from netlint.cli.common import existing_file, fail_usage, say, write_output


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


class DtypePolicy(str, Enum):  # netlint.cost.policy.POLICIES
    float32 = "float32"
    mixed_float16 = "mixed_float16"
    mixed_bfloat16 = "mixed_bfloat16"


def summary(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    format: SummaryFormat = typer.Option(SummaryFormat.text, "--format", "-f",
                                         help="text (Keras's table) or json"),
    cost: bool = typer.Option(False, "--cost",
                              help="add mult-adds, activation memory and weight bytes per "
                                   "layer, and a training step's totals (json has them "
                                   "always)"),
    batch_size: Optional[int] = typer.Option(
        None, "--batch-size", min=1,
        help="the batch the totals are for (default: the file's train: batch_size, else 32)"),
    dtype: Optional[DtypePolicy] = typer.Option(
        None, "--dtype",
        help="the dtype policy (default: the mixed policy the file's layers name, else "
             "float32)"),
    tflops: Optional[float] = typer.Option(
        None, "--tflops", min=0.001,
        help="with --cost: the accelerator's TFLOP/s, for a time per step (the arithmetic's "
             "floor)"),
    output_file: Optional[Path] = typer.Option(
        None, "--output-file", "-o", help="write the table or JSON to this file (whole, or "
        "not at all) instead of stdout"),
) -> None:
    """Print the table Keras 3's model.summary() prints: shapes and parameter counts."""
    from netlint.pipeline import lint
    from netlint.rules.config import ConfigError
    from netlint.report.summary_table import summary_dict, summary_text
    from netlint.report.text import visible

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
    costed = None
    if cost or format is SummaryFormat.json:
        from netlint.cost import model_cost

        costed = model_cost(model, batch_size=batch_size, policy=dtype and dtype.value)
    if format is SummaryFormat.json:
        text = json.dumps(summary_dict(model, costed), indent=2, sort_keys=False) + "\n"
    else:  # names from the file, shown, never obeyed: escapes as `say` writes them
        text = visible(summary_text(model, costed if cost else None, tflops),
                       keep_newlines=True)
    if output_file is not None:
        write_output(text, output_file, (file,))
    else:
        typer.echo(text, nl=False)
    if model.errors:
        raise typer.Exit(1)


