"""Paths as strings, spelled and resolved exactly as pathlib does it.

`netlint check` used to hold every path as a pathlib.Path. Importing pathlib
(it pulls in urllib.parse, ipaddress and fnmatch) cost 18 M of the 292 M
instructions of a one-file check, so the check path now works on strings. The
reports must not change by a byte, and they print paths as pathlib spelled
them (`./a//b/` as `a/b`), so these few functions give the same strings and
the same errors as the pathlib calls they replace (those of Python 3.11);
tests/robustness/test_paths.py compares them with pathlib itself.
"""

from __future__ import annotations

import errno
import os
import stat

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from pathlib import Path

# The errors Path.exists()/is_dir()/is_file() read as "no"; any other (EACCES) is raised.
_IGNORED = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def spelling(path: str | Path) -> str:
    """`str(Path(path))`: `//` collapsed, `.` parts and a trailing `/` dropped, `..` kept,
    a leading `//` (and only exactly two) kept as POSIX allows, `.` for nothing left."""
    name = os.fspath(path)
    if os.sep != "/" or not isinstance(name, str):  # Windows spelling; bytes: pathlib's error
        from pathlib import Path

        return str(Path(name))
    stripped = name.lstrip("/")
    slashes = len(name) - len(stripped)
    root = "//" if slashes == 2 else "/" if slashes else ""
    return root + "/".join(part for part in stripped.split("/") if part and part != ".") or "."


def name_of(spelled: str) -> str:
    """`Path(spelled).name` of a spelled path: its last part, '' for `.` and `/`."""
    last = spelled.rpartition("/")[2]
    return "" if last == "." else last


def suffix_of(spelled: str) -> str:
    """`Path(spelled).suffix`: from the last dot of the name, unless it starts or ends it."""
    name = name_of(spelled)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def parent_of(spelled: str) -> str:
    """`str(Path(spelled).parent)` of a spelled path."""
    return os.path.dirname(spelled) or "."


def resolved(path: str | Path) -> str:
    """`str(Path(path).resolve())`: absolute, links followed; a link loop is Path's
    RuntimeError."""
    real = os.path.realpath(path)
    try:
        os.stat(real)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {error.filename!r}") from None
    return real


def relative_to(path: str, folder: str) -> str | None:
    """`str(PurePath(path).relative_to(folder))` for two resolved paths; None (pathlib's
    ValueError) when `path` is not below `folder`."""
    if path == folder:
        return "."
    below = folder if folder.endswith(os.sep) else folder + os.sep  # a root ends in one
    return path[len(below):] if path.startswith(below) else None


def posix(spelled: str) -> str:
    """`PurePath(spelled).as_posix()`: forward slashes, as reports and per-file-ignores
    patterns write paths on every system."""
    return spelled if os.sep == "/" else spelled.replace(os.sep, "/")


# These three take a spelled path (see spelling): pathlib stats `a/b` for `a/b/.`.

def status(path: str) -> os.stat_result | None:
    """os.stat, or None where Path.exists() says False (a missing file, a loop, a NUL)."""
    try:
        return os.stat(path)
    except OSError as error:
        if error.errno not in _IGNORED:
            raise
        return None
    except ValueError:
        return None


def is_file(path: str) -> bool:
    """`Path(path).is_file()`, its errors included."""
    found = status(path)
    return found is not None and stat.S_ISREG(found.st_mode)


def is_dir(path: str) -> bool:
    """`Path(path).is_dir()`, its errors included."""
    found = status(path)
    return found is not None and stat.S_ISDIR(found.st_mode)
