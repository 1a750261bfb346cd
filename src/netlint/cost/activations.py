"""Activation elements one sample keeps from the forward pass for the backward pass.

A layer keeps its outputs and, where its gradient needs them, what it made on the way:
the pre-activation of a layer with a non-linear `activation:` (its derivative reads
it), a recurrent layer's gates and states at every timestep (backpropagation through
time reads them all), and attention's projections and its T x T scores and weights per
head. An estimate of what an autodiff framework holds, not of one compiler's buffer
plan: XLA fuses and rematerialises (tests/test_cost_oracle.py says how close it is).
"""

from __future__ import annotations

from math import prod

from netlint.cost.macs import ATTENTION, HEADED, RECURRENT, attended_pairs
from netlint.cost.shapes import Piece, known, per_sample, spatial

_LINEAR = (None, "linear")


def output_elements(piece: Piece) -> int | None:
    total = 0
    for shape in piece.outputs:
        size = known(per_sample(shape))
        if size is None:
            return None
        total += size
    return total


def _recurrent_inner(piece: Piece) -> int | None:
    """Per timestep and direction: the gate pre-activations and the carried states."""
    steps = piece.inputs[0][1] if len(piece.inputs[0]) > 1 else None
    positions = 1
    if piece.class_name.startswith("ConvLSTM"):
        out = piece.outputs[0]
        cut = out[:1] + out[2:] if piece.kwargs.get("return_sequences") is True else out
        positions = known(spatial(cut, piece.kwargs.get("data_format") == "channels_first"))
    if steps is None or positions is None:
        return None
    per_step = 0
    for weight in piece.weights:
        if weight.name.endswith("recurrent_kernel"):
            states = weight.shape[-2] * (2 if "LSTM" in piece.class_name else 1)
            per_step += weight.shape[-1] + states
    return steps * positions * per_step


def _headed_inner(piece: Piece) -> int | None:
    shapes = {w.name: w.shape for w in piece.weights}
    q_kernel, v_kernel = shapes.get("query/kernel"), shapes.get("value/kernel")
    k_kernel = shapes.get("key/kernel")
    if q_kernel is None or v_kernel is None or k_kernel is None:
        return None
    query, value = piece.inputs[0], piece.inputs[1]
    key = piece.inputs[2] if len(piece.inputs) > 2 else value
    steps = [known(per_sample(s)[:-1]) for s in (query, key, value)]
    pairs = attended_pairs(piece, query, key)
    if None in steps or pairs is None:
        return None
    t_q, t_k, t_v = steps
    projected = t_q * prod(q_kernel[1:]) + t_k * prod(k_kernel[1:]) + t_v * prod(v_kernel[1:])
    heads = q_kernel[-2]
    context = t_q * heads * v_kernel[-1]
    return projected + 2 * heads * pairs + context  # scores and softmax weights


def _attention_inner(piece: Piece) -> int | None:
    t_q = known(per_sample(piece.inputs[0])[:-1])
    t_v = known(per_sample(piece.inputs[1])[:-1])
    return None if None in (t_q, t_v) else 2 * t_q * t_v


def inner_elements(piece: Piece, family: str) -> int | None:
    """What a layer keeps besides its outputs."""
    name = piece.class_name
    if name in RECURRENT or family == "recurrent":
        return _recurrent_inner(piece)
    if name in HEADED:
        return _headed_inner(piece)
    if name in ATTENTION:
        return _attention_inner(piece)
    if piece.kwargs.get("activation") not in _LINEAR:
        return output_elements(piece)  # the pre-activation its derivative reads
    return 0


def kept_elements(piece: Piece, family: str) -> int | None:
    outputs, inner = output_elements(piece), inner_elements(piece, family)
    return None if outputs is None or inner is None else outputs + inner
