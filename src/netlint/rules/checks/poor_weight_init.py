"""Equal starting weights never break their symmetry; huge ones saturate tanh/sigmoid
and explode ReLU stacks. Biases starting at zero are fine and not checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import file_specs, fmt_number
from netlint.rules.keras_identifiers import keras_identifier, plain_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context
    from typing import Any


CONSTANT_INITIALIZERS = frozenset({"zeros", "zero", "ones", "one", "constant"})
WEIGHT_INITIALIZERS = ("kernel_initializer", "recurrent_initializer", "depthwise_initializer",
                       "pointwise_initializer", "embeddings_initializer")


def _initializer_problem(value: Any, max_stddev: float) -> str | None:
    found = keras_identifier(value)
    if found is None:
        return None
    name, config = found
    if name in CONSTANT_INITIALIZERS:
        return f"{name} starts every weight equal: the units compute the same thing, get " \
               f"the same gradient and never become different"
    stddev = None
    if name in ("random_normal", "truncated_normal", "normal"):
        stddev = plain_number(config.get("stddev"))
    elif name in ("random_uniform", "uniform"):
        low, high = plain_number(config.get("minval")), plain_number(config.get("maxval"))
        if low is not None and high is not None:
            stddev = (high - low) / math.sqrt(12)
    if stddev is not None and stddev >= max_stddev:
        return f"{name} with a spread of {fmt_number(round(stddev, 3))} (stddev): " \
               f"activations grow layer by layer and saturate"
    return None


def check(ctx: Context) -> Iterator[Finding]:
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
            name = keras_identifier(spec.kwargs[key])[0]
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
