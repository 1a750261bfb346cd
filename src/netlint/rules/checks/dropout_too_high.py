"""Keras's rate is the fraction *dropped* (Keras 1's `p` and some tutorials meant the
fraction kept): above 0.5 the next layer sees too little of its input to learn.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.model.graph import LayerSpec
from netlint.rules.facts import file_specs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


DROPOUT_CLASSES = frozenset({"Dropout", "SpatialDropout1D", "SpatialDropout2D",
                             "SpatialDropout3D", "AlphaDropout", "GaussianDropout"})


def _rates(spec: LayerSpec) -> Iterator[tuple[str, float]]:
    keys = ("rate",) if spec.class_name in DROPOUT_CLASSES else ("dropout", "recurrent_dropout")
    for key in keys:
        value = spec.kwargs.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield key, float(value)


def check(ctx: Context) -> Iterator[Finding]:
    limit = float(ctx.options.get("max_rate", 0.5))
    for spec in file_specs(ctx):
        for key, rate in _rates(spec):
            if rate <= limit:
                continue
            yield ctx.report(f"{spec.class_name} '{spec.name}' drops {rate:.0%} of its "
                             f"inputs while training ({key}: {rate:g})",
                             spec.kwarg_positions.get(key) or spec.position,
                             fix=f"use {key} <= {limit:g} (0.1-0.5 is usual); the rate is the "
                             "fraction dropped, not kept", layer=spec.name)
