"""Questions several rules ask of one model, answered once here.

What activation ends an output, what a layer's input came from, which layers
are recurrent, how messages write shapes and numbers: small read-only queries
over the inferred graph. The `compile:` section's are in compile_facts, the
`data:` section's in data_facts. No rule logic lives here.
"""

from __future__ import annotations

import functools
import re

from netlint.model.graph import LayerSpec, ModelSpec, Position
from netlint.layers.inference import InferredModel, LayerResult
from netlint.layers.base import format_shape, is_embedding
from netlint.layers.registry import get as layer_def
from netlint.plumbing.records import record
from netlint.loader.layer_items import to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["format_shape"]

# Layers that hand their input on unchanged in meaning (shape aside): following them back
# from a layer finds what really produced its input.
PASS_THROUGH = frozenset({
    "Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "Identity", "ActivityRegularization", "Masking",
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
})
# ... and those that also move values around without computing new ones.
RESHAPING = frozenset({"Reshape", "Flatten", "Permute"})
ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "PReLU": "prelu",
                     "ELU": "elu", "Softmax": "softmax"}
# What an output's activation (or width) may be read through, walking back from the output.
_THROUGH_TO_ACTIVATION = PASS_THROUGH | RESHAPING
_THROUGH_TO_UNITS = PASS_THROUGH | set(ACTIVATION_LAYERS) | {"Activation"}
RNN_CLASSES = frozenset({"SimpleRNN", "LSTM", "GRU", "RNN"})  # RNN: with its `cell:`
LINEAR = "linear"


# pure; asked of every output's and initializer's name of every file, and scanning the
# name for capitals costs ~6,000 instructions a time, a cache hit ~1,200
@functools.lru_cache(maxsize=1024)
def snake_name(name: str) -> str:
    """`LeakyReLU` -> `leaky_relu`, `ReLU` -> `relu`, `relu` as it is."""
    return to_snake_case(name) if any(c.isupper() for c in name) else name.lower()


def activation_name(value: Any) -> str | None:
    """An activation argument as a name: None -> linear; `{LeakyReLU: {...}}` -> leaky_relu."""
    if value is None:
        return LINEAR
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value))
    if isinstance(value, str):
        return snake_name(value)
    return None


# -- what a rule needs (a rule module's `needs`) ------------------------------------------

def has_data(ctx: Any) -> bool:
    """The file has a `data:` section: rules about the data and the labels read it."""
    return ctx.model.data is not None


def has_recurrent(ctx: Any) -> bool:
    """The model has a recurrent layer (ConvLSTM included), bare or in Bidirectional."""
    return bool(rnn_views(ctx, include_conv=True))


def has_mask(ctx: Any) -> bool:
    """The model makes a padding mask (a Masking layer, a mask_zero Embedding)."""
    return any(makes_mask(node) for node in ctx.inferred.layers)


def makes_mask(node: LayerResult) -> bool:
    """A Masking layer, or an Embedding with mask_zero: true."""
    return node.class_name == "Masking" or (
        is_embedding(node.class_name) and bool(node.kwargs.get("mask_zero")))


# -- walking the graph ------------------------------------------------------------------

def producer(inferred: InferredModel, node: LayerResult) -> LayerResult | None:
    """The single node feeding `node`, or None for inputs and merges."""
    if len(node.inbound) != 1:
        return None
    return inferred.nodes.get(node.inbound[0])


def real_source(inferred: InferredModel, node: LayerResult) -> LayerResult | None:
    """What produced `node`'s input, looking through dropout/normalisation layers."""
    source = producer(inferred, node)
    while source is not None and source.class_name in PASS_THROUGH:
        source = producer(inferred, source)
    return source


def model_input_behind(inferred: InferredModel, node: LayerResult) -> LayerResult | None:
    """The model input `node` reads directly (through pass-through layers), if any."""
    source = real_source(inferred, node)
    return source if source is not None and source.is_input else None


def upstream(inferred: InferredModel, predicate) -> dict[str, bool]:
    """name -> whether some node strictly upstream of it satisfies `predicate`.

    One pass in dependency order (the order of `inferred.nodes`), so rules that ask
    this of every layer stay linear in the model's size.
    """
    found: dict[str, bool] = {}
    for node in inferred.nodes.values():
        found[node.name] = any(found.get(source, False) or predicate(inferred.nodes[source])
                               for source in node.inbound if source in inferred.nodes)
    return found


def descendants(inferred: InferredModel, name: str) -> list[LayerResult]:
    """Every layer downstream of `name`, in dependency order (one pass: nodes are ordered)."""
    reached = {name}
    out = []
    for node in inferred.layers:
        if any(source in reached for source in node.inbound):
            reached.add(node.name)
            out.append(node)
    return out


