"""`(1, 28, 28)` or `(3, 224, 224)` into a channels_last Conv2D, `(1, 740)` into Conv1D.

Keras reads the last axis as channels, so the image becomes 1 row of 28
columns with 28 channels. When a kernel then no longer fits, Keras refuses the
model and this is reported as an error (instead of the generic NL105).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.fixes.text_edits import char_at
from netlint.fixes.yaml_edits import flow_list, replace
from netlint.model.findings import Autofix, Finding
from netlint.layers.inference import LayerResult
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import format_shape, plural, producer, spatial_rank, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _channels_first_looking(shape: tuple, axes: tuple | None, sizes: list,
                            min_spatial: int) -> bool:
    if axes and len(axes) == len(shape):
        if axes[0] == "channels":
            return True
        if "channels" in axes:
            return False
    first, rest = shape[0], shape[1:]
    return first in sizes and all(d is not None and d >= min_spatial for d in rest)


def _describe_channels_last(per_sample: tuple) -> str:
    """How channels_last reads a shape: `1 row x 28 columns with 28 channels`."""
    spatial, channels = per_sample[:-1], per_sample[-1]
    if len(spatial) == 1:
        axes = plural(spatial[0], "step")
    elif len(spatial) == 2:
        axes = f"{plural(spatial[0], 'row')} x {plural(spatial[1], 'column')}"
    else:
        axes = " x ".join(str(d) for d in spatial) + " positions"
    return f"{axes} with {plural(channels, 'channel')}"


def _input_behind(ctx: Context, node: LayerResult) -> LayerResult | None:
    """The model input `node` reads through layers that keep its shape (dropout,
    normalisation, Rescaling, random flips): `Rescaling(1/255)` before the first Conv2D
    hides a channels-first image as well as a Dropout would."""
    source = producer(ctx.inferred, node)
    while source is not None and not source.is_input and len(source.input_shapes) == 1 \
            and source.output_shape == source.input_shapes[0]:
        source = producer(ctx.inferred, source)
    return source if source is not None and source.is_input else None


def _first_failure(ctx: Context, start: LayerResult) -> LayerResult | None:
    """`start`, or the first layer after it (in one chain) whose kernel or window fails."""
    node: LayerResult | None = start
    while node is not None:
        if node.error is not None:
            return node if node.error.kind in ("size", "rank") else None
        consumers = ctx.inferred.consumers(node.name)
        node = consumers[0] if len(consumers) == 1 else None
    return None


def _collapse(ctx: Context, start: LayerResult, rank: int) -> str:
    """`; MaxPooling2D 'p' then brings the 3 rows to 1`, when a layer on the chain from
    `start` shrinks a spatial axis (as channels_last reads it) to a single position."""
    node: LayerResult | None = start
    while node is not None and node.error is None:
        if spatial_rank(node.class_name) == rank and len(node.input_shapes) == 1 \
                and node.output_shape is not None:
            before, after = node.input_shapes[0][1:1 + rank], node.output_shape[1:1 + rank]
            for axis, (size_in, size_out) in enumerate(zip(before, after)):
                if size_out == 1 and size_in is not None and size_in > 1:
                    words = {1: ("step",), 2: ("row", "column")}.get(rank)
                    word = words[axis] if words else "position"
                    return f"; {title(node)} then brings its {plural(size_in, word)} to 1"
        consumers = ctx.inferred.consumers(node.name)
        node = consumers[0] if len(consumers) == 1 else None
    return ""


def _channels_first_finding(ctx: Context, node: LayerResult, spec, source: LayerResult,
                            per_sample: tuple, rank: int) -> Finding:
    moved = per_sample[1:] + per_sample[:1]
    order = (0,) + tuple(range(2, rank + 2)) + (1,)
    message = (f"{title(node)} reads input {format_shape(source.output_shape)} as "
               f"channels_last: {_describe_channels_last(per_sample)}; the shape looks "
               f"channels-first (PyTorch/Theano order)")
    fix = (f"use input shape {format_shape(moved)} and move the channels last in the data "
           f"with np.transpose(x, {order})")
    failed = _first_failure(ctx, node)
    where = spec.shape_position if spec and spec.shape_position else node.spec.position
    autofix = _moved_channels(ctx, spec, moved)
    if failed is not None:
        who = "it" if failed is node else title(failed)
        message += f"; {who} then fails: {failed.error.message}"
        return ctx.report(message, where, fix=fix, layer=failed.name, severity="error",
                          autofix=autofix)
    return ctx.report(message + _collapse(ctx, node, rank), where, fix=fix, layer=node.name,
                      autofix=autofix)


def _moved_channels(ctx: Context, spec: object, moved: tuple) -> Autofix | None:
    """The input's shape written channels-last (unsafe: the data must follow). Not where
    `data:` declares x's shape too: the file would then contradict itself."""
    where = getattr(spec, "shape_position", None)
    data = ctx.model.data
    if ctx.document is None or where is None or (data is not None and data.get("x")):
        return None
    if char_at(ctx.document.text, where.line, where.column) != "[":
        return None  # a block list: not rewritten as a flow one
    return Autofix((replace(where, flow_list(moved)),), safe=False)


def check(ctx: Context) -> Iterator[Finding]:
    sizes = list(ctx.options.get("channel_sizes", [1, 3, 4]))
    min_spatial = int(ctx.options.get("min_spatial", 8))
    seen: set = set()
    for node in ctx.inferred.layers:
        rank = spatial_rank(node.class_name)
        if rank is None:
            continue  # the cheap test first: most layers have no spatial axes (~4,500
            # instructions a file less than looking each up in the registry)
        definition = layer_def(node.class_name)
        if definition is None or definition.family not in ("conv", "pooling"):
            continue
        if str(node.kwargs.get("data_format") or "channels_last").lower() != "channels_last":
            continue
        source = _input_behind(ctx, node)
        if source is None or source.name in seen:
            continue
        spec = ctx.model.input(source.name)
        per_sample = tuple(spec.shape) if spec else tuple(source.output_shape[1:])
        if len(per_sample) != rank + 1 or not _channels_first_looking(
                per_sample, spec.axes if spec else None, sizes, min_spatial):
            continue
        seen.add(source.name)
        yield _channels_first_finding(ctx, node, spec, source, per_sample, rank)
