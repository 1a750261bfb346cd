"""The view of a layer the cost model reads, and the products of sizes it takes.

A `Piece` is a layer or a wrapper's inner layer (TimeDistributed's layer sees one
timestep): its class, arguments, input and output shapes and weights. Sizes are exact
Python integers; a product with an unknown (None) size is None, never a guess.
"""

from __future__ import annotations

from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.layers.inference import LayerResult


@record(frozen=True)
class Piece:
    class_name: str
    kwargs: dict
    inputs: tuple  # input shapes, batch axis first
    outputs: tuple  # output shapes, batch axis first
    weights: tuple  # of layers.base.Weight


def whole(size: object) -> int | None:
    """A size as an int (JSON Schema lets `units: 4.0` through as a whole number)."""
    if isinstance(size, bool):
        return None
    if isinstance(size, int):
        return size
    if isinstance(size, float) and size.is_integer():
        return int(size)
    return None


def known(sizes: tuple) -> int | None:
    """The product of `sizes`, or None when one is unknown."""
    total = 1
    for size in sizes:
        size = whole(size)
        if size is None:
            return None
        total *= size
    return total


def per_sample(shape: tuple) -> tuple:
    """A shape without its batch axis."""
    return tuple(shape[1:])


def spatial(shape: tuple, channels_first: bool) -> tuple:
    """The positions axes of an image-like shape (batch and channels left out)."""
    return tuple(shape[2:]) if channels_first else tuple(shape[1:-1])


def piece_of(node: LayerResult) -> Piece:
    if node.class_name == "Bidirectional" and node.spec is not None and \
            node.spec.wrapped is not None:  # both directions, costed as the inner class
        inner = node.spec.wrapped
        return Piece(inner.class_name, {**inner.kwargs}, node.input_shapes,
                     node.output_shapes, node.weights)
    return Piece(node.class_name, node.kwargs, node.input_shapes, node.output_shapes or (),
                 node.weights)


def time_distributed_inner(node: LayerResult) -> tuple[Piece, int | None] | None:
    """TimeDistributed's layer as it sees one timestep, and the number of timesteps."""
    inner = node.spec.wrapped if node.spec is not None else None
    if inner is None or not node.input_shapes or not node.output_shapes:
        return None
    steps = node.input_shapes[0][1] if len(node.input_shapes[0]) > 1 else None
    drop = lambda s: s[:1] + s[2:]  # noqa: E731 - the time axis out
    from netlint.layers.declared import definition

    kwargs = {**definition(inner.class_name).all_params, **inner.kwargs}
    return Piece(inner.class_name, kwargs, tuple(drop(s) for s in node.input_shapes),
                 tuple(drop(s) for s in node.output_shapes), node.weights), whole(steps)
