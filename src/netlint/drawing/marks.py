"""Which layers to mark as wrong on a diagram, and with which finding codes.

A diagram is often how people see what is wrong, so a model with shape errors
still draws, with the failing layer marked, from the pipeline's findings (the
rule engine's, which name the more specific rule, such as NL104).
"""

from __future__ import annotations

from netlint.plumbing.records import record
from netlint.rules.checks.incompatible_shape import GENERIC_SHAPE_CODE


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
