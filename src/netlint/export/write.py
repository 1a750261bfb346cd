"""Write an export atomically: the whole file appears at once, or nothing changes.

The text is written to a temporary file in the output's own folder (so the
final rename stays on one file system) and moved into place with
`os.replace`. An existing output is never truncated by a failed export, and
the model file itself is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """The output path cannot be written (a usage problem, not a model problem)."""


def check_output(output: Path, model_path: Path) -> None:
    """Refuse outputs that would clobber the model file or cannot exist."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{output}: folder {folder} does not exist")
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name")
    if output.exists() and model_path.exists() and os.path.samefile(output, model_path):
        raise OutputError(f"{output}: is the model file itself; choose another output")


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(output: Path, text: str, model_path: Path) -> None:
    """Write `text` (UTF-8, \\n line ends) to `output` in one step."""
    check_output(output, model_path)
    folder = output.parent if str(output.parent) else Path(".")
    mode = output.stat().st_mode & 0o777 if output.exists() else _default_mode()
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, output)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
