"""The script's `compile_model()`: loss, optimizer and metrics from `compile:`.

`{Adam: {learning_rate: 0.001}}` becomes `keras.optimizers.Adam(learning_rate=0.001)`;
names stay names. Without a `compile:` loss the loss is chosen from the output
activation (and the data encoding, when `data:` gives one), and the script says so.
"""

from __future__ import annotations

from netlint.codegen.emitter import (
    INDENT,
    ExportError,
    Expr,
    Seq,
    call,
    call_kw,
    comment,
    literal,
    quoted,
    render,
)
from netlint.codegen.feed_code import JIT_COMMENT, NO_JIT_COMMENT, STEPS_COMMENT
from netlint.codegen.layer_code import config_object
from netlint.codegen.plan import TrainingPlan
from netlint import vocabulary
from netlint.model.graph import ModelSpec
from netlint.layers import vocab

CLASSIFICATION_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy",
                         "binary_crossentropy")
PASSED_THROUGH = ("loss_weights", "jit_compile", "steps_per_execution")
KNOWN_KEYS = ("loss", "optimizer", "metrics") + PASSED_THROUGH


def loss_expr(loss: object, outputs: tuple) -> Expr:
    """A loss name, `{Class: {kwargs}}`, a list per output or a mapping by output name."""
    if isinstance(loss, list):
        return Seq("list", tuple(loss_expr(item, outputs) for item in loss))
    if isinstance(loss, dict) and any(key in outputs for key in loss):
        return Seq("dict", tuple((literal(key), loss_expr(value, outputs))
                                 for key, value in loss.items()))
    return config_object(loss, "keras.losses", vocabulary.classes("loss"))


def optimizer_expr(optimizer: object) -> Expr:
    """`adam` and `{Adam: {...}}` both as `keras.optimizers.Adam(...)`."""
    # Keras reads optimizer names in any letter case (`ADAM`, `Adamw`)
    by_lower = {v: k for k, v in vocab.OPTIMIZER_CLASSES.items()}
    if isinstance(optimizer, str) and optimizer.lower() in by_lower:
        return call(f"keras.optimizers.{by_lower[optimizer.lower()]}")
    if isinstance(optimizer, dict) and len(optimizer) == 1:
        (class_name, kwargs), = optimizer.items()
        if isinstance(class_name, str):
            class_name = by_lower.get(class_name.lower(), class_name)
        return config_object({class_name: kwargs}, "keras.optimizers",
                             tuple(vocab.OPTIMIZER_CLASSES))
    return literal(optimizer)


def metrics_expr(metrics: object, output_count: int) -> tuple[Expr, bool]:
    """The metrics, and whether a flat list was repeated per output (Keras 3 needs that)."""
    if not isinstance(metrics, list):
        return literal(metrics), False
    items = tuple(config_object(m, "keras.metrics", vocabulary.classes("metric"))
                  for m in metrics)
    flat_list = not any(isinstance(m, (list, dict)) and not _is_config(m) for m in metrics)
    if output_count > 1 and flat_list:
        return Seq("list", tuple(Seq("list", items) for _ in range(output_count))), True
    return Seq("list", items), False


def _is_config(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and \
        next(iter(value)) in vocab.METRICS


def _one_or_list(values: list) -> Expr:
    exprs = tuple(literal(v) for v in values)
    return exprs[0] if len(exprs) == 1 else Seq("list", exprs)


def default_pairs(plan: TrainingPlan) -> tuple[list, list[str]]:
    """compile() arguments when the file has no `compile:` loss, and why they were chosen."""
    reasons = []
    for label, loss in zip(plan.labels, plan.losses):
        basis = f"data encoding {quoted(label.kind)}" if label.entry and \
            label.entry.get("encoding") else f"output activation {quoted(label.activation)}"
        reasons.append(f"{quoted(label.name)} -> {quoted(loss)} (from its {basis})")
    metrics = [["accuracy"] if loss in CLASSIFICATION_LOSSES else ["mae"]
               for loss in plan.losses]
    pairs = [("loss", _one_or_list(list(plan.losses))),
             ("metrics", literal(metrics[0] if len(metrics) == 1 else metrics))]
    return pairs, reasons


def compile_function(model: ModelSpec, plan: TrainingPlan, mixed_precision: bool,
                     steps_per_execution: int | None = None) -> list[str]:
    """`compile_model()`; `steps_per_execution` is ours (feed_code), for a small model."""
    values = model.compile.values if model.compile is not None else {}
    unknown = [key for key in values if key not in KNOWN_KEYS]
    if unknown:
        raise ExportError(f"`compile:` has no setting {quoted(unknown[0])} Keras takes "
                          f"(known: {', '.join(KNOWN_KEYS)})")
    lines = ["def compile_model(model):",
             f'{INDENT}"""Loss, optimizer and metrics as the model file\'s `compile:` gives '
             'them."""']
    pairs: list = []
    if plan.default_compile:
        default, reasons = default_pairs(plan)
        lines += comment("The model file has no `compile:` loss, so it is chosen here: "
                         + "; ".join(reasons) + ". Check it before training for real.")
        pairs += default
    else:
        pairs.append(("loss", loss_expr(values["loss"], model.outputs)))
    if "optimizer" in values:
        pairs.append(("optimizer", optimizer_expr(values["optimizer"])))
    elif model.compile is None or plan.default_compile:
        lines += comment("No optimizer given: Adam with Keras's default learning rate.")
        pairs.append(("optimizer", call("keras.optimizers.Adam")))
    if "metrics" in values:
        metrics, repeated = metrics_expr(values["metrics"], len(plan.labels))
        if repeated:
            lines += comment("Keras 3 takes one metrics list per output: the file's list "
                             "is repeated for each.")
        pairs = [p for p in pairs if p[0] != "metrics"] + [("metrics", metrics)]
    pairs += [(key, literal(values[key])) for key in PASSED_THROUGH if key in values]
    if steps_per_execution is not None:
        lines += comment(STEPS_COMMENT)
        pairs.append(("steps_per_execution", literal(steps_per_execution)))
    pairs.sort(key=lambda pair: KNOWN_KEYS.index(pair[0]))
    lines += comment(NO_JIT_COMMENT if values.get("jit_compile") is False else JIT_COMMENT)
    if mixed_precision:
        lines += comment("Under a mixed_float16 policy Keras wraps the optimizer in a "
                         "LossScaleOptimizer itself, so small gradients do not underflow.")
    lines += render(call_kw("model.compile", pairs), INDENT)
    return lines
