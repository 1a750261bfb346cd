"""The layer registry's entries: one per Keras class, with Keras's own defaults.

An entry knows three things about its Keras class: the keyword arguments it
accepts (with Keras 3's defaults), the output shape for a given input shape,
and the weights it creates (so parameter counts follow). Inference functions
raise `ShapeError` with the reason when Keras would refuse the input.

This is the bottom of layers/: every other module builds on these types, and this one
imports none of them (layers.registry registers the entries and looks them up).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from math import prod

from netlint.errors import NetlintError
from netlint.plumbing.counts import count_text
from netlint.plumbing.records import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Required:
    """Marks a kwarg with no default in Keras (`units` of Dense): the file must give it."""

    def __repr__(self) -> str:
        return "<required>"


REQUIRED = _Required()

# Keyword arguments every Keras 3 layer takes (keras.layers.Layer.__init__).
# input_shape/input_dim are accepted (and ignored after the first layer).
BASE_PARAMS: dict[str, Any] = {
    "name": None,
    "dtype": None,
    "trainable": True,
    "autocast": True,
    "activity_regularizer": None,
    "input_shape": None,
    "input_dim": None,
}

# Variable byte sizes, for the summary's "(48.76 KB)".
DTYPE_BYTES = {
    "float16": 2, "bfloat16": 2, "float32": 4, "float64": 8,
    "int8": 1, "uint8": 1, "int16": 2, "int32": 4, "int64": 8, "bool": 1,
}


class ShapeError(NetlintError):
    """The layer cannot take this input; `message` says what it got and needs.

    `kind` lets rules tell cases apart without parsing text: "rank" (wrong
    number of axes; `expected_rank` says how many), "size" (an axis too small
    or mismatched), "value" (an argument Keras rejects for this input).
    """

    def __init__(self, message: str, *, kind: str = "size", expected_rank: int | None = None,
                 fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.expected_rank = expected_rank
        self.fix = fix


@record(frozen=True)
class Weight:
    name: str
    shape: tuple
    trainable: bool = True

    @property
    def size(self) -> int:
        return prod(self.shape)


@record(frozen=True)
class Inferred:
    """What a layer makes of its input: output shape(s) and the weights it builds."""

    output_shape: tuple  # one Shape, or a tuple of Shapes when multi_output
    weights: tuple = ()
    multi_output: bool = False
    # per-timestep facts a diagram or rule may want (e.g. wrapped layer results)
    inner: Any = None

    @property
    def outputs(self) -> tuple:
        return self.output_shape if self.multi_output else (self.output_shape,)


@record(frozen=True)
class LayerCall:
    """What an inference function sees: merged kwargs and the input shapes."""

    class_name: str
    kwargs: dict
    input_shapes: tuple  # one Shape per inbound tensor, batch first
    dtype: str = "float32"
    # for wrappers (TimeDistributed, Bidirectional): the wrapped layer's call,
    # with its merged kwargs; its input_shapes are left empty for the wrapper to fill
    wrapped: LayerCall | None = None
    backward: LayerCall | None = None  # Bidirectional's backward_layer, the same way

    def with_inputs(self, *shapes: tuple) -> LayerCall:
        return replace(self, input_shapes=tuple(shapes))

    @property
    def shape(self) -> tuple:
        return self.input_shapes[0]

    def __getitem__(self, key: str) -> Any:
        return self.kwargs[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.kwargs.get(key, default)
        return default if value is None else value


InferFn = Callable[[LayerCall], Inferred]


@record(frozen=True)
class LayerDef:
    """A registered Keras layer class."""

    name: str
    params: dict  # kwarg -> Keras default (layer-specific only; BASE_PARAMS added)
    infer: InferFn
    family: str
    positional: tuple = ()  # Keras's positional order, for `- Dense: 10`
    required: tuple = ()
    min_inputs: int = 1
    max_inputs: int | None = 1
    wraps_layer: bool = False  # TimeDistributed, Bidirectional: `layer:` holds a layer
    recurrent: bool = False
    kinds: dict = field(default_factory=dict)  # kwarg -> value kind, for the schema
    doc: str = ""
    # the class's own name where Keras exports it under another (GroupQueryAttention is
    # GroupedQueryAttention): Keras names layers after it (`grouped_query_attention`)
    keras_class: str | None = None
    # called as layer(query, value[, key]), not on a list of tensors (MultiHeadAttention)
    separate_inputs: bool = False
    # False for the few classes whose __init__ has no **kwargs (SpatialDropout1D):
    # they take only what `params` lists, so `trainable:` is an unknown argument there.
    base_params: bool = True
    # the arguments that refuse a float, as Keras refuses `Dense(8.0)` (layers.whole_numbers)
    whole_numbers: tuple = ()
    # False for the classes whose weights are made by layers inside them (RNN's cell, a
    # wrapper's layer, MultiHeadAttention's projections): Keras 3 freezes only the
    # variables a layer creates itself, so `trainable: false` written on these freezes
    # nothing (layers.freezing)
    owns_weights: bool = True

    @cached_property
    def all_params(self) -> dict:
        """Every kwarg the class takes, with its Keras default.

        Made once per class: inference and the loader ask for it several times per
        layer of every file. Shared, so callers read it and never change it."""
        # the layer's own arguments win: Embedding's `input_dim` is its vocabulary size
        return {**BASE_PARAMS, **self.params} if self.base_params else dict(self.params)


# Keras class name -> entry; filled by layers.registry.register as each family loads.
REGISTRY: dict[str, LayerDef] = {}


def default_name_class(definition: LayerDef) -> str:
    """The class name Keras's default layer names come from (MaxPool1D's layers are
    `max_pooling1d`, GroupQueryAttention's `grouped_query_attention`)."""
    return definition.keras_class or definition.name


