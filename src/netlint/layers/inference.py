"""Shape and parameter inference over a whole model, as Keras 3 builds it.

Walks the layers in dependency order, hands each its input shapes, and keeps
what it made. A layer that cannot take its input records why and its
consumers are skipped (one root cause, one finding, no cascade).
"""

from __future__ import annotations

from netlint.model.graph import LayerSpec, ModelSpec
from netlint.layers.base import DTYPE_BYTES, LayerCall, ShapeError, format_shape
# the registered class, or what a declared custom layer / ops node is inferred with
from netlint.layers.declared import definition as get
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.shared_calls import shared_call
from netlint.layers.string_inputs import STRING, string_input_error
from netlint.plumbing.records import field, record, replace


@record(frozen=True)
class LayerResult:
    """One node of the inferred graph: an input or a layer, with what it makes."""

    name: str
    class_name: str
    spec: LayerSpec | None  # None for model inputs
    inbound: tuple = ()
    input_shapes: tuple = ()
    output_shapes: tuple | None = None  # None when it (or something before it) failed
    weights: tuple = ()
    # the layer's own `trainable:` as written; what it freezes is in each weight's flag
    # (an RNN of a cell says false and trains all the same: layers.freezing)
    trainable: bool = True
    bytes_per_param: int = 4
    error: ShapeError | None = None
    skipped: bool = False  # not inferred because an input failed
    kwargs: dict = field(default_factory=dict)  # merged with Keras's defaults
    # its weights depend on a size Keras learns only at `fit` (no input shape written):
    # `weights` is then empty and the parameter count unknown
    params_unknown: bool = False

    @property
    def output_shape(self) -> tuple | None:
        return self.output_shapes[0] if self.output_shapes else None

    # as model.summary() counts them: by each variable's own flag (freezing.py), not by
    # the layer's `trainable`, which Keras's per-layer counts follow but training does not
    @property
    def trainable_params(self) -> int:
        return sum(w.size for w in self.weights if w.trainable)

    @property
    def non_trainable_params(self) -> int:
        return sum(w.size for w in self.weights if not w.trainable)

    @property
    def params(self) -> int:
        # trainable + non-trainable, which between them count every weight once
        return sum(w.size for w in self.weights)

    @property
    def is_input(self) -> bool:
        return self.spec is None

    def error_message(self) -> str:
        """The NL105 message for a layer that cannot take its input."""
        return f"{self.class_name} '{self.name}': {self.error.message}" if self.error else ""


