"""What `netlint check` does once its options are parsed; no typer here.

`cli/check.py` (the typer command) and `cli/check_fast.py` (the
plain-argv path a pre-commit hook takes) both call `run_check`, so the two can
only differ in how the command line was read. Importing typer and letting it
build its parameter adapters costs more than checking a typical model, and this
module is what lets the common case skip that.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

Echo = Callable[[str], None]

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


class UsageFailure(Exception):
    """A bad command line or config: `netlint: message` on stderr, exit 2."""


def echo_err(message: str) -> None:
    """`typer.echo(message, err=True)` without typer: escape codes stripped off a tty."""
    stream = sys.stderr
    text = message + "\n"
    try:
        tty = stream.isatty()
    except Exception:  # noqa: BLE001 - click treats any failure as "not a terminal"
        tty = False
    if not tty:
        text = _ANSI.sub("", text)
    stream.write(text)
    stream.flush()


def run_check(paths: list[str | Path], *, fmt: str | None = None, select: list[str] = (),
              ignore: list[str] = (), fail_on: str | None = None, exit_zero: bool = False,
              config: str | Path | None = None, quiet: bool = False, statistics: bool = False,
              fix: bool = False, unsafe_fixes: bool = False, diff: bool = False,
              echo: Echo = echo_err) -> int:
    """Lint `paths`, print the report, return the exit code (0 clean, 1 findings, 2 usage).

    Paths are strings from here on, spelled as pathlib spells them (`./a//b/` is `a/b`):
    what the reports print."""
    from netlint.report.text import visible
    from netlint.rules.config import ConfigError, ConfigFinder

    given_echo = echo

    def echo(message: str) -> None:  # messages name the user's files: never raw escapes
        given_echo(visible(message, keep_newlines=True))

    chosen = fmt or ("github" if _under_github_actions() else "text")
    try:
        overrides = _command_line_config(list(select), list(ignore), fail_on, config)
    except ConfigError as error:
        echo(f"netlint: {error.message}")
        return 2
    finder = ConfigFinder()
    files, missing = _expand(paths, echo)
    if fix or diff:
        return _fix_and_report(files, missing, overrides, finder, chosen,
                               unsafe=unsafe_fixes, diff=diff, quiet=quiet,
                               statistics=statistics, exit_zero=exit_zero, echo=echo)
    try:
        outcome = _check_files(files, overrides, finder, echo)
    except ConfigError as error:
        echo(f"netlint: {error.message}")
        return 2
    if outcome is None:  # a rule crashed: already reported
        return 2
    findings, failing, unreadable = outcome
    for note in finder.notes:
        echo(f"netlint: {note}")
    if not quiet:
        _print(chosen, findings, len(files), statistics, echo)
    if missing or unreadable:
        return 2
    return 0 if exit_zero or not failing else 1


def _fix_and_report(files: list[str], missing: list[str], overrides: object, finder: object,
                    chosen: str, *, unsafe: bool, diff: bool, quiet: bool, statistics: bool,
                    exit_zero: bool, echo: Echo) -> int:
    """--fix: apply, report what remains. --diff: print the diff, write nothing, exit 1
    when there would be changes (as ruff does)."""
    from netlint.cli.check_fix import fix_files
    from netlint.rules.config import ConfigError
    from netlint.rules.engine import RuleCrash

    try:
        run = fix_files(files, overrides, finder, unsafe=unsafe, diff=diff, echo=echo)
    except ConfigError as error:
        echo(f"netlint: {error.message}")
        return 2
    except RuleCrash as crash:
        echo(f"netlint: internal error: {crash} (please report this)")
        return 2
    count = f"{run.fixed} problem{'' if run.fixed == 1 else 's'} in " \
        f"{len(run.files_changed)} file{'' if len(run.files_changed) == 1 else 's'}"
    if diff:
        if run.fixed:
            echo(f"netlint: would fix {count}")
        return 2 if missing or run.trouble else (1 if run.files_changed else 0)
    if not quiet:
        _print(chosen, run.findings, len(files), statistics, echo)
        if run.fixed:
            echo(f"netlint: fixed {count}")
    if missing or run.trouble:
        return 2
    return 0 if exit_zero or not run.failing else 1


def _under_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS", "").lower() == "true"


def _command_line_config(select: list[str], ignore: list[str], fail_on: str | None,
                         config_file: str | Path | None) -> object:
    """The command-line layer, over --config's file; validated against the rules now."""
    from netlint.plumbing.records import replace
    from netlint.rules.config import (
        Config,
        ConfigError,
        load_config_file,
        selector_list,
    )
    from netlint.rules.engine import registry

    selected = selector_list(select, "--select") if select else None
    if selected == ():
        raise ConfigError("--select names no rule; give ids, prefixes (NL2) or names")
    layer = Config(select=selected,
                   ignore=selector_list(ignore, "--ignore"),
                   fail_on=fail_on, source="command line")
    if config_file is not None:
        layer = layer.over(replace(load_config_file(config_file), isolated=True))
    layer.settings(registry(), "")  # unknown ids/names fail before any file is read
    return layer


def _expand(paths: list[str | Path], echo: Echo) -> tuple[list[str], list[str]]:
    """Files to check (folders searched), and the paths that do not exist; spelled as
    pathlib spells them."""
    from pathlib import Path

    from netlint.api import model_file_names

    files: list[str] = []
    missing: list[str] = []
    for given in map(Path, paths):
        path = str(given)
        if not given.exists():
            echo(f"netlint: {path}: no such file or folder")
            missing.append(path)
        elif given.is_dir():
            found = model_file_names(path)
            if not found:
                echo(f"netlint: {path}: no model files found (YAML files with a "
                     "top-level 'layers:' key)")
            files += found
        else:
            files.append(path)
    unique = list(dict.fromkeys(files))  # a file named twice is checked once
    return unique, missing


def _check_files(files: list[str], overrides: object, finder: object,
                 echo: Echo) -> tuple[list, bool, bool] | None:
    """All findings, whether any reaches its file's fail-on level, whether a file failed
    to read; None when a rule crashed (reported here)."""
    from netlint.model.findings import severity_rank
    from netlint.plumbing.parallel import Crashed, check_many
    from netlint.rules.config import effective_config
    from netlint.rules.engine import RuleCrash

    findings, failing, unreadable = [], False, False
    results = check_many(files, overrides, finder)
    try:
        for file, found in results:
            if isinstance(found, OSError):
                echo(f"netlint: {file}: cannot read: {found.strerror or found}")
                unreadable = True
                continue
            if isinstance(found, (RuleCrash, Crashed)):
                echo(f"netlint: internal error: {found} (please report this)")
                return None
            threshold = severity_rank(effective_config(overrides, file, finder).fail_on_level)
            failing = failing or any(severity_rank(f.severity) >= threshold for f in found)
            findings += found
    finally:
        results.close()  # stopping early: the worker processes stop now, not when collected
    return findings, failing, unreadable


def _print(chosen: str, findings: list, files: int, statistics: bool, echo: Echo) -> None:
    from netlint.report import render
    from netlint.report.text import statistics_lines

    output = render(chosen, findings, files, statistics=statistics and chosen == "text")
    if output:
        sys.stdout.write(output)
        sys.stdout.flush()
    if statistics and chosen != "text" and findings:
        # keep machine-readable stdout clean: the per-rule counts go to stderr
        for line in statistics_lines(findings):
            echo(line)
