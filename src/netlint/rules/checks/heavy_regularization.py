"""A penalty of 0.1 x sum of squared weights outweighs a typical loss: the weights are
pushed to zero and the model underfits. 1e-4 to 1e-3 is the usual range.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import file_specs, fmt_number
from netlint.rules.keras_identifiers import keras_identifier, plain_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context
    from typing import Any


# Keras 3's default coefficient for a regularizer given by name (`kernel_regularizer: l2`)
DEFAULT_FACTOR = 0.01


def regularizer_factors(value: Any) -> list[tuple[str, float]]:
    """(l1|l2, coefficient) pairs of a regularizer argument."""
    found = keras_identifier(value)
    if found is None:
        return []
    name, config = found
    kinds = {"l1": ("l1",), "l2": ("l2",), "l1l2": ("l1", "l2"), "l1_l2": ("l1", "l2")}.get(name)
    if kinds is None:
        return []
    factors = []
    for kind in kinds:
        given = plain_number(config.get(kind, config.get("value")))
        factors.append((kind, DEFAULT_FACTOR if given is None and not config else given or 0.0))
    return factors


def check(ctx: Context) -> Iterator[Finding]:
    limit = float(ctx.options.get("max_factor", 0.1))
    for spec in file_specs(ctx):
        for key, value in spec.kwargs.items():
            if not key.endswith("_regularizer"):
                continue
            heavy = [(kind, f) for kind, f in regularizer_factors(value) if f >= limit]
            if not heavy:
                continue
            kind, factor = max(heavy, key=lambda pair: pair[1])
            yield ctx.report(f"{spec.class_name} '{spec.name}' has {key} with {kind} "
                             f"{fmt_number(factor)}: the penalty outweighs the loss and drives "
                             f"the weights to zero",
                             spec.kwarg_positions.get(key) or spec.position,
                             fix=f"use {kind} around 1e-4 to 1e-3", layer=spec.name)
