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


# What Keras fixes at a layer's first call beyond its weights (the `input_spec` its build
# sets, asked of Keras 3.15): the input's rank (BatchNormalization: ndim=2 after a
# (None, 4) input), or a ConvLSTM cell's whole frame.
_FIXED_RANK = {"BatchNormalization", "GroupNormalization", "PReLU", "ConvLSTM1D",
               "ConvLSTM2D", "ConvLSTM3D"}
_FIXED_FRAME = {"ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}
# Weights these apply elementwise or through einsum, which broadcast a built size of 1
# over any size (PReLU's alpha (1, 3) on (None, 6, 3)); a matmul kernel does not.
_BROADCAST_WEIGHTS = {"PReLU", "EinsumDense"}


def shared_call(call: LayerResult, layer: LayerResult) -> LayerResult:
    """`call` (inferred like a layer of its own) as a call of `layer`, the node of the
    layer's own item."""
    if call.output_shapes is None or layer.output_shapes is None or layer.params_unknown \
            or call.params_unknown:
        return replace(call, weights=())
    spec_problem = _input_spec_problem(call, layer)
    if spec_problem is not None:
        return replace(call, output_shapes=None, weights=(),
                       error=_refused(call, layer, spec_problem))
    broadcast = layer.class_name in _BROADCAST_WEIGHTS
    for built, needed in zip(layer.weights, call.weights):
        if built.shape != needed.shape and not (broadcast and _broadcasts(built.shape,
                                                                          needed.shape)):
            return replace(call, output_shapes=None, weights=(), error=_refused(
                call, layer, f"its {built.name} has shape {format_shape(built.shape)}, "
                f"this call needs {format_shape(needed.shape)}"))
    if len(layer.weights) != len(call.weights):
        return replace(call, output_shapes=None, weights=(), error=_refused(
            call, layer, f"it has {len(layer.weights)} weights, this call needs "
            f"{len(call.weights)}"))
    return replace(call, weights=())


def _input_spec_problem(call: LayerResult, layer: LayerResult) -> str | None:
    """What the layer's first call fixed that this call's input breaks, if anything."""
    if layer.class_name not in _FIXED_RANK or not call.input_shapes or not layer.input_shapes:
        return None
    given, built = call.input_shapes[0], layer.input_shapes[0]
    if len(given) != len(built):
        return f"Keras fixed its input at {len(built)} axes then (this call has {len(given)})"
    if layer.class_name in _FIXED_FRAME and given[2:] != built[2:]:
        return (f"its cell fixed each frame at {format_shape(built[2:])} then (this call's "
                f"frames are {format_shape(given[2:])})")
    return None


def _broadcasts(built: tuple, needed: tuple) -> bool:
    return len(built) == len(needed) and all(b in (n, 1) for b, n in zip(built, needed))


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
