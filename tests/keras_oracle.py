"""Ask real Keras 3 what a layer or model does, to compare netlint with.

Every shape and parameter count netlint claims is checked against these
answers; nothing here computes a shape itself.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import keras
import numpy as np

from netlint.layers.base import LayerCall, ShapeError
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.registry import get


@dataclass(frozen=True)
class LayerAnswer:
    """What a layer did with its input: shapes (batch first) and parameter counts."""

    output_shapes: tuple
    trainable: int
    non_trainable: int


def keras_counts(layer) -> tuple[int, int]:
    """(trainable, non-trainable) parameters of a built layer as model.summary() counts
    them and fit trains them: by each variable's own flag. A layer's trainable_weights
    also follows the layer's `trainable`, which `RNN(LSTMCell(8), trainable=False)` sets
    without freezing the variables its cell makes (netlint.layers.freezing)."""
    weights = layer.weights
    return (sum(int(math.prod(w.shape)) for w in weights if w.trainable),
            sum(int(math.prod(w.shape)) for w in weights if not w.trainable))


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
    keras.backend.clear_session(free_memory=False)  # its gc.collect doubles the run time
    inputs = [keras.Input(shape=tuple(s), batch_size=batch_size) for s in input_shapes]
    layer = make_keras_layer(class_name, kwargs, wrapped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = _call(layer, class_name, inputs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return LayerAnswer(tuple(tuple(o.shape) for o in outs), *keras_counts(layer))


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
    weights = as_keras_freezes(class_name, merged, result.weights)
    params = sum(w.size for w in weights if w.trainable)
    frozen = sum(w.size for w in weights if not w.trainable)
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


# --- Keras as the oracle, built and run ---------------------------------------------
# compare_layer asks Keras to build a layer on symbolic inputs, and Keras builds some
# it cannot run (Attention on a query of width 8 and a key of width 16, Softmax over
# axis 3 of a 2D input). netlint refuses those: a refusal stands when Keras refuses
# too, or when no real batch gets through it and out in the shape Keras declared
# (each unknown size filled in as 1, 2 and 3). Otherwise the answers must be equal,
# as in compare_layer. MultiHeadAttention takes its inputs as separate arguments.

FILLS = (1, 2, 3)
RUN_BATCH = 5  # unlike any size the strategies draw, so nothing fits by chance
SEPARATE_ARGUMENTS = {"MultiHeadAttention", "GroupQueryAttention"}


def _call(layer, class_name, inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if class_name in SEPARATE_ARGUMENTS:
            return layer(*inputs)
        return layer(inputs[0] if len(inputs) == 1 else inputs)


def _shapes(out):
    return tuple(tuple(o.shape) for o in (out if isinstance(out, (list, tuple)) else [out]))


def keras_build(class_name, kwargs, input_shapes, batch_size=None):
    """Keras's answer on symbolic inputs, as keras_layer gives it, or None if it refuses."""
    keras.backend.clear_session(free_memory=False)  # its gc.collect would double run time
    try:
        layer = make_keras_layer(class_name, kwargs)
        out = _call(layer, class_name, [keras.Input(shape=s, batch_size=batch_size)
                                        for s in input_shapes])
    except Exception:
        return None
    return LayerAnswer(_shapes(out), *keras_counts(layer))


def keras_runs(class_name, kwargs, input_shapes, declared, fill, batch_size=None):
    """Whether a random batch gets through Keras and comes out as `declared`."""
    arrays = [np.random.rand(batch_size or RUN_BATCH, *(fill if d is None else d for d in s))
              .astype("float32") for s in input_shapes]
    try:
        ran = _shapes(_call(make_keras_layer(class_name, kwargs), class_name, arrays))
    except Exception:
        return False
    return len(ran) == len(declared) and all(
        len(r) == len(d) and all(x in (None, y) for x, y in zip(d, r))
        for r, d in zip(ran, declared))


def compare_layer_and_run(class_name, kwargs, input_shapes, batch_size=None):
    """compare_layer, where a layer Keras builds but cannot run counts as refused."""
    expected = keras_build(class_name, kwargs, input_shapes, batch_size)
    unknown = any(None in s for s in input_shapes)

    def runs(fill):
        return expected is not None and keras_runs(
            class_name, kwargs, input_shapes, expected.output_shapes, fill, batch_size)

    try:
        got = netlint_layer(class_name, kwargs, input_shapes, batch_size=batch_size)
    except ShapeError as error:
        assert not any(runs(f) for f in (FILLS if unknown else FILLS[:1])), \
            f"netlint refused {class_name}({kwargs}) on {input_shapes} ({error.message}) " \
            f"but Keras builds it as {expected} and runs it"
        return
    assert expected is not None, f"Keras refuses {class_name}({kwargs}) on {input_shapes} " \
                                 f"but netlint gave {got}"
    assert got == expected, f"{class_name}({kwargs}) on {input_shapes}: netlint {got} != " \
                            f"Keras {expected}"
    assert unknown or runs(None), f"netlint accepted {class_name}({kwargs}) on " \
                                  f"{input_shapes}, which Keras builds but cannot run"
