"""An RNN fed `(1, n)` runs one step: it is a dense layer with extra weights.

Almost always the window was written as one step of n features instead of n
steps of one feature. Stateful RNNs fed one step per batch on purpose are left
alone; a time axis squeezed to 1 inside the model is NL111's.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import format_shape, has_recurrent, model_input_behind, plural, rnn_views

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    for rnn in rnn_views(ctx):
        shape = rnn.input_shape
        if not shape or len(shape) != 3 or shape[1] != 1 or rnn.kwargs.get("stateful"):
            continue
        source = model_input_behind(ctx.inferred, rnn.node)
        if source is None:
            continue
        spec = ctx.model.input(source.name)
        features = shape[2]
        message = (f"{rnn.title} gets 1 timestep of {plural(features, 'feature')} (input "
                   f"{format_shape(shape)}): it never recurs")
        if features and features > 1:
            fix = (f"if these are {features} steps of one feature, use input shape "
                   f"({features}, 1) and reshape the data with x.reshape(-1, {features}, 1)")
        else:
            fix = "give each sample more than one timestep, or use a Dense layer"
        where = spec.shape_position if spec and spec.shape_position else rnn.position()
        yield ctx.report(message, where, fix=fix, layer=rnn.node.name)
