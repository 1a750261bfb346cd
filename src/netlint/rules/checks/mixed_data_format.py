"""One layer reads channels first, another channels last, with nothing moving the axis.

The first spatial layer sets the reference; each layer that differs is
reported at its data_format (or at the layer, when it relies on the default).
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


def check(ctx: Context) -> Iterator[Finding]:
    if any(node.class_name == "Permute" for node in ctx.inferred.layers):
        return  # a Permute may be moving the channel axis on purpose
    reference = None
    for node in ctx.inferred.layers:
        found = _format_of(node)
        if found is None:
            continue
        data_format, spec = found
        if reference is None:
            reference = (data_format, node)
            continue
        if data_format == reference[0]:
            continue
        written = "data_format" in spec.kwargs
        how = f"data_format: {data_format}" if written else f"the default {data_format}"
        message = (f"{title(node)} uses {how} but {title(reference[1])} uses "
                   f"{reference[0]}: the two read the channel axis from opposite ends")
        fix = f"use data_format: {reference[0]} on every conv/pool layer (or Permute between)"
        where = spec.kwarg_positions.get("data_format") if written else spec.position
        yield ctx.report(message, where or spec.position, fix=fix, layer=node.name)
