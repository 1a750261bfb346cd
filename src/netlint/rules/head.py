"""NL3xx: the output head against its loss, metrics and labels.

Each rule looks at one output at a time through a `Head`: the activation that
ends it, its width, the loss that scores it and the labels `data:` gives for
it. A rule stays silent when a fact it needs is unknown (say, an output that
ends in a merge): false alarms cost more than a missed hint.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.findings import Finding
from netlint.rules import head_labels  # noqa: F401  (registers NL303, NL304, NL307, NL308, NL311)
from netlint.rules.engine import Context, rule
from netlint.rules.facts import (
    BINARY_CE,
    CATEGORICAL_CE,
    CROSS_ENTROPY,
    PROBABILITY_ACTIVATIONS,
    REGRESSION_LOSSES,
    SPARSE_CE,
    file_losses,
    format_shape,
    metric_names,
    own_activation,
    title,
)
from netlint.rules.head_common import (
    ACCURACY_METRICS,
    CLASS_ENCODINGS,
    LOG_ACTIVATIONS,
    Head,
    heads,
    loss_class,
)

# -- NL301 ------------------------------------------------------------------------------

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


@rule("NL301", "activation-loss-mismatch", "error",
      "the output activation does not suit the loss or the labels")
def activation_loss_mismatch(ctx: Context) -> Iterator[Finding]:
    """Sigmoid over 7 one-of-7 classes (seed 001), sigmoid with categorical cross-entropy,
    softmax with binary cross-entropy, log-softmax into a loss that takes the log itself.
    The certain breakage is an error; the probable mistakes are warnings."""
    for head in heads(ctx):
        if head.activation is None:
            continue
        problem = _activation_loss_problem(head)
        if problem is not None:
            severity, message, fix = problem
            yield ctx.report(message, head.where_activation, fix=fix, layer=head.layer_name,
                             severity=severity)


# -- NL302 ------------------------------------------------------------------------------

@rule("NL302", "accuracy-on-regression", "warning",
      "an accuracy metric with a regression loss (mse, mae, huber, ...)")
def accuracy_on_regression(ctx: Context) -> Iterator[Finding]:
    """Accuracy counts outputs that equal the target exactly; real-valued predictions
    almost never do, so it sits near 0 whatever the model learns (seed 002)."""
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


# -- NL305, NL306: a single unit where classes are meant ---------------------------------

@rule("NL305", "softmax-single-unit", "error",
      "softmax over an axis of size 1: the output is always 1.0")
def softmax_single_unit(ctx: Context) -> Iterator[Finding]:
    """Softmax normalises over the last axis; over one value it returns 1.0 for any input,
    so no gradient reaches the layers before it."""
    for node in ctx.inferred.layers:
        shape = node.output_shape
        if not shape or len(shape) < 2 or shape[-1] != 1:
            continue  # the cheap test first: most layers are wider than 1
        fact = own_activation(node)  # an activation read further back is that layer's
        if fact is None or fact.name != "softmax":
            continue
        yield ctx.report(f"{title(node)} applies softmax over an axis of size 1 (output "
                         f"{format_shape(shape)}): softmax of one value is always 1.0, so "
                         f"nothing is learned", fact.position,
                         fix="for one yes/no output use activation: sigmoid (with "
                         "binary_crossentropy); for C classes use units: C", layer=node.name)


@rule("NL306", "categorical-loss-single-output", "error",
      "(sparse_)categorical_crossentropy on a 1-unit output: the loss is constant")
def categorical_loss_single_output(ctx: Context) -> Iterator[Finding]:
    """With one output there is nothing to choose between: categorical cross-entropy
    normalises it to 1.0 and the loss stays at 0 (seed 001's Dense(1) classifier)."""
    for head in heads(ctx):
        loss = head.loss
        if loss is None or loss.name not in CATEGORICAL_CE | SPARSE_CE or head.units != 1:
            continue
        yield ctx.report(f"{loss.written} on output '{head.output}', which has 1 unit: a "
                         f"one-way choice, so the loss is constant and nothing is learned",
                         loss.position, fix="for two classes use units: 1, sigmoid and "
                         "binary_crossentropy; for C classes units: C with softmax",
                         layer=head.output)


# -- NL309, NL310: probabilities or logits ----------------------------------------------

@rule("NL309", "logits-without-from-logits", "error",
      "cross-entropy on a linear/relu/tanh output without `from_logits: true`")
def logits_without_from_logits(ctx: Context) -> Iterator[Finding]:
    """Cross-entropy without from_logits takes the log of the outputs as probabilities;
    unbounded scores (or negative ones) make it clip, stall or go NaN."""
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


@rule("NL310", "from-logits-after-activation", "error",
      "`from_logits: true` after a softmax/sigmoid output")
def from_logits_after_activation(ctx: Context) -> Iterator[Finding]:
    """from_logits: true makes the loss apply softmax/sigmoid itself: a second time."""
    for head in heads(ctx):
        loss, act = head.loss, head.act
        if loss is None or not loss.from_logits or act not in ("softmax", "sigmoid"):
            continue
        yield ctx.report(f"from_logits: true tells {loss.written} that output "
                         f"'{head.output}' is raw scores, but '{head.layer_name}' already "
                         f"applies {act}: the loss applies it a second time",
                         loss.from_logits_position or loss.position,
                         fix=f"remove the {act} (keep from_logits: true), or set "
                         "from_logits: false", layer=head.output)
