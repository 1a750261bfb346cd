"""Seed 002: "3 time-steps so 3 output units". units is the state size, nothing more."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import has_recurrent, rnn_views

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    for rnn in rnn_views(ctx):
        shape = rnn.input_shape
        units = rnn.kwargs.get("units")
        if not shape or len(shape) != 3 or shape[1] is None or shape[1] <= 1:
            continue
        if units != shape[1]:
            continue
        message = (f"{rnn.title} has units: {units} and its input has {shape[1]} timesteps: "
                   f"units is the size of the state (and of the output), not the number of "
                   f"steps; the layer runs {shape[1]} steps whatever units is")
        yield ctx.report(message, rnn.position("units"), fix="choose units for capacity "
                         "(16-256 is usual); it need not match the sequence length",
                         layer=rnn.node.name)
