"""A `.keras` file's `compile_config` -> the netlint `compile:` section.

Optimizers, losses and metrics come serialized with every setting; the file
keeps what differs from Keras 3's defaults (the tables below; the tests check
them against Keras), so `Adam(learning_rate=0.01)` reads back as
`{Adam: {learning_rate: 0.01}}` and a default Adam as `adam`.
"""

from __future__ import annotations

from netlint.importer.layers import Report
from netlint.importer.values import custom_object, is_serialized_object, short, tidy
from netlint.layers import vocab
from netlint.loader.layer_items import to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OPTIMIZER_BASE = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}
_ADAM_LIKE = {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}
OPTIMIZER_DEFAULTS: dict[str, dict] = {
    "Adam": {**_ADAM_LIKE, "amsgrad": False},
    "AdamW": {**_ADAM_LIKE, "amsgrad": False, "weight_decay": 0.004},
    "Adamax": dict(_ADAM_LIKE),
    "Nadam": dict(_ADAM_LIKE),
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                "centered": False},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-07},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-07},
    "Ftrl": {"learning_rate": 0.001, "learning_rate_power": -0.5,
             "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
             "l2_regularization_strength": 0.0, "l2_shrinkage_regularization_strength": 0.0,
             "beta": 0.0},
    "Lion": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
    "Adafactor": {"learning_rate": 0.001, "beta_2_decay": -0.8, "epsilon_1": 1e-30,
                  "epsilon_2": 0.001, "clip_threshold": 1.0, "relative_step": True},
}
LOSS_DEFAULTS = {"reduction": "sum_over_batch_size", "from_logits": False,
                 "label_smoothing": 0.0, "axis": -1, "apply_class_balancing": False,
                 "alpha": 0.25, "gamma": 2.0}
# Settings of compile() the netlint format has no key for, with the value that is no loss.
UNWRITTEN_SETTINGS = {"weighted_metrics": None, "run_eagerly": False, "auto_scale_loss": True}


def compile_section(config: dict, report: Report) -> dict:
    """The `compile:` mapping (empty when the model was never compiled)."""
    section: dict[str, Any] = {}
    if config.get("loss") is not None:
        section["loss"] = _loss(config["loss"], report)
    if config.get("optimizer") is not None:
        optimizer = _optimizer(config["optimizer"], report)
        if optimizer is not None:
            section["optimizer"] = optimizer
    if config.get("metrics"):
        section["metrics"] = _metrics(config["metrics"], report)
    if config.get("loss_weights") is not None:
        section["loss_weights"] = tidy(config["loss_weights"])
    if config.get("steps_per_execution") not in (None, 1):
        section["steps_per_execution"] = config["steps_per_execution"]
    if config.get("jit_compile") is False:
        # True is what the default "auto" becomes on the JAX and TensorFlow backends
        section["jit_compile"] = False
    for key, harmless in UNWRITTEN_SETTINGS.items():
        if key in config and config[key] not in (harmless, None):
            report.problems.append(f"compile: {key}={short(config[key])} has no place in a "
                                   "netlint file; left out")
    return section


def _readable(value: Any) -> bool:
    """A Keras object netlint can write: serialized, Keras's own, its config a mapping."""
    return is_serialized_object(value) and not custom_object(value) and \
        isinstance(value["config"], (dict, type(None)))


def _named(cls: str, names: tuple) -> str | None:
    """The string spelling of a class with default settings: Adam -> adam."""
    for candidate in (to_snake_case(cls), cls.lower(), cls):
        if candidate in names:
            return candidate
    return None


def _optimizer(value: Any, report: Report) -> Any:
    if isinstance(value, str):
        return value
    if not _readable(value):
        report.problems.append("compile: a custom optimizer; left out")
        return None
    cls, config = value["class_name"], dict(value["config"] or {})
    config.pop("name", None)
    if is_serialized_object(config.get("learning_rate")):
        schedule = config.pop("learning_rate")["class_name"]
        report.problems.append(f"compile: the learning rate is a {schedule} schedule; "
                               "netlint keeps a number only, so it is left at the default")
    defaults = {**OPTIMIZER_BASE, **OPTIMIZER_DEFAULTS.get(cls, {})}
    kept = {k: tidy(v) for k, v in config.items()
            if not (k in defaults and tidy(v) == defaults[k])}
    if cls not in OPTIMIZER_DEFAULTS:
        kept = {k: v for k, v in kept.items() if v is not None}
    if not kept:
        return _named(cls, vocab.OPTIMIZERS) or cls
    return {cls: kept}


def _loss(value: Any, report: Report) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_loss(v, report) for v in value]
    if isinstance(value, dict) and not is_serialized_object(value):
        return {k: _loss(v, report) for k, v in value.items()}  # one loss per output
    if not _readable(value):
        report.problems.append("compile: a custom loss; written as its class name only")
        name = value.get("class_name") if isinstance(value, dict) else value
        return name if isinstance(name, str) else short(name)
    cls, config = value["class_name"], dict(value["config"] or {})
    config.pop("name", None)
    config.pop("dtype", None)
    kept = {k: tidy(v) for k, v in config.items()
            if v is not None and not (k in LOSS_DEFAULTS and tidy(v) == LOSS_DEFAULTS[k])}
    if not kept:
        return _named(cls, vocab.LOSSES) or {cls: {}}
    return {cls: kept}


def _metrics(values: Any, report: Report) -> list:
    out = []
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, str):
            out.append(value)
        elif _readable(value):
            config = {k: tidy(v) for k, v in (value["config"] or {}).items()
                      if k not in ("name", "dtype") and v is not None}
            cls = value["class_name"]
            out.append({cls: config} if config else _named(cls, vocab.METRICS) or cls)
        else:
            report.problems.append(f"compile: metric {short(value)} is not one netlint "
                                   "can write; left out")
    return out
