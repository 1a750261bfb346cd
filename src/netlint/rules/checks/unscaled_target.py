"""Seed 002: Fibonacci targets up to 9e20 under mean_absolute_error. The output layer
starts near 0; with Adam's steps of ~0.001 it needs an age to reach such values, and
mse's gradients on them are enormous.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import range_text
from netlint.rules.facts import PASS_THROUGH, fmt_number, has_data, producer
from netlint.rules.heads import heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


# regression losses whose gradients grow with the target's scale (msle/mape do not)
SCALE_SENSITIVE = frozenset({"mean_squared_error", "mean_absolute_error", "huber", "log_cosh"})


def _scaled_back(ctx: Context, output: str, biggest: float, max_abs: float) -> bool:
    """The model scales its own output up to the targets: it ends in `Rescaling` with a
    scale that brings them within max_abs of the layer before, or in an inverted
    `Normalization` (adapted to the targets), so what it learns is near unit scale."""
    node = ctx.inferred.nodes.get(output)
    while node is not None and node.class_name in PASS_THROUGH:
        node = producer(ctx.inferred, node)
    if node is None or node.is_input:
        return False
    if node.class_name == "Normalization":
        return node.kwargs.get("invert") is True
    if node.class_name != "Rescaling":
        return False
    scale, offset = node.kwargs.get("scale"), node.kwargs.get("offset") or 0
    if not isinstance(scale, (int, float)) or not isinstance(offset, (int, float)) or not scale:
        return False
    return (biggest + abs(offset)) / abs(scale) <= max_abs


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    max_abs = float(ctx.options.get("max_abs", 100.0))
    for head in heads(ctx):
        labels, loss = head.labels, head.loss
        if labels is None or loss is None or loss.name not in SCALE_SENSITIVE \
                or labels.value_range is None:
            continue
        biggest = max(abs(v) for v in labels.value_range)
        if biggest <= max_abs or _scaled_back(ctx, head.output, biggest, max_abs):
            continue
        yield ctx.report(f"{labels.label} ranges over {range_text(labels)} under loss "
                         f"{loss.written}: the output starts near 0 and its initial errors "
                         f"are ~{fmt_number(biggest)}", labels.where_range,
                         fix="standardise the targets ((y - mean) / std) and undo it on the "
                         "predictions, or predict log1p(y)", layer=head.output)
