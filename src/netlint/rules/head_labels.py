"""NL303, NL304, NL307, NL308, NL311: the output head against what the labels hold.

These need `data:` for the labels: declared (`encoding:`, `classes:`,
`range:`) or read from the file (value range, one-hot/multi-hot rows).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.findings import Finding
from netlint.rules.engine import Context, rule
from netlint.rules.facts import (
    BINARY_CE,
    CATEGORICAL_CE,
    REGRESSION_LOSSES,
    SPARSE_CE,
    fmt_number,
    format_shape,
    has_data,
    units_position,
)
from netlint.rules.head_common import Head, heads
from netlint.rules.shapes_data import fits

# the values each output activation can produce
ACTIVATION_BOUNDS = {
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0), "hard_tanh": (-1.0, 1.0),
    "relu": (0.0, None), "softplus": (0.0, None), "exponential": (0.0, None),
    "relu6": (0.0, 6.0),
}


def _span(low: float, high: float) -> str:
    return f"[{fmt_number(low)}, {fmt_number(high)}]"


# -- NL303 ------------------------------------------------------------------------------

def _class_count_problem(ctx: Context, head: Head) -> Finding | None:
    labels, units = head.labels, head.units
    classes = labels.class_count if labels is not None else None
    if not classes or not units:
        return None
    if units > 1 and classes == units or units == 1 and classes <= 2:
        return None
    per_sample = 1
    for d in (labels.shape or (None, 1))[1:]:
        per_sample *= d or 1
    if per_sample > 1 and units == per_sample * classes:
        fix = (f"the {units} units are {per_sample} labels x {classes} classes: Reshape them to "
               f"[{per_sample}, {classes}] so that softmax runs over each label's {classes} "
               f"classes")
    elif classes > 2:
        fix = f"set units: {classes} with softmax"
    else:
        fix = "use units: 1 with sigmoid and binary_crossentropy (or units: 2 with softmax)"
    return ctx.report(f"{labels.label} has {classes} classes but output '{head.output}' has "
                      f"{units} units", units_position(ctx.inferred, head.output),
                      fix=fix, layer=head.output)


def _encoding_problem(ctx: Context, head: Head) -> Finding | None:
    labels, loss, units = head.labels, head.loss, head.units
    if labels is None or loss is None or not labels.shape or not units:
        return None
    have = tuple(labels.shape[1:])
    want = tuple(head.node.output_shape[1:])
    ids_shaped = units > 1 and (fits(have, want[:-1]) or fits(have, want[:-1] + (1,)))
    if loss.name in CATEGORICAL_CE and labels.encoding != "one-hot" and (
            labels.encoding == "integer" or ids_shaped):
        return ctx.report(f"{labels.label} holds class ids {format_shape(labels.shape)} but "
                          f"{loss.written} wants one-hot rows of {units}", loss.position,
                          fix=f"use loss: sparse_categorical_crossentropy (or one-hot the "
                          f"labels: keras.utils.to_categorical(y, {units}))", layer=head.output)
    one_hot = labels.label_encoding == "one-hot" or (
        labels.encoding is None and units > 1 and fits(have, want))
    if loss.name in SPARSE_CE and one_hot and labels.encoding != "integer":
        return ctx.report(f"{labels.label} is one-hot {format_shape(labels.shape)} but "
                          f"{loss.written} wants class ids (one integer per label)",
                          loss.position, fix="use loss: categorical_crossentropy (or pass "
                          "y.argmax(axis=-1))", layer=head.output)
    return None


@rule("NL303", "classes-units-mismatch", "error",
      "the class count differs from the output units, or the label encoding from the loss",
      needs=has_data)
def classes_units_mismatch(ctx: Context) -> Iterator[Finding]:
    """`classes: 7` against Dense(112); class ids under categorical_crossentropy; one-hot
    rows under sparse_categorical_crossentropy (seed 000: 16 outputs x 7 classes)."""
    for head in heads(ctx):
        for finding in (_class_count_problem(ctx, head), _encoding_problem(ctx, head)):
            if finding is not None:
                yield finding


# -- NL304 ------------------------------------------------------------------------------

def _target_range(head: Head) -> tuple | None:
    labels = head.labels
    if labels is None:
        return None
    if labels.value_range is not None:
        return labels.value_range
    classes = labels.class_count
    return (0.0, float(classes - 1)) if labels.encoding == "integer" and classes else None


@rule("NL304", "bounded-output-unbounded-target", "warning",
      "a sigmoid/tanh/relu output for targets outside the range it can produce", needs=has_data)
def bounded_output_unbounded_target(ctx: Context) -> Iterator[Finding]:
    """Seed 001: one sigmoid unit to predict actions 1..7; it never leaves (0, 1).
    Cross-entropy labels are NL311's; this is for regression-style targets."""
    for head in heads(ctx):
        bounds = ACTIVATION_BOUNDS.get(head.act or "")
        target = _target_range(head)
        if bounds is None or target is None or (head.loss and head.loss.name in
                                                BINARY_CE | CATEGORICAL_CE | SPARSE_CE):
            continue
        low, high = bounds
        if target[0] >= low and (high is None or target[1] <= high):
            continue
        reach = f"[{fmt_number(low)}, {fmt_number(high)}]" if high is not None \
            else f"[{fmt_number(low)}, inf)"
        yield ctx.report(f"'{head.layer_name}' ends in {head.act}, whose outputs stay within "
                         f"{reach}, but {head.labels.label} ranges over {_span(*target)}: "
                         f"it can never reach them", head.where_activation,
                         fix=f"use a linear output for these targets, or scale them into "
                         f"{reach}", layer=head.layer_name)


