"""Only the first layer's input_shape makes the model input; later ones are dropped.

Writing one on a later layer usually means the author thinks it sets what
the layer receives (seed 001: `Dense(1, input_shape=(7,))` after Dense(150)).
A layer inside a wrapper (`TimeDistributed(Dense(4, input_shape=(8,)))`) is the
same: Keras 3 warns and ignores it, even on the model's first wrapper, whose
input it does not make. `batch_input_shape` and `batch_size` are different:
Keras 3's layers refuse them ("Unrecognized keyword arguments passed to
Dense"), so those are errors. (On the first layer the loader reads them as the
model input and NL901 reports them.)
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.model.graph import LayerSpec
from netlint.layers.base import owns_input_dim
from netlint.rules.facts import format_shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


_IGNORED = ("input_shape", "input_dim")  # Keras 3 warns and drops them
_REFUSED = ("batch_input_shape", "batch_size")  # Keras 3 raises on them
_INPUT_CLASSES = ("Input", "InputLayer")


def _with_wrapper(ctx: Context) -> Iterator[tuple[LayerSpec, LayerSpec | None]]:
    """Every layer spec with the top-level layer that wraps it (None for top-level ones)."""
    def inner(spec: LayerSpec):
        for sub in (spec.wrapped, spec.backward, *spec.cells):
            if sub is not None:
                yield sub
                yield from inner(sub)
    for layer in ctx.model.layers:
        yield layer, None
        for sub in inner(layer):
            yield sub, layer


def _receives(ctx: Context, layer: LayerSpec, who: str) -> str:
    node = ctx.inferred.nodes.get(layer.name)
    if node is None or len(node.input_shapes) != 1:
        return ""
    source = ctx.inferred.nodes.get(node.inbound[0]) if len(node.inbound) == 1 else None
    if source is not None and source.is_input and any(
            spec.name == source.name and spec.origin == "deferred" for spec in ctx.model.inputs):
        return "; the model has no input until fit first sees the data"
    gets = f"; {who} takes {format_shape(node.input_shapes[0])}"
    return gets + (f" from '{node.inbound[0]}'" if len(node.inbound) == 1 else "")


def _finding(ctx: Context, spec: LayerSpec, wrapper: LayerSpec | None, key: str) -> Finding:
    value = spec.kwargs[key]
    written = format_shape(tuple(value) if isinstance(value, list) else (value,)) \
        if key != "batch_size" else str(value)
    where = f" inside {wrapper.class_name} '{wrapper.name}'" if wrapper is not None else ""
    who = f"{spec.class_name} '{spec.name}'{where} has {key} {written}"
    if key in _REFUSED:
        return ctx.report(f"{who}: Keras 3 refuses it on a layer (\"Unrecognized keyword "
                          f"arguments passed to {spec.class_name}\")",
                          spec.kwarg_position(key),
                          fix=f"remove {key}; give the model's input with `input: "
                              f"{{shape: [...], batch_size: ...}}` at the top",
                          layer=(wrapper or spec).name, severity="error")
    if wrapper is not None:
        why = "a wrapped layer's input_shape never makes the model's input"
        message = f"{who}: Keras ignores it ({why}){_receives(ctx, wrapper, repr(wrapper.name))}"
    else:
        message = f"{who} but is not the model's first layer: Keras ignores it" \
                  f"{_receives(ctx, spec, 'it')}"
    return ctx.report(message, spec.kwarg_position(key), fix=f"remove {key}",
                      layer=(wrapper or spec).name)


def check(ctx: Context) -> Iterator[Finding]:
    for spec, wrapper in _with_wrapper(ctx):
        if spec.class_name in _INPUT_CLASSES or not spec.kwargs.keys() & {*_IGNORED, *_REFUSED}:
            continue
        for key in (*_IGNORED, *_REFUSED):
            if key in spec.kwargs and not (key == "input_dim" and owns_input_dim(spec.class_name)):
                yield _finding(ctx, spec, wrapper, key)
