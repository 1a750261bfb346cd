"""Formatters: findings in, text out. No knowledge of what any rule means.

Every formatter takes the findings (any order; they sort them) and the number
of files checked, and returns the whole output as one string, so the CLI
writes it in one go and a failure never leaves half an output behind.
"""

from __future__ import annotations

import os
from collections import Counter

from netlint.model.findings import SEVERITIES, Finding

FORMATS = ("text", "json", "sarif", "github")


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*f.sort_key(), f.severity))


def repo_relative(path: str) -> str | None:
    """`path` relative to the working folder, with forward slashes; None when outside it.

    CI tools map findings to repository files by relative path. Strings spelled as pathlib
    spells them (see paths.py), not pathlib itself: importing it was 6% of a check.
    """
    from netlint.plumbing.paths import posix, relative_to, resolved, spelling

    if os.path.isabs(path):
        relative = relative_to(resolved(path), resolved(os.getcwd()))
        return None if relative is None else posix(relative)
    return posix(spelling(path))


def tally(findings: list[Finding], files: int) -> dict:
    """Counts for summaries: totals by severity and by code, and the files concerned."""
    by_severity = Counter(f.severity for f in findings)
    return {
        "files_checked": files,
        "files_with_findings": len({f.path for f in findings}),
        "total": len(findings),
        "by_severity": {level: by_severity.get(level, 0) for level in reversed(SEVERITIES)},
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }


def render(format_name: str, findings: list[Finding], files: int, *,
           statistics: bool = False) -> str:
    """The output of `netlint check` in `format_name`."""
    if format_name == "text":
        from netlint.report.text import format_text

        return format_text(findings, files, statistics=statistics)
    if format_name == "json":
        from netlint.report.json_format import format_json

        return format_json(findings, files)
    if format_name == "sarif":
        from netlint.report.sarif import format_sarif

        return format_sarif(findings)
    if format_name == "github":
        from netlint.report.github import format_github

        return format_github(findings)
    raise ValueError(f"unknown format {format_name!r}; choose from {', '.join(FORMATS)}")
