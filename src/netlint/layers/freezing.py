"""What `trainable: false` freezes, as Keras 3 decides it.

Keras freezes the variables a frozen layer creates itself (`Layer._track_variable`),
and a `trainable=False` given to a constructor reaches no layer made inside it. So
`LSTM(trainable=False)` is frozen (LSTM hands `trainable` on to its cell), while
`RNN(LSTMCell(8), trainable=False)`, `Bidirectional(LSTM(8), trainable=False)`,
`TimeDistributed(Dense(8), trainable=False)`, `MultiHeadAttention(..., trainable=False)`
and `ConvLSTM2D(..., trainable=False)` freeze nothing: `model.summary()` counts their
weights as trainable, and `fit` trains them (checked on Keras 3.15). The classes whose
weights are made inside them say so with `owns_weights=False` at registration.
"""

from __future__ import annotations

from netlint.layers.registry import get
from netlint.plumbing.records import replace


def written_frozen(kwargs: dict) -> bool:
    """The layer says `trainable: false`."""
    return kwargs.get("trainable", True) is False


def freezes_its_weights(class_name: str, kwargs: dict) -> bool:
    """`trainable: false` on this layer freezes the weights it holds."""
    if not written_frozen(kwargs):
        return False
    definition = get(class_name)
    return definition is None or definition.owns_weights


def as_keras_freezes(class_name: str, kwargs: dict, weights: tuple, prefix: str = "") -> tuple:
    """`weights` with `trainable` as Keras 3 flags the variables (names after `prefix`)."""
    frozen = freezes_its_weights(class_name, kwargs)
    if not frozen and not prefix:
        return weights
    return tuple(replace(w, name=prefix + w.name, trainable=w.trainable and not frozen)
                 for w in weights)
