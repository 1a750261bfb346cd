"""`{"findings": [...], "summary": {...}}`: one object per finding, every field present."""

from __future__ import annotations

import json

from netlint.model.findings import Finding
from netlint.report.common import sorted_findings, tally


def finding_dict(finding: Finding) -> dict:
    position = finding.position
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": position.end_line if position and position.end_line else finding.line,
        "end_column": (position.end_column if position and position.end_line
                       else finding.column),
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "fix": finding.fix,
        "layer": finding.layer,
        "autofix": None if finding.autofix is None else {
            "safe": finding.autofix.safe,
            "edits": [{"line": e.line, "column": e.column, "end_line": e.end_line,
                       "end_column": e.end_column, "text": e.text}
                      for e in finding.autofix.edits]},
    }


def format_json(findings: list[Finding], files: int) -> str:
    document = {"findings": [finding_dict(f) for f in sorted_findings(findings)],
                "summary": tally(findings, files)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
