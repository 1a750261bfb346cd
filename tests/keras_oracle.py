"""Ask real Keras 3 what a layer or model does, to compare netlint with.

Every shape and parameter count netlint claims is checked against these
answers; nothing here computes a shape itself.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import keras

from netlint.layers.base import LayerCall, ShapeError
from netlint.layers.registry import get


@dataclass(frozen=True)
class LayerAnswer:
    """What a layer did with its input: shapes (batch first) and parameter counts."""

    output_shapes: tuple
    trainable: int
    non_trainable: int


def _count(weights) -> int:
    return sum(int(w.numpy().size) if hasattr(w, "numpy") else int(w.size) for w in weights)


def make_keras_layer(class_name: str, kwargs: dict, wrapped: tuple | None = None):
    kwargs = dict(kwargs)
    if wrapped is not None:
        kwargs["layer"] = make_keras_layer(*wrapped)
    return getattr(keras.layers, class_name)(**kwargs)


def keras_layer(class_name: str, kwargs: dict, input_shapes: list, *,
                wrapped: tuple | None = None, batch_size: int | None = None) -> LayerAnswer:
    """Build `class_name(**kwargs)` on Inputs of the given per-sample shapes.

    `wrapped` is (class_name, kwargs) of the layer a wrapper takes. Raises
    whatever Keras raises when it refuses the input.
    """
    keras.backend.clear_session()
    inputs = [keras.Input(shape=tuple(s), batch_size=batch_size) for s in input_shapes]
    layer = make_keras_layer(class_name, kwargs, wrapped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = layer(inputs[0] if len(inputs) == 1 else inputs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return LayerAnswer(tuple(tuple(o.shape) for o in outs), _count(layer.trainable_weights),
                       _count(layer.non_trainable_weights))


def netlint_layer(class_name: str, kwargs: dict, input_shapes: list, *,
                  wrapped: tuple | None = None, batch_size: int | None = None) -> LayerAnswer:
    """The same question put to netlint's registry (raises ShapeError on refusal)."""
    definition = get(class_name)
    merged = {**definition.all_params, **kwargs}
    inner = None
    if wrapped is not None:
        inner_def = get(wrapped[0])
        inner = LayerCall(wrapped[0], {**inner_def.all_params, **wrapped[1]}, ())
        merged["layer"] = wrapped[1]
    shapes = tuple((batch_size,) + tuple(s) for s in input_shapes)
    result = definition.infer(LayerCall(class_name, merged, shapes, wrapped=inner))
    trainable = merged.get("trainable", True) is not False
    params = sum(w.size for w in result.weights if w.trainable and trainable)
    frozen = sum(w.size for w in result.weights if not (w.trainable and trainable))
    return LayerAnswer(tuple(tuple(o) for o in result.outputs), params, frozen)


def compare_layer(class_name: str, kwargs: dict, input_shapes: list, **options) -> None:
    """Assert netlint and Keras agree: same answer, or both refuse."""
    try:
        expected = keras_layer(class_name, kwargs, input_shapes, **options)
    except Exception as keras_error:  # Keras refused: netlint must refuse too
        try:
            got = netlint_layer(class_name, kwargs, input_shapes, **options)
        except ShapeError:
            return
        raise AssertionError(
            f"Keras refused {class_name}({kwargs}) on {input_shapes} "
            f"({type(keras_error).__name__}: {keras_error}) but netlint gave {got}") from None
    try:
        got = netlint_layer(class_name, kwargs, input_shapes, **options)
    except ShapeError as error:
        raise AssertionError(f"netlint refused {class_name}({kwargs}) on {input_shapes}: "
                             f"{error.message}; Keras gave {expected}") from None
    assert got == expected, f"{class_name}({kwargs}) on {input_shapes}: netlint {got} != " \
                            f"Keras {expected}"
