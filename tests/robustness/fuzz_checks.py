"""The invariant every fuzz case must keep (the cases are in fuzz_cases.py).

`problems(path)` runs the whole `check` pipeline in-process, plus every output
format and the summary, and returns what broke the invariant: no exception, every
finding well formed (code, severity, a message, file:line:col), JSON and SARIF
that parse. `diagram_problems(path)` does the same for both diagram views.
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path

FINDING_TEXT = re.compile(r"^(?P<path>.+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): "
                          r"(?P<code>NL\d{3}) (?:\[\*\] )?\[(?P<sev>error|warning|info)\] "
                          r"(?P<msg>.+)$",
                          re.DOTALL)


def problems(path: Path, finder: object = None) -> list[str]:
    """What breaks the invariant for this file (empty: all good)."""
    from netlint.api import check, summary
    from netlint.report import FORMATS, render
    from netlint.loader import load

    out: list[str] = []
    try:
        findings = check(path, finder=finder)
    except Exception:  # noqa: BLE001 - the point is to catch anything at all
        return [f"check raised:\n{traceback.format_exc()}"]
    for finding in findings:
        match = FINDING_TEXT.match(finding.text())
        if match is None or match["path"] != str(path) or not finding.message.strip():
            out.append(f"malformed finding: {finding!r}")
    for fmt in FORMATS:
        try:
            text = render(fmt, findings, 1)
            if fmt in ("json", "sarif"):
                json.loads(text)
        except Exception:  # noqa: BLE001
            out.append(f"--format {fmt} raised:\n{traceback.format_exc()}")
    try:
        loaded = load(path)
        summary(loaded)
        summary(loaded, as_json=True)
    except Exception:  # noqa: BLE001
        out.append(f"summary raised:\n{traceback.format_exc()}")
    return out


def diagram_problems(path: Path) -> list[str]:
    """Both diagram views: DOT text, or DiagramError carrying the findings; nothing else."""
    from netlint.drawing import DiagramError, DiagramOptions, diagram_and_findings

    out = []
    for view in ("graph", "unrolled"):
        try:
            dot, _ = diagram_and_findings(path, DiagramOptions(view=view))
            if not dot.startswith(("digraph", "strict digraph")):
                out.append(f"{view}: DOT does not start with digraph: {dot[:60]!r}")
        except DiagramError as error:
            if not error.findings:
                out.append(f"{view}: DiagramError without findings")
        except Exception:  # noqa: BLE001
            out.append(f"diagram --view {view} raised:\n{traceback.format_exc()}")
    return out
