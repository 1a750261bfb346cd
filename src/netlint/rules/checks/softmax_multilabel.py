"""Softmax outputs sum to 1, so two true labels can each get at most 0.5."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import has_data
from netlint.rules.heads import heads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        if head.act != "softmax" or head.labels is None \
                or head.labels.label_encoding != "multi-hot":
            continue
        yield ctx.report(f"'{head.layer_name}' ends in softmax, so its {head.units} outputs "
                         f"compete (they sum to 1), but {head.labels.label} is multi-hot: "
                         f"several labels per sample", head.where_activation,
                         fix="use activation: sigmoid with binary_crossentropy",
                         layer=head.layer_name)
