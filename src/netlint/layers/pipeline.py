"""Pipeline: a list of layers applied one after another, as one layer.

    - Pipeline:
        layers:
          - Rescaling: {scale: 0.00392}
          - RandomFlip: {mode: horizontal}

Keras's Pipeline (keras.layers.Pipeline, used for preprocessing and augmentation)
calls each layer on the output of the one before: its output is the last layer's,
and it owns the weights of them all. Its `layers:` items are read like the cells
of a StackedRNNCells (layers.inner_items); an inner layer that cannot take what it
is given is reported as the Pipeline's, with its place in the list. Pipeline takes
no other argument but `name` (its __init__ has no **kwargs), so neither `dtype` nor
`trainable`; an inner layer's own `trainable: false` freezes its weights.
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.registry import infer_on, register
from netlint.layers.inner_items import item_call


def _calls(call: LayerCall) -> list:
    items = call.kwargs.get("layers")
    if not isinstance(items, (list, tuple)):
        raise ShapeError(f"Pipeline takes a list of layers in `layers:`, got {items!r}",
                         kind="value", fix="write `layers: [{Rescaling: {scale: 0.5}}, ...]`")
    if not items:
        # Keras builds the Pipeline, then its call fails: no layer makes an output
        raise ShapeError("Pipeline needs at least one layer in `layers:`", kind="value")
    return [item_call(item, "Pipeline") for item in items]


def _run(inner: LayerCall, index: int, shapes: tuple) -> Inferred:
    """One inner layer on `shapes`; its refusal told as the Pipeline's, with its place."""
    try:
        return infer_on(inner, *shapes)
    except ShapeError as error:
        raise ShapeError(f"Pipeline layers[{index}] ({inner.class_name}): {error.message}",
                         kind=error.kind, expected_rank=error.expected_rank,
                         fix=error.fix) from None


@register("Pipeline", family="wrappers", positional=("layers",),
          params={"layers": REQUIRED, "name": None}, base_params=False, max_inputs=None)
def pipeline(call: LayerCall) -> Inferred:
    """Applies a list of layers in order; its output is the last one's (preprocessing)."""
    shapes, weights, results = call.input_shapes, [], []
    for index, inner in enumerate(_calls(call)):
        result = _run(inner, index, shapes)
        weights += as_keras_freezes(inner.class_name, inner.kwargs, result.weights,
                                    f"layers.{index}.")
        results.append(result)
        shapes = result.outputs
    last = results[-1]
    return Inferred(last.output_shape, tuple(weights), multi_output=last.multi_output,
                    inner=tuple(results))
