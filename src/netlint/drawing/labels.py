"""What a diagram says about a layer, as plain text (escaping happens in `style`).

Shared by both views so a layer reads the same in each: `LSTM(32)`,
`TimeDistributed(Dense(15))`, `12,416 params`, `(None, 10, 32)`.
"""

from __future__ import annotations

import textwrap

from netlint.plumbing.counts import byte_size_text, count_text
from netlint.model.graph import LayerSpec
from netlint.layers.inference import InferredModel, LayerResult
from netlint.layers.base import REQUIRED, format_shape
from netlint.layers.registry import get
from netlint.drawing.style import note, visible_text

RNN_SHORT = {"SimpleRNN": "RNN"}
MAX_SHAPES = 8  # shapes listed for a layer's inputs before the middle ones are elided


def model_title(inferred: InferredModel) -> str:
    spec = inferred.model
    return spec.name or ("sequential" if spec.sequential else "functional")


def params_text(count: int) -> str:
    return f"{count_text(count)} param" + ("" if count == 1 else "s")


def shapes_text(shapes: tuple | None) -> str:
    """One shape `(None, 10)`, several `[(None, 10), (None, 4)]`, unknown `?`."""
    if shapes is None:
        return "?"
    if len(shapes) == 1:
        return format_shape(shapes[0])
    if len(shapes) > MAX_SHAPES:  # a Concatenate of 10,000 inputs: the first few, the last
        note("shapes")
        shown = [format_shape(s) for s in shapes[:MAX_SHAPES - 2]]
        shown += [f"… {len(shapes) - MAX_SHAPES + 1:,} more", format_shape(shapes[-1])]
        return "[" + ", ".join(shown) + "]"
    return "[" + ", ".join(format_shape(s) for s in shapes) + "]"


def input_shapes_text(node: LayerResult) -> str:
    return shapes_text(node.input_shapes) if node.input_shapes else "?"


def value_text(value: object) -> str:
    """A kwarg value as Keras code would show it; configs by their class name."""
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    if isinstance(value, (list, tuple)):
        inner = ", ".join(value_text(v) for v in value)
        if value and all(isinstance(v, dict) for v in value):  # layers (a Pipeline's): a
            return f"[{inner}]"  # list, as Keras code writes it, not a shape's tuple
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def call_text(class_name: str, kwargs: dict, wrapped: LayerSpec | None = None) -> str:
    """`LSTM(32)`: the class with the arguments Keras requires (what identifies the layer)."""
    if wrapped is not None:
        inner = call_text(wrapped.class_name, merged_kwargs(wrapped), wrapped.wrapped)
        return f"{class_name}({inner})"
    definition = get(class_name)
    if definition is None:
        return class_name
    if definition.family == "pooling" and "pool_size" in definition.params:
        shown = _window_text(definition, kwargs)
    else:
        shown = [value_text(kwargs[name]) for name in definition.positional
                 if definition.params.get(name) is REQUIRED and name in kwargs
                 and kwargs[name] is not REQUIRED]
    return f"{class_name}({', '.join(shown)})"


def _window_text(definition: object, kwargs: dict) -> list[str]:
    """A window pooling's `pool_size=(2, 2), strides=(2, 2)`, defaults included (what
    sets the output size); strides=None is Keras's "as pool_size", shown as that."""
    values = {**definition.params, **kwargs}  # type: ignore[attr-defined]
    pool, strides = values.get("pool_size"), values.get("strides")
    if pool is None or pool is REQUIRED:
        return []
    if strides is None or strides is REQUIRED:
        strides = pool
    return [f"pool_size={value_text(pool)}", f"strides={value_text(strides)}"]


def merged_kwargs(spec: LayerSpec) -> dict:
    definition = get(spec.class_name)
    defaults = definition.all_params if definition else {}
    return {**defaults, **spec.kwargs}


