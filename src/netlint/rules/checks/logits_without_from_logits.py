"""Cross-entropy without from_logits takes the log of the outputs as probabilities;
unbounded scores (or negative ones) make it clip, stall or go NaN.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import BINARY_CE, CROSS_ENTROPY, PROBABILITY_ACTIVATIONS
from netlint.rules.facts import fmt_number, fmt_span
from netlint.rules.heads import LOG_ACTIVATIONS, Head, heads
from netlint.rules.output_ranges import ACTIVATION_BOUNDS, signed_pair

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def loss_class(name: str) -> str:
    """The Keras class spelling of a loss: categorical_crossentropy -> CategoricalCrossentropy."""
    return "".join(part.capitalize() for part in name.split("_"))


def _problem(head: Head, wanted: str) -> tuple[str, str]:
    """(message, fix) for an output that is not probabilities under cross-entropy."""
    loss, act, layer = head.loss, head.act, head.layer_name
    if signed_pair(head):
        return (f"{loss.written} expects probabilities and 0/1 labels, but output "
                f"'{head.output}' ends in {act} ('{layer}') and {head.labels.label} ranges "
                f"over {fmt_span(*head.labels.value_range)}: {act} with -1/1 labels is a "
                f"margin loss's pairing"), (
                f"use loss: hinge (it takes -1/1 labels and {act} outputs), or activation: "
                f"{wanted} with the labels mapped to 0/1")
    bounds = ACTIVATION_BOUNDS.get(act)
    if bounds is not None:
        # as logits, a bounded score caps the probabilities (tanh: sigmoid(±1) =
        # 0.27..0.73, relu: >= 0.5), so from_logits is no fix here
        low, high = bounds
        reach = ("(-inf" if low is None else f"[{fmt_number(low)}") + ", " + (
            "inf)" if high is None else f"{fmt_number(high)}]")
        return (f"{loss.written} expects probabilities, but output '{head.output}' ends in "
                f"{act} ('{layer}'), whose outputs lie in {reach}: the loss clips them into "
                f"(0, 1), where the clipped ones get no gradient"), (
                f"use activation: {wanted} on '{layer}'")
    return (f"{loss.written} expects probabilities, but output '{head.output}' ends in {act} "
            f"('{layer}'), which gives unbounded scores (logits)"), (
            f"add activation: {wanted} to '{layer}', or use "
            f"loss: {{{loss_class(loss.name)}: {{from_logits: true}}}}")


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        loss, act = head.loss, head.act
        if loss is None or loss.name not in CROSS_ENTROPY or loss.from_logits or act is None:
            continue
        if act in PROBABILITY_ACTIVATIONS or act in LOG_ACTIVATIONS:
            continue
        message, fix = _problem(head, "sigmoid" if loss.name in BINARY_CE else "softmax")
        yield ctx.report(message, loss.position, fix=fix, layer=head.output)
