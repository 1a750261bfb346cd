"""One layer reads channels first, another channels last, with nothing moving the axis.

The input's layout decides which side is right when it is clear (its first axis
looks like channels: channels_first; its last: channels_last); otherwise the
first spatial layer sets the reference. The layers that differ are one mistake,
reported once, at the first of them (its data_format, or the layer when it relies
on the default), naming the others.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.inference import LayerResult
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import spatial_rank, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

_CHANNEL_SIZES = (1, 3, 4)  # NL103's default channel_sizes: what a channel axis looks like


def _format_of(node: LayerResult) -> tuple[str, object] | None:
    """(data_format, the spec whose kwargs hold it) for spatial layers that take one."""
    spec = node.spec
    if spec is None:
        return None
    if spec.wrapped is not None:
        spec = spec.wrapped
    if spatial_rank(spec.class_name) is None:
        return None
    definition = layer_def(spec.class_name)
    if definition is None or "data_format" not in definition.all_params:
        return None
    value = spec.kwargs.get("data_format") or "channels_last"
    return str(value).lower(), spec


def _input_layout(ctx: Context, rank: int) -> str | None:
    """channels_first / channels_last when the model's one input says so clearly."""
    if len(ctx.model.inputs) != 1:
        return None
    spec = ctx.model.inputs[0]
    shape = tuple(spec.shape)
    if spec.axes and len(spec.axes) == len(shape) and "channels" in spec.axes:
        return {0: "channels_first", len(shape) - 1: "channels_last"}.get(
            spec.axes.index("channels"))
    if len(shape) != rank + 1 or any(d is None for d in shape):
        return None
    first, last = shape[0] in _CHANNEL_SIZES, shape[-1] in _CHANNEL_SIZES
    if first and not last and min(shape[1:]) >= 8:
        return "channels_first"
    if last and not first and min(shape[:-1]) >= 8:
        return "channels_last"
    return None


def check(ctx: Context) -> Iterator[Finding]:
    if any(node.class_name == "Permute" for node in ctx.inferred.layers):
        return  # a Permute may be moving the channel axis on purpose
    found = [(node, *f) for node in ctx.inferred.layers if (f := _format_of(node))]
    if len({f for _, f, _ in found}) < 2:
        return
    _, first_format, first_spec = found[0]
    layout = _input_layout(ctx, spatial_rank(first_spec.class_name))
    right = layout or first_format
    wrong = [(node, spec) for node, f, spec in found if f != right]
    reference = next(node for node, f, _ in found if f == right)
    node, spec = wrong[0]
    written = "data_format" in spec.kwargs
    how = f"data_format: {spec.kwargs['data_format']}" if written else \
        "the default channels_last"
    others = ""
    if len(wrong) > 1:
        names = ", ".join(f"'{n.name}'" for n, _ in wrong[1:])
        others = f" (as {'does' if len(wrong) == 2 else 'do'} {names})"
    why = ", as the input is laid out" if layout == right else ""
    message = (f"{title(node)} uses {how}{others} but {title(reference)} uses "
               f"{right}{why}: the two read the channel axis from opposite ends")
    targets = ", ".join(f"'{n.name}'" for n, _ in wrong)
    fix = f"use data_format: {right} on {targets} (or Permute between)"
    where = spec.kwarg_positions.get("data_format") if written else spec.position
    yield ctx.report(message, where or spec.position, fix=fix, layer=node.name)