def layer_call_text(node: LayerResult) -> str:
    spec = node.spec
    if spec is None:
        return "Input"
    return call_text(node.class_name, node.kwargs, spec.wrapped)


def copy_cell_text(node: LayerResult) -> str:
    """A per-step copy's cell: the wrapped layer of a TimeDistributed, else the layer."""
    inner = node.spec.wrapped if node.spec is not None else None
    if inner is None:
        return layer_call_text(node)
    return call_text(inner.class_name, merged_kwargs(inner), inner.wrapped)


def activation_text(node: LayerResult) -> str | None:
    """The layer's activation when it has one (`relu`, `LeakyReLU` for a config)."""
    kwargs = node.kwargs
    if node.spec is not None and node.spec.wrapped is not None:
        kwargs = merged_kwargs(node.spec.wrapped)
    if "activation" not in kwargs or kwargs["activation"] is REQUIRED:
        return None
    value = kwargs["activation"]
    if value is None:
        return "linear"
    return value_text(value).strip("'")


def layer_costs(inferred: InferredModel) -> dict:
    """layer name -> netlint.cost's LayerCost (inputs have none); the cost package is
    imported only when a diagram shows costs."""
    from netlint.cost import model_cost

    return {cost.name: cost for cost in model_cost(inferred).layers}


def cost_text(cost: object) -> str:
    """`1,234 MACs · 4.00 KB act. · 512.00 B weights`, one sample's forward pass;
    `?` for a figure netlint cannot size."""
    macs, kept, weights = cost.macs, cost.activation_bytes, cost.weight_bytes  # type: ignore[attr-defined]
    return " · ".join([("?" if macs is None else count_text(macs)) + " MACs",
                       ("?" if kept is None else byte_size_text(kept)) + " act.",
                       ("?" if weights is None else byte_size_text(weights)) + " weights"])


def dtype_text(node: LayerResult, inferred: InferredModel) -> str:
    if node.is_input:
        spec = inferred.model.input(node.name)
        return spec.dtype if spec else "float32"
    return str(node.kwargs.get("dtype") or "float32")


# RNN(LSTMCell(8)) steps as LSTM(8) does; a StackedRNNCells stays a generic RNN
_CELL_LAYERS = {"LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "SimpleRNN"}


def recurrent_class(spec: LayerSpec) -> str:
    """The recurrent class a layer steps like (what `cell_name`/`state_names` take)."""
    if spec.class_name == "RNN" and spec.wrapped is not None:
        return _CELL_LAYERS.get(spec.wrapped.class_name, "RNN")
    return spec.class_name


def cell_name(class_name: str) -> str:
    """What one timestep of a recurrent layer is called in a cell: `LSTM`, `GRU`, `RNN`."""
    return RNN_SHORT.get(class_name, class_name)


def state_names(class_name: str) -> tuple:
    """The states an RNN carries from step to step: h (and c for LSTMs)."""
    return ("h", "c") if "LSTM" in class_name else ("h",)


def step_shape(shape: tuple | None) -> str:
    """The shape of one timestep of a sequence: (None, 10, 64) -> (None, 64)."""
    if shape is None or len(shape) < 2:
        return "?"
    return format_shape((shape[0],) + tuple(shape[2:]))


def wrap_text(text: str, width: int = 46, max_lines: int = 3) -> list[str]:
    """Break a message into short lines for a label; the last line ends in … when cut."""
    # Only what can show is wrapped: textwrap splits an unbroken word in time quadratic
    # in its length (a 5 MB layer name quoted in a message took 50 s). One more line's
    # worth is kept, so a cut text still runs past the last line and ends in `…`.
    room = width * (max_lines + 1)
    cut = len(text) > room
    shown = visible_text(text[:room] if cut else text)
    lines = textwrap.wrap(shown[:room], width, break_long_words=True,
                          break_on_hyphens=False) or [""]
    if len(lines) > max_lines or cut or len(shown) > room:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines
