"""Rules the engine itself produces rather than a rule family.

NL001-NL004 come from the loader (the file cannot be read as a model), and NL903
(a number PyYAML reads otherwise) from the YAML reader; they are
registered here so that they have cards, can be selected, ignored and
suppressed like any rule, and appear in `netlint rules`. NL105 reports the
shape errors inference recorded; NL010 reports suppressions that suppress
nothing (see suppress.py). NL113 notes each shape inference took on trust from
the file (layers.declared): what the file declared, not what netlint worked out.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.findings import LOADER_CODES, LOADER_SEVERITIES, Finding
from netlint.layers.base import format_shape
from netlint.layers.declared import SHAPE_KEY, is_declared, is_ops
from netlint.rules.engine import GENERIC_SHAPE_CODE, Context, rule
from netlint.rules.suppress import UNUSED_SUPPRESSION

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from netlint.graph import LayerSpec

_LOADER_SUMMARIES = {
    "NL001": "the file is not valid YAML or breaks the model schema",
    "NL002": "a layer class name Keras 3 does not have",
    "NL003": "a keyword argument the layer does not take",
    "NL004": "`from:`/`outputs:` names nothing, or the layers form a cycle",
    "NL903": "a number YAML 1.1 readers (PyYAML) read otherwise: 1e-3, 010, 2:30, 1_000",
}


def _reported_by_loader(ctx: Context) -> Iterator[Finding]:
    """The loader already made these findings; running the rule adds nothing."""
    return iter(())


for _code, _name in sorted(LOADER_CODES.items()):
    rule(_code, _name, LOADER_SEVERITIES.get(_code, "error"),
         _LOADER_SUMMARIES[_code])(_reported_by_loader)


@rule(UNUSED_SUPPRESSION, "unused-suppression", "warning",
      "a `# netlint: disable` comment that suppresses nothing (or names no rule)")
def unused_suppression(ctx: Context) -> Iterator[Finding]:
    """Made by the suppression pass, which alone knows what each comment matched."""
    return iter(())


@rule(GENERIC_SHAPE_CODE, "incompatible-shape", "error",
      "a layer cannot take the shape it receives (rank, kernel larger than input, sizes)")
def incompatible_shape(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.errors:
        spec = node.spec
        yield ctx.report(node.error_message(),
                         spec.position if spec else None, fix=node.error.fix, layer=node.name)


@rule("NL113", "declared-shape", "info",
      "a Lambda, custom layer or keras.ops node whose declared output_shape netlint takes "
      "on trust")
def declared_shape(ctx: Context) -> Iterator[Finding]:
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
