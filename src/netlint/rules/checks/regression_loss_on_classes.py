"""A regression loss treats class 6 as "bigger" than class 2 and rewards hedging between
classes; cross-entropy is the loss for labels (seed 001: mse on seven actions).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import REGRESSION_LOSSES
from netlint.rules.facts import has_data
from netlint.rules.heads import Head, heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _class_labels(head: Head) -> str | None:
    labels = head.labels
    if labels is None:
        return None
    encoding = labels.label_encoding
    if encoding in ("one-hot", "multi-hot", "integer"):
        return encoding
    if labels.classes or labels.observed_encoding == "binary":
        return "integer"
    return None


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        encoding = _class_labels(head)
        if head.loss is None or head.loss.name not in REGRESSION_LOSSES or encoding is None:
            continue
        classes = head.labels.class_count
        if encoding == "one-hot":
            fix = "use softmax with loss categorical_crossentropy"
        elif encoding == "multi-hot" or classes == 2:
            fix = "use sigmoid with loss binary_crossentropy"
        else:
            count = f"{classes} units" if classes else "one unit per class"
            fix = (f"use softmax over {count} with loss sparse_categorical_crossentropy "
                   f"(class ids from 0)")
        yield ctx.report(f"loss {head.loss.written} treats {head.labels.label} as quantities, "
                         f"but it holds {encoding} class labels", head.loss.position, fix=fix,
                         layer=head.output)
