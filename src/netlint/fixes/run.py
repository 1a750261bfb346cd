"""`--fix`: check, apply the fixes that fit together, check again, until nothing changes.

Fixes are made on the text as it stands after the previous round, so two fixes
that touch one span are never applied from stale positions: the second one is
made again on the edited text, or not at all. A round whose result no longer
reads as a model file (a bug in a fix) is thrown away and the loop stops, so the
file is written only with edits that read back.
"""

from __future__ import annotations

from collections.abc import Callable

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

    def check(source: str) -> object:
        return lint_loaded(load_text(source, path), config)

    linted = check(text)
    if linted.loaded.document is None:  # a YAML syntax error, or past a bound: hands off
        return Fixed(text, [], linted.findings, unreadable=True)
    applied: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        wanted = [f for f in sorted(linted.findings, key=Finding.sort_key)
                  if applicable(f, unsafe)]
        try:
            fixes = compatible(text, [f.autofix for f in wanted])
        except EditOutOfRange:
            break
        step = _first_good_step(text, fixes, linted, check)
        if step is None:
            break
        chosen, text, linted = step
        applied += [f for f in wanted if f.autofix in chosen]
    return Fixed(text, applied, linted.findings)


def _first_good_step(text: str, fixes: list, linted: object, check: Callable) -> tuple | None:
    """(the fixes applied, the text, its lint) for the fixes together, or else for the
    first one alone that is good: it reads back as YAML and breaks no layer that was
    built before (a fix must never make a correct part wrong); None when none is."""
    for chosen in ([fixes] if len(fixes) > 1 else []) + [[fix] for fix in fixes]:
        try:
            edited = apply_edits(text, [e for fix in chosen for e in fix.edits])
        except EditOutOfRange:
            continue
        if edited == text:
            continue
        after = check(edited)
        if after.loaded.document is not None and not _breaks(linted, after):
            return chosen, edited, after
    return None


def _breaks(before: object, after: object) -> bool:
    """Whether a layer built before the edit fails after it."""
    if before.inferred is None or after.inferred is None:
        return after.inferred is None and before.inferred is not None
    built = {name for name, node in before.inferred.nodes.items()
             if node.output_shapes is not None}
    return any(node.name in built for node in after.inferred.errors)
