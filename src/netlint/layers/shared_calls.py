"""A layer called again (`- call: encoder`): built once, at its first call.

Keras builds a layer's weights for the input of its first call. A later call
must fit those weights: an LSTM built for 8 features cannot run on 4 (Keras
refuses it when the layer checks its input spec, as Dense does, or fails in the
first `fit`/`predict` step, as LSTM does), while an LSTM may well see 12
timesteps after 10. So a call is inferred like the layer itself, and is
refused exactly when it would need weights of other shapes. Its weights are the
layer's: the call's node has none, so every total counts them once.
"""

from __future__ import annotations

from netlint.layers.base import ShapeError, format_shape
from netlint.plumbing.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.layers.inference import LayerResult


def shared_call(call: LayerResult, layer: LayerResult) -> LayerResult:
    """`call` (inferred like a layer of its own) as a call of `layer`, the node of the
    layer's own item."""
    if call.output_shapes is None or layer.output_shapes is None or layer.params_unknown \
            or call.params_unknown:
        return replace(call, weights=())
    for built, needed in zip(layer.weights, call.weights):
        if built.shape != needed.shape:
            return replace(call, output_shapes=None, weights=(), error=_refused(
                call, layer, f"its {built.name} has shape {format_shape(built.shape)}, "
                f"this call needs {format_shape(needed.shape)}"))
    if len(layer.weights) != len(call.weights):
        return replace(call, output_shapes=None, weights=(), error=_refused(
            call, layer, f"it has {len(layer.weights)} weights, this call needs "
            f"{len(call.weights)}"))
    return replace(call, weights=())


def _refused(call: LayerResult, layer: LayerResult, difference: str) -> ShapeError:
    given = ", ".join(format_shape(shape) for shape in call.input_shapes)
    built = ", ".join(format_shape(shape) for shape in layer.input_shapes)
    return ShapeError(
        f"calls '{layer.name}' on {given}, but '{layer.name}' was built for {built} at its "
        f"first call (layer {layer.spec.index + 1 if layer.spec else '?'}): {difference}; "
        "a shared layer keeps one set of weights",
        kind="shared",
        fix=f"give this call an input whose sizes match {built} on the axes the weights "
            f"use, or use a layer of its own instead of `call: {layer.name}`")


def keras_nodes(nodes: dict) -> dict[str, tuple[str, int]]:
    """name -> (layer, node index) for every node, as Keras numbers a layer's calls: 0
    for the first, 1, 2, ... in the order the model makes them, which is the dependency
    order `nodes` is in (the layer's own item comes before its calls)."""
    out: dict[str, tuple[str, int]] = {}
    calls: dict[str, int] = {}
    for name, node in nodes.items():
        spec = node.spec
        layer = name if spec is None or spec.shares is None else spec.shares
        index = calls.get(layer, 0)
        calls[layer] = index + 1
        out[name] = (layer, index)
    return out


def calls_of(nodes: dict) -> dict[str, list]:
    """layer name -> its nodes, the layer's own first, then its calls in Keras's order."""
    out: dict[str, list] = {}
    for name, node in nodes.items():
        spec = node.spec
        out.setdefault(name if spec is None or spec.shares is None else spec.shares,
                       []).append(node)
    return out
