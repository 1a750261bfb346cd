"""How many classes the labels of a classification head number, and whether the head is
too narrow for them: asked by NL303 (which reports it) and by NL305, NL306 and NL311
(which then stay quiet, so that one mistake gives one finding).

A class count is declared (`classes:`), or read from class ids: whole-number labels
from 0 under a cross-entropy loss. Under a regression loss whole numbers from 0 may
be counts or ratings, so they are not read as classes there.
"""

from __future__ import annotations

from netlint.rules.compile_facts import CATEGORICAL_CE, CROSS_ENTROPY, SPARSE_CE
from netlint.rules.data_facts import fits
from netlint.rules.heads import Head

INTEGER_DTYPES = ("int", "uint")
# activations whose output a categorical loss reads as a distribution over the units
DISTRIBUTIONS = frozenset({"softmax", "sparsemax", "log_softmax"})


def ids_shaped(head: Head) -> bool:
    """The labels hold one class id per prediction: the output's shape without its class
    axis (or with a class axis of 1)."""
    labels = head.labels
    if labels is None or not labels.shape or head.node.output_shape is None:
        return False
    have, want = tuple(labels.shape[1:]), tuple(head.node.output_shape[1:])
    return fits(have, want[:-1]) or fits(have, want[:-1] + (1,))


def _whole_ids(head: Head) -> int | None:
    """max id + 1 when the labels are whole numbers from 0 under cross-entropy."""
    labels, loss = head.labels, head.loss
    if loss is None or loss.name not in CROSS_ENTROPY or not ids_shaped(head):
        return None
    target = labels.value_range
    if target is None or target[0] != 0 or not float(target[1]).is_integer():
        return None
    integral = labels.encoding == "integer" or loss.name in SPARSE_CE or (
        labels.dtype or "").startswith(INTEGER_DTYPES) or (
        labels.stats is not None and labels.stats.integral and labels.declared_range is None)
    return int(target[1]) + 1 if integral else None


def label_classes(head: Head) -> tuple[int, bool] | None:
    """(class count, whether it was declared) for the head's labels, when known."""
    labels = head.labels
    if labels is None:
        return None
    if labels.class_count:
        return labels.class_count, labels.classes is not None
    counted = _whole_ids(head)
    return (counted, False) if counted else None


def too_narrow(head: Head) -> int | None:
    """The class count when the head has too few units for it (NL303's finding)."""
    known = label_classes(head)
    units = head.units
    if known is None or not units:
        return None
    classes, declared = known
    if units == 1 and classes <= 2:
        return None  # one sigmoid unit for two classes
    # a count read from ids is a lower bound (the labels may not show every class)
    if units < classes or (declared and units > 1 and units != classes):
        return classes
    return None


def fix_for_classes(head: Head, classes: int) -> str:
    """`units: 10, activation: softmax, loss: sparse_categorical_crossentropy`: what
    differs from a C-way softmax classifier trained on these labels."""
    arguments, loss = classifier_changes(head, classes)
    parts = [f"{key}: {value}" for key, value in arguments.items()]
    return ", ".join(parts + ([f"loss: {loss}"] if loss else []))


def classifier_changes(head: Head, classes: int) -> tuple[dict, str | None]:
    """(the output layer's arguments to set, the loss to set or None) that make the head
    a C-way softmax classifier for these labels."""
    arguments: dict = {"units": classes}
    logits = head.loss is not None and head.loss.from_logits
    if head.act not in DISTRIBUTIONS and not logits:
        arguments["activation"] = "softmax"
    one_hot = head.labels is not None and head.labels.label_encoding == "one-hot"
    wanted = CATEGORICAL_CE if one_hot else SPARSE_CE
    loss = None
    if head.loss is None or head.loss.name not in wanted:
        loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    return arguments, loss
