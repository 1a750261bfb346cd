"""`netlint check --fix` and `--diff`: apply the fixes findings carry, or show them.

One file after another (fixing is rare and each file is checked a few times):
read it as bytes, fix its text (netlint.fixes.run), then either write it back
atomically, permissions kept (plumbing.output_files), or print a unified diff and
write nothing. A file is left untouched when it is not UTF-8, is not YAML netlint
can read, or uses line breaks other than "\\n" and "\\r\\n" (YAML counts a lone
"\\r" or U+2028 as a line break, and a fix placed by line and column must count
lines as the loader did). A byte-order mark is kept.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from netlint.plumbing.records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

BOM = "\ufeff"
_OTHER_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


@record
class FixRun:
    """What --fix or --diff did over all files."""

    findings: list = field(default_factory=list)  # what remains (or would remain)
    fixed: int = 0  # findings whose fix was applied (or would be)
    files_changed: list = field(default_factory=list)
    failing: bool = False  # a remaining finding reaches its file's fail-on level
    trouble: bool = False  # a file could not be read or written


def fix_files(files: list[str], overrides: object, finder: object, *, unsafe: bool,
              diff: bool, echo: Callable[[str], None]) -> FixRun:
    from netlint.fixes.run import Fixed, fix_text
    from netlint.loader import load_text
    from netlint.pipeline import lint_loaded
    from netlint.model.findings import severity_rank
    from netlint.rules.config import effective_config

    run = FixRun()
    for file in files:
        text = _read(file, echo)
        if text is None:
            run.trouble = True
            continue
        bom = BOM if text.startswith(BOM) else ""
        config = effective_config(overrides, file, finder)
        body = text[len(bom):]
        if any(mark in body.replace("\r\n", "\n") for mark in _OTHER_LINE_BREAKS):
            echo(f"netlint: {file}: not fixed: it has line breaks other than \\n and \\r\\n")
            checked = lint_loaded(load_text(body, file), config)  # checked, not fixed
            fixed = Fixed(body, [], checked.findings)
        else:
            fixed = fix_text(body, file, config, unsafe=unsafe)
        threshold = severity_rank(config.fail_on_level)
        run.failing = run.failing or any(severity_rank(f.severity) >= threshold
                                         for f in fixed.findings)
        run.findings += fixed.findings
        if fixed.text == body:
            continue
        run.fixed += len(fixed.applied)
        run.files_changed.append(file)
        if diff:
            sys.stdout.write(unified_diff(file, text, bom + fixed.text))
        elif not _write(file, bom + fixed.text, echo):
            run.trouble = True
    return run


def unified_diff(file: str, before: str, after: str) -> str:
    # git's a/ b/ prefixes for a relative path (what `git apply` and `patch -p1` take)
    old, new = (file, file) if Path(file).is_absolute() else (f"a/{file}", f"b/{file}")
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                 fromfile=old, tofile=new)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def _read(file: str, echo: Callable[[str], None]) -> str | None:
    try:
        return Path(file).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        echo(f"netlint: {file}: not fixed: the file is not UTF-8 text")
    except OSError as error:
        echo(f"netlint: {file}: cannot read: {error.strerror or error}")
    return None


def _write(file: str, text: str, echo: Callable[[str], None]) -> bool:
    from netlint.plumbing.output_files import write_atomic

    try:
        write_atomic(Path(file), text.encode("utf-8"))
    except OSError as error:
        echo(f"netlint: {file}: cannot write the fixes: {error.strerror or error}")
        return False
    return True
