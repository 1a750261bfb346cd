"""One layer of the spec as a Keras 3 constructor call (its GPU notes: gpu_code.py).

The loader has already normalised Keras 1/2 spellings, so `LayerSpec.class_name`
and `.kwargs` are Keras 3's. What is left to do here: drop the Keras 2 input
arguments (they became the `keras.Input`), build wrapped layers inline, turn
`{RandomNormal: {stddev: 0.05}}` into `keras.initializers.RandomNormal(...)`,
and give every layer its netlint name, so the built model's names match
`netlint summary`.
"""

from __future__ import annotations

from netlint.codegen.emitter import Call, ExportError, Expr, Seq, call_kw, literal, quoted
from netlint import vocabulary
from netlint.model.graph import LayerSpec
from netlint.layers import registry
from netlint.layers.base import ShapeError, owns_input_dim
from netlint.layers.inner_items import written_item

# Keras 2 first-layer arguments that the loader turned into the model input; Keras 3
# rejects batch_input_shape/batch_size on a layer and ignores input_shape/input_dim.
INPUT_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")

# kwarg suffix -> (Keras module, the names it accepts as `{ClassName: {...}}`)
CONFIG_KINDS = {
    "_initializer": ("keras.initializers", vocabulary.classes("initializer")),
    "_regularizer": ("keras.regularizers", vocabulary.classes("regularizer")),
    "_constraint": ("keras.constraints", vocabulary.classes("constraint")),
}

# Arguments a Keras constructor takes as a tuple and refuses as a list, where YAML has
# only lists: TextVectorization checks `isinstance(ngrams, tuple)`. (Their from_config
# turns a list back into the tuple, so the keras-json export needs nothing.)
TUPLE_ARGUMENTS = frozenset({("TextVectorization", "ngrams")})
# Arguments that hold a layer item or a list of them, wherever a class takes them.
HOLDS_LAYERS = ("layer", "backward_layer", "cell", "cells", "layers")


def config_object(value: object, module: str, known: tuple) -> Expr:
    """`{ClassName: {kwargs}}` as `module.ClassName(**kwargs)`; other values as literals.

    Only class names Keras documents (`known`, CamelCase) become code; any other
    single-key mapping is written as Keras's own `{'class_name': ..., 'config': ...}`
    form, which Keras resolves (or rejects) itself.
    """
    if not (isinstance(value, dict) and len(value) == 1):
        return literal(value)
    (class_name, kwargs), = value.items()
    kwargs = {} if kwargs is None else kwargs
    if not isinstance(kwargs, dict):
        raise ExportError(f"{quoted(class_name)} takes its arguments as a mapping, got "
                          f"{quoted(kwargs)}")
    if class_name in known and class_name[:1].isupper():
        return call_kw(f"{module}.{class_name}", [(k, value_expr(k, v)) for k, v in
                                                  kwargs.items()])
    return literal({"class_name": class_name, "config": kwargs})


def value_expr(key: str, value: object) -> Expr:
    """A kwarg value as code: initializers/regularizers/constraints as objects, else literal."""
    for suffix, (module, known) in CONFIG_KINDS.items():
        if key.endswith(suffix):
            return config_object(value, module, known)
    return literal(value)


def layer_kwargs(spec: LayerSpec, extra: dict | None = None) -> list:
    """(keyword, value) pairs Keras 3 takes, in the order the file gives them.

    `extra` (our own settings, e.g. a float32 dtype for an output under mixed
    precision) also reaches a wrapped layer, which computes the wrapper's output.
    """
    pairs = []
    for key, value in spec.kwargs.items():
        if key in INPUT_KWARGS and not (key == "input_dim" and owns_input_dim(spec.class_name)):
            continue
        if key == "layer" and spec.wrapped is not None:
            pairs.append((key, layer_expr(spec.wrapped, extra)))
        elif key == "backward_layer" and spec.backward is not None:
            pairs.append((key, layer_expr(spec.backward, extra)))
        elif key == "cell" and spec.wrapped is not None:
            # a list of cells was read as the StackedRNNCells Keras makes of it
            pairs.append((key, layer_expr(spec.wrapped, extra)))
        elif key == "cells" and spec.cells:
            pairs.append((key, Seq("list", tuple(layer_expr(c, extra) for c in spec.cells))))
        elif key == "layers" and spec.class_name == "Pipeline" and isinstance(value, list):
            pairs.append((key, pipeline_layers(spec, value, extra)))
        else:
            pairs.append((key, argument_expr(spec.class_name, key, value)))
    return pairs


def argument_expr(class_name: str, key: str, value: object) -> Expr:
    """One argument's value as code, a tuple where the constructor refuses a list."""
    if (class_name, key) in TUPLE_ARGUMENTS and isinstance(value, list):
        return literal(tuple(value))
    return value_expr(key, value)


def pipeline_layers(spec: LayerSpec, items: list, extra: dict | None) -> Seq:
    """Pipeline's `layers:` as a list of constructor calls. The loader's own reading of
    them (`spec.cells`, named as Keras names them) is used when it made one; else each
    item as written, which Keras names. `extra` (an output's float32 dtype) goes to the
    last layer, which makes the Pipeline's output: Pipeline itself takes no dtype."""
    last = len(items) - 1
    if spec.cells:
        return Seq("list", tuple(layer_expr(c, extra if i == last else None)
                                 for i, c in enumerate(spec.cells)))
    return Seq("list", tuple(item_expr(item, extra if i == last else None)
                             for i, item in enumerate(items)))


def holds_layers(definition: object, key: str, value: object) -> bool:
    """Whether the argument holds layer items (TimeDistributed's `layer:`, RNN's `cell:`
    or a list of cells, Pipeline's `layers:`), to write as layers in turn."""
    return key in HOLDS_LAYERS and key in definition.params and \
        isinstance(value, (dict, str, list))


def written(item: object) -> tuple:
    """(registry entry, arguments) of a layer item written inside an argument."""
    try:
        return written_item(item, "a layer's argument")
    except ShapeError as problem:
        raise ExportError(problem.message) from None


def item_expr(item: object, extra: dict | None = None) -> Call:
    """A layer item as written inside an argument, `{Rescaling: {scale: 0.5}}`, as
    `keras.layers.Rescaling(scale=0.5)`; the layers it holds in turn, the same way."""
    definition, kwargs = written(item)
    pairs = []
    for key, value in kwargs.items():
        if not holds_layers(definition, key, value):
            pairs.append((key, argument_expr(definition.name, key, value)))
        elif isinstance(value, list):
            pairs.append((key, Seq("list", tuple(item_expr(v) for v in value))))
        else:
            pairs.append((key, item_expr(value)))
    pairs += [(key, literal(value)) for key, value in (extra or {}).items()
              if key not in kwargs and key in definition.all_params]
    return call_kw(f"keras.layers.{definition.name}", pairs)


def layer_expr(spec: LayerSpec, extra: dict | None = None) -> Call:
    """`keras.layers.Class(kwargs..., name=...)`; `extra` adds our own kwargs (dtype)."""
    definition = registry.get(spec.class_name)
    if definition is None:  # the loader only builds LayerSpecs of registered classes
        raise ExportError(f"Keras 3 has no layer {quoted(spec.class_name)}")
    pairs = layer_kwargs(spec, extra)
    for key, value in (extra or {}).items():
        # not to a class that takes no such argument (Pipeline has no dtype)
        if key not in spec.kwargs and key in definition.all_params:
            pairs.append((key, literal(value)))
    pairs.append(("name", literal(spec.name)))
    return call_kw(f"keras.layers.{definition.name}", pairs)

