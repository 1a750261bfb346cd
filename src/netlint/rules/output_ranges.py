"""The values an output activation can produce, and the one pairing of a bounded output
with labels that three rules see (NL304, NL309, NL311): tanh with -1/1 labels under
binary cross-entropy. Shared so that one of them reports it and the others stay quiet.
"""

from __future__ import annotations

from netlint.rules.compile_facts import BINARY_CE
from netlint.rules.heads import Head

# the values each output activation can produce (None: unbounded on that side); the lower
# bounds of selu, gelu, silu and mish are their minima (selu: -scale * alpha)
ACTIVATION_BOUNDS = {
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0),
    "sparsemax": (0.0, 1.0), "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0),
    "hard_tanh": (-1.0, 1.0), "relu": (0.0, None), "softplus": (0.0, None),
    "exponential": (0.0, None), "relu6": (0.0, 6.0), "elu": (-1.0, None),
    "selu": (-1.7581, None), "gelu": (-0.17, None), "silu": (-0.2785, None),
    "swish": (-0.2785, None), "mish": (-0.3088, None), "log_sigmoid": (None, 0.0),
}
# bounded on both sides around 0: they pair with -1/1 labels (hinge, mse)
SYMMETRIC = frozenset({"tanh", "softsign", "hard_tanh"})


def reaches(bounds: tuple, target: tuple) -> bool:
    """The activation's range holds the whole target range."""
    low, high = bounds
    return (low is None or target[0] >= low) and (high is None or target[1] <= high)


def signed_pair(head: Head) -> bool:
    """A tanh-like output with labels in [-1, 1] going below 0, under binary
    cross-entropy: the output and labels agree with each other, the loss with neither."""
    labels, loss = head.labels, head.loss
    if head.act not in SYMMETRIC or loss is None or loss.name not in BINARY_CE \
            or loss.from_logits or labels is None or labels.value_range is None:
        return False
    low, high = labels.value_range
    return -1 <= low < 0 and high <= 1
