"""Flatten on a big feature map wires every position to every unit: one layer ends up
with tens of millions of weights that mostly memorise positions.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.plumbing.counts import count_text
from netlint.model.findings import Finding
from netlint.rules.facts import format_shape, real_source, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def check(ctx: Context) -> Iterator[Finding]:
    limit = int(ctx.options.get("max_params", 10_000_000))
    share_limit = float(ctx.options.get("max_share", 0.5))
    big = [node for node in ctx.inferred.layers
           if node.class_name == "Dense" and node.params > limit]
    if not big:
        return  # the common case: no need to count the whole model's parameters
    total = ctx.inferred.total_params
    if not total:
        return
    for node in big:
        share = node.params / total
        source = real_source(ctx.inferred, node)
        if share <= share_limit or source is None or source.class_name != "Flatten":
            continue
        before = source.input_shapes[0] if source.input_shapes else None
        features = node.input_shapes[0][-1]
        pool = f"; GlobalAveragePooling gives {count_text(before[-1])} features" \
            if before and len(before) >= 3 and before[-1] is not None else ""
        yield ctx.report(f"{title(node)} holds {count_text(node.params)} of the model's "
                         f"{count_text(total)} parameters ({share:.0%}): Flatten turns "
                         f"{format_shape(before)} into {count_text(features)} features, each "
                         f"wired to all {count_text(node.output_shape[-1])} units",
                         node.spec.position,
                         fix=f"shrink the map before flattening (strides, pooling){pool}",
                         layer=node.name)
