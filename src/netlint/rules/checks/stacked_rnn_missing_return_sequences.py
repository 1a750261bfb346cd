"""`LSTM(32)` then `LSTM(32)`: the first hands on (None, 32), the second needs steps.

Covers any sequence consumer (RNN, Conv1D, 1D pooling, TimeDistributed) after
an RNN with return_sequences false, looking through dropout and normalisation.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.fixes.layer_edits import defining, set_argument
from netlint.model.findings import Autofix, Finding
from netlint.layers.inference import LayerResult
from netlint.layers.shared_calls import calls_of
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import format_shape, real_source, spatial_rank, title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


_SEQUENCE_LAYOUT = {"conv": "(None, steps, channels)", "pooling": "(None, steps, channels)"}


def _needs_sequence(node: LayerResult) -> str | None:
    """The layout a sequence-taking layer wants, or None if it takes no sequence."""
    definition = layer_def(node.class_name)
    if definition is None:
        return None
    if definition.recurrent or node.class_name == "Bidirectional":
        return "(None, timesteps, features)"
    if node.class_name == "TimeDistributed":
        return "(None, timesteps, ...)"
    if spatial_rank(node.class_name) == 1:
        return _SEQUENCE_LAYOUT.get(definition.family, "(None, steps, features)")
    return None


def _last_step_rnn(node: LayerResult | None) -> tuple[str, bool] | None:
    """(name, wrapped) when `node` is an RNN that returns only its last step."""
    if node is None or node.spec is None:
        return None
    spec, wrapped = node.spec, False
    if node.class_name == "Bidirectional" and spec.wrapped is not None:
        spec, wrapped = spec.wrapped, True
    definition = layer_def(spec.class_name)
    if definition is None or not definition.recurrent:
        return None
    if spec.kwargs.get("return_sequences", False):
        return None
    return node.name, wrapped


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.errors:
        if node.error.kind != "rank" or len(node.input_shapes) != 1:
            continue
        layout = _needs_sequence(node)
        source = real_source(ctx.inferred, node)
        rnn = _last_step_rnn(source)
        if layout is None or rnn is None:
            continue
        name, wrapped = rnn
        batch = node.input_shapes[0][0]
        if batch is not None:
            layout = layout.replace("None", str(batch), 1)
        message = (f"{title(node)} needs a sequence {layout} but '{name}' gives "
                   f"{format_shape(node.input_shapes[0])}")
        fix = (f"set return_sequences: true on the layer inside '{name}'" if wrapped
               else f"set return_sequences: true on '{name}'")
        if len(_layer_nodes(ctx, source)) > 1:  # a shared RNN: the layer and its calls
            fix = _shared_fix(ctx, source, wrapped)
        yield ctx.report(message, node.spec.position, fix=fix, layer=node.name,
                         autofix=_autofix(ctx, source, wrapped))


def _autofix(ctx: Context, source: LayerResult, wrapped: bool) -> Autofix | None:
    """`return_sequences: true` written on the RNN (unsafe: it changes what the layer
    outputs). None for a shared RNN: its other calls would return sequences too, and
    what they feed may need the last step (the fix in words says so)."""
    if ctx.document is None or len(_layer_nodes(ctx, source)) > 1:
        return None
    spec = defining(ctx.model, source.spec)
    edit = set_argument(ctx.document, spec, "return_sequences", "true",
                        inside="layer" if wrapped else None)
    return None if edit is None else Autofix((edit,), safe=False)


def _layer_nodes(ctx: Context, source: LayerResult) -> list[LayerResult]:
    """The node of `source`'s layer and those of its `call:`s (one node: not shared)."""
    return calls_of(ctx.inferred.nodes)[source.spec.shares or source.name]


def _shared_fix(ctx: Context, source: LayerResult, wrapped: bool) -> str:
    """The fix when the RNN is shared: its arguments are on the layer's own item, and
    return_sequences there changes every call, including ones that are right as they are."""
    layer = source.spec.shares or source.name
    others = [n.name for n in _layer_nodes(ctx, source) if n is not source]
    where = f"the layer inside '{layer}'" if wrapped else f"'{layer}'"
    several = len(others) > 1
    return (f"set return_sequences: true on {where}; it is shared, so its other "
            f"call{'s' if several else ''} ({', '.join(repr(n) for n in others)}) will "
            f"return sequences too: if what {'they feed needs' if several else 'it feeds needs'}"
            f" the last step only, give this branch a layer of its own instead of "
            f"`call: {layer}`")
