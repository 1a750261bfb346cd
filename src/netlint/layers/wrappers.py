"""Wrappers: TimeDistributed and Bidirectional, which hold another layer in `layer:`.

`call.wrapped` is the inner layer's call (its kwargs merged with its defaults), and
`call.backward` Bidirectional's `backward_layer:` when one is written; the wrapper
decides what shape the inner layer sees and how its outputs and weights combine.
The inner layer's own `trainable: false` freezes its weights inside the wrapper
too, as in Keras.
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.registry import get, infer_on, register
from netlint.plumbing.records import replace

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _inner(call: LayerCall) -> LayerCall:
    if call.wrapped is None:
        raise ShapeError(f"{call.class_name} needs a layer to wrap in `layer:`", kind="value")
    return call.wrapped


def _run_inner(call: LayerCall, inner: LayerCall, shape: tuple, extra_axes: int) -> Inferred:
    """Infer the inner layer; its errors are reported as the wrapper's, ranks adjusted."""
    try:
        return infer_on(inner, shape)
    except ShapeError as error:
        rank = None if error.expected_rank is None else error.expected_rank + extra_axes
        raise ShapeError(f"{call.class_name}({inner.class_name}): {error.message}",
                         kind=error.kind, expected_rank=rank, fix=error.fix) from None


def _own_weights(inner: LayerCall, result: Inferred, prefix: str = "") -> tuple:
    """The inner layer's weights, frozen when the inner layer says trainable: false and
    makes them itself (an LSTM, not an RNN of a cell: layers.freezing)."""
    return as_keras_freezes(inner.class_name, inner.kwargs, result.weights, prefix)


# -- TimeDistributed -------------------------------------------------------------------

@register("TimeDistributed", family="wrappers", wraps_layer=True, positional=("layer",),
          owns_weights=False,
          params={"layer": REQUIRED})
def time_distributed(call: LayerCall) -> Inferred:
    """Applies `layer` to every timestep: (batch, t, ...) -> (batch, t, layer's output)."""
    inner = _inner(call)
    shape = call.shape
    if len(shape) < 3:
        raise ShapeError(f"TimeDistributed needs at least a 3D input (batch, timesteps, ...) "
                         f"but got {format_shape(shape)}", kind="rank", expected_rank=3,
                         fix="TimeDistributed is for sequences; on (batch, features) use the "
                             "inner layer directly")
    # the timestep axis is folded away: the inner layer sees one step of the batch
    result = _run_inner(call, inner, (shape[0],) + shape[2:], extra_axes=1)
    if result.multi_output:
        raise ShapeError(f"TimeDistributed cannot wrap {inner.class_name} with several "
                         f"outputs ({format_shape(result.outputs)})", kind="value",
                         fix="drop return_state on the wrapped layer")
    out = result.output_shape
    return Inferred((out[0], shape[1]) + tuple(out[1:]), _own_weights(inner, result),
                    inner=result)


# -- Bidirectional ---------------------------------------------------------------------

def _is_recurrent(class_name: str) -> bool:
    definition = get(class_name)
    return definition is not None and definition.recurrent


def _directions(call: LayerCall) -> tuple:
    """The forward and backward layer calls, checked as Keras checks them."""
    forward = _inner(call)
    # Keras rebuilds the layer from its config with go_backwards=True: only RNNs take that
    if not _is_recurrent(forward.class_name):
        raise ShapeError(f"Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN, "
                         f"ConvLSTM...), not {forward.class_name}", kind="value")
    # `backward_layer:` was read by the loader like `layer:` (its class and arguments
    # checked there, as NL002/NL003); without one, Keras copies the forward layer
    backward = call.backward
    if backward is None:
        backward = replace(forward, kwargs={**forward.kwargs, "go_backwards": True})
    else:
        if not _is_recurrent(backward.class_name):
            raise ShapeError(f"Bidirectional's backward_layer must be recurrent, not "
                             f"{backward.class_name}", kind="value")
    _check_pair(forward, backward)
    return forward, backward


def _check_pair(forward: LayerCall, backward: LayerCall) -> None:
    flag = lambda layer, key: bool(layer.kwargs.get(key, False))  # noqa: E731
    if flag(forward, "go_backwards") == flag(backward, "go_backwards"):
        raise ShapeError("Bidirectional needs the forward and backward layers to differ in "
                         f"go_backwards (both are {flag(forward, 'go_backwards')})",
                         kind="value", fix="leave go_backwards false on the wrapped layer; "
                         "Bidirectional makes the backward copy itself")
    for key in ("stateful", "return_sequences", "return_state"):
        if flag(forward, key) != flag(backward, key):
            raise ShapeError(f"Bidirectional needs the same {key} on the forward and "
                             f"backward layers (got {flag(forward, key)} and "
                             f"{flag(backward, key)})", kind="value")
    if flag(forward, "stateful") and flag(forward, "return_state"):
        # Keras 3.15's Bidirectional.compute_mask multiplies a generator by 2 whenever the
        # layers hold states, so building the layer fails with a TypeError
        raise ShapeError("Keras cannot build Bidirectional around a stateful layer with "
                         "return_state: true (Bidirectional.compute_mask fails)",
                         kind="value", fix="drop return_state, or stateful, on the wrapped "
                         "layer")


def _merge(call: LayerCall, forward: LayerCall, result: Inferred) -> Inferred:
    """Keras's Bidirectional.compute_output_shape: every shape comes from the forward layer."""
    mode = call.kwargs.get("merge_mode", "concat")
    outputs = result.outputs
    output, states = outputs[0], outputs[1:]
    if mode == "concat":
        merged = (output[:-1] + (output[-1] * 2,),)
    elif mode is None:
        merged = (output, output)
    else:
        merged = (output,)
    shapes = merged + (states + states if forward.kwargs.get("return_state") else ())
    if len(shapes) == 1:
        return Inferred(shapes[0])
    return Inferred(shapes, multi_output=True)


@register("Bidirectional", family="wrappers", wraps_layer=True, owns_weights=False,
          positional=("layer", "merge_mode", "weights", "backward_layer"),
          params={"layer": REQUIRED, "merge_mode": "concat", "weights": None,
                  "backward_layer": None})
def bidirectional(call: LayerCall) -> Inferred:
    """Runs an RNN forwards and a copy backwards over the sequence and merges the two."""
    mode = call.kwargs.get("merge_mode", "concat")
    if mode not in MERGE_MODES:
        raise ShapeError(f"Bidirectional: merge_mode must be one of concat, sum, mul, ave or "
                         f"null, got {mode!r}", kind="value")
    forward, backward = _directions(call)
    shape = call.shape
    fwd = _run_inner(call, forward, shape, extra_axes=0)
    bwd = _run_inner(call, backward, shape, extra_axes=0)
    merged = _merge(call, forward, fwd)
    weights = _own_weights(forward, fwd, "forward_") + _own_weights(backward, bwd, "backward_")
    return replace(merged, weights=weights, inner=(fwd, bwd))
