"""`input_shape=(26721, 32, 32, 1)`: the shape of the whole training array, samples
first. Keras adds the batch axis itself, so the first layer gets one axis too many
(Conv2D "needs a 4D input but got (None, 26721, 32, 32, 1)"). The fix is to drop the
first number, never to add an axis to the data: this replaces the generic NL105 for
that layer (an error on the same layer) and NL901's Keras-2-style note on the argument.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.batch_axis import batch_axis
from netlint.rules.checks.legacy_argument import yaml_value
from netlint.rules.facts import format_shape, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

_WRITTEN = {"input_shape": "input_shape", "input": "input shape", "inputs": "input shape",
            "input-layer": "Input shape"}


def check(ctx: Context) -> Iterator[Finding]:
    for spec in ctx.model.inputs:
        found = batch_axis(ctx, spec)
        if found is None:
            continue
        first, rest = spec.shape[0], list(spec.shape[1:])
        if first is None:
            why = "its first axis, None, is the batch axis"
        elif found.samples_in_data:
            why = f"its first number, {first}, is the number of samples in data x"
        else:
            why = f"its first number, {first}, looks like the number of samples or the batch size"
        layer = found.layer
        message = (f"{_WRITTEN.get(spec.origin, 'input shape')} {yaml_value(list(spec.shape))} "
                   f"includes the batch axis: {why}, which Keras adds itself, so "
                   f"{title(layer)} gets {format_shape(layer.input_shapes[0])}, one axis "
                   f"more than the {layer.error.expected_rank}D input it takes")
        if spec.origin == "input_shape":
            fix = f"drop the first number: write `input: {{shape: {yaml_value(rest)}}}` at " \
                  f"the top instead of input_shape"
        else:
            fix = f"drop the first number: shape: {yaml_value(rest)}"
        yield ctx.report(message, spec.shape_position or spec.position, fix=fix,
                         layer=layer.name)
