"""netlint.workers: forked processes, results in task order, and no hang when one dies.

The pool is what `netlint check` runs many files on; its promises are that the
order of results never depends on which worker was quicker, that a worker that
stops (killed, or a bug) comes back as `Lost` at its tasks' place instead of a
wait that never ends, and that stopping early leaves no process behind (which
conftest.py checks after every test here).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from netlint import parallel
from netlint.commands.check_run import run_check
from netlint.workers import Lost, run_in_workers

# forks: each test runs in a fresh interpreter, never forking this JAX-loaded one (conftest.py)
pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="worker processes are forked on Linux only"),
              pytest.mark.forks]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_hang():
    """A pool that waits forever fails the test instead of stopping the suite."""
    def expired(*_):
        raise TimeoutError("the pool did not finish within 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_results_come_in_task_order_whoever_finishes_first():
    def work(task: int) -> tuple:
        time.sleep(0.02 if task % 3 == 0 else 0)  # every third task is the slow one
        return task, os.getpid()

    results = list(run_in_workers(work, 40, 3))
    assert [task for task, _ in results] == list(range(40))
    assert len({pid for _, pid in results}) > 1  # really shared among workers
    assert os.getpid() not in {pid for _, pid in results}


def test_a_large_result_crosses_the_pipe_whole():
    blob = [list(range(1000))] * 200  # ~1 MB pickled: many pipe buffers' worth

    assert list(run_in_workers(lambda task: (task, blob), 4, 2)) == \
        [(task, blob) for task in range(4)]


def test_a_task_that_raises_comes_back_as_lost_with_the_error():
    def work(task: int) -> int:
        if task == 5:
            raise ValueError("bad task")
        return task

    results = list(run_in_workers(work, 8, 2))
    assert results[:5] == [0, 1, 2, 3, 4] and results[6:] == [6, 7]
    assert isinstance(results[5], Lost) and "ValueError: bad task" in str(results[5])


def test_a_killed_worker_is_reported_not_waited_for():
    def work(task: int) -> int:
        if task == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return task

    results = list(run_in_workers(work, 10, 2))
    assert isinstance(results[3], Lost)
    assert "was killed (SIGKILL)" in str(results[3])
    assert results[:3] == [0, 1, 2]


def test_every_worker_killed_still_ends():
    def work(task: int) -> int:
        os.kill(os.getpid(), signal.SIGKILL)

    results = list(run_in_workers(work, 12, 2))
    assert len(results) == 12 and all(isinstance(r, Lost) for r in results)


def test_stopping_early_kills_the_workers():
    results = run_in_workers(lambda task: time.sleep(0.05) or task, 200, 2)
    assert next(results) == 0
    results.close()  # conftest's no_child_process_left then finds no worker


def test_a_worker_killed_during_netlint_check_stops_the_run(tmp_path, monkeypatch):
    source = (ROOT / "examples" / "mnist-convnet.yaml").read_bytes()
    for index in range(80):
        (tmp_path / f"{index:03d}.yaml").write_bytes(source)
    real_check_one = parallel.check_one

    def dies_on_one_file(file, overrides, finder):
        if os.path.basename(file) == "050.yaml" and os.getpid() != parent:  # file: a str
            os.kill(os.getpid(), signal.SIGKILL)
        return real_check_one(file, overrides, finder)

    parent = os.getpid()
    monkeypatch.setattr(parallel, "check_one", dies_on_one_file)
    monkeypatch.setenv("NETLINT_JOBS", "2")
    monkeypatch.setenv("GITHUB_ACTIONS", "")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_check([tmp_path], fmt="json")
    assert code == 2
    assert "internal error: a worker process was killed (SIGKILL)" in err.getvalue()
    assert out.getvalue() == ""  # no report made of half the files


def test_checking_many_files_does_not_import_multiprocessing(tmp_path):
    source = (ROOT / "examples" / "mnist-convnet.yaml").read_bytes()
    for index in range(parallel.PARALLEL_MIN_FILES + 1):
        (tmp_path / f"{index:03d}.yaml").write_bytes(source)
    code = textwrap.dedent(f"""\
        import sys
        from pathlib import Path
        from netlint import parallel
        from netlint.commands.check_run import run_check
        assert parallel.worker_count({parallel.PARALLEL_MIN_FILES + 1}) > 1
        assert run_check([Path({str(tmp_path)!r})]) == 0
        print("multiprocessing" in sys.modules)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "NETLINT_JOBS": "2", "GITHUB_ACTIONS": ""})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