@record(frozen=True)
class InferredModel:
    model: ModelSpec
    nodes: dict  # name -> LayerResult, inputs first, then layers in dependency order
    # The non-input nodes of `nodes`, in its order, which a dozen rules walk for every
    # file: made with it by infer_shapes, ~7,000 instructions a file (as a cached_property
    # its first use cost ~16,000, the property's lock included).
    layers: tuple
    # name -> the layers that take it, filled on the first `consumers` call: a walk over
    # the graph asks for every node's consumers (a scan each made a 21,000-layer export
    # quadratic)
    consumer_index: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> LayerResult:
        return self.nodes[name]

    @property
    def inputs(self) -> list[LayerResult]:
        return [n for n in self.nodes.values() if n.is_input]

    @property
    def errors(self) -> list[LayerResult]:
        return [n for n in self.nodes.values() if n.error is not None]

    def consumers(self, name: str) -> list[LayerResult]:
        index = self.consumer_index
        if not index:
            for node in self.layers:
                for ref in dict.fromkeys(node.inbound):  # a node once, however often it
                    index.setdefault(ref, []).append(node)  # takes the same input
            index[None] = []  # built (a model with no edges has an index all the same)
        return list(index.get(name, ()))

    @property
    def trainable_params(self) -> int:
        return sum(n.trainable_params for n in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(n.non_trainable_params for n in self.layers)

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    def param_bytes(self, trainable: bool | None = None) -> int:
        total = 0
        for n in self.layers:
            count = {True: n.trainable_params, False: n.non_trainable_params,
                     None: n.params}[trainable]
            total += count * n.bytes_per_param
        return total

    @property
    def output_shapes(self) -> list:
        return [self.nodes[name].output_shape for name in self.model.outputs
                if name in self.nodes]


def dependency_order(model: ModelSpec) -> list[LayerSpec]:
    """Layers so that each comes after what it consumes; file order where free."""
    done = {i.name for i in model.inputs}
    pending = list(model.layers)
    ordered: list[LayerSpec] = []
    while pending:
        # the first pending layer whose inputs are all done: in a file written in order,
        # the very first (a loop and issuperset, not generators: 36,000 -> 17,000
        # instructions for a 4-layer file)
        for index, ready in enumerate(pending):
            if done.issuperset(ready.depends_on):
                break
        else:  # unresolved reference or cycle: already an NL004 finding
            break
        del pending[index]
        ordered.append(ready)
        done.add(ready.name)
    return ordered


def _merged_kwargs(spec: LayerSpec) -> dict:
    return {**get(spec.class_name).all_params, **spec.kwargs}


def _inner_call(inner: LayerSpec | None) -> LayerCall | None:
    """A wrapper's `layer:` or `backward_layer:` as a call, inputs left for the wrapper."""
    if inner is None:
        return None
    return LayerCall(inner.class_name, _merged_kwargs(inner), (),
                     wrapped=_inner_call(inner.wrapped), backward=_inner_call(inner.backward))


def _param_bytes(dtype: object) -> int:
    # mixed_float16 computes in float16 but keeps float32 variables, as Keras does
    if isinstance(dtype, str) and not dtype.startswith("mixed_"):
        return DTYPE_BYTES.get(dtype, 4)
    return 4


def infer_layer(spec: LayerSpec, shapes: tuple) -> LayerResult:
    kwargs = _merged_kwargs(spec)
    trainable = kwargs.get("trainable") is not False  # read before inference sees kwargs
    bytes_per_param = _param_bytes(kwargs.get("dtype"))
    outputs, weights, error = _layer_outputs(spec, shapes, kwargs)
    if not trainable:  # frozen as Keras freezes them: not an RNN's cell, say (freezing)
        weights = as_keras_freezes(spec.class_name, kwargs, weights)
    # built once with its outcome: a frozen record's replace() costs as much again.
    # Every field in order, by position: by keyword the call costs ~5,000 instructions
    # more a layer (LayerResult's fields are listed above).
    return LayerResult(spec.name, spec.class_name, spec, spec.inbound, shapes, outputs,
                       weights, trainable, bytes_per_param, error, False, kwargs)


def _layer_outputs(spec: LayerSpec, shapes: tuple,
                   kwargs: dict) -> tuple[tuple | None, tuple, ShapeError | None]:
    """(output shapes, weights, None), or (None, (), the reason it cannot take `shapes`)."""
    definition = get(spec.class_name)
    count = len(shapes)
    if count < definition.min_inputs or (definition.max_inputs and count > definition.max_inputs):
        want = definition.min_inputs if definition.max_inputs == definition.min_inputs else \
            f"at least {definition.min_inputs}"
        return None, (), ShapeError(f"{spec.class_name} takes {want} input(s), got {count}",
                                    kind="inputs")
    if spec.wrapped is None and spec.backward is None:  # all but the wrappers: their
        # call without the two keywords costs ~2,000 instructions less a layer
        call = LayerCall(spec.class_name, kwargs, shapes)
    else:
        call = LayerCall(spec.class_name, kwargs, shapes, wrapped=_inner_call(spec.wrapped),
                         backward=_inner_call(spec.backward))
    try:
        inferred = definition.infer(call)
    except ShapeError as error:
        return None, (), error
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError,
            OverflowError) as exc:
        # an argument value the inference could not use: report it, never crash
        return None, (), ShapeError(f"{spec.class_name} cannot use its arguments on input "
                                    f"{', '.join(format_shape(s) for s in shapes)}: {exc}",
                                    kind="value")
    return tuple(inferred.outputs), inferred.weights, None


# InputSpec.origin of a Sequential model written without an input shape (see
# spec.build.deferred_input): Keras builds it when `fit` first sees the data.
DEFERRED = "deferred"