# -- NL307 ------------------------------------------------------------------------------

@rule("NL307", "softmax-multilabel", "error",
      "a softmax output for multi-hot targets (several positives per sample)", needs=has_data)
def softmax_multilabel(ctx: Context) -> Iterator[Finding]:
    """Softmax outputs sum to 1, so two true labels can each get at most 0.5."""
    for head in heads(ctx):
        if head.act != "softmax" or head.labels is None \
                or head.labels.label_encoding != "multi-hot":
            continue
        yield ctx.report(f"'{head.layer_name}' ends in softmax, so its {head.units} outputs "
                         f"compete (they sum to 1), but {head.labels.label} is multi-hot: "
                         f"several labels per sample", head.where_activation,
                         fix="use activation: sigmoid with binary_crossentropy",
                         layer=head.layer_name)


# -- NL308 ------------------------------------------------------------------------------

def _class_labels(head: Head) -> str | None:
    labels = head.labels
    if labels is None:
        return None
    encoding = labels.label_encoding
    if encoding in ("one-hot", "multi-hot", "integer"):
        return encoding
    if labels.classes or labels.observed_encoding == "binary":
        return "integer"
    return None


@rule("NL308", "regression-loss-on-classes", "warning",
      "mse/mae/huber on class labels (0/1, class ids or one-hot)", needs=has_data)
def regression_loss_on_classes(ctx: Context) -> Iterator[Finding]:
    """A regression loss treats class 6 as "bigger" than class 2 and rewards hedging between
    classes; cross-entropy is the loss for labels (seed 001: mse on seven actions)."""
    for head in heads(ctx):
        encoding = _class_labels(head)
        if head.loss is None or head.loss.name not in REGRESSION_LOSSES or encoding is None:
            continue
        classes = head.labels.class_count
        if encoding == "one-hot":
            fix = "use softmax with loss categorical_crossentropy"
        elif encoding == "multi-hot" or classes == 2:
            fix = "use sigmoid with loss binary_crossentropy"
        else:
            count = f"{classes} units" if classes else "one unit per class"
            fix = (f"use softmax over {count} with loss sparse_categorical_crossentropy "
                   f"(class ids from 0)")
        yield ctx.report(f"loss {head.loss.written} treats {head.labels.label} as quantities, "
                         f"but it holds {encoding} class labels", head.loss.position, fix=fix,
                         layer=head.output)


# -- NL311 ------------------------------------------------------------------------------

def _outside_domain(head: Head) -> tuple[str, str] | None:
    """(what is wrong, fix) when the labels fall outside what the loss accepts."""
    labels, loss, units = head.labels, head.loss, head.units
    target = labels.value_range
    if target is None:
        return None
    low, high = target
    one_hot_shaped = bool(labels.shape) and fits(tuple(labels.shape[1:]),
                                                 tuple(head.node.output_shape[1:]))
    if loss.name in CATEGORICAL_CE and not one_hot_shaped:
        return None  # class ids under categorical cross-entropy: NL303 says so
    if loss.name in BINARY_CE | CATEGORICAL_CE and (low < 0 or high > 1):
        fix = ("map the labels to 0/1" if loss.name in BINARY_CE else
               "one-hot encode the labels (keras.utils.to_categorical)")
        return f"{loss.written} needs targets in [0, 1], but {labels.label} ranges over " \
               f"{_span(low, high)}", fix
    if loss.name not in SPARSE_CE:
        return None
    whole = float(low).is_integer() and float(high).is_integer() and (
        labels.stats is None or labels.stats.integral)
    if not whole:
        return (f"{loss.written} needs integer class ids, but {labels.label} ranges over "
                f"{_span(low, high)} (ids scaled to fractions?)",
                "use the class ids 0, 1, ..., C-1 as they are")
    if low < 0 or (units and high >= units):
        top = f"0..{units - 1}" if units else "from 0"
        return (f"{loss.written} takes class ids {top} for output '{head.output}', but "
                f"{labels.label} ranges over {_span(low, high)}",
                f"renumber the classes from 0, or give the output {int(high) + 1} units")
    return None


@rule("NL311", "labels-outside-loss-domain", "error",
      "targets outside what the loss accepts (binary CE not in [0, 1], fractional class ids)",
      needs=has_data)
def labels_outside_loss_domain(ctx: Context) -> Iterator[Finding]:
    """Cross-entropy on a -1/1 target, class ids 1..7 for 7 units, ids divided by their
    maximum: Keras trains on them without a word and learns nonsense (or NaN)."""
    for head in heads(ctx):
        if head.labels is None or head.loss is None:
            continue
        problem = _outside_domain(head)
        if problem is not None:
            message, fix = problem
            yield ctx.report(message, head.labels.where_range, fix=fix, layer=head.output)
