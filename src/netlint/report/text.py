"""`path:line:col: CODE [severity] message: fix`, one per line, then a tally.

On a terminal the lines are coloured as ruff colours them: the path bold, the code
and severity red (error), yellow (warning) or blue (info), the fix mark cyan.
`colour_wanted` decides: off when stdout is not a terminal or TERM=dumb, NO_COLOR
(any non-empty value) turns colours off, FORCE_COLOR (any non-empty value) turns
them on even off a terminal; NO_COLOR wins when both are set. Without colour the
output is byte for byte what it always was. User text (paths, messages) is escaped
by `visible` first and the colour codes are added around it, so a file or layer name
can never inject an escape sequence of its own.
"""

from __future__ import annotations

import os

from netlint.model.findings import Finding
from netlint.report.common import sorted_findings, tally

_PLURAL = {"error": "errors", "warning": "warnings", "info": "infos"}


_RESET = "\033[0m"
_BOLD = "\033[1m"
_CYAN = "\033[36m"
_SEVERITY_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;34m"}


def colour_wanted(stream: object) -> bool:
    """Whether text written to `stream` should be coloured (see the module's rules)."""
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    if os.environ.get("TERM", "") == "dumb":
        return False
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a closed or odd stream is not a terminal
        return False


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{style}{text}{_RESET}" if colour and text else text


def format_text(findings: list[Finding], files: int, *, statistics: bool = False,
                colour: bool = False) -> str:
    """Nothing at all when there are no findings (a clean run is silent)."""
    if not findings:
        return ""
    ordered = sorted_findings(findings)
    lines = statistics_lines(ordered, colour=colour) if statistics else \
        [_one_line(f, colour) for f in ordered]
    lines.append(tally_line(ordered))
    fixable = fixable_line(ordered)
    if fixable:
        lines.append(fixable)
    return "\n".join(lines) + "\n"


def fixable_line(findings: list[Finding]) -> str:
    """`[*] 2 fixable with --fix (1 more with --unsafe-fixes).`, as ruff says it; empty
    when no finding has a fix."""
    safe = sum(1 for f in findings if f.autofix is not None and f.autofix.safe)
    unsafe = sum(1 for f in findings if f.autofix is not None and not f.autofix.safe)
    if not safe and not unsafe:
        return ""
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes (the fixes change the model)."
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return f"[*] {safe} fixable with --fix{more}."


# Control characters (C0 but tab, DEL, C1) and the bidirectional overrides of "trojan
# source" fame, as escapes: a file or layer name must not move the cursor, recolour or
# clear the terminal, or reorder what the reader sees.
_INVISIBLE = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]}
_INVISIBLE.update({code: f"\\u{code:04x}" for code in [*range(0x202A, 0x202F),
                                                        *range(0x2066, 0x206A)]})
_INVISIBLE.update({0x09: "\t", 0x0A: "\\n", 0x0D: "\\r"})
_INVISIBLE_BUT_LINES = {**_INVISIBLE, 0x0A: "\n"}


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every character that would act on the terminal written as an escape."""
    return text.translate(_INVISIBLE_BUT_LINES if keep_newlines else _INVISIBLE)


def _one_line(finding: Finding, colour: bool = False) -> str:
    # one finding, one line: a message never breaks the line-per-finding contract.
    # `[*]` after the code marks a finding --fix fixes (ruff's mark). Each piece of user
    # text goes through `visible` before any colour is put around it.
    path, where, code, mark, severity, said = finding.text_parts()
    tone = _SEVERITY_COLOURS.get(finding.severity, _BOLD)
    return (f"{_paint(visible(path), _BOLD, colour)}{where}"
            f"{_paint(visible(code), tone, colour)} "
            f"{_paint(mark.strip(), _CYAN, colour) + ' ' if mark else ''}"
            f"{_paint(visible(severity), tone, colour)} {visible(said)}")


def tally_line(findings: list[Finding]) -> str:
    """`Found 3 problems (2 errors, 1 warning) in 2 files.`"""
    counts = tally(findings, 0)
    parts = [f"{count} {level if count == 1 else _PLURAL[level]}"
             for level, count in counts["by_severity"].items() if count]
    total, files = counts["total"], counts["files_with_findings"]
    return (f"Found {total} problem{'' if total == 1 else 's'} ({', '.join(parts)}) "
            f"in {files} file{'' if files == 1 else 's'}.")


def statistics_lines(findings: list[Finding], *, colour: bool = False) -> list[str]:
    """One line per code: count, code, severity, name; most frequent first (as ruff)."""
    rows: dict[str, list] = {}
    for f in findings:
        row = rows.setdefault(f.code, [0, f.name, set()])
        row[0] += 1
        row[2].add(f.severity)
    width = max(len(str(row[0])) for row in rows.values())
    ordered = sorted(rows.items(), key=lambda item: (-item[1][0], item[0]))
    return [f"{count:>{width}}\t"
            f"{_paint(code, _SEVERITY_COLOURS.get(max(levels, key=_rank), ''), colour)}"
            f"\t[{'/'.join(sorted(levels))}]\t{name}"
            for code, (count, name, levels) in ordered]


def _rank(level: str) -> int:
    return {"info": 0, "warning": 1, "error": 2}.get(level, 0)
