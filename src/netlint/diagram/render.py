"""From DOT source to a file: format from the extension, `dot` to render, atomic writes.

An output file is either the complete new drawing or left as it was: bytes go
to a temporary file in the same folder, then `os.replace` puts it in place.
Without Graphviz's `dot` program the DOT is still written next to the
requested output, with a message saying how to install Graphviz.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
INSTALL_HINT = (
    "install Graphviz to render it: Debian/Ubuntu `sudo apt-get install graphviz`, "
    "macOS `brew install graphviz`, Windows `winget install graphviz`, "
    "conda `conda install graphviz`"
)


class RenderError(Exception):
    """Rendering failed; `message` says why and what to do. Nothing was half-written."""

    def __init__(self, message: str, *, usage: bool = False, wrote: Path | None = None):
        super().__init__(message)
        self.message = message
        self.usage = usage  # the request itself was wrong (exit 2), not the rendering
        self.wrote = wrote  # the fallback .dot written when dot is missing


def output_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RenderError(f"{path}: cannot tell the format from the extension "
                          f"{path.suffix or '(none)'}; use one of "
                          f"{', '.join(sorted(FORMATS))}", usage=True)
    return fmt


def check_output(output: Path, inputs: tuple = ()) -> None:
    """Refuse outputs that would destroy something: the model file, a folder."""
    if output.is_dir():
        raise RenderError(f"{output}: is a folder; give a file name such as "
                          f"{output / 'model.svg'}", usage=True)
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise RenderError(f"{output}: the folder {parent} does not exist", usage=True)
    for source in inputs:
        if _same_file(Path(source), output):
            raise RenderError(f"{output}: is the model file itself; choose another output",
                              usage=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def _new_file_mode(path: Path) -> int:
    """The mode the file would have if opened normally: kept if it exists, else umask's."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write all of `data` to `path` or leave `path` untouched."""
    parent = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, _new_file_mode(path))  # mkstemp makes it private (0600)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def render_bytes(dot_source: str, fmt: str) -> bytes:
    """Run Graphviz's dot on the source; RenderError when dot is missing or fails."""
    import graphviz

    if fmt == "dot":
        return dot_source.encode("utf-8")
    try:
        return graphviz.Source(dot_source).pipe(format=fmt, engine="dot", quiet=True)
    except graphviz.ExecutableNotFound:
        raise RenderError("Graphviz's `dot` program was not found") from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError("dot could not render the diagram"
                          + (f": {detail[-1]}" if detail else "")) from None


def dot_available() -> bool:
    import shutil

    return shutil.which("dot") is not None


def write_diagram(dot_source: str, output: Path, inputs: tuple = ()) -> Path:
    """Render `dot_source` into `output` (format from its extension); returns the path.

    Without dot, writes `output` with the .dot extension instead and raises
    RenderError carrying that path and the install hint.
    """
    fmt = output_format(output)
    check_output(output, inputs)
    try:
        data = render_bytes(dot_source, fmt)
    except RenderError as error:
        if not dot_available() and fmt != "dot":
            fallback = output.with_suffix(".dot")
            check_output(fallback, inputs)
            write_atomic(fallback, dot_source.encode("utf-8"))
            raise RenderError(f"{error.message}; wrote the DOT source to {fallback} "
                              f"instead. {INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}",
                              wrote=fallback) from None
        raise
    write_atomic(output, data)
    return output
