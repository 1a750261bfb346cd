"""Merge layers: Concatenate, the element-wise merges (Add, Subtract, ...), Dot.

Output shapes follow Keras 3's own `compute_output_shape`, quirks included
(Concatenate keeps the first input's batch size; a `None` on either side of
an element-wise merge gives `None`). Refusals cover what Keras refuses when it
builds the layer and also what it builds but cannot run on any batch (inputs
of different ranks to Concatenate, Dot over the batch axis, sizes that can
never broadcast): a model that crashes on its first batch is the finding.
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.registry import register


def _listed(shapes: tuple) -> str:
    names = [format_shape(s) for s in shapes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count_inputs(call: LayerCall, least: int, most: int | None = None) -> tuple:
    # A merge of one tensor is a no-op at best; Keras 3 refuses a bare tensor,
    # so netlint asks for a list of at least two.
    shapes = call.input_shapes
    if len(shapes) < least or (most is not None and len(shapes) > most):
        want = f"exactly {least}" if most == least else f"at least {least}"
        raise ShapeError(f"{call.class_name} takes {want} inputs, got {len(shapes)}"
                         + (f": {_listed(shapes)}" if shapes else ""), kind="inputs")
    return shapes


def _one_batch(call: LayerCall, shapes: tuple) -> int | None:
    batches = {s[0] for s in shapes} - {None}
    if len(batches) > 1:
        raise ShapeError(f"{call.class_name} cannot merge tensors with different batch sizes, "
                         f"got {_listed(shapes)}", kind="size")
    return next(iter(batches), None)


def _keras_broadcast(a: tuple, b: tuple) -> tuple:
    """Keras's Merge._compute_elemwise_op_output_shape, minus its error (checked apart)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        out.append(None if i is None or j is None else j if i == 1 else i)
    return tuple(out)


def _check_broadcastable(call: LayerCall, shapes: tuple) -> None:
    # Keras checks pairs as it folds, so (3,), (None,), (5,) slips past its
    # build; no batch can satisfy it, though, so every known size counts here.
    rank = max(len(s) - 1 for s in shapes)
    for back in range(1, rank + 1):
        sizes = {s[-back] for s in shapes if len(s) - 1 >= back} - {None, 1}
        if len(sizes) > 1:
            raise ShapeError(f"{call.class_name} needs inputs of the same shape (an axis of 1 "
                             f"broadcasts), got {_listed(shapes)}", kind="size")


def _elementwise(least: int = 2, most: int | None = None):
    def infer(call: LayerCall) -> Inferred:
        shapes = _count_inputs(call, least, most)
        batch = _one_batch(call, shapes)
        _check_broadcastable(call, shapes)
        out = shapes[0][1:]
        for shape in shapes[1:]:
            out = _keras_broadcast(out, shape[1:])
        return Inferred((batch,) + out)

    return infer


_ELEMENTWISE_DOCS = {
    "Add": "Sums its inputs element-wise; shapes must match (1 broadcasts).",
    "Multiply": "Multiplies its inputs element-wise; shapes must match (1 broadcasts).",
    "Average": "Averages its inputs element-wise; shapes must match (1 broadcasts).",
    "Maximum": "Element-wise maximum of its inputs; shapes must match (1 broadcasts).",
    "Minimum": "Element-wise minimum of its inputs; shapes must match (1 broadcasts).",
}
for _name, _doc in _ELEMENTWISE_DOCS.items():
    register(_name, family="merging", min_inputs=2, max_inputs=None, doc=_doc)(_elementwise())

register("Subtract", family="merging", min_inputs=2, max_inputs=2,
         doc="First input minus the second, element-wise; shapes must match (1 broadcasts).",
         )(_elementwise(2, 2))


def _concat_axis(call: LayerCall, shapes: tuple) -> int:
    axis = call["axis"]
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise ShapeError(f"Concatenate needs an integer axis, got {axis!r}", kind="value")
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        raise ShapeError(f"Concatenate needs inputs that match except on axis {axis}, got "
                         f"{_listed(shapes)}", kind="rank")
    (rank,) = ranks
    if not -rank <= axis < rank:
        raise ShapeError(f"Concatenate axis {axis} is out of range for inputs of rank {rank} "
                         f"(batch included), got {_listed(shapes)}", kind="value")
    return axis % rank


@register("Concatenate", family="merging", positional=("axis",), params={"axis": -1},
          min_inputs=2, max_inputs=None)
def concatenate(call: LayerCall) -> Inferred:
    """Joins its inputs along `axis`; every other axis must match."""
    shapes = _count_inputs(call, 2)
    axis = _concat_axis(call, shapes)
    for position in range(len(shapes[0])):
        sizes = {s[position] for s in shapes} - {None}
        if position != axis and len(sizes) > 1:
            raise ShapeError(f"Concatenate needs inputs that match except on axis "
                             f"{call['axis']}, got {_listed(shapes)}", kind="size")
    joined = [s[axis] for s in shapes]
    out = list(shapes[0])  # Keras keeps the first input's other axes, batch included
    out[axis] = None if None in joined else sum(joined)
    return Inferred(tuple(out))


def _dot_axes(call: LayerCall, shape1: tuple, shape2: tuple) -> tuple:
    """Keras's axis rules: an int below 0 wraps modulo each rank; a pair indexes as given."""
    axes = call["axes"]
    if isinstance(axes, int) and not isinstance(axes, bool):
        pair = (axes % len(shape1), axes % len(shape2)) if axes < 0 else (axes, axes)
    elif (isinstance(axes, (list, tuple)) and len(axes) == 2
          and all(isinstance(a, int) and not isinstance(a, bool) for a in axes)):
        pair = tuple(axes)
    else:
        raise ShapeError(f"Dot needs `axes` as an integer or a pair of integers, got {axes!r}",
                         kind="value")
    for axis, shape in zip(pair, (shape1, shape2)):
        if not -len(shape) <= axis < len(shape):
            raise ShapeError(f"Dot axis {axis} is out of range for {format_shape(shape)}",
                             kind="value")
    pair = (pair[0] % len(shape1), pair[1] % len(shape2))
    if 0 in pair:
        raise ShapeError(f"Dot cannot take the product over the batch axis (axes={axes!r}), "
                         f"got {format_shape(shape1)} and {format_shape(shape2)}", kind="value")
    return pair


@register("Dot", family="merging", positional=("axes", "normalize"),
          params={"axes": REQUIRED, "normalize": False},
          min_inputs=2, max_inputs=2)
def dot(call: LayerCall) -> Inferred:
    """Batch-wise dot product of two inputs over `axes`."""
    shape1, shape2 = _count_inputs(call, 2, 2)
    a1, a2 = _dot_axes(call, shape1, shape2)
    # Keras compares the two sizes as written: a None against a number is refused
    if shape1[a1] != shape2[a2]:
        raise ShapeError(f"Dot needs the axes it multiplies to have the same size, got "
                         f"{format_shape(shape1)} axis {a1} ({shape1[a1]}) and "
                         f"{format_shape(shape2)} axis {a2} ({shape2[a2]})", kind="size")
    if None not in (shape1[0], shape2[0]) and shape1[0] != shape2[0]:
        raise ShapeError(f"Dot needs inputs with the same batch size, got "
                         f"{format_shape(shape1)} and {format_shape(shape2)}", kind="size")
    out = shape1[:a1] + shape1[a1 + 1:] + tuple(d for i, d in enumerate(shape2) if i not in (0, a2))
    return Inferred(out + (1,) if len(out) == 1 else out)
