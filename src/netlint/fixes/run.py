"""`--fix`: check, apply the fixes that fit together, check again, until nothing changes.

Fixes are made on the text as it stands after the previous round, so two fixes
that touch one span are never applied from stale positions: the second one is
made again on the edited text, or not at all. A round whose result no longer
reads as a model file (a bug in a fix) is thrown away and the loop stops, so the
file is written only with edits that read back.
"""

from __future__ import annotations

from netlint.model.findings import Finding
from netlint.plumbing.records import field, record
from netlint.fixes.text_edits import EditOutOfRange, apply_edits, compatible

MAX_ROUNDS = 10  # a fix that makes another fixable finding is applied next round


@record
class Fixed:
    """What `--fix` made of one text."""

    text: str  # the text after the fixes (the input when nothing applied)
    applied: list = field(default_factory=list)  # the findings whose fix was applied
    findings: list = field(default_factory=list)  # what remains, checked on `text`
    unreadable: bool = False  # the input is not YAML netlint can read: left untouched


def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.autofix
    return fix is not None and bool(fix.edits) and (fix.safe or unsafe)


def fix_text(text: str, path: str, config: object = None, *, unsafe: bool = False) -> Fixed:
    """Apply the fixes of `text` (a model file at `path`, checked under `config`)."""
    from netlint.loader import load_text
    from netlint.pipeline import lint_loaded

    def check(source: str) -> tuple:
        loaded = load_text(source, path)
        return loaded, lint_loaded(loaded, config).findings

    loaded, findings = check(text)
    if loaded.document is None:  # a YAML syntax error, or past a bound: hands off
        return Fixed(text, [], findings, unreadable=True)
    applied: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        wanted = [f for f in sorted(findings, key=Finding.sort_key) if applicable(f, unsafe)]
        try:
            chosen = compatible(text, [f.autofix for f in wanted])
            edited = apply_edits(text, [e for fix in chosen for e in fix.edits])
        except EditOutOfRange:
            break
        if not chosen or edited == text:
            break
        loaded_after, findings_after = check(edited)
        if loaded_after.document is None:
            break  # never write what no longer reads as YAML
        applied += [f for f in wanted if f.autofix in chosen]
        text, findings = edited, findings_after
    return Fixed(text, applied, findings)
