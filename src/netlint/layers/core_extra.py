"""More core layers: ActivityRegularization, EinsumDense, ReversibleEmbedding.

EinsumDense's shapes are Keras's own `_analyze_einsum_string`, quirks included:
the output shape it declares keeps the `None`s of `output_shape`, and with a
leading `...` it lists the elided axes in reverse order. Keras builds the layer
whatever the einsum then computes; netlint refuses it where no batch comes out
in the declared shape (the einsum is worked out as numpy's, which stretches a
size-1 axis under a shared label). GroupQueryAttention builds its projections
with the same analysis (`analyze_einsum`).
"""

from __future__ import annotations

import math
import re

from netlint.layers.attention import _broadcast, _comes_out_as, _mark_batch, _merge, _NoFit
from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_LORA = {"lora_rank": None, "lora_alpha": None, "quantization_config": None}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def lora_weights(call: LayerCall, frozen: Weight, prefix: str, constraint: str) -> tuple:
    """Keras's enable_lora at build: the base weight frozen, a low-rank pair added."""
    rank = call.kwargs.get("lora_rank")
    if not rank:
        return (frozen,)
    if not _positive_int(rank):
        raise ShapeError(f"{call.class_name} needs `lora_rank` as a positive integer, got "
                         f"{rank!r}", kind="value")
    if call.kwargs.get(constraint) is not None:
        raise ShapeError(f"{call.class_name} cannot use LoRA with `{constraint}`: Keras "
                         f"refuses it", kind="value")
    shape = frozen.shape
    return (Weight(frozen.name, shape, trainable=False),
            Weight(f"{prefix}_a", shape[:-1] + (rank,)), Weight(f"{prefix}_b", (rank, shape[-1])))


# --- ActivityRegularization -----------------------------------------------------------


def _penalty(call: LayerCall, name: str) -> None:
    value = call.kwargs.get(name)
    if value is None:  # L1L2 reads None as 0
        return
    if not isinstance(value, (int, float)) or math.isinf(value) or math.isnan(value) \
            or value < 0:
        raise ShapeError(f"ActivityRegularization needs `{name}` as a non-negative number, "
                         f"got {value!r}", kind="value")


@register("ActivityRegularization", family="core", positional=("l1", "l2"),
          params={"l1": 0.0, "l2": 0.0})
def activity_regularization(call: LayerCall) -> Inferred:
    """Adds an L1/L2 penalty on its input to the loss; shape unchanged."""
    _penalty(call, "l1")
    _penalty(call, "l2")
    # Keras passes its own L1L2 as activity_regularizer: a second one is a TypeError
    if call.kwargs.get("activity_regularizer") is not None:
        raise ShapeError("ActivityRegularization sets its activity_regularizer from l1 and l2; "
                         "Keras refuses another", kind="value")
    return Inferred(call.shape)


# --- EinsumDense: Keras's analysis ----------------------------------------------------

_FORMS = (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
          ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
          ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False))


def _specs(equation: Any) -> tuple:
    """(input, weight, output spec, left_elided), matched from the start as Keras does."""
    if isinstance(equation, str):
        text = equation.replace("...", "0")
        for pattern, left in _FORMS:
            match = re.match(pattern, text)
            if match:
                return match.group(1), match.group(2), match.group(3), left
    raise ShapeError(f"EinsumDense equation {equation!r} is not of the form 'ab,bc->ac', "
                     "'...b,bc->...c' or 'ab...,bc->ac...'", kind="value")


def _full_output(input_shape: tuple, partial: list, elided: int, left: bool) -> list:
    """Keras's output shape: the batch first, then the elided axes (reversed when left)."""
    output = [input_shape[0]] + partial
    if elided > 0 and left:
        for i in range(1, elided):
            output.insert(1, input_shape[i])
    elif elided > 0:
        output += list(input_shape[len(input_shape) - elided:])
    return output


def _bias_shape(bias_axes: Any, out_spec: str, output: list, elided: int, left: bool) -> list:
    at = {char: output[i + (elided if left else 0)] for i, char in enumerate(out_spec)}
    for char in bias_axes:
        if char not in out_spec:
            raise ShapeError(f"EinsumDense bias axis {char!r} is not in the output spec "
                             f"{out_spec!r}", kind="value")
    first = min(out_spec.find(char) for char in bias_axes)
    shape = [at[char] if char in bias_axes else 1 for char in out_spec[first:]]
    return shape + [1] * (0 if left else elided)


