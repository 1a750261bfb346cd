"""Dense on (None, 5, 5, 64) acts at every position: the output keeps the 5 x 5.

An error when the labels are one per sample; a warning for a 2D/3D map when
there are no labels to say (per-pixel heads end in a 1x1 Conv, not a Dense).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import labels_per_sample
from netlint.rules.facts import dense_head, feature_map_source, format_shape, spatial_rank

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def check(ctx: Context) -> Iterator[Finding]:
    for output in ctx.model.outputs:
        dense = dense_head(ctx.inferred, output)
        source = feature_map_source(ctx.inferred, dense) if dense is not None else None
        if source is None:
            continue
        shape = dense.input_shapes[0]
        out_shape = ctx.inferred.nodes[output].output_shape
        per_sample = labels_per_sample(ctx, output)
        if per_sample is False or (per_sample is None and len(shape) < 4):
            continue  # per-position labels (segmentation-like), or a 1D map with no labels
        flat = 1
        for d in shape[1:]:
            flat = flat * d if d is not None and flat is not None else None
        spatial = spatial_rank(source.class_name)
        message = (f"Dense '{dense.name}' is applied to the feature map {format_shape(shape)} "
                   f"of '{source.name}' with no Flatten: it acts at each position, so the "
                   f"model outputs {format_shape(out_shape)}, not one prediction per sample")
        fix = (f"add `- Flatten` (to {format_shape((shape[0], flat))}) or "
               f"GlobalAveragePooling{spatial}D (to {format_shape((shape[0], shape[-1]))}) "
               f"before '{dense.name}'")
        severity = "error" if per_sample else "warning"
        yield ctx.report(message, dense.spec.position, fix=fix, layer=dense.name,
                         severity=severity)
