"""Softmax normalises over the last axis; over one value it returns 1.0 for any input,
so no gradient reaches the layers before it.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Autofix, Finding
from netlint.rules.facts import format_shape, own_activation, title
from netlint.rules.head_fixes import head_fix
from netlint.rules.heads import heads
from netlint.rules.label_classes import too_narrow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _labels_say_more(ctx: Context, name: str) -> bool:
    """The layer ends an output whose labels have C > 2 classes: NL303 reports the one
    unit with the whole fix (units: C, and the loss)."""
    return ctx.data is not None and any(
        head.layer_name == name and too_narrow(head) is not None for head in heads(ctx))


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.layers:
        shape = node.output_shape
        if not shape or len(shape) < 2 or shape[-1] != 1:
            continue  # the cheap test first: most layers are wider than 1
        fact = own_activation(node)  # an activation read further back is that layer's
        if fact is None or fact.name != "softmax" or _labels_say_more(ctx, node.name):
            continue
        yield ctx.report(f"{title(node)} applies softmax over an axis of size 1 (output "
                         f"{format_shape(shape)}): softmax of one value is always 1.0, so "
                         f"nothing is learned", fact.position,
                         fix="for one yes/no output use activation: sigmoid (with "
                         "binary_crossentropy); for C classes use units: C", layer=node.name,
                         autofix=_sigmoid(ctx, node.name))


def _sigmoid(ctx: Context, output: str) -> Autofix | None:
    """sigmoid in place of softmax, offered only where the loss says yes/no (binary
    cross-entropy): for C classes the fix is C units, a number netlint does not know."""
    loss = ctx.model.compile.get("loss") if ctx.model.compile else None
    if not isinstance(loss, str) or loss.lower() not in _BINARY:
        return None
    return head_fix(ctx, output, {"activation": "sigmoid"})


_BINARY = {"binary_crossentropy", "bce", "binarycrossentropy"}
