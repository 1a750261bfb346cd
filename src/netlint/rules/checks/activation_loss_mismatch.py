"""Sigmoid over 7 one-of-7 classes (seed 001), sigmoid with categorical cross-entropy,
softmax with binary cross-entropy, log-softmax into a loss that takes the log itself.
The certain breakage is an error; the probable mistakes are warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import BINARY_CE, CATEGORICAL_CE, CROSS_ENTROPY, SPARSE_CE
from netlint.rules.heads import LOG_ACTIVATIONS, Head, heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _activation_loss_problem(head: Head) -> tuple[str, str, str] | None:
    """(severity, message, fix) for an activation that does not suit the loss or labels."""
    act, units, loss = head.act, head.units or 0, head.loss
    name = loss.name if loss else None
    encoding = head.labels.label_encoding if head.labels else None
    where = f"'{head.layer_name}' ends in {act} over {units} units"
    if act in LOG_ACTIVATIONS and loss and name in CROSS_ENTROPY and not loss.from_logits:
        return ("error", f"{where}, which gives log-probabilities; {loss.written} takes their "
                f"log again", "set from_logits: true on the loss (log-probabilities are valid "
                "logits), or use softmax/sigmoid")
    if act == "sigmoid" and units > 1 and name in CATEGORICAL_CE | SPARSE_CE:
        return ("warning", f"{where}, each an independent yes/no, but {loss.written} expects "
                f"one distribution over the {units} classes", "use activation: softmax")
    if act == "sigmoid" and units > 1 and encoding == "one-hot":
        return ("warning", f"{where}, each an independent yes/no, but {head.labels.label} is "
                f"one-hot: exactly one of the {units} classes per sample",
                "use activation: softmax with loss categorical_crossentropy")
    if act == "softmax" and units > 1 and name in BINARY_CE and encoding != "multi-hot":
        return ("warning", f"{where}, which compete (they sum to 1), but {loss.written} scores "
                f"each unit as its own yes/no; 'accuracy' then reports a per-unit binary "
                f"accuracy that looks high", "use categorical_crossentropy for one class "
                "per sample (or sigmoid for several labels per sample)")
    return None


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        if head.activation is None:
            continue
        problem = _activation_loss_problem(head)
        if problem is not None:
            severity, message, fix = problem
            yield ctx.report(message, head.where_activation, fix=fix, layer=head.layer_name,
                             severity=severity)
