"""The shape errors inference recorded, one per layer that cannot take its input, as
they are: the one place NL105 findings are made. The engine drops this finding for a
layer that a more specific rule has already explained at error level
(engine.drop_explained_shape_errors)."""

from __future__ import annotations

from netlint.model.findings import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.layers.inference import InferredModel
    from netlint.rules.engine import Context

GENERIC_SHAPE_CODE = "NL105"
NAME = "incompatible-shape"  # the card's name (rules/NL105.yaml)


def shape_findings(inferred: InferredModel, path: str, *, name: str = NAME,
                   severity: str = "error") -> list[Finding]:
    """Layers that cannot take their input, as NL105 findings (the card's name and
    severity unless the registered rule says otherwise)."""
    out = []
    for node in inferred.errors:
        spec = node.spec
        out.append(Finding(code=GENERIC_SHAPE_CODE, name=name, severity=severity,
                           message=node.error_message(),
                           path=path, position=spec.position if spec else None,
                           fix=node.error.fix, layer=node.name))
    return out


def check(ctx: Context) -> list[Finding]:
    return shape_findings(ctx.inferred, ctx.path, name=ctx.rule.name,
                          severity=ctx.rule.severity)
