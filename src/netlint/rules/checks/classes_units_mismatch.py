"""`classes: 7` against Dense(112); class ids under categorical_crossentropy; one-hot
rows under sparse_categorical_crossentropy (seed 000: 16 outputs x 7 classes).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import CATEGORICAL_CE, SPARSE_CE
from netlint.rules.data_facts import fits
from netlint.rules.facts import fmt_span, format_shape, has_data, plural, units_position
from netlint.rules.heads import Head, heads
from netlint.rules.head_fixes import head_fix, loss_fix
from netlint.rules.label_classes import classifier_changes, fix_for_classes, too_narrow

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _class_count_problem(ctx: Context, head: Head) -> Finding | None:
    classes = too_narrow(head)
    if classes is None:
        return None
    labels, units = head.labels, head.units
    per_sample = 1
    for d in (labels.shape or (None, 1))[1:]:
        per_sample *= d or 1
    autofix = None  # where the fix is not a head change of this file (a Reshape), words only
    if per_sample > 1 and units == per_sample * classes:
        fix = (f"the {units} units are {per_sample} labels x {classes} classes: Reshape them to "
               f"[{per_sample}, {classes}] so that softmax runs over each label's {classes} "
               f"classes")
    elif classes > 2:
        fix = f"set {fix_for_classes(head, classes)}"
        autofix = head_fix(ctx, head.output, *classifier_changes(head, classes))
    else:
        fix = "use units: 1 with sigmoid and binary_crossentropy (or units: 2 with softmax)"
    told = ""
    if not labels.classes and labels.value_range is not None:  # counted from the ids
        told = f" (class ids {fmt_span(*labels.value_range)})"
    return ctx.report(f"{labels.label} has {classes} classes{told} but output "
                      f"'{head.output}' has {plural(units, 'unit')}",
                      units_position(ctx.inferred, head.output), fix=fix, layer=head.output,
                      autofix=autofix)


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
                          f"labels: keras.utils.to_categorical(y, {units}))", layer=head.output,
                          autofix=loss_fix(ctx, "sparse_categorical_crossentropy"))
    one_hot = labels.label_encoding == "one-hot" or (
        labels.encoding is None and units > 1 and fits(have, want))
    if loss.name in SPARSE_CE and one_hot and labels.encoding != "integer":
        return ctx.report(f"{labels.label} is one-hot {format_shape(labels.shape)} but "
                          f"{loss.written} wants class ids (one integer per label)",
                          loss.position, fix="use loss: categorical_crossentropy (or pass "
                          "y.argmax(axis=-1))", layer=head.output,
                          autofix=loss_fix(ctx, "categorical_crossentropy"))
    return None


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        # too few units is the one finding: its fix names the loss as well
        finding = _class_count_problem(ctx, head) or _encoding_problem(ctx, head)
        if finding is not None:
            yield finding
