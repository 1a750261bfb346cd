"""The optimizer state a training step holds, as Keras 3's optimizers build it.

`optimizer.build(trainable_variables)` makes, for every trainable variable, slots of
its shape and dtype (Adam: momentum and velocity), and two scalars of its own: the
int32 iteration counter and the float32 learning rate. tests/test_cost_oracle.py
compares the bytes with `optimizer.variables` of real Keras.
"""

from __future__ import annotations

from netlint.plumbing.records import record

# slots per trainable variable, before the arguments that add some (below); Adafactor's
# one is its velocity, beside its factored moments (FACTORED)
_SLOTS = {"sgd": 0, "adam": 2, "adamw": 2, "nadam": 2, "adamax": 2, "rmsprop": 1,
          "adagrad": 1, "adadelta": 2, "ftrl": 2, "lion": 1, "lamb": 2, "adafactor": 1}
# Adafactor also keeps, for a variable of two axes or more, its second moment factored
# over the last two: a row and a column vector; for one of fewer, two int32 placeholders
# (keras/src/optimizers/adafactor.py, build). Their bytes come from the weights' shapes.
FACTORED = frozenset({"adafactor"})
_SCALARS = 4 + 4  # iteration (int32) and learning_rate (float32)
# Nadam keeps its running product of momentum coefficients, one float32 scalar
_EXTRA_SCALARS = {"nadam": 4}
DEFAULT = "rmsprop"  # what model.compile() uses when `optimizer:` is not written


@record(frozen=True)
class OptimizerState:
    name: str  # Keras's registry name: "adam"
    slots: int | None  # per trainable variable; None for one whose state is not modelled
    scalar_bytes: int  # the optimizer's own scalars

    def state_bytes(self, trainable_bytes: int | None,
                    factored_bytes: int | None = 0) -> int | None:
        """`factored_bytes`: Adafactor's factored moments of the trainable weights."""
        factored = factored_bytes if self.name in FACTORED else 0
        if self.slots is None or trainable_bytes is None or factored is None:
            return None
        return self.slots * trainable_bytes + factored + self.scalar_bytes


def _slots(name: str, kwargs: dict) -> int | None:
    slots = _SLOTS.get(name)
    if slots is None:  # Muon picks its update per variable: not modelled
        return None
    if name == "sgd" and _positive(kwargs.get("momentum", 0.0)):
        slots += 1
    if name in ("adam", "adamw") and kwargs.get("amsgrad") is True:
        slots += 1  # velocity_hat
    if name == "rmsprop":
        slots += (kwargs.get("centered") is True) + _positive(kwargs.get("momentum", 0.0))
    if kwargs.get("use_ema") is True:
        slots += 1  # the moving average of every variable
    return slots


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def optimizer_state(value: object) -> OptimizerState:
    """The state of `compile: optimizer:` as written (`adam`, `{SGD: {momentum: 0.9}}`)."""
    kwargs: dict = {}
    if value is None:
        value = DEFAULT
    if isinstance(value, dict) and len(value) == 1:
        (value, kwargs), = value.items()
        kwargs = kwargs if isinstance(kwargs, dict) else {}
    name = value.lower() if isinstance(value, str) else "?"
    if name == "adam_w":
        name = "adamw"
    return OptimizerState(name, _slots(name, kwargs), _SCALARS + _EXTRA_SCALARS.get(name, 0))
