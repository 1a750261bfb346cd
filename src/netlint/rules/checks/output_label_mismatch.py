"""Seed 001: labels for seven actions against Dense(1); seed 003: 4 steps wanted, 3 made."""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.data import DataEntry
from netlint.model.findings import Finding
from netlint.rules.compile_facts import CATEGORICAL_CE, SPARSE_CE, file_losses
from netlint.rules.data_facts import fits, labels_fit, labels_per_sample
from netlint.rules.facts import dense_head, format_shape, has_data, units_position

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _encoding_explains(have: tuple, want: tuple, loss: str | None) -> bool:
    """Ids vs one-hot under the wrong cross-entropy: NL303 says that better."""
    if loss in SPARSE_CE:
        return fits(have, want)
    if loss in CATEGORICAL_CE and want and (want[-1] or 0) > 1:
        return fits(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return False


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
        if labels_fit(have, want, loss) or _encoding_explains(have, want, loss) \
                or _dense_keeps_axis(ctx, output):
            continue
        yield _mismatch(ctx, output, node.output_shape, labels, loss)
