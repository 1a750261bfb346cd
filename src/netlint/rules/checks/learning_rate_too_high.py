"""Seed 001: `Adam(lr=0.2)`, 200 times Adam's default. Adaptive optimizers scale each
step to about the learning rate, so 0.2 moves every weight by ~0.2 per batch: the loss
jumps about or the units die instead of converging.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import fmt_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


# Keras 3's default learning rate per optimizer (its own lower-case registry names).
DEFAULT_RATES = {
    "adam": 0.001, "adamw": 0.001, "adamax": 0.001, "nadam": 0.001, "rmsprop": 0.001,
    "adagrad": 0.001, "adafactor": 0.001, "ftrl": 0.001, "lion": 0.001, "muon": 0.001,
    "adadelta": 0.001, "sgd": 0.01,
}
# Plain gradient steps: no per-parameter scaling, so much larger rates are normal
# (Adadelta's paper rate is 1.0).
PLAIN_STEP = frozenset({"sgd", "adadelta"})


def _optimizer(ctx: Context) -> tuple[str, str, dict] | None:
    """(written name, registry name, kwargs) of `compile.optimizer` written with arguments."""
    from netlint.layers.vocab import OPTIMIZER_CLASSES

    section = ctx.model.compile
    value = section.get("optimizer") if section is not None else None
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (written, kwargs), = value.items()
    if not isinstance(written, str) or not isinstance(kwargs, dict):
        return None
    return written, OPTIMIZER_CLASSES.get(written, written.lower()), kwargs


def _rate_position(ctx: Context, written: str):
    section = ctx.model.compile
    for old, new, path in section.legacy:  # `lr:` was renamed to learning_rate on load
        if new == "learning_rate":
            return section.position_of(*path)
    return section.position_of("optimizer", written, "learning_rate")


def check(ctx: Context) -> Iterator[Finding]:
    found = _optimizer(ctx)
    if found is None:
        return
    written, name, kwargs = found
    rate = kwargs.get("learning_rate")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or name not in DEFAULT_RATES:
        return
    plain = name in PLAIN_STEP
    limit = float(ctx.options.get("sgd_max" if plain else "adaptive_max", 1.0 if plain else 0.01))
    if rate <= limit:
        return
    default = DEFAULT_RATES[name]
    kind = "plain gradient steps" if plain else "adaptive optimizers"
    yield ctx.report(f"{written} with learning_rate {fmt_number(rate)}, "
                     f"{fmt_number(rate / default)} times its default {fmt_number(default)}: "
                     f"{kind} above {fmt_number(limit)} tend to diverge or stall",
                     _rate_position(ctx, written),
                     fix=f"start from learning_rate: {fmt_number(default)} and tune from there")