def owns_input_dim(class_name: str) -> bool:
    """`input_dim` is the layer's own argument (an embedding's vocabulary size), not
    Keras 2's way of giving the model's input shape on a first layer."""
    definition = REGISTRY.get(class_name)
    return definition is not None and "input_dim" in definition.params


def is_embedding(class_name: str) -> bool:
    """Embedding and ReversibleEmbedding: token ids in, vectors out, `mask_zero`."""
    return owns_input_dim(class_name)


def alias(name: str, target: str) -> None:
    """A second Keras 3 name for the same class (e.g. Convolution2D is Conv2D)."""
    REGISTRY[name] = REGISTRY[target]


def format_shape(shape: Any) -> str:
    """Keras's spelling of a shape: (None, 10, 32), (None, 3)."""
    if shape is None:
        return "?"
    if shape and isinstance(shape[0], tuple):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    inner = ", ".join(count_text(d, separator="") if isinstance(d, int) else str(d)
                      for d in shape)  # None, and axis names where a rule shows them
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def require_rank(call: LayerCall, *ranks: int, what: str = "") -> tuple:
    """The single input shape, or a rank ShapeError naming what is needed."""
    if len(call.input_shapes) != 1:
        raise ShapeError(f"{call.class_name} takes one input, got {len(call.input_shapes)}",
                         kind="value")
    shape = call.shape
    if len(shape) not in ranks:
        need = what or " or ".join(f"{r}D" for r in ranks)
        expected = ranks[0] if len(ranks) == 1 else None
        raise ShapeError(
            f"{call.class_name} needs a {need} input but got {format_shape(shape)}",
            kind="rank", expected_rank=expected)
    return shape


def last_dim(shape: tuple, class_name: str) -> int:
    """The feature axis, which must be known to build weights."""
    dim = shape[-1]
    if dim is None:
        raise ShapeError(f"{class_name} needs a known last axis to build its weights, "
                         f"got {format_shape(shape)}", kind="size")
    return dim
