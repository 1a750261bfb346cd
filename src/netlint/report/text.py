"""`path:line:col: CODE [severity] message: fix`, one per line, then a tally."""

from __future__ import annotations

from netlint.findings import Finding
from netlint.report import sorted_findings, tally

_PLURAL = {"error": "errors", "warning": "warnings", "info": "infos"}


def format_text(findings: list[Finding], files: int, *, statistics: bool = False) -> str:
    """Nothing at all when there are no findings (a clean run is silent)."""
    if not findings:
        return ""
    ordered = sorted_findings(findings)
    lines = statistics_lines(ordered) if statistics else [_one_line(f) for f in ordered]
    lines.append(tally_line(ordered))
    return "\n".join(lines) + "\n"


def _one_line(finding: Finding) -> str:
    # one finding, one line: a message never breaks the line-per-finding contract
    return finding.text().replace("\r", "\\r").replace("\n", "\\n")


def tally_line(findings: list[Finding]) -> str:
    """`Found 3 problems (2 errors, 1 warning) in 2 files.`"""
    counts = tally(findings, 0)
    parts = [f"{count} {level if count == 1 else _PLURAL[level]}"
             for level, count in counts["by_severity"].items() if count]
    total, files = counts["total"], counts["files_with_findings"]
    return (f"Found {total} problem{'' if total == 1 else 's'} ({', '.join(parts)}) "
            f"in {files} file{'' if files == 1 else 's'}.")


def statistics_lines(findings: list[Finding]) -> list[str]:
    """One line per code: count, code, severity, name; most frequent first (as ruff)."""
    rows: dict[str, list] = {}
    for f in findings:
        row = rows.setdefault(f.code, [0, f.name, set()])
        row[0] += 1
        row[2].add(f.severity)
    width = max(len(str(row[0])) for row in rows.values())
    ordered = sorted(rows.items(), key=lambda item: (-item[1][0], item[0]))
    return [f"{count:>{width}}\t{code}\t[{'/'.join(sorted(levels))}]\t{name}"
            for code, (count, name, levels) in ordered]
