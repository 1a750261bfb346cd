"""Cross-entropy without from_logits takes the log of the outputs as probabilities;
unbounded scores (or negative ones) make it clip, stall or go NaN.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import BINARY_CE, CROSS_ENTROPY, PROBABILITY_ACTIVATIONS
from netlint.rules.heads import LOG_ACTIVATIONS, heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def loss_class(name: str) -> str:
    """The Keras class spelling of a loss: categorical_crossentropy -> CategoricalCrossentropy."""
    return "".join(part.capitalize() for part in name.split("_"))


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        loss, act = head.loss, head.act
        if loss is None or loss.name not in CROSS_ENTROPY or loss.from_logits or act is None:
            continue
        if act in PROBABILITY_ACTIVATIONS or act in LOG_ACTIVATIONS:
            continue
        wanted = "sigmoid" if loss.name in BINARY_CE else "softmax"
        yield ctx.report(f"{loss.written} expects probabilities, but output '{head.output}' "
                         f"ends in {act} ('{head.layer_name}'), which gives unbounded scores "
                         f"(logits)", loss.position,
                         fix=f"add activation: {wanted} to '{head.layer_name}', or use "
                         f"loss: {{{loss_class(loss.name)}: {{from_logits: true}}}}",
                         layer=head.output)
