"""NL603, NL605: regularizers and initializers as written in the layers' arguments.

Both read Keras identifiers in either spelling: a name (`l2`, `zeros`) or a
class with its config (`{L2: {l2: 0.1}}`, `{RandomNormal: {stddev: 2.0}}`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from netlint.findings import Finding
from netlint.rules.engine import Context, rule
from netlint.rules.facts import activation_name, file_specs, fmt_number

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

# Keras 3's default coefficient for a regularizer given by name (`kernel_regularizer: l2`)
DEFAULT_FACTOR = 0.01
CONSTANT_INITIALIZERS = frozenset({"zeros", "zero", "ones", "one", "constant"})
WEIGHT_INITIALIZERS = ("kernel_initializer", "recurrent_initializer", "depthwise_initializer",
                       "pointwise_initializer", "embeddings_initializer")


def _identifier(value: Any) -> tuple[str, dict] | None:
    """(snake_case name, config) of a Keras identifier written as a name or a class."""
    if isinstance(value, str):
        return activation_name(value), {}
    if isinstance(value, dict) and len(value) == 1:
        (name, config), = value.items()
        if isinstance(name, str):
            return activation_name(name), config if isinstance(config, dict) else {"value": config}
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def regularizer_factors(value: Any) -> list[tuple[str, float]]:
    """(l1|l2, coefficient) pairs of a regularizer argument."""
    found = _identifier(value)
    if found is None:
        return []
    name, config = found
    kinds = {"l1": ("l1",), "l2": ("l2",), "l1l2": ("l1", "l2"), "l1_l2": ("l1", "l2")}.get(name)
    if kinds is None:
        return []
    factors = []
    for kind in kinds:
        given = _number(config.get(kind, config.get("value")))
        factors.append((kind, DEFAULT_FACTOR if given is None and not config else given or 0.0))
    return factors


@rule("NL603", "heavy-regularization", "warning", "an L1/L2 coefficient of 0.1 or more",
      options={"max_factor": 0.1})
def heavy_regularization(ctx: Context) -> Iterator[Finding]:
    """A penalty of 0.1 x sum of squared weights outweighs a typical loss: the weights are
    pushed to zero and the model underfits. 1e-4 to 1e-3 is the usual range."""
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


def _initializer_problem(value: Any, max_stddev: float) -> str | None:
    found = _identifier(value)
    if found is None:
        return None
    name, config = found
    if name in CONSTANT_INITIALIZERS:
        return f"{name} starts every weight equal: the units compute the same thing, get " \
               f"the same gradient and never become different"
    stddev = None
    if name in ("random_normal", "truncated_normal", "normal"):
        stddev = _number(config.get("stddev"))
    elif name in ("random_uniform", "uniform"):
        low, high = _number(config.get("minval")), _number(config.get("maxval"))
        if low is not None and high is not None:
            stddev = (high - low) / math.sqrt(12)
    if stddev is not None and stddev >= max_stddev:
        return f"{name} with a spread of {fmt_number(round(stddev, 3))} (stddev): " \
               f"activations grow layer by layer and saturate"
    return None


@rule("NL605", "poor-weight-init", "warning",
      "a constant/zero kernel initializer, or a random one with stddev >= 1",
      options={"max_stddev": 1.0})
def poor_weight_init(ctx: Context) -> Iterator[Finding]:
    """Equal starting weights never break their symmetry; huge ones saturate tanh/sigmoid
    and explode ReLU stacks. Biases starting at zero are fine and not checked."""
    limit = float(ctx.options.get("max_stddev", 1.0))
    for spec in file_specs(ctx):
        for key in WEIGHT_INITIALIZERS:
            if key not in spec.kwargs:
                continue
            problem = _initializer_problem(spec.kwargs[key], limit)
            if problem is None:
                continue
            # an output layer's units each meet their own target, so equal starting
            # weights drift apart at once: zeros there is a known technique (a head
            # that starts neutral), worth an info, not a warning
            name = _identifier(spec.kwargs[key])[0]
            head = spec.name in ctx.model.outputs and name in CONSTANT_INITIALIZERS
            if head:
                problem = (f"{name} starts the output layer's weights equal: each unit "
                           "meets its own target, so they drift apart, but the model's "
                           "first predictions ignore its input (fine if a neutral start is "
                           "meant)")
            yield ctx.report(f"{spec.class_name} '{spec.name}' {key}: {problem}",
                             spec.kwarg_positions.get(key) or spec.position,
                             fix=f"remove {key} (Keras's default is well scaled) or use "
                             "he_normal before relu", layer=spec.name,
                             severity="info" if head else None)
