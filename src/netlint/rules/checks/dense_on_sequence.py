"""A Dense head on (None, steps, features) gives one prediction per step.

Right for sequence tagging, wrong when one prediction per sequence is meant.
Info when nothing says which; a warning when the labels are one per sample.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.inference import LayerResult
from netlint.layers.registry import get as layer_def
from netlint.rules.data_facts import labels_per_sample
from netlint.rules.facts import dense_head, feature_map_source, format_shape, real_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _sequence_rnn(node: LayerResult | None) -> str | None:
    """The name of an RNN (bare or in Bidirectional) that hands on its whole sequence."""
    if node is None or node.spec is None:
        return None
    spec = node.spec.wrapped if node.class_name == "Bidirectional" else node.spec
    definition = layer_def(spec.class_name) if spec is not None else None
    if definition is None or not definition.recurrent:
        return None
    return node.name if spec.kwargs.get("return_sequences") else None


def check(ctx: Context) -> Iterator[Finding]:
    for output in ctx.model.outputs:
        dense = dense_head(ctx.inferred, output)
        if dense is None or len(dense.input_shapes[0]) != 3 \
                or feature_map_source(ctx.inferred, dense):
            continue
        out_shape = ctx.inferred.nodes[output].output_shape
        per_sample = labels_per_sample(ctx, output)
        if per_sample is False:
            continue  # labels per timestep: per-timestep outputs are what is wanted
        shape = dense.input_shapes[0]
        message = (f"Dense '{dense.name}' acts on each of the {shape[1]} timesteps of "
                   f"{format_shape(shape)} separately, so the model outputs "
                   f"{format_shape(out_shape)}, one prediction per step")
        rnn = _sequence_rnn(real_source(ctx.inferred, dense))
        if rnn is not None:
            fix = f"for one prediction per sequence, drop return_sequences on '{rnn}'"
        else:
            fix = ("for one prediction per sequence, add GlobalAveragePooling1D (or Flatten) "
                   f"before '{dense.name}'; for one per step, TimeDistributed(Dense) says so")
        severity = "warning" if per_sample else None
        yield ctx.report(message, dense.spec.position, fix=fix, layer=dense.name,
                         severity=severity)
