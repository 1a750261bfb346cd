"""Accuracy counts outputs that equal the target exactly; real-valued predictions
almost never do, so it sits near 0 whatever the model learns (seed 002).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import REGRESSION_LOSSES, file_losses, metric_names
from netlint.rules.heads import heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


ACCURACY_METRICS = frozenset({
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
})
CLASS_ENCODINGS = ("one-hot", "multi-hot", "integer")


def check(ctx: Context) -> Iterator[Finding]:
    accuracy = [(written, where) for name, written, where in metric_names(ctx.model)
                if name in ACCURACY_METRICS]
    if not accuracy:
        return  # the common case, and the cheapest question: ask it first
    loss_facts = file_losses(ctx)
    regression = [f for f in loss_facts if f.name in REGRESSION_LOSSES]
    if not regression or len(regression) != len(loss_facts):
        return
    labels = [h.labels for h in heads(ctx) if h.labels is not None]
    if any(entry.label_encoding in CLASS_ENCODINGS or entry.classes for entry in labels):
        return  # class labels under a regression loss: NL308 says change the loss
    for written, where in accuracy:
        yield ctx.report(f"metric '{written}' with loss {regression[0].written}: accuracy "
                         f"counts predictions equal to the target, which real-valued "
                         f"outputs almost never are", where,
                         fix="use mae (or RootMeanSquaredError) as the metric")
