"""The shape errors inference recorded, one per layer that cannot take its input, as
they are. The engine drops this finding for a layer that a more specific rule has
already explained at error level (engine.drop_explained_shape_errors)."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.findings import Finding

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.errors:
        spec = node.spec
        yield ctx.report(node.error_message(),
                         spec.position if spec else None, fix=node.error.fix, layer=node.name)
