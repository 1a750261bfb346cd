"""Formatters: findings in, text out. No knowledge of what any rule means.

Every formatter takes the findings (any order; they sort them) and the number
of files checked, and returns the whole output as one string, so the CLI
writes it in one go and a failure never leaves half an output behind.
"""

from __future__ import annotations

from netlint.model.findings import Finding
from netlint.report.common import repo_relative, sorted_findings, tally

__all__ = ["FORMATS", "render", "repo_relative", "sorted_findings", "tally"]

FORMATS = ("text", "json", "sarif", "github")


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
