"""Forked worker processes that run one function over numbered tasks, results in order.

What `netlint check` needs from a process pool, and no more: fork N workers
that inherit everything already imported and loaded, hand each the number of
its next task on a pipe, and collect each task's pickled result on another.
A worker holds at most PREFETCH task numbers, so a slow task (a 10,000-layer
model) delays only its own worker while the others take on the rest.

Why not `multiprocessing.Pool`: importing `multiprocessing.pool` costs 20-30 ms
(pickle, socket, threading, queue, its three helper threads), which is a tenth of
checking the benchmark's 1,000 files on two cores (issue 7); and when a worker is
killed (the OOM killer, a segfault) `Pool.imap` waits for its task forever. Here
a worker that stops is noticed at once and its tasks come back as `Lost`.

Linux only, like `fork` itself; the caller falls back to one process elsewhere.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
from collections.abc import Callable, Iterator

PREFETCH = 2  # task numbers a worker holds: the one it works on and the next one
_HEADER = 8  # bytes of the length that precedes each pickled result


class Lost(Exception):
    """A worker stopped before it returned a task's result (killed, or crashed)."""


def run_in_workers(work: Callable[[int], object], tasks: int, workers: int) -> Iterator:
    """`work(0)`, `work(1)`, ... `work(tasks - 1)`, run in `workers` forked processes;
    results in task order. A task whose worker stopped first (or that raised) yields a
    `Lost` instead.

    `work` runs in the children only; its result must pickle. Stopping early (closing
    the generator, an exception, Ctrl-C in this process) kills the workers."""
    pool = _Pool(work, tasks)
    try:
        for _ in range(workers):
            pool.start_worker()
        yield from pool.results()
    finally:
        pool.stop()


class _Pool:
    def __init__(self, work: Callable[[int], object], tasks: int):
        self.work, self.tasks = work, tasks
        self.next_task = 0
        self.poller = select.poll()
        # per worker, by the descriptor its results arrive on:
        self.task_pipes: dict[int, int] = {}  # -> descriptor its task numbers go to
        self.pids: dict[int, int] = {}
        self.held: dict[int, list[int]] = {}  # -> task numbers handed out, not yet done
        self.buffers: dict[int, bytearray] = {}

    def start_worker(self) -> None:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(task_write)
            os.close(result_read)
            for descriptor in [*self.task_pipes.values(), *self.pids]:
                # another worker's pipes: holding its task pipe open would keep that
                # worker from seeing the end of its tasks
                os.close(descriptor)
            _work_loop(self.work, task_read, result_write)
        os.close(task_read)
        os.close(result_write)
        self.task_pipes[result_read] = task_write
        self.pids[result_read] = pid
        self.held[result_read] = []
        self.buffers[result_read] = bytearray()
        self.poller.register(result_read, select.POLLIN)
        for _ in range(PREFETCH):
            self._hand_out(result_read)

    def _hand_out(self, worker: int) -> None:
        """Give `worker` the next task number, or tell it (end of its pipe) there is none."""
        task_pipe = self.task_pipes.get(worker)
        if task_pipe is None:
            return
        if self.next_task >= self.tasks:
            os.close(task_pipe)
            del self.task_pipes[worker]
            return
        try:
            os.write(task_pipe, self.next_task.to_bytes(4, "little"))
        except OSError:  # the worker has gone; its end of the results pipe says so next
            return
        self.held[worker].append(self.next_task)
        self.next_task += 1

    def results(self) -> Iterator:
        done: dict[int, object] = {}
        for wanted in range(self.tasks):
            while wanted not in done:
                if not self.pids:  # every worker has gone, with this task undone
                    done[wanted] = Lost("no worker process is left to check the files")
                    break
                for worker, _event in self.poller.poll():
                    self._read(worker, done)
            yield done.pop(wanted)

    def _read(self, worker: int, done: dict) -> None:
        data = os.read(worker, 1 << 16)
        if not data:
            self._lost(worker, done)
            return
        buffer = self.buffers[worker]
        buffer += data
        while len(buffer) >= _HEADER:
            size = int.from_bytes(buffer[:_HEADER], "little")
            if len(buffer) < _HEADER + size:
                break
            task, result = pickle.loads(buffer[_HEADER:_HEADER + size])
            del buffer[:_HEADER + size]
            done[task] = result
            self.held[worker].remove(task)
            self._hand_out(worker)

    def _lost(self, worker: int, done: dict) -> None:
        """`worker` closed its results pipe: it has exited. Its unfinished tasks are lost."""
        self.poller.unregister(worker)
        os.close(worker)
        pid = self.pids.pop(worker)
        task_pipe = self.task_pipes.pop(worker, None)
        if task_pipe is not None:
            os.close(task_pipe)
        _, status = os.waitpid(pid, 0)
        for task in self.held.pop(worker):
            done[task] = Lost(f"a worker process {_how_it_ended(status)} before it "
                              "finished its files")

    def stop(self) -> None:
        """Close every pipe and reap every worker; kill the ones still running."""
        for task_pipe in self.task_pipes.values():
            os.close(task_pipe)
        for worker, pid in self.pids.items():
            os.close(worker)
            if self.held[worker]:  # stopped early: its results are no longer wanted
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)
        self.task_pipes.clear()
        self.pids.clear()


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"was killed ({name})"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


def _work_loop(work: Callable[[int], object], tasks: int, results: int) -> None:
    """In a worker: run each task number read from `tasks`, write its result to
    `results`, until the parent closes `tasks`. Never returns."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        while len(raw := os.read(tasks, 4)) == 4:
            task = int.from_bytes(raw, "little")
            try:
                payload = pickle.dumps((task, work(task)), pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # noqa: BLE001 - a bug: handed back, not lost
                payload = pickle.dumps((task, Lost(f"{type(error).__name__}: {error}")))
            message = memoryview(len(payload).to_bytes(_HEADER, "little") + payload)
            while message:
                message = message[os.write(results, message):]
    except BaseException:  # noqa: BLE001 - the parent has gone (a broken pipe): stop
        status = 1
    finally:
        os._exit(status)  # no interpreter clean-up: nothing of the parent's runs twice
