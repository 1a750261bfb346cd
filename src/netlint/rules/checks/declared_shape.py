"""Each shape inference took on trust from the file (layers.declared): what a Lambda,
a custom layer or a keras.ops node declares as its output, not what netlint worked
out. Said as an info, with how to check it once in Keras."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.model.graph import LayerSpec
from netlint.layers.declared import SHAPE_KEY, is_declared, is_ops
from netlint.rules.facts import format_shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _what(spec: LayerSpec) -> str:
    if is_ops(spec.class_name):
        return f"keras.{spec.class_name} '{spec.name}'"
    kind = "" if spec.class_name == "Lambda" else "custom layer "
    return f"{kind}{spec.class_name} '{spec.name}'"


def _how_to_check(spec: LayerSpec, name: str) -> str:
    if is_ops(spec.class_name):
        return f"check it once in Keras: the shape of the tensor keras.{spec.class_name} " \
               "returns there"
    return f"check it once in Keras: model.get_layer({name!r}).output.shape"


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.layers:
        spec = node.spec
        inner = spec.wrapped if spec.wrapped is not None and is_declared(
            spec.wrapped.class_name) else spec
        if node.output_shapes is None or not is_declared(inner.class_name):
            continue
        shapes = node.output_shapes if spec is inner else ()
        made = f", output shape {format_shape(shapes[0] if len(shapes) == 1 else shapes)}" \
            if shapes else ""
        count = f", {node.params:,} parameter(s)" if node.params and spec is inner else ""
        inside = "" if spec is inner else f" inside '{spec.name}'"
        yield ctx.report(
            f"netlint takes on trust what {_what(inner)}{inside} declares{made}{count}: it "
            "cannot see the code that computes it", inner.kwarg_position(SHAPE_KEY),
            fix=_how_to_check(inner, node.name), layer=node.name)
