"""An RNN fed `(1, n)` runs one step: it is a dense layer with extra weights.

Almost always the window was written as one step of n features instead of n
steps of one feature: at the model's input, or in a `Reshape` to (1, n). A Conv1D
or a pooling that shrinks the time axis to one step does the same to the RNN after
it (NL111 leaves that one to this rule: one mistake, one finding). Stateful RNNs
fed one step per batch on purpose are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import (RnnView, format_shape, has_recurrent, plural, rnn_views,
                                 spatial_rank, title)
from netlint.rules.sequence_facts import one_step_origin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.layers.inference import LayerResult
    from netlint.rules.engine import Context


def _at_input(ctx: Context, rnn: RnnView, origin: LayerResult, features) -> Finding:
    spec = ctx.model.input(origin.name)
    message = (f"{rnn.title} gets 1 timestep of {plural(features, 'feature')} (input "
               f"{format_shape(rnn.input_shape)}): it never recurs")
    if features and features > 1:
        fix = (f"if these are {features} steps of one feature, use input shape "
               f"({features}, 1) and reshape the data with x.reshape(-1, {features}, 1)")
    else:
        fix = "give each sample more than one timestep, or use a Dense layer"
    where = spec.shape_position if spec and spec.shape_position else rnn.position()
    return ctx.report(message, where, fix=fix, layer=rnn.node.name)


def _inside(ctx: Context, rnn: RnnView, origin: LayerResult, features) -> Finding:
    made = (f"{format_shape(origin.input_shapes[0])} -> {format_shape(origin.output_shape)}"
            if len(origin.input_shapes) == 1 else format_shape(origin.output_shape))
    # said of the layer the finding points at, which made the single step
    verb = "reshapes to" if origin.class_name == "Reshape" else "leaves"
    message = (f"{title(origin)} {verb} 1 timestep of {plural(features, 'feature')} "
               f"({made}), so {rnn.title} after it never recurs")
    spec = origin.spec
    if origin.class_name == "Reshape" and features and features > 1:
        fix = (f"if these are {features} steps of one feature, reshape to "
               f"target_shape: [{features}, 1]")
        where = spec.kwarg_positions.get("target_shape") or spec.position
    elif origin.class_name == "Reshape":
        fix = "reshape to more than one timestep, or use a Dense layer"
        where = spec.kwarg_positions.get("target_shape") or spec.position
    elif spatial_rank(origin.class_name) == 1:
        fix = ("shrink the time axis less before it (smaller strides, pool_size or "
               "kernel_size, or padding: same) so that it gets several steps, or use a "
               "Dense layer")
        where = spec.position
    else:
        fix = "give it more than one timestep, or use a Dense layer"
        where = spec.position
    return ctx.report(message, where, fix=fix, layer=origin.name)


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    for rnn in rnn_views(ctx):
        shape = rnn.input_shape
        if not shape or len(shape) != 3 or shape[1] != 1 or rnn.kwargs.get("stateful"):
            continue
        origin = one_step_origin(ctx.inferred, rnn.node)
        if origin is None:
            continue  # an RNN before it got the one step first, and says so
        if origin.is_input:
            yield _at_input(ctx, rnn, origin, shape[2])
        else:
            yield _inside(ctx, rnn, origin, shape[2])
