"""Which layers to mark as wrong on a diagram, and with which finding codes.

A diagram is often how people see what is wrong, so a model with shape errors
still draws, with the failing layer marked. The rule engine's findings are
used when `netlint.api.check` exists (they name the more specific rule, such
as NL104); otherwise the core's NL105 shape findings.
"""

from __future__ import annotations

from netlint.records import record

GENERIC_SHAPE_CODE = "NL105"


@record(frozen=True)
class Mark:
    codes: tuple  # sorted finding codes, the generic NL105 dropped when a sharper one exists
    message: str  # the first finding's message (most specific code first)
    fix: str | None = None  # and how to fix it, when the finding says


def layer_marks(findings: list) -> dict[str, Mark]:
    """Errors by layer name, from findings that name a layer."""
    by_layer: dict[str, list] = {}
    for finding in findings:
        if finding.severity == "error" and finding.layer:
            by_layer.setdefault(finding.layer, []).append(finding)
    marks = {}
    for layer, found in by_layer.items():
        specific = [f for f in found if f.code != GENERIC_SHAPE_CODE] or found
        specific.sort(key=lambda f: (f.code, f.message))
        codes = tuple(sorted({f.code for f in specific}))
        marks[layer] = Mark(codes, specific[0].message, specific[0].fix)
    return marks


def rule_findings(source: object) -> list | None:
    """The rule engine's findings for a path or a `Loaded`; None without an engine.

    A path lets the engine apply the user's config and suppressions as `netlint
    check` does, so the diagram marks what check reports.
    """
    import netlint.api

    check = getattr(netlint.api, "check", None)
    if check is None:
        return None
    return list(check(source))
