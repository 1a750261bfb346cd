"""The `compile:` section as rules read it: each output's loss, the metrics, and the
canonical names Keras resolves them to. Shared by the rules; no rule logic lives here.
"""

from __future__ import annotations

import functools

from netlint import vocabulary
from netlint.model.graph import ModelSpec, Position
from netlint.plumbing.records import record
from netlint.rules.facts import snake_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LOSS_ALIASES = {
    "mse": "mean_squared_error", "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
    "bce": "binary_crossentropy", "kld": "kl_divergence", "logcosh": "log_cosh",
    "kullback_leibler_divergence": "kl_divergence",
}
BINARY_CE = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})
CATEGORICAL_CE = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
SPARSE_CE = frozenset({"sparse_categorical_crossentropy"})
CROSS_ENTROPY = BINARY_CE | CATEGORICAL_CE | SPARSE_CE
REGRESSION_LOSSES = frozenset({
    "mean_squared_error", "mean_absolute_error", "huber", "log_cosh",
    "mean_squared_logarithmic_error", "mean_absolute_percentage_error",
})
# activations whose outputs are probabilities, as cross-entropy without from_logits wants
PROBABILITY_ACTIVATIONS = frozenset({"softmax", "sigmoid", "hard_sigmoid", "sparsemax"})


@functools.lru_cache(maxsize=1024)  # pure, and asked for by many rules per file
def canonical_name(name: str) -> str:
    """`MeanSquaredError`, `mean_squared_error`, `MSE` and `mse` all become
    `mean_squared_error`; `acc` and `ACC` become `accuracy`: what Keras resolves the
    loss or metric to (netlint.vocabulary), else the name in snake_case."""
    resolved = vocabulary.meaning("loss", name) or vocabulary.meaning("metric", name)
    if resolved is not None:
        return resolved
    snake = snake_name(name)
    return LOSS_ALIASES.get(snake, snake)



@record(frozen=True)
class LossFact:
    output: str  # the output it scores
    name: str  # canonical: "categorical_crossentropy"
    written: str  # as written: "CategoricalCrossentropy", "mse"
    from_logits: bool
    position: Position | None  # the loss value
    from_logits_position: Position | None


def _known_loss(name: Any) -> bool:
    from netlint.layers.vocab import LOSSES

    return isinstance(name, str) and (name in LOSSES or canonical_name(name) in
                                      {canonical_name(n) for n in LOSSES})


def _loss_fact(output: str, value: Any, section: Any, path: tuple) -> LossFact | None:
    if isinstance(value, str):
        return LossFact(output, canonical_name(value), value, False,
                        section.position_of(*path), None)
    if isinstance(value, dict) and len(value) == 1:
        (written, kwargs), = value.items()
        if not isinstance(written, str):
            return None
        kwargs = kwargs if isinstance(kwargs, dict) else {}
        logits = kwargs.get("from_logits") is True
        return LossFact(output, canonical_name(written), written, logits,
                        section.position_of(*path, written),
                        section.positions.get(path + (written, "from_logits")))
    return None


def losses(model: ModelSpec) -> list[LossFact]:
    """One LossFact per output that has a loss: `loss:` as a name, a class, a list or a map."""
    section = model.compile
    if section is None or section.get("loss") is None:
        return []
    loss = section.get("loss")
    outputs = list(model.outputs)
    if isinstance(loss, list):
        pairs = [(out, value, ("loss", i)) for i, (out, value) in enumerate(zip(outputs, loss))]
    elif isinstance(loss, dict) and not (len(loss) == 1 and _known_loss(next(iter(loss)))):
        pairs = [(out, loss[out], ("loss", out)) for out in outputs if out in loss]
    else:
        pairs = [(out, loss, ("loss",)) for out in outputs]
    facts = [_loss_fact(out, value, section, path) for out, value, path in pairs]
    return [f for f in facts if f is not None]


def file_losses(ctx: Any) -> tuple[LossFact, ...]:
    """`losses(ctx.model)` for a rule: read once per file (the context's `shared`).

    Shared by the rules of the file: they read it, never change it."""
    cached = ctx.shared.get("losses")
    if cached is None:
        cached = ctx.shared["losses"] = tuple(losses(ctx.model))
    return cached


def metric_names(model: ModelSpec) -> list[tuple[str, str, Position | None]]:
    """(canonical name, as written, position) of each `compile.metrics` item."""
    section = model.compile
    metrics = section.get("metrics") if section is not None else None
    if not isinstance(metrics, list):
        return []
    out = []
    for index, item in enumerate(metrics):
        written = next(iter(item), None) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(written, str):
            out.append((canonical_name(written), written, section.position_of("metrics", index)))
    return out

