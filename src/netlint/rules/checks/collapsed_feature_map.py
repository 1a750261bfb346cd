"""Later convolutions or pools then slide over a single position.

The model still builds (with padding: same) but those layers see one value
or mostly padding: their parameters are wasted and the receptive field is gone.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.inference import LayerResult
from netlint.layers.base import ShapeError
from netlint.layers.conv_utils import normalize_tuple
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import format_shape, producer, spatial_rank, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


AXIS_WORDS = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _channels_first(node: LayerResult) -> bool:
    return str(node.kwargs.get("data_format") or "channels_last").lower() == "channels_first"


def _spatial(node: LayerResult, shape: tuple) -> tuple:
    rank = spatial_rank(node.class_name) or 1
    return tuple(shape[2:2 + rank]) if _channels_first(node) else tuple(shape[1:1 + rank])


def _window(node: LayerResult) -> tuple | None:
    """The kernel or pool size of a sliding-window layer, per spatial axis."""
    rank = spatial_rank(node.class_name)
    if rank is None or node.class_name.endswith("Transpose"):
        return None  # asked before the registry: most layers have no window (~2,400 a file)
    definition = layer_def(node.class_name)
    if definition is None:
        return None
    if definition.family == "conv":
        key = "kernel_size"
    elif definition.family == "pooling" and "pool_size" in node.kwargs:
        key = "pool_size"
    else:
        return None
    try:
        return normalize_tuple(node.kwargs.get(key), rank, key, node.class_name)
    except ShapeError:
        return None


def _starved_axes(ctx: Context, node: LayerResult) -> list[tuple[int, int, int]]:
    """(axis, length, window) where a layer slides a window over (next to) nothing."""
    if node.error is not None or len(node.input_shapes) != 1:
        return []
    shape = node.input_shapes[0]
    # an RNN has no window: left a single step, it never recurs, and NL101 says so
    window = _window(node)
    if window is None:
        return []
    lengths = _spatial(node, shape)
    # a window over one position, or more than twice as wide as the map (mostly padding);
    # a 3x3 kernel on a 2x2 map is common in small-image nets and still mixes all of it
    return [(i, n, k) for i, (n, k) in enumerate(zip(lengths, window))
            if n is not None and k > 1 and (n == 1 or k > 2 * n)]


def _culprit(ctx: Context, node: LayerResult, axis: int) -> LayerResult | None:
    """The nearest layer before `node` that shrank spatial axis `axis`."""
    rank = len(node.input_shapes[0])
    current = producer(ctx.inferred, node)
    while current is not None and not current.is_input and len(current.input_shapes) == 1:
        before, after = current.input_shapes[0], current.output_shape
        if after is None or len(before) != rank or len(after) != rank:
            return None
        if spatial_rank(current.class_name):
            length_in = _spatial(current, before)[axis] if axis < len(_spatial(current, before)) \
                else None
            length_out = _spatial(current, after)[axis] if axis < len(_spatial(current, after)) \
                else None
            if length_in is not None and length_out is not None and length_out < length_in:
                return current
        current = producer(ctx.inferred, current)
    return None


def _collapse_finding(ctx: Context, culprit: LayerResult, found: dict) -> Finding:
    rank = spatial_rank(culprit.class_name) or 1
    words = AXIS_WORDS.get(rank, AXIS_WORDS[1])
    axes = sorted(found["axes"])
    names = " and ".join(words[a] if a < len(words) else f"axis {a + 1}" for a in axes)
    lengths = sorted(set(found["axes"].values()))
    victims = list(found["victims"].items())
    later = ", ".join(f"'{name}'" for name, _ in victims)
    verb = "slides" if len(victims) == 1 else "slide"
    message = (f"{title(culprit)} shrinks {names} to {'/'.join(map(str, lengths))} "
               f"({format_shape(culprit.input_shapes[0])} -> "
               f"{format_shape(culprit.output_shape)}), but {later} still {verb} a window "
               f"of {max(w for _, w in victims)} over it")
    fix = ("shrink less before them (smaller strides or pool_size, fewer pooling layers) or "
           "end the feature extractor here with Flatten/GlobalPooling")
    return ctx.report(message, culprit.spec.position, fix=fix, layer=culprit.name)


def check(ctx: Context) -> Iterator[Finding]:
    reported: dict[str, dict] = {}
    for node in ctx.inferred.layers:
        for axis, length, window in _starved_axes(ctx, node):
            culprit = _culprit(ctx, node, axis)
            if culprit is None:
                continue
            found = reported.setdefault(culprit.name, {"axes": {}, "victims": {}})
            found["axes"].setdefault(axis, length)
            found["victims"].setdefault(node.name, window)
    for name, found in reported.items():
        yield _collapse_finding(ctx, ctx.inferred.nodes[name], found)