def all_specs(model: ModelSpec):
    """Every layer spec in file order, a wrapper's inner layers (`layer:`, then
    `backward_layer:`; an RNN's `cell:` and a stack's `cells:`) right after it."""
    for layer in model.layers:
        yield layer
        if layer.wrapped is not None or layer.backward is not None or layer.cells:
            yield from _inner_specs(layer)


def _inner_specs(spec: LayerSpec):
    # depth first: Bidirectional(RNN(StackedRNNCells([LSTMCell, ...]))) nests three deep
    for inner in (spec.wrapped, spec.backward, *spec.cells):
        if inner is not None:
            yield inner
            yield from _inner_specs(inner)


def file_specs(ctx: Any) -> tuple[LayerSpec, ...]:
    """`all_specs(ctx.model)` for a rule: listed once per file (the context's `shared`).

    Five rules walk it for every file; walking the generator each time cost ~5,000
    instructions a rule. Shared: callers read it, never change it."""
    cached = ctx.shared.get("specs")
    if cached is None:
        cached = ctx.shared["specs"] = tuple(all_specs(ctx.model))
    return cached


def layer_kwargs(spec: LayerSpec) -> dict:
    """A layer's kwargs merged with its Keras defaults."""
    definition = layer_def(spec.class_name)
    return {**(definition.all_params if definition else {}), **spec.kwargs}


def _spec_kwargs(node: LayerResult, spec: LayerSpec) -> dict:
    """`layer_kwargs(spec)` for `spec`, the node's own spec or the layer it wraps.

    Inference already merged the node's own kwargs (`node.kwargs`); only a wrapped
    layer's are merged here. Read-only: the dict may be the node's."""
    return node.kwargs if spec is node.spec else layer_kwargs(spec)


@record(frozen=True)
class RnnView:
    """A recurrent layer as rules see it, whether bare or inside Bidirectional."""

    node: LayerResult  # the graph node (the wrapper, when wrapped)
    spec: LayerSpec  # the RNN's own spec (the inner one, when wrapped)
    kwargs: dict  # the RNN's kwargs with defaults

    @property
    def class_name(self) -> str:
        return self.spec.class_name

    @property
    def title(self) -> str:
        """`LSTM 'lstm'` or `Bidirectional(LSTM) 'bidirectional'`."""
        if self.spec is self.node.spec:
            return f"{self.class_name} '{self.node.name}'{call_of(self.node)}"
        return f"{self.node.class_name}({self.class_name}) '{self.node.name}'" \
            f"{call_of(self.node)}"

    @property
    def input_shape(self) -> tuple | None:
        return self.node.input_shapes[0] if len(self.node.input_shapes) == 1 else None

    def position(self, key: str | None = None) -> Position | None:
        if key is None:
            return self.node.spec.position
        cell = self.spec.wrapped if self.spec.class_name == "RNN" else None
        return self.spec.kwarg_positions.get(key) or (
            cell.kwarg_positions.get(key) if cell is not None else None) or self.spec.position


def recurrent_layers(inferred: InferredModel, *, include_conv: bool = False) -> list[RnnView]:
    """SimpleRNN/LSTM/GRU layers (ConvLSTM too if asked), bare or in Bidirectional."""
    views = []
    for node in inferred.layers:
        spec = node.spec
        if spec is None:
            continue
        if spec.wrapped is not None and node.class_name == "Bidirectional":
            spec = spec.wrapped
        definition = layer_def(spec.class_name)
        if definition is None or not definition.recurrent:
            continue
        if spec.class_name not in RNN_CLASSES and not include_conv:
            continue
        kwargs = _spec_kwargs(node, spec)
        if spec.class_name == "RNN" and spec.wrapped is not None:
            # RNN(LSTMCell(8)) reads like LSTM(8): the cell's units and activations, the
            # RNN's return_sequences, stateful, unroll
            kwargs = {**layer_kwargs(spec.wrapped), **kwargs}
        views.append(RnnView(node, spec, kwargs))
    return views


def rnn_views(ctx: Any, *, include_conv: bool = False) -> tuple[RnnView, ...]:
    """`recurrent_layers(ctx.inferred)` for a rule: computed once per file.

    Six rules ask for every file; both answers (with and without ConvLSTM) are kept
    in the context's `shared`, filtered once. Shared: callers read them, never change."""
    views = ctx.shared.get("rnn_views")
    if views is None:
        every = tuple(recurrent_layers(ctx.inferred, include_conv=True))
        views = ctx.shared["rnn_views"] = (
            every, tuple(view for view in every if view.class_name in RNN_CLASSES))
    return views[0] if include_conv else views[1]


# -- what ends an output ----------------------------------------------------------------

