"""With one output there is nothing to choose between: categorical cross-entropy
normalises it to 1.0 and the loss stays at 0 (seed 001's Dense(1) classifier).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import CATEGORICAL_CE, SPARSE_CE
from netlint.rules.heads import heads
from netlint.rules.label_classes import too_narrow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        loss = head.loss
        if loss is None or loss.name not in CATEGORICAL_CE | SPARSE_CE or head.units != 1:
            continue
        if too_narrow(head) is not None:
            continue  # labels of C > 2 classes: NL303 says units: C (and the loss)
        yield ctx.report(f"{loss.written} on output '{head.output}', which has 1 unit: a "
                         f"one-way choice, so the loss is constant and nothing is learned",
                         loss.position, fix="for two classes use units: 1, sigmoid and "
                         "binary_crossentropy; for C classes units: C with softmax",
                         layer=head.output)
