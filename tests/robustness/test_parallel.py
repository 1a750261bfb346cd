"""Checking many files in worker processes says exactly what one process says.

netlint.plumbing.parallel hands files to worker processes when there are many; every
result, including the ones that stop the run (a broken config file, a rule
that crashes, an unreadable file), must reach the user at the same place in
the same words, with the same exit code. A worker that dies stops the run with
an internal error, never a hang, and leaves no process behind (conftest.py
checks after every test here).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from netlint.plumbing import parallel
from netlint.cli.check_run import run_check

# forks: each test runs in a fresh interpreter, never forking this JAX-loaded one (conftest.py)
pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="worker processes are forked on Linux only"),
              pytest.mark.forks]
ROOT = Path(__file__).resolve().parents[2]


def _run(paths: list, jobs: int, monkeypatch) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of `netlint check -f json paths` with `jobs` processes."""
    monkeypatch.setenv("NETLINT_JOBS", str(jobs))
    monkeypatch.setenv("GITHUB_ACTIONS", "")
    pools = []
    real_pool = parallel._in_workers

    def counted(*args):
        pools.append(args[3])
        yield from real_pool(*args)

    monkeypatch.setattr(parallel, "_in_workers", counted)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_check(paths, fmt="json")
    assert pools == ([] if jobs == 1 else [jobs])  # the path meant was the path taken
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    sources = sorted((ROOT / "examples").rglob("*.yaml"))
    for index in range(80):
        source = sources[index % len(sources)]
        sub = tmp_path / f"group{index // 20}"
        sub.mkdir(exist_ok=True)
        (sub / f"{index:03d}.yaml").write_bytes(source.read_bytes())
    return tmp_path


def test_the_pool_is_used_for_many_files_only(monkeypatch):
    monkeypatch.setenv("NETLINT_JOBS", "4")
    assert parallel.worker_count(10) == 1
    assert parallel.worker_count(parallel.PARALLEL_MIN_FILES) >= 1
    monkeypatch.setenv("NETLINT_JOBS", "1")
    assert parallel.worker_count(10_000) == 1


def test_same_output_with_and_without_workers(folder, monkeypatch):
    assert _run([folder], 2, monkeypatch) == _run([folder], 1, monkeypatch)


def test_same_output_when_another_thread_runs_and_workers_are_spawned(folder, monkeypatch):
    """A process with threads (JAX's, a host program's) is never forked: its workers
    are spawned, and what they say is the same."""
    alone = _run([folder], 1, monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel._single_threaded()
        assert _run([folder], 2, monkeypatch) == alone
    finally:
        stop.set()
        other.join()
        # spawned pools start Python's resource tracker, a helper process that lives as
        # long as its parent: stopped here, where the parent is this long-lived test run
        from multiprocessing import resource_tracker
        resource_tracker._resource_tracker._stop()
    assert parallel._single_threaded()


def test_a_worker_killed_during_netlint_check_stops_the_run(folder, monkeypatch):
    real_check_one = parallel.check_one
    parent = os.getpid()

    def dies_on_one_file(file, overrides, finder):
        if os.path.basename(file) == "050.yaml" and os.getpid() != parent:  # file: a str
            os.kill(os.getpid(), signal.SIGKILL)
        return real_check_one(file, overrides, finder)

    monkeypatch.setattr(parallel, "check_one", dies_on_one_file)
    code, out, err = _run([folder], 2, monkeypatch)
    assert code == 2
    assert "internal error: a worker process stopped (killed, or crashed)" in err
    assert out == ""  # no report made of half the files


def test_a_broken_config_file_stops_the_run_the_same_way(folder, monkeypatch):
    (folder / "group2" / ".netlint.yaml").write_text("select: [NL9999]\n")
    one = _run([folder], 1, monkeypatch)
    assert one[0] == 2 and "NL9999" in one[2]
    assert _run([folder], 2, monkeypatch) == one


def test_a_crashing_rule_is_reported_the_same_way(folder, monkeypatch):
    from netlint.rules import engine

    engine.registry()
    rule = engine.RULES["NL104"]

    def crash(ctx):
        if "group1" in ctx.path:
            raise RuntimeError("boom")
        return rule.check(ctx)

    monkeypatch.setitem(engine.RULES, "NL104", engine.Rule(
        rule.code, rule.name, rule.severity, rule.summary, crash, rule.options))
    one = _run([folder], 1, monkeypatch)
    assert one[0] == 2 and "internal error: rule NL104 crashed on" in one[2] and "boom" in one[2]
    assert _run([folder], 2, monkeypatch) == one


def test_unreadable_files_are_reported_in_order(folder, monkeypatch):
    real_load = parallel.check_one

    def flaky(file, overrides, finder):
        if os.path.basename(file) in ("005.yaml", "070.yaml"):  # file: a str
            return PermissionError(13, "Permission denied")
        return real_load(file, overrides, finder)

    monkeypatch.setattr(parallel, "check_one", flaky)
    one = _run([folder], 1, monkeypatch)
    assert one[0] == 2
    assert one[2].index("005.yaml: cannot read") < one[2].index("070.yaml: cannot read")
    assert _run([folder], 2, monkeypatch) == one