def infer_shapes(model: ModelSpec) -> InferredModel:
    """Every layer's output shapes and weights, in dependency order."""
    nodes: dict[str, LayerResult] = {}
    # one loop over the inputs, not three any() generators (~7,700 instructions a file)
    deferred = unshaped = strings = False
    for inp in model.inputs:
        if inp.origin == DEFERRED:
            deferred = True
            unshaped = unshaped or not inp.shape
        strings = strings or inp.dtype == STRING  # a deferred shape below keeps its dtype
    if unshaped:
        # from here on the input has the shape Keras would build it with
        model = replace(model, inputs=tuple(
            replace(inp, shape=_deferred_shape(model, inp.name, inp.batch_size)[1:])
            if inp.origin == DEFERRED and not inp.shape else inp for inp in model.inputs))
    for inp in model.inputs:
        shape = (inp.batch_size,) + tuple(inp.shape)
        nodes[inp.name] = LayerResult(name=inp.name, class_name="InputLayer", spec=None,
                                      output_shapes=(shape,))
    for spec in dependency_order(model):
        shapes = _input_shapes(spec, nodes)
        result = None if shapes is None else infer_layer(spec, shapes)
        if strings and result is not None and result.error is None:
            refused = string_input_error(spec, model)  # Keras builds it, then fails to run
            if refused is not None:
                result = replace(result, output_shapes=None, weights=(), error=refused)
        if result is not None and deferred and _needs_a_size_keras_learns_at_fit(result):
            result = _infer_with_sizes_learned_at_fit(spec, shapes)
        if result is not None and spec.shares is not None:  # built at the layer's own item
            result = shared_call(result, nodes[spec.shares])
        if result is None:  # an input failed, or a size it needs stays unknown: skipped
            result = LayerResult(name=spec.name, class_name=spec.class_name,
                                 spec=spec, inbound=spec.inbound, skipped=True,
                                 kwargs=_merged_kwargs(spec))
        nodes[spec.name] = result
    return InferredModel(model, nodes, tuple(n for n in nodes.values() if n.spec is not None))


def _deferred_shape(model: ModelSpec, name: str, batch_size: int | None) -> tuple:
    """The unknown input of a model written without an input shape, as Keras builds it
    at `fit`: every size None, of the rank the first layer takes (Embedding: (None,
    None), LSTM: (None, None, None))."""
    consumer = next((spec for spec in model.layers if name in spec.inbound), None)
    for rank in range(2, 7):
        shape = (batch_size,) + (None,) * (rank - 1)
        if consumer is None:
            return shape
        _, _, error = _layer_outputs(consumer, (shape,), _merged_kwargs(consumer))
        if error is None or error.kind != "rank":
            return shape
    return (batch_size, None)


# Two sizes no model uses, each standing in for a size Keras learns only at `fit`.
_STAND_INS = (7919, 7927)


def _infer_with_sizes_learned_at_fit(spec: LayerSpec, shapes: tuple) -> LayerResult | None:
    """A layer that needs a size its input leaves unknown (an LSTM on a model written
    without an input shape), inferred twice with a different stand-in for every unknown
    size: an output size or a weight count that is the same both times does not depend
    on the unknown sizes, so it is what Keras will build; the rest stays unknown. None
    when the layer cannot take its input whatever the sizes."""
    first, second = (infer_layer(spec, tuple(_filled(shape, size) for shape in shapes))
                     for size in _STAND_INS)
    if first.error is not None or second.error is not None:
        return None
    outputs = tuple(tuple(a if a == b else None for a, b in zip(one, other))
                    for one, other in zip(first.output_shapes, second.output_shapes))
    known = first.weights == second.weights
    return replace(first, input_shapes=shapes, output_shapes=outputs,
                   weights=first.weights if known else (), params_unknown=not known)


def _filled(shape: tuple, size: int) -> tuple:
    return shape[:1] + tuple(size if dim is None else dim for dim in shape[1:])


def _needs_a_size_keras_learns_at_fit(result: LayerResult) -> bool:
    return result.error is not None and result.error.kind == "size" and \
        any(None in shape[1:] for shape in result.input_shapes)


def _input_shapes(spec: LayerSpec, nodes: dict) -> tuple | None:
    """The shapes `spec` gets from what it consumes, in order; None when one of those
    failed. (A plain loop: the comprehensions it replaces cost ~7,000 instructions more
    a layer.)"""
    shapes: tuple = ()
    for name in spec.inbound:
        made = nodes[name].output_shapes
        if made is None:
            return None
        shapes += made
    return shapes
