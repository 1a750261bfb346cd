"""Seed 002: 7000-point spectra into an LSTM. Gradients fade over so many steps and each
batch runs them one after another; shorten the sequence before the RNN.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import RnnView, has_recurrent, rnn_views, upstream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _original_steps(ctx: Context, rnn: RnnView) -> int | None:
    """The time length of the model input behind an RNN, before strides/pooling."""
    node = rnn.node
    while node is not None and not node.is_input and len(node.inbound) == 1:
        node = ctx.inferred.nodes.get(node.inbound[0])
    if node is not None and node.is_input and node.output_shape and len(node.output_shape) == 3:
        return node.output_shape[1]
    return None


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    warn_steps = int(ctx.options.get("warn_steps", 500))
    error_steps = int(ctx.options.get("error_steps", 2000))
    long_rnns = [rnn for rnn in rnn_views(ctx) if rnn.input_shape
                 and len(rnn.input_shape) == 3 and (rnn.input_shape[1] or 0) > warn_steps]
    if not long_rnns:
        return  # the common case: skip the walk over the graph below
    names = {rnn.node.name for rnn in long_rnns}
    below_another = upstream(ctx.inferred, lambda node: node.name in names)
    for rnn in long_rnns:
        if below_another[rnn.node.name]:
            continue  # a stack over the same long sequence: said once, at its first RNN
        shape = rnn.input_shape
        steps = shape[1]
        original = _original_steps(ctx, rnn)
        reduced = (f" (strides/pooling already brought {original} steps down to {steps})"
                   if original and original > steps else "")
        message = (f"{rnn.title} runs over {steps} timesteps one after another{reduced}: "
                   f"gradients fade long before the start of the sequence and every batch "
                   f"takes {steps} sequential steps")
        factor = math.ceil(steps / max(1, warn_steps // 2))
        fix = (f"shorten it about {factor}x first (Conv1D with strides and MaxPooling1D, "
               f"{steps} -> ~{steps // factor} steps), or cut the sequences into chunks of "
               f"<= {warn_steps} steps (stateful: true carries the state across chunks)")
        severity = "error" if steps > error_steps else "warning"
        yield ctx.report(message, rnn.position(), fix=fix, layer=rnn.node.name,
                         severity=severity)
