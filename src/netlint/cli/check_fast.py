"""`netlint check [FILE...]` without typer: the command line a pre-commit hook runs.

Importing typer, building its click group and its pydantic-backed parameter
adapters takes longer than linting a typical model. Measured with typer 0.29.1
(2 cores, median of 15, examples/mnist-convnet.yaml): this path 71 ms, the
floor bench/ compares with (a process that imports typer and PyYAML and parses
the file) 72 ms, the same check through typer 198 ms, and 188 ms with only
`check` registered: typer builds a pydantic TypeAdapter per parameter. A hook runs
`netlint check` with file names and maybe a few options on every commit, so
`main()` first offers the arguments to `parse`: when every argument is a plain
file name or one of the options below in a plain spelling with a valid value,
it runs `run_check` directly. Anything else (--help, a typo, a bad value, `--`,
short clusters, completion) returns None and typer handles the whole command
line exactly as before, error messages included.

The option table must match `cli/check.py`; tests/robustness/
test_check_fast.py compares it with typer's own parameters and runs both paths
on the same command lines.
"""

from __future__ import annotations

import os
import sys

# spelling -> (parameter, kind, allowed values); kinds: flag, one, many
OPTIONS: dict[str, tuple[str, str, tuple | None]] = {
    "--format": ("format", "one", ("text", "json", "sarif", "github")),
    "-f": ("format", "one", ("text", "json", "sarif", "github")),
    "--select": ("select", "many", None),
    "--ignore": ("ignore", "many", None),
    "--fail-on": ("fail_on", "one", ("error", "warning", "info")),
    "--exit-zero": ("exit_zero", "flag", None),
    "--config": ("config", "one", None),
    "--quiet": ("quiet", "flag", None),
    "-q": ("quiet", "flag", None),
    "--statistics": ("statistics", "flag", None),
    "--fix": ("fix", "flag", None),
    "--unsafe-fixes": ("unsafe_fixes", "flag", None),
    "--diff": ("diff", "flag", None),
    "--output-file": ("output_file", "one", None),
    "-o": ("output_file", "one", None),
}

DEFAULTS = {"format": None, "select": [], "ignore": [], "fail_on": None, "exit_zero": False,
            "config": None, "quiet": False, "statistics": False, "fix": False,
            "unsafe_fixes": False, "diff": False, "output_file": None}


def parse(argv: list[str]) -> dict | None:
    """`run_check` keyword arguments for `check ...` argv, or None to leave it to typer."""
    if not argv or argv[0] != "check" or _completion_requested():
        return None
    values = {key: (list(value) if isinstance(value, list) else value)
              for key, value in DEFAULTS.items()}
    given: set[str] = set()
    paths: list[str] = []  # as given: run_check spells them as pathlib would
    args = iter(argv[1:])
    for arg in args:
        if arg == "":
            return None  # typer's Path("") is the current folder; let it decide
        if not arg.startswith("-"):
            paths.append(arg)
            continue
        name, equals, value = arg.partition("=")
        spec = OPTIONS.get(name)
        if spec is None or (equals and not name.startswith("--")):
            return None  # unknown, `--`, `-`, `-fjson`, `-q=..`: typer says what is wrong
        parameter, kind, allowed = spec
        if kind == "flag":
            if equals or parameter in given:
                return None
            values[parameter] = True
        else:
            if not equals:
                value = next(args, None)
            if value is None or value == "" or value.startswith("-") or \
                    (allowed is not None and value not in allowed):
                return None
            if kind == "many":
                values[parameter].append(value)
            elif parameter in given:
                return None  # given twice: let typer apply its own rule
            else:
                values[parameter] = value
        given.add(parameter)
    return {"paths": paths, **values}  # no path: run_check searches the current folder


def _completion_requested() -> bool:
    """Shell completion runs through typer (`_NETLINT_COMPLETE=...`)."""
    return any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)


def run(argv: list[str]) -> int | None:
    """The exit code of `netlint check ...` run here, or None when typer must run it."""
    options = parse(argv)
    if options is None:
        return None
    from netlint.cli.check_run import run_check

    paths = options.pop("paths")
    fmt = options.pop("format")
    try:
        return run_check(paths, fmt=fmt, **options)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # as click does: the reader went away (`netlint check . | head`); say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
