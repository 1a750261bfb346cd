"""Writing output files safely: the whole file appears at once, or nothing changes.

Diagrams, exports and the schema all write through here. The data goes to a
temporary file in the output's own folder (so the rename stays on one file
system) and `os.replace` moves it into place: a failure never truncates an
existing output, and the model file itself is never an output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """The output path cannot be written (a usage problem, not a model problem)."""


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name one file (through links too)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def check_output(output: Path, inputs: tuple = ()) -> None:
    """Refuse outputs that would destroy something or cannot exist: a folder, the model."""
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
    """Write all of `data` to `path`, or leave `path` untouched."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _new_file_mode(path))  # mkstemp makes it private (0600)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