def _analysis(equation: Any, bias_axes: Any, input_shape: tuple, partial: list) -> tuple:
    in_spec, w_spec, out_spec, left = _specs(equation)
    elided = len(input_shape) - len(in_spec)
    output = _full_output(input_shape, partial, elided, left)
    if left:
        in_at = {dim: i + elided - len(input_shape) for i, dim in enumerate(in_spec)}
        out_at = {dim: i + elided for i, dim in enumerate(out_spec)}
    else:
        in_at = {dim: i for i, dim in enumerate(in_spec)}
        out_at = {dim: i for i, dim in enumerate(out_spec)}
    for dim in in_spec:
        size = input_shape[in_at[dim]]
        if dim in out_at and output[out_at[dim]] is not None and output[out_at[dim]] != size:
            raise ShapeError(f"EinsumDense output_shape gives {output[out_at[dim]]} for axis "
                             f"{dim!r}, which the input has as {size}", kind="size")
    for dim in out_spec:
        if dim not in in_spec and dim not in w_spec:
            raise ShapeError(f"EinsumDense output axis {dim!r} is in neither the input nor the "
                             "weight spec", kind="value")
    kernel = []
    for dim in w_spec:
        if dim not in out_at and dim not in in_at:
            raise ShapeError(f"EinsumDense weight axis {dim!r} is in neither the input nor the "
                             "output spec", kind="value")
        kernel.append(output[out_at[dim]] if dim in out_at else input_shape[in_at[dim]])
    bias = None if bias_axes is None else _bias_shape(bias_axes, out_spec, output, elided, left)
    return tuple(kernel), None if bias is None else tuple(bias), tuple(output)


def _partial(output_shape: Any, class_name: str) -> list:
    if isinstance(output_shape, int) and not isinstance(output_shape, bool):
        return [output_shape]
    if isinstance(output_shape, (list, tuple)) and all(
            d is None or isinstance(d, int) and not isinstance(d, bool) for d in output_shape):
        return list(output_shape)
    raise ShapeError(f"{class_name} needs `output_shape` as an integer or a list of integers "
                     f"and nulls, got {output_shape!r}", kind="value")


def analyze_einsum(equation: Any, bias_axes: Any, input_shape: tuple, output_shape: Any,
                   class_name: str = "EinsumDense") -> tuple:
    """(kernel shape, bias shape or None, declared output shape), as Keras's build finds them.

    Keras indexes the shapes by the specs without a bounds check: an input of fewer
    axes than its spec is an IndexError there, refused here."""
    try:
        kernel, bias, output = _analysis(equation, bias_axes, input_shape,
                                         _partial(output_shape, class_name))
    except IndexError:
        raise ShapeError(f"{class_name} equation {equation!r} does not fit an input of rank "
                         f"{len(input_shape)} ({format_shape(input_shape)}) with output_shape "
                         f"{output_shape!r}", kind="rank") from None
    except ValueError:  # min() of no bias axes
        raise ShapeError(f"{class_name} needs at least one bias axis, got {bias_axes!r}",
                         kind="value") from None
    for what, shape in (("kernel", kernel), ("bias", bias or ())):
        if any(d is None or d < 0 for d in shape):
            raise ShapeError(f"{class_name} cannot build a {what} of shape "
                             f"{format_shape(shape)} from input {format_shape(input_shape)}: "
                             "every size must be known", kind="size")
    return kernel, bias, output


# --- EinsumDense: what numpy's einsum computes -----------------------------------------


def _operand(spec: str, shape: tuple) -> tuple:
    """(labels with their sizes, the sizes under `...`) of one einsum operand."""
    if spec.count("...") > 1:
        raise _NoFit
    letters = spec.replace("...", "")
    if not (letters.isascii() and (letters.isalpha() or not letters)):
        raise _NoFit
    extra = len(shape) - len(letters)
    if extra < 0 or (extra and "..." not in spec):
        raise _NoFit
    at = spec.find("...") if "..." in spec else len(letters)
    dims = shape[:at] + shape[at + extra:]
    return tuple(zip(letters, dims)), tuple(shape[at:at + extra])


def einsum_shape(equation: str, *shapes: tuple) -> tuple:
    """numpy's einsum result shape for an explicit `->` equation, or _NoFit."""
    inputs, arrow, output = equation.partition("->")
    specs = inputs.split(",")
    if not arrow or len(specs) != len(shapes):
        raise _NoFit
    sizes: dict = {}
    ellipsis: tuple = ()
    for spec, shape in zip(specs, shapes):
        labelled, extra = _operand(spec, tuple(shape))
        ellipsis = _broadcast(ellipsis, extra)
        seen: dict = {}
        for label, dim in labelled:
            if label in seen and None not in (seen[label], dim) and seen[label] != dim:
                raise _NoFit  # a diagonal: the same label twice in one operand, no stretching
            seen[label] = dim if seen.get(label) is None else seen[label]
        for label, dim in seen.items():
            sizes[label] = _merge(sizes[label], dim) if label in sizes else dim
    labelled, _ = _operand(output, (None,) * (len(output.replace("...", "")) + len(ellipsis)))
    names = [label for label, _ in labelled]
    if len(set(names)) != len(names) or any(name not in sizes for name in names) \
            or (ellipsis and "..." not in output):
        raise _NoFit
    at = output.find("...") if "..." in output else len(names)
    return tuple(sizes[n] for n in names[:at]) + ellipsis + tuple(sizes[n] for n in names[at:])


