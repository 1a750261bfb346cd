"""Padded steps are read as real data unless a mask says to skip them (seed 003).

The advice says what a mask costs on a GPU (NL204): an LSTM/GRU with a mask leaves
the cuDNN kernel on the JAX and PyTorch backends.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.inference import DEFERRED
from netlint.rules.data_facts import inputs_with_data
from netlint.rules.facts import (
    RnnView, format_shape, has_recurrent, makes_mask, rnn_views, upstream,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _any_length(rnn: RnnView) -> bool:
    """The RNN reads sequences of any length (its time axis is None)."""
    shape = rnn.input_shape
    return bool(shape) and len(shape) == 3 and shape[1] is None


def _padded_inputs(ctx: Context) -> dict[str, str]:
    """input name -> label of its data entry, for inputs whose data is declared padded."""
    return {spec.name: data.label for spec, data in inputs_with_data(ctx) if data.padded}


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    rnns = rnn_views(ctx)
    if not rnns:
        return
    padded_inputs = _padded_inputs(ctx)
    # with no input shape written, a None time axis is unknown, not declared any-length
    deferred = any(spec.origin == DEFERRED for spec in ctx.model.inputs)
    if not padded_inputs and (deferred or not any(_any_length(rnn) for rnn in rnns)):
        # the common case, nothing to report: skip the three walks over the graph below
        # (~65,000 instructions on a file with two LSTMs)
        return
    rnn_names = {view.node.name for view in rnns}
    below_rnn = upstream(ctx.inferred, lambda node: node.name in rnn_names)
    masked = upstream(ctx.inferred, makes_mask)
    behind_padded = {label: upstream(ctx.inferred, lambda node, n=name: node.name == n)
                     for name, label in padded_inputs.items()}
    for rnn in rnns:
        if below_rnn[rnn.node.name] or masked[rnn.node.name]:
            continue  # the first RNN of a stack says it for all; a mask covers them
        shape = rnn.input_shape
        variable = _any_length(rnn) and not deferred
        padded = next((label for label, reach in behind_padded.items()
                       if reach[rnn.node.name]), None)
        if not (variable or padded):
            continue
        why = f"{padded} is padded" if padded else \
            f"its input {format_shape(shape)} has sequences of any length"
        message = (f"{rnn.title} reads the padding as real steps: {why}, and nothing before "
                   f"it masks the padded steps")
        yield ctx.report(message, rnn.position(), fix=_fix(rnn), layer=rnn.node.name)


def _fix(rnn: RnnView) -> str:
    # a mask is not free: NL204 says the same where a mask is already there
    cost = ""
    if rnn.class_name in ("LSTM", "GRU"):
        cost = ("; on a GPU the mask costs the fused cuDNN kernel (a step-by-step loop, "
                "several times slower) on the JAX and PyTorch backends, and on TensorFlow "
                "it keeps it only for padding at the end (padding='post')")
    return ("add `- Masking: {mask_value: 0.0}` before it, or mask_zero: true on the "
            "Embedding (if all sequences in a batch have one length, ignore this)" + cost)
