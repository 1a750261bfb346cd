"""Layers whose maths netlint cannot know, taken on trust: Lambda, custom classes, keras.ops.

A `Lambda` holds Python code, a custom class (ConvNeXt's `LayerScale`, your own
`MyLayer`) code Keras does not ship, and a keras.ops node (`x + 3.0` on a Keras
tensor, recorded as `Add` from `keras.src.ops.numpy`) a computation that is no
layer at all. The file says what each makes, in Keras's own terms: Lambda's
argument `output_shape` (per-sample, batch excluded, as Keras's Lambda reads it;
a list of shapes for several outputs) and, on a custom class, `params:` (its
parameter count). Inference takes both on trust and goes on through the layer;
the input it receives cannot be checked against anything.

Forms (see `spec.layer_items`):

    - Lambda: {output_shape: [7, 7, 1280]}            # keras.layers.Lambda
    - LayerScale: {output_shape: [56, 56, 96], params: 96, projection_dim: 96}
    - ops.add: {output_shape: [1, 1, 16]}              # keras.ops.add(x, 3.0)

Lambda is a registered class like any other. Custom classes and ops are not (the
registry lists what Keras has): `definition()` gives them `CUSTOM`.
"""

from __future__ import annotations

import re

from netlint.layers.base import (
    REGISTRY,
    REQUIRED,
    Inferred,
    LayerCall,
    LayerDef,
    ShapeError,
    Weight,
)
from netlint.layers.registry import register
from netlint.layers import registry
from netlint.plumbing.records import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FAMILY = "declared"
# keras.ops nodes are written `ops.<function>`: `ops.add` is keras.ops.add, whose node
# Keras names `add` (its class Add, snake-cased) like a layer.Add, from the same counter
OPS_PREFIX = "ops."
OPS_NAME = re.compile(r"^ops\.[a-z][a-z0-9_]*$")
# a class name a custom layer may have (a Python identifier)
CUSTOM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SHAPE_KEY = "output_shape"
PARAMS_KEY = "params"
# what a file must add when netlint cannot know a shape
DECLARE_HINT = "declare what it makes: `output_shape: [...]`, the per-sample shape (batch " \
               "excluded) Keras gives its output"


def _declared(call: LayerCall) -> Inferred:
    """The declared output shape(s), with the first input's batch, and the declared
    parameter count as one weight (trainable unless the layer is frozen)."""
    value = call.kwargs.get(SHAPE_KEY)
    shapes = declared_shapes(value)
    if shapes is None:
        if value is None:
            raise ShapeError("netlint cannot see what its code computes, so the shape it "
                             "makes is unknown", kind="value", fix=DECLARE_HINT)
        raise ShapeError(f"output_shape must be a per-sample shape or a list of them, got "
                         f"{value!r}", kind="value", fix=DECLARE_HINT)
    batch = call.input_shapes[0][0] if call.input_shapes and call.input_shapes[0] else None
    outputs = tuple((batch,) + shape for shape in shapes)
    count = call.kwargs.get(PARAMS_KEY)
    weights = (Weight("declared", (count,)),) if _is_count(count) and count > 0 else ()
    if len(outputs) == 1:
        return Inferred(outputs[0], weights)
    return Inferred(outputs, weights, multi_output=True)


@register("Lambda", family=FAMILY, max_inputs=None,
          params={"function": REQUIRED, "output_shape": None, "mask": None,
                  "arguments": None},
          doc="Python code as a layer: netlint takes its declared output_shape on trust")
def lambda_layer(call: LayerCall) -> Inferred:
    return _declared(call)


# `function` is the code itself, which a YAML file cannot hold: Keras requires it, a
# model file never gives it (the signature test still sees Keras's REQUIRED default)
REGISTRY["Lambda"] = replace(REGISTRY["Lambda"], required=())

# What inference uses for a custom class or an ops node: any number of inputs, no
# arguments of its own to merge (the ones written are kept as they are).
CUSTOM = LayerDef(name="custom", params={}, infer=_declared, family=FAMILY, max_inputs=None,
                  base_params=False,
                  doc="a layer class Keras does not ship, or a keras.ops node, taken on trust")


def definition(class_name: str) -> LayerDef:
    """The registered class, or CUSTOM: the loader makes a LayerSpec of an unregistered
    class only for a declared custom layer or ops node."""
    return registry.get(class_name) or CUSTOM


def is_ops(class_name: str) -> bool:
    return class_name.startswith(OPS_PREFIX)


def is_declared(class_name: str) -> bool:
    """A layer whose output netlint takes on trust (or cannot know, for a Lambda without
    output_shape)."""
    found = registry.get(class_name)
    return found is None or found.family == FAMILY


def name_prefix(class_name: str) -> str:
    """The class Keras's default name comes from: `ops.add` is named like `Add`."""
    return class_name[len(OPS_PREFIX):] if is_ops(class_name) else class_name


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# as many axes as `input: {shape: ...}` takes (the schema's SHAPE)
MAX_AXES = 8


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) <= MAX_AXES and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in value)


def declared_shapes(value: Any) -> tuple | None:
    """The per-sample shapes `output_shape` declares, one per output; None when it is
    neither a shape ([7, 7, 1280]) nor a non-empty list of shapes ([[4], [4, 2]])."""
    if not isinstance(value, (list, tuple)):
        return None
    if value and all(isinstance(item, (list, tuple)) for item in value):
        return tuple(tuple(item) for item in value) if all(map(_is_shape, value)) else None
    return (tuple(value),) if _is_shape(value) else None


def declaration_problems(class_name: str, kwargs: dict) -> list[tuple[str | None, str]]:
    """(argument, message) for each way a custom or ops item's declaration is wrong;
    argument None: the item as a whole."""
    problems: list[tuple[str | None, str]] = []
    if is_ops(class_name) and not OPS_NAME.match(class_name):
        problems.append((None, f"'{class_name}': a keras.ops function is written ops.<name>, "
                               "its name as keras.ops spells it (ops.add, ops.multiply)"))
    elif not is_ops(class_name) and not CUSTOM_NAME.match(class_name):
        problems.append((None, f"'{class_name}' cannot be a layer class: a class name is a "
                               "Python identifier"))
    if "from" in kwargs:  # no Python class takes an argument named `from`
        problems.append(("from", "`from:` belongs to the item, beside the class name, not "
                                 "among its arguments: `- {Mix: {...}, from: [a, b]}`"))
    if SHAPE_KEY not in kwargs:
        problems.append((None, f"{class_name} needs output_shape: netlint cannot see its "
                               "code; " + DECLARE_HINT))
    elif declared_shapes(kwargs[SHAPE_KEY]) is None:
        problems.append((SHAPE_KEY, f"output_shape must be a per-sample shape such as [7, 7, "
                                    f"1280] (null: any size), or a list of them for several "
                                    f"outputs; got {kwargs[SHAPE_KEY]!r}"))
    if PARAMS_KEY in kwargs and is_ops(class_name):
        problems.append((PARAMS_KEY, f"keras.{class_name} has no weights: it takes no "
                                     "params"))
    elif PARAMS_KEY in kwargs and not _is_count(kwargs[PARAMS_KEY]):
        problems.append((PARAMS_KEY, f"params is the layer's parameter count, a whole number "
                                     f"of at least 0; got {kwargs[PARAMS_KEY]!r}"))
    return problems
