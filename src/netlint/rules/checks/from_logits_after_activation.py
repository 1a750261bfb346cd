"""from_logits: true makes the loss apply softmax/sigmoid itself: a second time."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.heads import heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        loss, act = head.loss, head.act
        if loss is None or not loss.from_logits or act not in ("softmax", "sigmoid"):
            continue
        yield ctx.report(f"from_logits: true tells {loss.written} that output "
                         f"'{head.output}' is raw scores, but '{head.layer_name}' already "
                         f"applies {act}: the loss applies it a second time",
                         loss.from_logits_position or loss.position,
                         fix=f"remove the {act} (keep from_logits: true), or set "
                         "from_logits: false", layer=head.output)
