"""Dense on (None, 5, 5, 64) acts at every position: the output keeps the 5 x 5.

An error when the labels are one per sample, or, without labels, when the map was
pooled down from the image and a cross-entropy loss scores it (a classifier: Keras
then fails in `fit` on one label per image). Otherwise a warning for a 2D/3D map,
and nothing for a map at the image's own size (a per-pixel head, as in
segmentation) or a 1D one (a per-step head is as likely as a missing Flatten).
The Dense that reads the map may be followed by more Dense layers (Dense(64),
Dense(10)): the finding is at the first, where the Flatten belongs.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.inference import LayerResult
from netlint.rules.compile_facts import CROSS_ENTROPY, file_losses
from netlint.rules.data_facts import labels_per_sample
from netlint.rules.facts import (ACTIVATION_LAYERS, PASS_THROUGH, dense_head,
                                 feature_map_source, format_shape, model_input_behind,
                                 real_source, spatial_rank)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

_BETWEEN_DENSE = PASS_THROUGH | set(ACTIVATION_LAYERS) | {"Activation", "Dense"}


def _first_dense_on_map(ctx: Context, dense: LayerResult) -> tuple | None:
    """(the Dense reading a conv/pool map, that layer) for the head `dense`, looking
    back through a chain of Dense layers (and dropout/activations) on the same map."""
    node = dense
    while node is not None:
        if node.class_name == "Dense":
            source = feature_map_source(ctx.inferred, node)
            if source is not None:
                return node, source
        source = real_source(ctx.inferred, node)
        if source is None or source.class_name not in _BETWEEN_DENSE \
                or len(ctx.inferred.consumers(source.name)) != 1:
            return None
        node = source
    return None


def _spatial(node: LayerResult, shape: tuple) -> tuple:
    """The spatial sizes of `shape` as `node` reads it (channels last unless it says)."""
    rank = spatial_rank(node.class_name) or 0
    first = str(node.kwargs.get("data_format") or "channels_last").lower() == "channels_first"
    return tuple(shape[2:2 + rank]) if first else tuple(shape[1:1 + rank])


def _image_size(ctx: Context, source: LayerResult) -> tuple | None:
    """The spatial size of the image the model's first conv/pool layer reads."""
    rank = spatial_rank(source.class_name)
    first = next((n for n in ctx.inferred.layers if spatial_rank(n.class_name) == rank
                  and n.input_shapes and model_input_behind(ctx.inferred, n) is not None), None)
    return _spatial(first, first.input_shapes[0]) if first is not None else None


def _severity(ctx: Context, output: str, source: LayerResult, shape: tuple) -> tuple | None:
    """(severity, why) for the finding, or None to stay silent."""
    per_sample = labels_per_sample(ctx, output)
    if per_sample:
        return "error", ""
    if per_sample is False or len(shape) < 4:
        return None  # per-position labels (segmentation-like), or a 1D map with no labels
    image, spatial = _image_size(ctx, source), _spatial(source, shape)
    if image == spatial:
        return None  # the map is the image's own size: a per-pixel head
    loss = next((f.name for f in file_losses(ctx) if f.output == output), None)
    if loss in CROSS_ENTROPY and image and len(image) == len(spatial) and all(
            a is not None and b is not None and 2 * b <= a for a, b in zip(image, spatial)):
        return "error", (f"; with the {loss} loss on a map pooled down from "
                         f"{format_shape(image)} to {format_shape(spatial)} the model is a "
                         f"classifier, and fit fails on one label per image")
    return "warning", ""


def check(ctx: Context) -> Iterator[Finding]:
    for output in ctx.model.outputs:
        head = dense_head(ctx.inferred, output)
        found = _first_dense_on_map(ctx, head) if head is not None else None
        if found is None:
            continue
        dense, source = found
        shape = dense.input_shapes[0]
        verdict = _severity(ctx, output, source, shape)
        if verdict is None:
            continue
        out_shape = ctx.inferred.nodes[output].output_shape
        flat = 1
        for d in shape[1:]:
            flat = flat * d if d is not None and flat is not None else None
        spatial = spatial_rank(source.class_name)
        message = (f"Dense '{dense.name}' is applied to the feature map {format_shape(shape)} "
                   f"of '{source.name}' with no Flatten: it acts at each position, so the "
                   f"model outputs {format_shape(out_shape)}, not one prediction per sample"
                   + verdict[1])
        fix = (f"add `- Flatten` (to {format_shape((shape[0], flat))}) or "
               f"GlobalAveragePooling{spatial}D (to {format_shape((shape[0], shape[-1]))}) "
               f"before '{dense.name}'")
        yield ctx.report(message, dense.spec.position, fix=fix, layer=dense.name,
                         severity=verdict[0])
