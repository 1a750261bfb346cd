"""`netlint check [PATH...]`: lint model files and folders (default: the current folder);
exit 0 clean, 1 findings, 2 usage.

The options are declared here for typer; the work is `check_run.run_check`, which
the typer-free fast path (`check_fast.py`) calls too.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def check(
    paths: list[Path] | None = typer.Argument(
        None, help="model files, or folders to search for them [default: the current folder]"),
    format: CheckFormat | None = typer.Option(
        None, "--format", "-f",
        help="text, json, sarif or github (default: github under GitHub Actions, else text)"),
    select: list[str] = typer.Option(
        [], "--select", help="rules to run: ids, prefixes (NL2) or names; comma lists ok"),
    ignore: list[str] = typer.Option([], "--ignore", help="rules to skip, same forms"),
    fail_on: Level | None = typer.Option(
        None, "--fail-on", help="lowest severity that fails the run [default: warning]"),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="exit 0 even with findings"),
    config: Path | None = typer.Option(
        None, "--config", help="use this config file instead of looking for one"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print nothing; exit code only"),
    statistics: bool = typer.Option(False, "--statistics",
                                    help="count findings per rule instead of listing them"),
    fix: bool = typer.Option(False, "--fix", help="apply the safe fixes, then report what "
                             "remains"),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="with --fix or --diff, "
                                      "also the fixes that change the model"),
    diff: bool = typer.Option(False, "--diff", help="print the fixes as a unified diff; "
                              "write nothing; exit 1 when there are some"),
    output_file: Path | None = typer.Option(
        None, "--output-file", "-o", help="write the report to this file (whole, or not at "
        "all) instead of stdout"),
) -> None:
    """Lint Keras models written in YAML for the mistakes people really make.

    With no PATH, the current folder is searched (as ruff does). The text report is
    coloured on a terminal; NO_COLOR=1 turns colours off, FORCE_COLOR=1 on.

    Findings marked [*] have a safe fix that --fix applies in place (Keras 1/2 names,
    numbers YAML readers disagree on); --unsafe-fixes adds the fixes that change the
    model (return_sequences on a stacked RNN). --diff shows them without writing.

    64 or more model files are shared among all cores (on Linux); the environment
    variable NETLINT_JOBS=N caps the number of processes, NETLINT_JOBS=1 uses one.
    """
    from netlint.cli.check_run import run_check

    def echo(message: str) -> None:
        typer.echo(message, err=True)

    raise typer.Exit(run_check(
        list(paths or []), fmt=format.value if format else None, select=select, ignore=ignore,
        fail_on=fail_on.value if fail_on else None, exit_zero=exit_zero, config=config,
        quiet=quiet, statistics=statistics, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
        output_file=output_file, echo=echo))
