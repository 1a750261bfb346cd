"""Check many files: in file order, on every core when there are enough of them.

`netlint check` over a folder of a thousand models spends its time per file
(read, validate, infer, rules), so on a machine with several cores the files
are shared among forked worker processes, as flake8 and pylint do. Results
come back in file order whatever the worker count, so the output is the same
byte for byte; a worker's error (an unreadable file, a bad config file, a rule
that crashed) is handed back as a value and dealt with by the caller at that
file's place in the order, exactly as when checking one file after another.

Only where `fork` is the native way to start processes (Linux): a worker then
starts with everything already imported (netlint.workers runs the processes). A
worker that dies (killed by the OOM killer, say) stops the run with an internal
error at its files' place, never a hang. Elsewhere, for fewer than
`PARALLEL_MIN_FILES` files, or with NETLINT_JOBS=1, files are checked here, in
this process. NETLINT_JOBS=N caps the number of processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from pathlib import Path

PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves
CHUNK = 16  # files per task: large enough to amortise the hand-over, small enough to balance


class Crashed:
    """A rule crashed in a worker: its message (the exception itself may not pickle)."""

    def __init__(self, message: str):
        self.message = message

    def __str__(self) -> str:
        return self.message


def check_one(file: str | Path, overrides: object, finder: object) -> object:
    """The findings of one file, or the error that stopped it (OSError, RuleCrash,
    ConfigError), returned rather than raised."""
    from netlint.api import check_file
    from netlint.rules.config import ConfigError
    from netlint.rules.engine import RuleCrash

    try:
        return check_file(file, overrides, finder)
    except (OSError, RuleCrash, ConfigError) as error:
        return error


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


# What each forked worker checks with: set in the parent just before forking.
_shared: dict = {}


def _in_workers(files: list[str | Path], overrides: object, finder: object,
                jobs: int) -> Iterator[tuple]:
    import gc

    from netlint.workers import Lost, run_in_workers

    # The first file is checked here, before forking: what it loads on first use (the
    # layer families, the schema checker, caches) is then inherited by every worker
    # instead of being loaded again in each.
    yield files[0], check_one(files[0], overrides, finder)
    rest = files[1:]
    chunks = [rest[i:i + CHUNK] for i in range(0, len(rest), CHUNK)]
    _shared.update(overrides=overrides, finder=finder, chunks=chunks)
    # Objects made so far leave the collector's generations: a worker's collections then
    # never write to (and so copy) the memory pages it shares with this process.
    gc.freeze()
    outcomes = run_in_workers(_check_chunk, len(chunks), jobs)
    try:
        for chunk, outcome in zip(chunks, outcomes):
            if isinstance(outcome, Lost):  # the caller stops at the first Crashed
                yield chunk[0], Crashed(f"{outcome} (checking {chunk[0]} and the "
                                        f"{len(chunk) - 1} files after it)")
                return
            results, notes = outcome
            for note in notes:  # a worker's ConfigFinder found something to say
                if note not in finder.notes:  # type: ignore[attr-defined]
                    finder.notes.append(note)  # type: ignore[attr-defined]
            yield from zip(chunk, results)
    finally:
        outcomes.close()  # stops the workers now, also when the caller stops early
        gc.unfreeze()
        _shared.clear()


def _check_chunk(index: int) -> tuple[list, list]:
    """In a worker: each file's result (made picklable) and the config notes added."""
    from netlint.rules.engine import RuleCrash

    finder = _shared["finder"]
    before = len(finder.notes)
    results = []
    for file in _shared["chunks"][index]:
        found = check_one(file, _shared["overrides"], finder)
        results.append(Crashed(str(found)) if isinstance(found, RuleCrash) else found)
    return results, finder.notes[before:]
