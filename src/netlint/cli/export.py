"""`netlint export FILE -o train.py`: a Keras 3 training script (or model JSON) from a model file.

Exit codes: 0 written; 1 the model has lint errors (findings printed; --force
exports anyway) or holds a value that cannot be exported; 2 usage problems
(bad paths, an output that would overwrite the model file).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from netlint.cli.common import existing_file, fail_usage, say


class Target(str, Enum):
    script = "script"
    keras_json = "keras-json"


class Backend(str, Enum):
    jax = "jax"
    torch = "torch"
    tensorflow = "tensorflow"


class Precision(str, Enum):
    float16 = "float16"
    bfloat16 = "bfloat16"


def _print_findings(findings: list) -> None:
    for finding in findings:
        say(finding.text(), err=True)


def export(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    output: str = typer.Option(..., "--output", "-o", help="where to write; - for stdout"),
    to: Target = typer.Option(Target.script, "--to",
                              help="script (a Keras 3 training script) or keras-json "
                                   "(for keras.models.model_from_json)"),
    backend: Backend = typer.Option(Backend.jax, "--backend",
                                    help="the Keras backend the script selects"),
    mixed_precision: Optional[Precision] = typer.Option(
        None, "--mixed-precision",
        help="train under mixed_float16 / mixed_bfloat16 [default: the script picks at start: "
             "bf16 on GPUs that have it, float16 on older ones, float32 on CPU]"),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1,
                                         help="default: train.epochs, else 10"),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1,
                                             help="per device; default: train.batch_size, "
                                                  "else 32"),
    synthetic: bool = typer.Option(False, "--synthetic",
                                   help="train on random arrays of the right shapes instead "
                                        "of the `data:` paths"),
    force: bool = typer.Option(False, "--force", help="export even when lint finds errors"),
) -> None:
    """Write a Keras 3 training script for a model that passes lint."""
    from netlint.codegen import ExportError, ScriptOptions, export_model, lint
    from netlint.codegen.write import OutputError, check_output, write_atomic

    model_path = existing_file(file)
    to_stdout = output == "-"
    out_path = Path(output)
    try:
        if not to_stdout:
            check_output(out_path, model_path)
    except OutputError as problem:
        raise fail_usage(str(problem)) from None
    options = ScriptOptions(
        backend=backend.value, mixed_precision=mixed_precision.value if mixed_precision
        else None, epochs=epochs, batch_size=batch_size, synthetic=synthetic,
        script_dir=None if to_stdout else str(out_path.parent))
    try:
        model, findings = lint(model_path)
        _gate(file, model, findings, force)
        text = export_model(model, to.value, options)
    except ExportError as problem:
        where = f":{problem.position}" if problem.position is not None else ""
        say(f"{file}{where}: export: {problem.message}", err=True)
        raise typer.Exit(1) from None
    if to_stdout:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(out_path, text, model_path)
    except (OutputError, OSError) as problem:
        raise fail_usage(f"{output}: cannot write: {problem}") from None
    say(f"wrote {output}", err=True)


def _gate(file: Path, model: object, findings: list, force: bool) -> None:
    """Refuse (exit 1) a model with lint errors unless --force; print what lint found."""
    errors = [f for f in findings if f.severity == "error"]
    if model is None:
        _print_findings(findings)
        say(f"netlint: not exporting {file}: it holds no model netlint can build", err=True)
        raise typer.Exit(1)
    if errors and not force:
        _print_findings(findings)
        say(f"netlint: not exporting {file}: {len(errors)} error(s); fix them, or "
            "pass --force to export anyway", err=True)
        raise typer.Exit(1)
    if errors:
        _print_findings(errors)
        say(f"netlint: exporting {file} despite {len(errors)} error(s) (--force)", err=True)
