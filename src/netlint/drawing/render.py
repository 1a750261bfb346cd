"""From DOT source to a file: format from the extension, `dot` to render, atomic writes.

An output file is either the complete new drawing or left as it was: bytes go
to a temporary file in the same folder, then `os.replace` puts it in place.
Without Graphviz's `dot` program the DOT is still written next to the
requested output, with a message saying how to install Graphviz.
"""

from __future__ import annotations

from pathlib import Path

from netlint.errors import NetlintError
from netlint.plumbing import output_files

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
           ".jpg": "jpg", ".jpeg": "jpeg", ".gif": "gif", ".bmp": "bmp", ".tif": "tiff",
           ".tiff": "tiff", ".webp": "webp"}
# Pixels rather than lines: `dpi` sets their size. Graphviz builds differ in which of
# them they write (bmp and tiff need the gdk or quartz plugins), so these are checked
# against what the local dot lists (`dot -T?`) before rendering; svg, png and pdf are
# in every build netlint supports.
RASTER = ("png", "jpg", "jpeg", "gif", "bmp", "tiff", "webp")
ALWAYS = ("svg", "png", "pdf", "dot")
INSTALL_HINT = (
    "install Graphviz to render it: Debian/Ubuntu `sudo apt-get install graphviz`, "
    "macOS `brew install graphviz`, Windows `winget install graphviz`, "
    "conda `conda install graphviz`"
)


class RenderError(NetlintError):
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
    try:
        output_files.check_output(output, inputs)
    except output_files.OutputError as error:
        raise RenderError(str(error), usage=True) from None


write_atomic = output_files.write_atomic


# How long `dot` may take to lay out one diagram. A model a person can read renders in
# well under a second; a pathological one (tens of thousands of nodes) could run for
# hours in a pre-commit hook. NETLINT_DOT_SECONDS overrides it.
DOT_SECONDS = 60.0


def check_dpi(fmt: str, dpi: float | None) -> None:
    """`dpi` is for raster formats, and a positive number up to 2,400."""
    if dpi is None:
        return
    if fmt not in RASTER:
        raise RenderError(f"--dpi sets the pixel density of raster output "
                          f"({', '.join(RASTER)}); {fmt} has no pixels to size", usage=True)
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 1 <= dpi <= 2400:
        raise RenderError(f"dpi must be a number from 1 to 2400, got {dpi!r}", usage=True)


def dot_formats() -> tuple | None:
    """The output formats the local dot lists (`dot -T?`), None when it cannot say."""
    import re
    import subprocess

    try:
        done = subprocess.run(["dot", "-T?"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    said = (done.stderr + done.stdout).decode("utf-8", "replace")
    listed = re.search(r"Use one of:(.*)", said)
    return tuple(listed.group(1).split()) if listed else None


def check_format(fmt: str) -> None:
    """A usage error when the local dot cannot write `fmt` (a bmp without gdk)."""
    if fmt in ALWAYS or not dot_available():
        return
    known = dot_formats()
    if known is not None and fmt not in known:
        writes = [f for f in RASTER + ("svg", "pdf") if f in known]
        raise RenderError(f"this Graphviz's dot cannot write {fmt} (it writes "
                          f"{', '.join(writes)}); choose another extension", usage=True)


def render_bytes(dot_source: str, fmt: str, dpi: float | None = None) -> bytes:
    """Run Graphviz's dot on the source; RenderError when dot is missing, fails, or
    runs past its time budget. `dpi` (raster formats) sets the graph's `dpi`."""
    import subprocess

    import graphviz
    from graphviz.backend.dot_command import command
    from graphviz.backend.execute import run_check

    if fmt == "dot":
        return dot_source.encode("utf-8")
    budget = _dot_seconds()
    try:
        # graphviz builds and runs the command; its pipe() has no time limit to pass
        args = command("dot", fmt) + ([f"-Gdpi={dpi:g}"] if dpi is not None else [])
        done = run_check(args, input=dot_source.encode("utf-8"),
                         quiet=True, capture_output=True, timeout=budget)
        return done.stdout
    except graphviz.ExecutableNotFound:
        raise RenderError("Graphviz's `dot` program was not found") from None
    except subprocess.TimeoutExpired:
        raise RenderError(f"dot did not finish the layout within {budget:g} s (a model this "
                          "large draws better with --view graph, or as DOT: -o model.dot; "
                          "NETLINT_DOT_SECONDS sets the budget)") from None
    except graphviz.CalledProcessError as exc:
        raise RenderError("dot could not render the diagram"
                          + _dot_said(exc.stderr, exc.returncode)) from None


def _dot_said(stderr: bytes | None, returncode: int) -> str:
    """dot's own reason, one line: its `Error:` line (the last line after it quotes the
    offending input, a 16 KB label for one), else its last line, else how it ended."""
    lines = [line.strip() for line in (stderr or b"").decode("utf-8", "replace").splitlines()
             if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    said = (errors or lines or [f"exit status {returncode}"])[0 if errors else -1]
    return ": " + (said if len(said) <= 300 else said[:300] + "…")


def _dot_seconds() -> float:
    import os

    try:
        seconds = float(os.environ.get("NETLINT_DOT_SECONDS", DOT_SECONDS))
    except ValueError:
        return DOT_SECONDS
    return seconds if seconds > 0 else DOT_SECONDS


def dot_available() -> bool:
    import shutil

    return shutil.which("dot") is not None


def write_diagram(dot_source: str, output: Path, inputs: tuple = (),
                  dpi: float | None = None) -> Path:
    """Render `dot_source` into `output` (format from its extension); returns the path.

    Without dot, writes `output` with the .dot extension instead and raises
    RenderError carrying that path and the install hint. `dpi`: raster formats only.
    """
    fmt = output_format(output)
    check_dpi(fmt, dpi)
    check_output(output, inputs)
    check_format(fmt)
    try:
        data = render_bytes(dot_source, fmt, dpi)
    except RenderError as error:
        if not dot_available() and fmt != "dot":
            fallback = output.with_suffix(".dot")
            check_output(fallback, inputs)
            _write(fallback, dot_source.encode("utf-8"))
            raise RenderError(f"{error.message}; wrote the DOT source to {fallback} "
                              f"instead. {INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}",
                              wrote=fallback) from None
        raise
    _write(output, data)
    return output


def _write(output: Path, data: bytes) -> None:
    """Write atomically; a failed write (disk full, a rename refused) is a RenderError
    naming the file, and the old output stays as it was."""
    try:
        write_atomic(output, data)
    except OSError as error:
        raise RenderError(f"cannot write {output}: {error.strerror or error}") from None
