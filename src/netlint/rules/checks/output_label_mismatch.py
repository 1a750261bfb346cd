"""Seed 001: labels for seven actions against Dense(1); seed 003: 4 steps wanted, 3 made.

An unknown size (a time axis of any length) matches any label size only where the
ranks agree: labels with one axis fewer than the output fit it by Keras squeezing the
output's last axis of 1, and an unknown axis there standing against a label axis of
1 is a per-step output against one label per sample, which Keras broadcasts.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.data import DataEntry
from netlint.model.findings import Finding
from netlint.rules.compile_facts import CATEGORICAL_CE, SPARSE_CE, file_losses
from netlint.rules.data_facts import fits, labels_fit, labels_per_sample
from netlint.rules.facts import (RNN_CLASSES, dense_head, format_shape, has_data, producer,
                                 units_position)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _fits_fewer(have: tuple, want: tuple) -> bool:
    """`fits` for labels with an axis fewer than the output: an unknown output size does
    not stand for a label axis of 1 (one label per sample, not per step)."""
    return len(have) == len(want) and all(
        h is None or h == w or (w is None and h != 1) for h, w in zip(have, want))


def _labels_fit(have: tuple, want: tuple, loss: str | None) -> bool:
    if len(have) == len(want) or not any(w is None for w in want):
        return labels_fit(have, want, loss)
    if loss in SPARSE_CE:
        return _fits_fewer(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return fits(have, want) or (bool(want) and want[-1] == 1 and _fits_fewer(have, want[:-1]))


def _encoding_explains(have: tuple, want: tuple, loss: str | None) -> bool:
    """Ids vs one-hot under the wrong cross-entropy: NL303 says that better."""
    if loss in SPARSE_CE:
        return fits(have, want)
    if loss in CATEGORICAL_CE and want and (want[-1] or 0) > 1:
        return _fits_fewer(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return False


def _sequence_maker(ctx: Context, output: str):
    """The RNN with return_sequences whose steps reach `output`, through one-input layers."""
    node = ctx.inferred.nodes.get(output)
    while node is not None and not node.is_input:
        spec = node.spec.wrapped if node.class_name == "Bidirectional" else node.spec
        if spec is not None and spec.class_name in RNN_CLASSES:
            # a wrapped RNN's own kwargs hold it (False, Keras's default, when unwritten)
            kwargs = node.kwargs if spec is node.spec else spec.kwargs
            return node if kwargs.get("return_sequences") else None
        node = producer(ctx.inferred, node)
    return None


def _per_step_finding(ctx: Context, output: str, shape: tuple, labels: DataEntry,
                      rnn, loss: str | None) -> Finding:
    # checked with Keras 3 (jax): mse trains on the broadcast labels without a word; the
    # sparse cross-entropy refuses them at fit ("must have the same shape up until the
    # last dimension"), after the model was built and compiled
    outcome = ("fit fails: the sparse cross-entropy wants one id per step" if loss in SPARSE_CE
               else "Keras broadcasts each label over the steps and trains every step to "
               "predict it")
    message = (f"output '{output}' is {format_shape(shape)}, one value per step of a "
               f"sequence of any length, but {labels.label} is {format_shape(labels.shape)}, "
               f"one per sample: {outcome}")
    per_step = "(samples, steps) of class ids" if loss in SPARSE_CE else \
        f"(samples, steps, {shape[-1]})"
    fix = (f"for one prediction per sequence, drop return_sequences on '{rnn.name}'; for "
           f"one per step, give labels of shape {per_step}")
    spec = rnn.spec.wrapped if rnn.class_name == "Bidirectional" else rnn.spec
    where = spec.kwarg_positions.get("return_sequences") or rnn.spec.position
    return ctx.report(message, where, fix=fix, layer=output)


def _dense_keeps_axis(ctx: Context, output: str) -> bool:
    """A Dense head on a sequence/map (NL109/NL110 report that, at the Dense)."""
    return dense_head(ctx.inferred, output) is not None and labels_per_sample(ctx, output)


def _mismatch(ctx: Context, output: str, shape: tuple, labels: DataEntry,
              loss: str | None) -> Finding:
    have, want = tuple(labels.shape[1:]), tuple(shape[1:])
    message = (f"output '{output}' is {format_shape(shape)} but {labels.label} is "
               f"{format_shape(labels.shape)}")
    if len(have) == len(want) and fits(have[:-1], want[:-1]):
        message += f": each label has {have[-1]} values, the output {want[-1]}"
        classes = labels.class_count if labels.encoding == "integer" else None
        if classes and want[-1] == _product(have) * classes and loss not in SPARSE_CE:
            fix = (f"for {_product(have)} outputs of {classes} classes: Reshape to "
                   f"{list(have) + [classes]} after the last Dense, softmax, and "
                   f"sparse_categorical_crossentropy")
            return ctx.report(message, units_position(ctx.inferred, output), fix=fix,
                              layer=output)
        return ctx.report(message, units_position(ctx.inferred, output),
                          fix=f"set units: {have[-1]} on the last layer", layer=output)
    if len(have) == len(want):
        axis = next(i for i, (h, w) in enumerate(zip(have, want))
                    if h is not None and w is not None and h != w)
        message += (f": the output has {want[axis]} steps on axis {axis + 1}, "
                    f"the labels {have[axis]}")
        fix = (f"make the model produce {have[axis]} steps (e.g. encoder LSTM, "
               f"RepeatVector({have[axis]}), decoder LSTM with return_sequences: true)")
        return ctx.report(message, labels.where_shape, fix=fix, layer=output)
    message += f": {len(want)} axes per sample in the output, {len(have)} in the labels"
    return ctx.report(message, labels.where_shape,
                      fix="reshape the labels, or end the model in their shape", layer=output)


def _product(shape: tuple) -> int:
    total = 1
    for d in shape:
        total *= d or 1
    return total


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.data is None:
        return
    loss_of = {fact.output: fact.name for fact in file_losses(ctx)}
    for output in ctx.model.outputs:
        labels = ctx.data.for_output(ctx.model, output)
        node = ctx.inferred.nodes.get(output)
        if labels is None or not labels.shape or node is None or node.output_shape is None:
            continue
        have, want = tuple(labels.shape[1:]), tuple(node.output_shape[1:])
        loss = loss_of.get(output)
        if _labels_fit(have, want, loss) or _encoding_explains(have, want, loss) \
                or _dense_keeps_axis(ctx, output):
            continue
        rnn = _sequence_maker(ctx, output) if len(have) < len(want) else None
        if rnn is not None and None in want:
            yield _per_step_finding(ctx, output, node.output_shape, labels, rnn, loss)
        else:
            yield _mismatch(ctx, output, node.output_shape, labels, loss)
