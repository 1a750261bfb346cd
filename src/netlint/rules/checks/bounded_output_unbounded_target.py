"""Seed 001: one sigmoid unit to predict actions 1..7; it never leaves (0, 1).
Cross-entropy labels are NL311's; this is for regression-style targets.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import BINARY_CE, CATEGORICAL_CE, SPARSE_CE
from netlint.rules.facts import fmt_number, fmt_span, has_data
from netlint.rules.heads import Head, heads
from netlint.rules.output_ranges import ACTIVATION_BOUNDS, reaches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _target_range(head: Head) -> tuple | None:
    labels = head.labels
    if labels is None:
        return None
    if labels.value_range is not None:
        return labels.value_range
    classes = labels.class_count
    return (0.0, float(classes - 1)) if labels.encoding == "integer" and classes else None


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        bounds = ACTIVATION_BOUNDS.get(head.act or "")
        target = _target_range(head)
        if bounds is None or target is None or (head.loss and head.loss.name in
                                                BINARY_CE | CATEGORICAL_CE | SPARSE_CE):
            continue
        if reaches(bounds, target) or (head.act == "softmax" and head.units == 1):
            continue  # softmax over one unit is always 1: NL305's finding
        low, high = bounds
        reach = ("(-inf" if low is None else f"[{fmt_number(low)}") + ", " + (
            "inf)" if high is None else f"{fmt_number(high)}]")
        yield ctx.report(f"'{head.layer_name}' ends in {head.act}, whose outputs stay within "
                         f"{reach}, but {head.labels.label} ranges over {fmt_span(*target)}: "
                         f"it can never reach them", head.where_activation,
                         fix=f"use a linear output for these targets, or scale them into "
                         f"{reach}", layer=head.layer_name)
