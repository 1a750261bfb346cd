"""`netlint check PATH...`: lint model files and folders; exit 0 clean, 1 findings, 2 usage."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path

import typer

from netlint.commands.common import fail_usage


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
    paths: list[Path] = typer.Argument(..., help="model files, or folders to search for them"),
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
) -> None:
    """Lint Keras models written in YAML for the mistakes people really make."""
    from netlint.rules.config import ConfigError, ConfigFinder

    chosen = format.value if format else ("github" if _under_github_actions() else "text")
    try:
        overrides = _command_line_config(select, ignore, fail_on, config)
    except ConfigError as error:
        raise fail_usage(error.message) from None
    finder = ConfigFinder()
    files, missing = _expand(paths)
    try:
        findings, failing, unreadable = _check_files(files, overrides, finder)
    except ConfigError as error:
        raise fail_usage(error.message) from None
    for note in finder.notes:
        typer.echo(f"netlint: {note}", err=True)
    if not quiet:
        _print(chosen, findings, len(files), statistics)
    if missing or unreadable:
        raise typer.Exit(2)
    raise typer.Exit(0 if exit_zero or not failing else 1)


def _under_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS", "").lower() == "true"


def _command_line_config(select: list[str], ignore: list[str], fail_on: Level | None,
                         config_file: Path | None) -> object:
    """The command-line layer, over --config's file; validated against the rules now."""
    from dataclasses import replace

    from netlint.rules.config import Config, ConfigError, load_config_file, selector_list
    from netlint.rules.engine import registry

    selected = selector_list(select, "--select") if select else None
    if selected == ():
        raise ConfigError("--select names no rule; give ids, prefixes (NL2) or names")
    layer = Config(select=selected,
                   ignore=selector_list(ignore, "--ignore"),
                   fail_on=fail_on.value if fail_on else None, source="command line")
    if config_file is not None:
        layer = layer.over(replace(load_config_file(config_file), isolated=True))
    layer.settings(registry(), "")  # unknown ids/names fail before any file is read
    return layer


def _expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files to check (folders searched), and the paths that do not exist."""
    from netlint.api import model_files

    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if not path.exists():
            typer.echo(f"netlint: {path}: no such file or folder", err=True)
            missing.append(path)
        elif path.is_dir():
            found = model_files(path)
            if not found:
                typer.echo(f"netlint: {path}: no model files found (YAML files with a "
                           "top-level 'layers:' key)", err=True)
            files += found
        else:
            files.append(path)
    unique = list(dict.fromkeys(files))  # a file named twice is checked once
    return unique, missing


def _check_files(files: list[Path], overrides: object,
                 finder: object) -> tuple[list, bool, bool]:
    """All findings, whether any reaches its file's fail-on level, whether a file failed to read."""
    from netlint.api import check
    from netlint.findings import severity_rank
    from netlint.rules.config import effective_config
    from netlint.rules.engine import RuleCrash

    findings, failing, unreadable = [], False, False
    for file in files:
        try:
            found = check(file, overrides, finder=finder)
        except OSError as error:
            typer.echo(f"netlint: {file}: cannot read: {error.strerror or error}", err=True)
            unreadable = True
            continue
        except RuleCrash as crash:
            typer.echo(f"netlint: internal error: {crash} (please report this)", err=True)
            raise typer.Exit(2) from None
        threshold = severity_rank(effective_config(overrides, file, finder).fail_on_level)
        failing = failing or any(severity_rank(f.severity) >= threshold for f in found)
        findings += found
    return findings, failing, unreadable


def _print(chosen: str, findings: list, files: int, statistics: bool) -> None:
    from netlint.report import render
    from netlint.report.text import statistics_lines

    output = render(chosen, findings, files, statistics=statistics and chosen == "text")
    if output:
        sys.stdout.write(output)
        sys.stdout.flush()
    if statistics and chosen != "text" and findings:
        # keep machine-readable stdout clean: the per-rule counts go to stderr
        for line in statistics_lines(findings):
            typer.echo(line, err=True)
