"""What the three long fuzz runs (fuzz.py, import_fuzz.py, config_fuzz.py) share: their
command line and the check of one real `netlint` command in a subprocess."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def fuzz_arguments(description: str, keep_what: str, argv: list | None,
                   **extra_every: int) -> argparse.Namespace:
    """--cases, --seed, --cli-every and --keep, plus one `--NAME-every` per keyword."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    for name, default in extra_every.items():
        parser.add_argument(f"--{name}-every", type=int, default=default)
    parser.add_argument("--cli-every", type=int, default=500)
    parser.add_argument("--keep", type=Path, help=f"copy failing {keep_what} into this folder")
    return parser.parse_args(argv)


def command_problems(arguments: list[str]) -> tuple[list[str], subprocess.CompletedProcess]:
    """Run `netlint ARGUMENTS` as a user would: it must exit 0, 1 or 2 and never print a
    traceback or an internal error. The problems found, and the run itself."""
    run = subprocess.run([sys.executable, "-m", "netlint.cli", *arguments],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "GITHUB_ACTIONS": ""})
    command = f"netlint {arguments[0]}"
    out = []
    if run.returncode not in (0, 1, 2):
        out.append(f"{command} exited {run.returncode}")
    if "Traceback" in run.stderr + run.stdout or "internal error" in run.stderr:
        out.append(f"{command} crashed:\n{run.stderr[-2000:]}")
    return out, run
