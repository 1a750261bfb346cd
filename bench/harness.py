"""Run commands as fresh processes, the way a user or a hook runs them, and time them.

Every measurement is a whole child process (interpreter start-up included), timed
with `time.perf_counter` around `Popen` + `os.wait4`, so the wall time and the
child's own peak resident memory (`ru_maxrss`) come from the same run. Commands
that are compared are run round-robin (A B C A B C ...) rather than one after the
other, so a burst of load from another process on the machine hits all of them
alike; the figure reported is the median of the runs.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Timing:
    """One command's runs: wall seconds per run and the largest child peak RSS (KiB)."""

    label: str
    argv: list
    seconds: list
    max_rss_kib: int
    exit_codes: set
    cpu_seconds: list

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.seconds) * 1000

    @property
    def cpu_ms(self) -> float:
        """Median user + system time: steadier than wall time on a shared machine."""
        return statistics.median(self.cpu_seconds) * 1000

    @property
    def peak_mib(self) -> float:
        return self.max_rss_kib / 1024


def child_environment(cache_dir: Path) -> dict:
    """The environment a user's shell gives: bytecode cached (as after `pip install`).

    A sandbox may set PYTHONDONTWRITEBYTECODE, which makes every run recompile
    netlint from source, a cost no installed user pays. The bytecode goes to a
    private folder (PYTHONPYCACHEPREFIX) so the source tree is left alone; every
    command, baselines included, runs with the same setting.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    env["KERAS_BACKEND"] = "numpy"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env.pop("GITHUB_ACTIONS", None)  # `check` would switch to the github format
    return env


# Linux starts a child's ru_maxrss at its parent's resident size (the high-water mark of
# the memory it had before exec), so a child of this bench (or of pytest) could never
# report less than its parent. Each command is therefore started by a minimal launcher
# (python -S, ~8 MiB), which also times it from fork to exit, start-up included.
LAUNCHER = """
import os, sys, time
argv = sys.argv[1:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


def run_once(argv: list, env: dict, cwd: Path | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS KiB, exit code, CPU seconds) of one child process."""
    run = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *map(str, argv)],
                         capture_output=True, text=True, env=env, cwd=cwd, check=True)
    seconds, rss, code, cpu = run.stdout.split()
    return float(seconds), int(rss), int(code), float(cpu)


def compare(commands: dict, runs: int, env: dict, *, warmup: int = 1,
            cwd: Path | None = None) -> dict:
    """label -> Timing for each argv in `commands`, run round-robin `runs` times."""
    for _ in range(warmup):  # fills the bytecode cache, warms the page cache
        for argv in commands.values():
            run_once(argv, env, cwd)
    results = {label: Timing(label, argv, [], 0, set(), [])
               for label, argv in commands.items()}
    for _ in range(runs):
        for label, argv in commands.items():
            seconds, rss, code, cpu = run_once(argv, env, cwd)
            timing = results[label]
            timing.seconds.append(seconds)
            timing.cpu_seconds.append(cpu)
            timing.max_rss_kib = max(timing.max_rss_kib, rss)
            timing.exit_codes.add(code)
    return results


def python_snippet(code: str) -> list:
    """argv for a fresh interpreter (the venv's) running `code`."""
    return [sys.executable, "-c", code]


def netlint_argv(*args: str) -> list:
    """argv for the installed console script, exactly what a hook or a user runs."""
    script = VENV_BIN / "netlint"
    return [str(script), *args] if script.exists() else \
        [sys.executable, "-m", "netlint.cli", *args]


def machine() -> dict:
    """What the figures were measured on."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": model or "unknown",
        "python": platform.python_version() + " (" + sys.executable + ")",
        "platform": platform.platform(),
        "load average at start": load,
    }


def linear_fit(xs: list, ys: list) -> tuple[float, float, float]:
    """(slope, intercept, r squared) of the least-squares line through the points."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    return slope, intercept, 1 - ss_res / ss_tot if ss_tot else 1.0


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
