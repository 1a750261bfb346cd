"""GitHub Actions workflow commands: `::error file=...,line=...::message`.

Escaping follows the Actions runner (toolkit `command.ts`): in the message `%`,
CR and LF are percent-encoded; in properties also `:` and `,`, which would
otherwise end the property. A hostile message cannot start a new command, and
control and bidirectional characters are shown as escapes, as in the text format.
"""

from __future__ import annotations

from netlint.model.findings import Finding
from netlint.report.common import repo_relative, sorted_findings
from netlint.report.text import visible

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    # control and bidirectional characters as visible escapes first: the log that shows
    # the annotation is a terminal too (ESC, BEL, U+202E from a file or layer name)
    text = visible(text, keep_newlines=True)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    position = finding.position
    properties = [("file", repo_relative(finding.path) or finding.path),
                  ("line", finding.line), ("col", finding.column)]
    if position and position.end_line:
        properties += [("endLine", position.end_line), ("endColumn", position.end_column)]
    properties.append(("title", finding.code))
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    message = f"{finding.message}: {finding.fix}" if finding.fix else finding.message
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(message)}"


def format_github(findings: list[Finding]) -> str:
    ordered = sorted_findings(findings)
    return "".join(annotation(f) + "\n" for f in ordered)
