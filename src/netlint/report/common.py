"""What every formatter shares: the order of findings, repository-relative paths, and
the counts of a summary. Here, not in the package, so that the formatters the package
picks do not import the package back."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from netlint.model.findings import SEVERITIES, Finding


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*f.sort_key(), f.severity))


def repo_relative(path: str) -> str | None:
    """`path` relative to the working folder, with forward slashes; None when outside it.

    CI tools map findings to repository files by relative path.
    """
    if os.path.isabs(path):
        try:
            return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:  # not below the working folder
            return None
    return Path(path).as_posix()


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
