"""Multiply-adds (MACs) of one layer for ONE sample's forward pass; FLOPs are 2 x MACs.

Only the products of a matmul or a convolution are counted, as torchinfo's Mult-Adds
are: bias adds, activations, normalization, pooling and merges are elementwise work
that is memory-bound and, beside the products, small. Most products are read off the
weights Keras builds (a kernel is applied once per position), so what inference knows
of a layer is all the cost model needs. None where a size it needs is unknown.
"""

from __future__ import annotations

from math import prod

from netlint.cost.conv_taps import valid_taps
from netlint.cost.shapes import Piece, known, per_sample, spatial

RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D",
                       "ConvLSTM3D", "Bidirectional"})
# weightless layers that multiply their inputs together
ATTENTION = frozenset({"Attention", "AdditiveAttention"})
HEADED = frozenset({"MultiHeadAttention", "GroupQueryAttention"})


def _kernel_macs(piece: Piece, positions: int | None) -> int | None:
    """Every weight called `kernel`, applied at `positions` places."""
    if positions is None:
        return None
    return sum(w.size for w in piece.weights if w.name.endswith("kernel")) * positions


def _dense(piece: Piece) -> int | None:
    return _kernel_macs(piece, known(per_sample(piece.inputs[0])[:-1]))


def _conv(piece: Piece) -> int | None:
    """Each kernel's channel products at every (output position, tap) pair that lands on
    the input (conv_taps); a transposed convolution spreads each input position over its
    whole kernel."""
    channels_first = piece.kwargs.get("data_format") == "channels_first"
    if "Transpose" in piece.class_name:
        return _kernel_macs(piece, known(spatial(piece.inputs[0], channels_first)))
    sizes, outs = (spatial(s, channels_first) for s in (piece.inputs[0], piece.outputs[0]))
    total = 0
    for weight in piece.weights:
        if not weight.name.endswith("kernel"):
            continue
        taps = valid_taps(piece.kwargs, weight.shape[:len(sizes)], sizes, outs)
        if weight.name == "pointwise_kernel":  # 1 x 1, after the depthwise part
            taps = known(outs)
        if taps is None:
            return None
        total += taps * known(weight.shape[len(sizes):])
    return total


def _recurrent(piece: Piece) -> int | None:
    """Per timestep, the input and recurrent kernels (both directions of a
    Bidirectional); a ConvLSTM applies them at every position of its output map."""
    steps = piece.inputs[0][1] if len(piece.inputs[0]) > 1 else None
    out = piece.outputs[0]
    inner = piece.kwargs.get("return_sequences") is True
    if piece.class_name.startswith("ConvLSTM"):
        channels_first = piece.kwargs.get("data_format") == "channels_first"
        positions = known(spatial(out[:1] + out[2:] if inner else out, channels_first))
    else:
        positions = 1
    if steps is None or positions is None:
        return None
    return _kernel_macs(piece, positions * steps)


def _einsum(piece: Piece) -> int | None:
    """The product of every index's size: each combination is one multiply-add."""
    equation = piece.kwargs.get("equation")
    kernel = next((w.shape for w in piece.weights if w.name == "kernel"), None)
    if not isinstance(equation, str) or kernel is None or "->" not in equation:
        return None
    operands = equation.split("->")[0].split(",")
    if len(operands) != 2:
        return None
    x_letters, k_letters = operands
    shape = (1,) + tuple(piece.inputs[0][1:])  # the batch as one sample
    sizes: dict = {}
    rest = 1
    if "..." in x_letters:
        head, tail = x_letters.split("...")
        covered = shape[len(head):len(shape) - len(tail)]
        rest = known(covered)
        shape = shape[:len(head)] + shape[len(shape) - len(tail):]
        x_letters = head + tail
    for letters, dims in ((x_letters, shape), (k_letters, kernel)):
        if len(letters) != len(dims):
            return None
        sizes.update(zip(letters, dims))
    if rest is None or None in sizes.values():
        return None
    return prod(sizes.values()) * rest


def _dot(piece: Piece) -> int | None:
    """batch_dot: every product of the two inputs' elements that share the summed axis."""
    first, second = (known(per_sample(s)) for s in piece.inputs[:2])
    axes = piece.kwargs.get("axes", -1)
    axis = axes[0] if isinstance(axes, (list, tuple)) else axes
    try:
        summed = piece.inputs[0][axis]
    except (IndexError, TypeError):
        return None
    if first is None or second is None or not summed:
        return None
    return first * second // summed


def _attention(piece: Piece) -> int | None:
    """Scores (Tq x Tv x d) and the weighted sum of the values (Tq x Tv x dv)."""
    query, value = piece.inputs[0], piece.inputs[1]
    steps_q, steps_v = known(per_sample(query)[:-1]), known(per_sample(value)[:-1])
    if None in (steps_q, steps_v, query[-1], value[-1]):
        return None
    return steps_q * steps_v * (query[-1] + value[-1])


def _headed(piece: Piece) -> int | None:
    """The four projections (kernels per position) and, per head, the T x T scores
    and the weighted sum: the T^2 terms."""
    shapes = {w.name: w.shape for w in piece.weights}
    query, value = piece.inputs[0], piece.inputs[1]
    key = piece.inputs[2] if len(piece.inputs) > 2 else value
    q_kernel, v_kernel = shapes.get("query/kernel"), shapes.get("value/kernel")
    if q_kernel is None or v_kernel is None:
        return None
    heads, key_dim, value_dim = q_kernel[-2], q_kernel[-1], v_kernel[-1]
    steps = [known(per_sample(s)[:-1]) for s in (query, key, value)]
    if None in steps:
        return None
    t_q, t_k, t_v = steps
    projections = (t_q * prod(q_kernel) + t_k * prod(shapes.get("key/kernel", ())) +
                   t_v * prod(v_kernel) + t_q * prod(shapes.get("attention_output/kernel", ())))
    pairs = attended_pairs(piece, query, key)
    return None if pairs is None else projections + heads * pairs * (key_dim + value_dim)


def attended_pairs(piece: Piece, query: tuple, key: tuple) -> int | None:
    """(query position, key position) pairs scored: over all of a sample's positions, or
    within each slice when `attention_axes` names only some axes."""
    axes = piece.kwargs.get("attention_axes")
    middle = range(1, len(query) - 1)
    if axes is None:
        chosen = set(middle)
    else:
        axes = axes if isinstance(axes, (list, tuple)) else (axes,)
        chosen = {a % len(query) for a in axes}
    other = known(tuple(query[a] for a in middle if a not in chosen))
    t_q, t_k = known(tuple(query[a] for a in chosen)), known(tuple(key[a] for a in chosen))
    return None if None in (other, t_q, t_k) else other * t_q * t_k


_BY_CLASS = {"Dense": _dense, "EinsumDense": _einsum, "Dot": _dot}


def piece_macs(piece: Piece, family: str) -> int | None:
    """One sample's MACs of one layer (a wrapper's inner layer as a piece of its own)."""
    name = piece.class_name
    if name in _BY_CLASS:
        return _BY_CLASS[name](piece)
    if name in RECURRENT or family == "recurrent":
        return _recurrent(piece)
    if family == "conv":
        return _conv(piece)
    if name in HEADED:
        return _headed(piece)
    if name in ATTENTION:
        return _attention(piece)
    if any(w.name.endswith("kernel") for w in piece.weights):
        return None  # products no rule here knows how to count: unknown, not a guess
    return 0
