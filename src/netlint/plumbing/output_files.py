"""Writing output files safely: the whole file appears at once, or nothing changes,
and nothing that is not a file of ours is ever replaced.

Diagrams, exports, imports and the schema all write through here.

* A regular file (or a new one) is replaced atomically: the data goes to a
  temporary file in the same folder (so the rename stays on one file system) and
  `os.replace` moves it into place. A failure never truncates an existing output,
  and the file keeps its permissions.
* A symbolic link is followed to the file it names, which is replaced the same
  way: the link stays a link (as `cat > link` leaves it).
* Anything else that exists, a device (`/dev/null`), a FIFO, a terminal, or the
  `/dev/stdout` of a redirected run, is written through, as `cat > path` would:
  renaming over `/dev/null` as root would replace the system's null device.
* The temporary name is short and fixed in form (`.netlint-<hash>-<pid>.tmp`), so
  a long legal output name still has a legal temporary one, and a temporary left
  behind by a run that was killed is removed by the next write to that output.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from netlint.errors import NetlintError

# Written through, never renamed over: links to a process's open files. Renaming a file
# in place of the one a shell redirected `/dev/stdout` to would leave this process
# writing into the old one.
_OPEN_FILE_LINKS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")


class OutputError(NetlintError):
    """The output path cannot be written (a usage problem, not a model problem)."""


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name one file (through links too)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a link loop, before Python 3.13
        return False


def check_output(output: Path, inputs: tuple = ()) -> None:
    """Refuse outputs that would destroy something or cannot exist: a folder, the model,
    a link loop."""
    try:
        os.stat(output)
    except FileNotFoundError:
        pass  # a new file, or a link to one
    except OSError as error:  # a loop of links (ELOOP), a path through a file ...
        raise OutputError(f"{output}: cannot be written: {error.strerror or error}") from None
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{output}: the folder {folder} does not exist")
    for source in inputs:
        if same_file(Path(source), output):
            raise OutputError(f"{output}: is the model file itself; choose another output")


def _new_file_mode(path: Path) -> int:
    """The mode the file would have if opened normally: kept if it exists, else umask's."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write all of `data` to `path`, or leave it untouched (see the module's rules)."""
    if _writes_through(path):
        with open(path, "wb") as handle:  # a device or FIFO: no truncating, no renaming
            handle.write(data)
        return
    _replace(Path(os.path.realpath(path)), data)


def _writes_through(path: Path) -> bool:
    """A device, FIFO, socket or `/dev/stdout`-like path: something that is not a file
    netlint may replace."""
    if os.path.abspath(path).startswith(_OPEN_FILE_LINKS) and os.path.exists(path):
        return True
    try:
        mode = os.stat(path).st_mode  # through links: what the path finally names
    except FileNotFoundError:
        return False  # a new file (or a link to one still to be made)
    # (a link loop raises ELOOP here: the caller reports it, nothing is replaced)
    return not stat.S_ISREG(mode)


def _replace(target: Path, data: bytes) -> None:
    folder = target.parent
    prefix = _temporary_prefix(target)
    _remove_stale_temporaries(folder, prefix)
    fd, temp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _new_file_mode(target))  # mkstemp makes it private (0600)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _temporary_prefix(target: Path) -> str:
    """`.netlint-<12 hex digits>-`: the same for every write to `target`, short whatever
    the length of its name (a 255-byte name is legal; 255 bytes plus a suffix is not)."""
    digest = hashlib.sha1(os.fsencode(target.name)).hexdigest()[:12]  # noqa: S324 - a name
    return f".netlint-{digest}-"


def _remove_stale_temporaries(folder: Path, prefix: str) -> None:
    """Temporaries of earlier writes to the same output whose process no longer runs
    (killed half-way, so its `finally` never ran)."""
    try:
        names = [entry.name for entry in os.scandir(folder)
                 if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            try:
                os.unlink(folder / name)
            except OSError:
                pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, under another user
        return True
    return True
