"""Outputs are written, never replaced when they are not ours to replace.

`-o` may name a device (`/dev/null`, run as root in CI and containers), a FIFO, a
symbolic link, `/dev/stdout` redirected to a file, or a file with a 255-byte name;
a write may be killed half-way. Every command that writes (export, diagram, import,
schema) goes through netlint.plumbing.output_files; these tests drive the real commands.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from netlint.plumbing import output_files

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "stacked-lstm.yaml"

# command -> (arguments before the output, its suffix, how the output starts)
WRITERS = {
    "export": (["export", str(MODEL), "--synthetic", "-o"], ".py", b'"""'),
    "diagram": (["diagram", str(MODEL), "-o"], ".dot", b"digraph"),  # format from the suffix
    "schema": (["schema", "-o"], ".json", b"{"),
}


def netlint(*args: str, stdout=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint.cli", *args], stdout=stdout or
                          subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False,
                          env={**os.environ, "GITHUB_ACTIONS": ""})


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".netlint-"))


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path, command):
    args, suffix, start = WRITERS[command]
    target = tmp_path / "real" / f"out{suffix}"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / f"link{suffix}"
    link.symlink_to(target)
    run = netlint(*args, str(link))
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes().startswith(start)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the target keeps its permissions
    assert not temporaries(tmp_path) and not temporaries(target.parent)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_stays_a_device():
    """As root (CI, containers), a rename over /dev/null would replace the device."""
    before = os.stat("/dev/null")
    run = netlint(*WRITERS["export"][0], "/dev/null")
    assert run.returncode == 0, run.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_fifo_is_written_into(tmp_path):
    fifo = tmp_path / "pipe.dot"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    run = netlint(*WRITERS["diagram"][0], str(fifo))
    reader.join(timeout=60)
    assert run.returncode == 0, run.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and received[0].startswith(b"digraph")
    assert not temporaries(tmp_path)


def test_dev_stdout_redirected_to_a_file_is_written_through(tmp_path):
    out = tmp_path / "script.py"
    with open(out, "wb") as handle:
        inode = os.fstat(handle.fileno()).st_ino
        run = netlint(*WRITERS["export"][0], "/dev/stdout", stdout=handle)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_ino == inode and out.read_bytes().startswith(b'"""')


def test_a_255_byte_output_name_works(tmp_path):
    name = "m" * 252 + ".py"  # the longest name most file systems allow
    run = netlint(*WRITERS["export"][0], str(tmp_path / name))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / name).read_bytes().startswith(b'"""')
    assert not temporaries(tmp_path)


def test_a_write_killed_half_way_is_cleaned_up_by_the_next(tmp_path):
    out = tmp_path / "train.py"
    out.write_bytes(b"previous\n")
    # a writer that stops for good between writing its temporary and renaming it
    stuck = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from netlint.plumbing import output_files\n"
        "os.replace = lambda *a: time.sleep(600)\n"
        "output_files.write_atomic(Path(sys.argv[1]), b'half')\n"), str(out)])
    deadline = time.monotonic() + 60
    while not temporaries(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    stuck.kill()
    stuck.wait()
    assert temporaries(tmp_path) and out.read_bytes() == b"previous\n"
    output_files.write_atomic(out, b"new\n")
    assert out.read_bytes() == b"new\n" and not temporaries(tmp_path)


def test_a_running_writers_temporary_is_left_alone(tmp_path):
    out = tmp_path / "train.py"
    prefix = output_files._temporary_prefix(out)
    ours = tmp_path / f"{prefix}{os.getpid()}-abc.tmp"  # this process: still running
    ours.write_bytes(b"")
    output_files.write_atomic(out, b"new\n")
    assert ours.exists()


def test_a_link_loop_is_refused_and_left_as_it_is(tmp_path):
    loop = tmp_path / "loop.py"
    loop.symlink_to(tmp_path / "other.py")
    (tmp_path / "other.py").symlink_to(loop)
    run = netlint(*WRITERS["export"][0], str(loop))
    assert run.returncode == 2 and b"Traceback" not in run.stderr, run.stderr
    assert loop.is_symlink() and os.readlink(loop) == str(tmp_path / "other.py")