@record(frozen=True)
class ActivationFact:
    """The activation an output ends with and the layer (and YAML node) that sets it."""

    name: str  # "softmax", "sigmoid", "linear", ...
    node: LayerResult
    spec: LayerSpec  # the layer that sets it (inner layer of a wrapper)
    position: Position | None


def own_activation(node: LayerResult) -> ActivationFact | None:
    """The activation `node` itself applies (its argument or its class), if it has one."""
    spec = node.spec
    if spec is None:
        return None
    if spec.wrapped is not None and node.class_name == "TimeDistributed":
        spec = spec.wrapped
    if spec.class_name in ACTIVATION_LAYERS:
        return ActivationFact(ACTIVATION_LAYERS[spec.class_name], node, spec, spec.position)
    kwargs = _spec_kwargs(node, spec)
    if "activation" not in kwargs or spec.class_name in ("Bidirectional",):
        return None
    name = activation_name(kwargs.get("activation"))
    if name is None:
        return None
    position = spec.kwarg_positions.get("activation") or spec.position
    return ActivationFact(name, node, spec, position)


def output_activation(inferred: InferredModel, output: str) -> ActivationFact | None:
    """The activation that makes output `output`, looking through dropout and reshapes.

    None when something else ends it (a merge, pooling, a layer without an activation
    argument): the rules that need it then stay silent rather than guess.
    """
    node = inferred.nodes.get(output)
    while node is not None and not node.is_input:
        fact = own_activation(node)
        if fact is not None:
            return fact
        if node.class_name not in _THROUGH_TO_ACTIVATION:
            return None
        node = producer(inferred, node)
    return None


def dense_head(inferred: InferredModel, output: str) -> LayerResult | None:
    """The bare Dense making `output` (through activations/dropout), on a rank >= 3 input."""
    node = inferred.nodes.get(output)
    while node is not None and not node.is_input and (
            node.class_name in PASS_THROUGH or node.class_name in ACTIVATION_LAYERS
            or node.class_name == "Activation"):
        node = producer(inferred, node)
    if node is None or node.class_name != "Dense" or len(node.input_shapes) != 1:
        return None
    return node if len(node.input_shapes[0]) >= 3 else None


def feature_map_source(inferred: InferredModel, dense: LayerResult) -> LayerResult | None:
    """The conv/pool layer whose map a Dense reads, if that is what it reads."""
    source = real_source(inferred, dense)
    if source is None or source.is_input:
        return None
    definition = layer_def(source.class_name)
    if definition is None or definition.family not in ("conv", "pooling") \
            or spatial_rank(source.class_name) is None:
        return None
    return source


def output_units(inferred: InferredModel, output: str) -> int | None:
    """The size of the output's last axis (what softmax normalises over), when known."""
    node = inferred.nodes.get(output)
    shape = node.output_shape if node is not None else None
    return shape[-1] if shape and len(shape) >= 2 else None


def units_position(inferred: InferredModel, output: str) -> Position | None:
    """The `units:` of the Dense that sets an output's width, else the output layer."""
    node = inferred.nodes.get(output)
    while node is not None and not node.is_input:
        spec = node.spec.wrapped if node.spec.wrapped is not None else node.spec
        if "units" in spec.kwargs:
            return spec.kwarg_positions.get("units") or spec.position
        if node.class_name not in _THROUGH_TO_UNITS:
            break
        node = producer(inferred, node)
    out = inferred.nodes.get(output)
    return out.spec.position if out is not None and out.spec is not None else None


_RANK = re.compile(r"([123])D(Transpose)?$")


@functools.lru_cache(maxsize=1024)  # pure; asked of every layer by several rules per file
def spatial_rank(class_name: str) -> int | None:
    """2 for Conv2D/MaxPooling2D/..., None for layers without spatial axes."""
    match = _RANK.search(class_name)
    return int(match.group(1)) if match else None


def plural(count: object, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def fmt_number(value: float) -> str:
    """A number as people write it: 0.2, 1000, 5.73e+20."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def fmt_span(low: float, high: float) -> str:
    """A closed range as messages write it: [0, 1]."""
    return f"[{fmt_number(low)}, {fmt_number(high)}]"


def title(node: LayerResult) -> str:
    """How messages name a layer: `LSTM 'lstm_1'`; a call of a shared layer (`- call:`)
    `LSTM 'encoder_call_2' (a call of 'encoder')`."""
    return f"{node.class_name} '{node.name}'{call_of(node)}"


def call_of(node: LayerResult) -> str:
    """` (a call of 'encoder')` after the name of a shared layer's call, else nothing."""
    shares = node.spec.shares if node.spec is not None else None
    return f" (a call of '{shares}')" if shares else ""
