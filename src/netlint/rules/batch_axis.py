"""An input shape written with the batch size in front (`input_shape=(26721, 32, 32, 1)`,
the shape of the whole array): NL114 reports it, and NL901 stays quiet about the same
argument rather than tell the author to copy the wrong shape to `input:`.
"""

from __future__ import annotations

from netlint.model.graph import InputSpec
from netlint.layers.inference import LayerResult
from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


@record(frozen=True)
class BatchAxis:
    """The input whose shape starts with the sample count, and the layer that refuses it."""

    spec: InputSpec
    layer: LayerResult  # the first layer that needs one axis fewer
    samples_in_data: bool  # the data's `x` has this first number as its sample count


def _first_rank_failure(ctx: Context, name: str) -> LayerResult | None:
    """The first layer on the input's single chain that fails for its rank, while every
    layer before it keeps the rank it receives (so the extra axis is still the input's)."""
    consumers = ctx.inferred.consumers(name)
    node = consumers[0] if len(consumers) == 1 else None
    while node is not None:
        if node.error is not None:
            return node if node.error.kind == "rank" else None
        if len(node.input_shapes) != 1 or node.output_shape is None \
                or len(node.output_shape) != len(node.input_shapes[0]):
            return None
        consumers = ctx.inferred.consumers(node.name)
        node = consumers[0] if len(consumers) == 1 else None
    return None


def _data_samples(ctx: Context, spec: InputSpec) -> int | None:
    entry = ctx.data.for_input(ctx.model, spec.name) if ctx.data is not None else None
    shape = tuple(entry.shape) if entry is not None and entry.shape else ()
    return shape[0] if shape else None


def batch_axis(ctx: Context, spec: InputSpec) -> BatchAxis | None:
    """`spec` when its shape has one axis more than its first layer takes, the extra one
    in front (the batch or sample count). Asked by two rules, answered once per input."""
    cache = ctx.shared.setdefault("batch_axis", {})
    if spec.name not in cache:
        cache[spec.name] = _batch_axis(ctx, spec)
    return cache[spec.name]


def _batch_axis(ctx: Context, spec: InputSpec) -> BatchAxis | None:
    if spec.origin not in ("input", "inputs", "input-layer", "input_shape") \
            or len(spec.shape) < 2:
        return None  # batch_input_shape already splits the batch off; input_dim is 1D
    failed = _first_rank_failure(ctx, spec.name)
    if failed is None or failed.error.expected_rank != len(spec.shape):
        return None  # the layer wants other than exactly one axis fewer
    samples = _data_samples(ctx, spec)
    return BatchAxis(spec, failed, samples is not None and samples == spec.shape[0])
