"""Write an export atomically, never over the model file (see netlint.plumbing.output_files)."""

from __future__ import annotations

from pathlib import Path

from netlint.plumbing import output_files
from netlint.plumbing.output_files import OutputError

__all__ = ["OutputError", "check_output", "write_atomic"]


def check_output(output: Path, model_path: Path) -> None:
    """Refuse outputs that would clobber the model file or cannot exist."""
    output_files.check_output(output, (model_path,))


def write_atomic(output: Path, text: str, model_path: Path) -> None:
    """Write `text` (UTF-8, \\n line ends) to `output` in one step."""
    check_output(output, model_path)
    output_files.write_atomic(output, text.encode("utf-8"))
