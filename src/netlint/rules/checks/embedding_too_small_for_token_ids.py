"""Token ids 1..10000 into `Embedding(input_dim=10000)`: the table has rows 0..9999.
Keras 3 checks nothing: on JAX the lookup of id 10000 gives a vector of NaN (and a NaN
loss), numpy raises IndexError at fit, TensorFlow raises on CPU and gives zeros on GPU.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.layers.inference import LayerResult
from netlint.model.findings import Finding
from netlint.rules.data_facts import range_text
from netlint.rules.facts import PASS_THROUGH, RESHAPING, has_data, producer, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

EMBEDDINGS = frozenset({"Embedding", "ReversibleEmbedding"})


def _input_behind(ctx: Context, node: LayerResult) -> LayerResult | None:
    """The model input whose values reach `node` unchanged (through dropout, masking and
    reshapes, which move ids but never renumber them)."""
    source = producer(ctx.inferred, node)
    while source is not None and (source.class_name in PASS_THROUGH
                                  or source.class_name in RESHAPING):
        source = producer(ctx.inferred, source)
    return source if source is not None and source.is_input else None


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.layers:
        if node.class_name not in EMBEDDINGS:
            continue
        size = node.kwargs.get("input_dim")
        source = _input_behind(ctx, node)
        if not isinstance(size, int) or source is None:
            continue
        entry = ctx.data.for_input(ctx.model, source.name)
        if entry is None or entry.value_range is None:
            continue
        top = entry.value_range[1]
        if top < size:
            continue
        where = node.spec.kwarg_positions.get("input_dim") or node.spec.position
        yield ctx.report(f"{entry.label} holds token ids {range_text(entry)} but {title(node)} has input_dim: {size}, "
                         f"rows for ids 0..{size - 1} only: Keras does not check, and on JAX "
                         f"a larger id looks up NaN", where,
                         fix=f"set input_dim: {int(top) + 1} (the largest id + 1)",
                         layer=node.name)
