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

from netlint.errors import NetlintError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

Echo = Callable[[str], None]

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


class UsageFailure(NetlintError):
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
              output_file: str | Path | None = None, echo: Echo = echo_err) -> int:
    """Lint `paths` (none: the current folder), print the report (or write it whole to
    `output_file`), return the exit code (0 clean, 1 findings, 2 usage).

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
    files, missing = _expand(list(paths) or ["."], echo)
    report = Report(chosen, statistics, output_file, echo)
    if not report.usable(files):
        return 2
    if fix or diff:
        return _fix_and_report(files, missing, overrides, finder, report,
                               unsafe=unsafe_fixes, diff=diff, quiet=quiet,
                               exit_zero=exit_zero, echo=echo)
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
    if not quiet and not report.write(findings, len(files)):
        return 2
    if missing or unreadable:
        return 2
    return 0 if exit_zero or not failing else 1


def _fix_and_report(files: list[str], missing: list[str], overrides: object, finder: object,
                    report: Report, *, unsafe: bool, diff: bool, quiet: bool,
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
        if not report.write(run.findings, len(files)):
            return 2
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


class Report:
    """Where and how the report goes: stdout (coloured text on a terminal), or the whole
    of it to --output-file, written atomically (plumbing.output_files), never coloured."""

    def __init__(self, chosen: str, statistics: bool, output_file: str | Path | None,
                 echo: Echo) -> None:
        from pathlib import Path

        self.chosen, self.statistics, self.echo = chosen, statistics, echo
        self.output = None if output_file is None else Path(output_file)

    def usable(self, files: list[str]) -> bool:
        """False (said on stderr) when --output-file names a folder, a model file, a
        folder that does not exist: checked before any model is read."""
        if self.output is None:
            return True
        from netlint.plumbing.output_files import OutputError, check_output

        try:
            check_output(self.output, tuple(files))
        except OutputError as error:
            self.echo(f"netlint: {error}")
            return False
        return True

    def write(self, findings: list, files: int) -> bool:
        """Print or write the report; False when the output file cannot be written."""
        from netlint.report.text import statistics_lines

        output = self._render(findings, files)
        if self.output is not None:
            from netlint.plumbing.output_files import write_atomic

            try:
                write_atomic(self.output, output.encode("utf-8", "surrogateescape"))
            except OSError as error:
                self.echo(f"netlint: {self.output}: cannot write: {error.strerror or error}")
                return False
        elif output:
            sys.stdout.write(output)
            sys.stdout.flush()
        if self.statistics and self.chosen != "text" and findings:
            # keep machine-readable output clean: the per-rule counts go to stderr
            for line in statistics_lines(findings):
                self.echo(line)
        return True

    def _render(self, findings: list, files: int) -> str:
        statistics = self.statistics and self.chosen == "text"
        if self.chosen == "text":
            from netlint.report.text import colour_wanted, format_text

            colour = self.output is None and colour_wanted(sys.stdout)
            return format_text(findings, files, statistics=statistics, colour=colour)
        from netlint.report import render

        return render(self.chosen, findings, files, statistics=statistics)
