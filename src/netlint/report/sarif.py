"""SARIF 2.1.0, as GitHub code scanning reads it (rules from the cards, one result per finding)."""

from __future__ import annotations

import json
import os
from urllib.parse import quote_from_bytes

from netlint.model.findings import Finding
from netlint.report.common import repo_relative, sorted_findings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/netlint/netlint"


def format_sarif(findings: list[Finding], rules: list[dict] | None = None) -> str:
    """`rules`: descriptors as `rule_descriptors()` makes them (default: every rule)."""
    rules = rule_descriptors() if rules is None else rules
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    run = {
        "tool": {"driver": {"name": "netlint", "version": _version(),
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "columnKind": "unicodeCodePoints",  # YAML columns count characters, not UTF-16 units
        "results": [_result(f, index) for f in sorted_findings(findings)],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, index: dict) -> dict:
    text = f"{finding.message}: {finding.fix}" if finding.fix else finding.message
    region = {"startLine": finding.line, "startColumn": finding.column}
    position = finding.position
    if position and position.end_line:
        region.update(endLine=position.end_line, endColumn=position.end_column)
    result = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result.update({
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path)},
            "region": region}}],
    })
    if finding.autofix is not None and finding.autofix.edits:
        result["fixes"] = [_fix(finding)]
    return result


def _fix(finding: Finding) -> dict:
    """The finding's edits as a SARIF fix, which code-scanning tools offer as a suggested
    change; an unsafe one (it changes the model) says so in its description."""
    fix = finding.autofix
    words = finding.fix or finding.message
    return {
        "description": {"text": words if fix.safe else f"{words} (unsafe: changes the model)"},
        "artifactChanges": [{
            "artifactLocation": {"uri": artifact_uri(finding.path)},
            "replacements": [{
                "deletedRegion": {"startLine": e.line, "startColumn": e.column,
                                  "endLine": e.end_line, "endColumn": e.end_column},
                "insertedContent": {"text": e.text}} for e in fix.edits]}],
    }


def artifact_uri(path: str) -> str:
    """A relative, forward-slash, percent-encoded URI (what code scanning maps to the repo)."""
    if not path:
        return "unknown"
    relative = repo_relative(path)
    if relative is None:  # outside the working folder: an absolute file URI
        from pathlib import Path

        return Path(path).resolve().as_uri()
    # the name's bytes, as the file system has them: a name that is not UTF-8 (read
    # with surrogateescape) is percent-encoded byte for byte, never a crash
    return quote_from_bytes(os.fsencode(relative), safe="/")


def rule_descriptors() -> list[dict]:
    """A reportingDescriptor per registered rule, with help text from its card."""
    from netlint.rules.cards import card
    from netlint.rules.engine import registry

    out = []
    for code, rule in registry().items():
        rule_card = card(code) or {}
        why = " ".join(str(rule_card.get("why", rule.summary)).split())
        out.append({
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": why},
            "help": {"text": why, "markdown": _help_markdown(rule, rule_card, why)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": ["netlint", rule.severity]},
        })
    return out


def _help_markdown(rule: object, rule_card: dict, why: str) -> str:
    parts = [f"**{rule.code} {rule.name}**: {rule.summary}", "", why]  # type: ignore[attr-defined]
    for label in ("bad", "good"):
        example = rule_card.get(label)
        if isinstance(example, dict) and example.get("model"):
            parts += ["", f"{label.capitalize()}: {example.get('description', '')}", "",
                      "```yaml", str(example["model"]).rstrip("\n"), "```"]
    return "\n".join(parts)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("keras-netlint")
    except PackageNotFoundError:  # a source tree without an install
        return "0.0.0"