def _einsum_runs(equation: str, shape: tuple, kernel: tuple, bias: tuple | None,
                 declared: tuple) -> bool:
    (marked,) = _mark_batch(shape)
    try:
        out = einsum_shape(equation, marked, kernel)
        if bias is not None:
            out = _broadcast(out, bias)
    except _NoFit:
        return False
    return _comes_out_as(out, (marked[0],) + declared[1:])


# --- EinsumDense -----------------------------------------------------------------------


@register("EinsumDense", family="core", positional=("equation", "output_shape"), params={
    "equation": REQUIRED, "output_shape": REQUIRED, "activation": None, "bias_axes": None,
    "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
    "bias_constraint": None, "lora_rank": None, "lora_alpha": None,
    "gptq_unpacked_column_size": None, "quantization_config": None,
})
def einsum_dense(call: LayerCall) -> Inferred:
    """A dense layer written as an einsum: `equation` over the input and a kernel."""
    equation, bias_axes = call["equation"], call.kwargs.get("bias_axes")
    # Keras iterates over bias_axes: a list of letters works as well as a string
    if bias_axes is not None and not (isinstance(bias_axes, str) or isinstance(
            bias_axes, (list, tuple)) and all(isinstance(a, str) for a in bias_axes)):
        raise ShapeError(f"EinsumDense needs `bias_axes` as a string of output axes, got "
                         f"{bias_axes!r}", kind="value")
    shape = call.shape
    kernel, bias, declared = analyze_einsum(equation, bias_axes, shape, call["output_shape"])
    weights = lora_weights(call, Weight("kernel", kernel), "lora_kernel", "kernel_constraint")
    if bias is not None:
        weights = weights[:1] + (Weight("bias", bias),) + weights[1:]
    if not _einsum_runs(equation, shape, kernel, bias, declared):
        raise _no_run(equation, shape, declared)
    return Inferred(declared, weights)


def _no_run(equation: str, shape: tuple, declared: tuple) -> ShapeError:
    spec = equation.partition(",")[0]
    if "..." not in spec and len(spec) != len(shape):
        return ShapeError(f"EinsumDense('{equation}') takes an input of rank {len(spec)} "
                          f"(one axis per letter of {spec!r}) but got {format_shape(shape)}; "
                          "Keras builds it, and no batch gets through", kind="rank",
                          expected_rank=len(spec), fix="add '...' to the equation to keep "
                                                       "extra axes, or reshape the input")
    return ShapeError(
        f"EinsumDense('{equation}') declares {format_shape(declared)} on input "
        f"{format_shape(shape)}, but its einsum cannot compute that shape: Keras builds it, "
        "and no batch gets through (check output_shape against the equation)", kind="size")


# --- ReversibleEmbedding -----------------------------------------------------------------


def _vocabulary(call: LayerCall, name: str) -> int:
    value = call.kwargs.get(name)
    if not _positive_int(value):
        raise ShapeError(f"{call.class_name} needs `{name}` as a positive integer, got "
                         f"{value!r}", kind="value")
    return value


@register("ReversibleEmbedding", family="embedding", positional=("input_dim", "output_dim"),
          params={
              "input_dim": REQUIRED, "output_dim": REQUIRED, "tie_weights": True,
              "embeddings_initializer": "uniform", "embeddings_regularizer": None,
              "embeddings_constraint": None, "mask_zero": False, "reverse_dtype": None,
              "logit_soft_cap": None, "weights": None, **_LORA,
          })
def reversible_embedding(call: LayerCall) -> Inferred:
    """An Embedding that can also project back to the vocabulary (`reverse=True` when called).

    Untied (`tie_weights: false`) it holds a second (output_dim, input_dim) matrix
    for that projection. A file calls it forwards only."""
    vocab, dim = _vocabulary(call, "input_dim"), _vocabulary(call, "output_dim")
    untied = not call.kwargs.get("tie_weights")
    # Embedding's __init__ builds the layer to set `weights` before tie_weights exists
    if call.kwargs.get("weights") is not None:
        raise ShapeError("ReversibleEmbedding cannot take `weights`: Keras builds it before "
                         "tie_weights is set and fails", kind="value")
    weights = lora_weights(call, Weight("embeddings", (vocab, dim)), "lora_embeddings",
                           "embeddings_constraint")
    if untied and len(weights) > 1:  # LoRA locks the layer before the reverse matrix
        raise ShapeError("ReversibleEmbedding cannot combine lora_rank with tie_weights: false; "
                         "Keras fails to add the reverse embeddings", kind="value")
    if untied:
        weights += (Weight("reverse_embeddings", (dim, vocab)),)
    return Inferred(call.shape + (dim,), weights)
