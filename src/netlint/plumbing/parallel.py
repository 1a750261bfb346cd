"""Check many files: in file order, on every core when there are enough of them.

`netlint check` over a folder of a thousand models spends its time per file
(read, validate, infer, rules), so on a machine with several cores the files
are shared among worker processes, as flake8 and pylint do: chunks of files go
to a `concurrent.futures.ProcessPoolExecutor`, and `map` hands the results back
in file order whatever the worker count, so the output is the same byte for
byte. A worker's error (an unreadable file, a bad config file, a rule that
crashed) is handed back as a value and dealt with by the caller at that file's
place in the order, exactly as when checking one file after another. A worker
that dies (the OOM killer, say) breaks the pool: the run stops with an internal
error at its files' place, never a hang.

How workers start: by `fork` when this process runs one thread (the command
line: a worker then starts with everything already imported), otherwise by
`spawn`, because forking a process whose other threads may hold locks (JAX in a
host program or a test session) can deadlock, and JAX warns that it may. Not
`forkserver`: its server process would outlive the check in a host program.
For fewer than `PARALLEL_MIN_FILES` files, off Linux, or with NETLINT_JOBS=1,
files are checked here, in this process. NETLINT_JOBS=N caps the processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves
CHUNK = 16  # files per task at least: enough to amortise the hand-over
# Larger tasks for a larger folder, as many as this per worker, so that the workers still
# finish together (the last task of one is not left running long after the other's).
# Each task handed over costs ~0.5 ms of CPU between the processes; 1,000 files in 62
# tasks of 16 took ~15 ms more CPU than in 33 of 31 (2 cores).
TASKS_PER_WORKER = 16
MAX_CHUNK = 64


class Crashed:
    """A rule crashed in a worker: its message (the exception itself may not pickle)."""

    def __init__(self, message: str):
        self.message = message

    def __str__(self) -> str:
        return self.message


_checker: tuple = ()  # (check_file, the errors check_one returns) once imported


def check_one(file: str | Path, overrides: object, finder: object) -> object:
    """The findings of one file, or the error that stopped it (OSError, RuleCrash,
    ConfigError), returned rather than raised."""
    check_file, returned = _checker or _import_checker()
    try:
        return check_file(file, overrides, finder)
    except returned as error:
        return error


def _import_checker() -> tuple:
    """Imported on first use and kept: an import statement runs the import machinery on
    every call, even once the module is loaded (~1.8 us for these three, once a file)."""
    global _checker
    from netlint.api import check_file
    from netlint.rules.config import ConfigError
    from netlint.rules.engine import RuleCrash

    _checker = (check_file, (OSError, RuleCrash, ConfigError))
    return _checker


def check_many(files: list[str | Path], overrides: object, finder: object) -> Iterator[tuple]:
    """(file, findings or the error that stopped it) for each file, in file order.

    A ConfigError is re-raised at its file's place, as the sequential loop would."""
    from netlint.rules.config import ConfigError

    jobs = worker_count(len(files))
    results = _in_workers(files, overrides, finder, jobs) if jobs > 1 else \
        ((file, check_one(file, overrides, finder)) for file in files)
    try:
        for file, found in results:
            if isinstance(found, ConfigError):
                raise found
            yield file, found
    finally:
        # the workers stop here and now: the raised error's traceback holds this frame,
        # and with it `results`, until the collector happens to free it (a cycle)
        results.close()


def worker_count(files: int) -> int:
    """How many processes to use for `files` files (1: check them here)."""
    if files < PARALLEL_MIN_FILES or not sys.platform.startswith("linux"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    wanted = os.environ.get("NETLINT_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        cores = min(cores, int(wanted))
    return max(1, min(cores, files // (2 * CHUNK)))


def _in_workers(files: list[str | Path], overrides: object, finder: object,
                jobs: int) -> Iterator[tuple]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # The first file is checked here, before the workers start: what it loads on first
    # use (the layer families, the validator, caches) is then inherited by forked workers
    # instead of being loaded again in each.
    yield files[0], check_one(files[0], overrides, finder)
    rest = files[1:]
    size = min(MAX_CHUNK, max(CHUNK, len(rest) // (jobs * TASKS_PER_WORKER)))
    chunks = [rest[i:i + size] for i in range(0, len(rest), size)]
    context = multiprocessing.get_context("fork" if _single_threaded() else "spawn")
    # overrides and finder go to each worker once, as it starts (a forked one inherits
    # them as they are, caches and all), not with every chunk: a copy unpickled per chunk
    # started with cold caches (the config stacked again, its settings resolved again)
    # and made the chunk's first file cost ~0.15 ms more, ~8 ms over 1,000 files
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(overrides, finder))
    try:
        outcomes = pool.map(_check_chunk, chunks)
        for chunk in chunks:
            try:
                results, notes = next(outcomes)
            except BrokenProcessPool:  # the caller stops at the first Crashed
                yield chunk[0], Crashed(
                    f"a worker process stopped (killed, or crashed) before it finished "
                    f"checking {chunk[0]} and the {len(chunk) - 1} files after it")
                return
            for note in notes:  # a worker's ConfigFinder found something to say
                if note not in finder.notes:  # type: ignore[attr-defined]
                    finder.notes.append(note)  # type: ignore[attr-defined]
            yield from zip(chunk, results)
    finally:
        # also when the caller stops early: chunks not started are dropped, and the ones
        # running (MAX_CHUNK files at most each) are waited for, so no process is left
        # behind
        pool.shutdown(wait=True, cancel_futures=True)


def _single_threaded() -> bool:
    """True when this process runs one thread, counted by the kernel (JAX's threads
    are not Python's, so `threading.active_count()` would miss them)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


_worker_state: tuple = ()  # in a worker: (overrides, finder), set as it starts


def _start_worker(overrides: object, finder: object) -> None:
    global _worker_state
    _worker_state = (overrides, finder)


def _check_chunk(chunk: list[str | Path]) -> tuple[list, list]:
    """In a worker: each file's result (made picklable) and the config notes added.

    The worker's finder lives as long as the worker: a note is made once, by the first
    chunk that walks through its folder; the chunks come back in order, and the caller
    keeps the first of each note, so the notes and their order are those of one process
    checking every file in order."""
    from netlint.rules.engine import RuleCrash

    overrides, finder = _worker_state
    before = len(finder.notes)  # type: ignore[attr-defined]
    results = []
    for file in chunk:
        found = check_one(file, overrides, finder)
        results.append(Crashed(str(found)) if isinstance(found, RuleCrash) else found)
    return results, finder.notes[before:]  # type: ignore[attr-defined]
