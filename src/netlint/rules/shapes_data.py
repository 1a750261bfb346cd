"""NL102, NL106, NL107: the `data:` shapes against the model's input and output shapes.

Shapes here are per sample on the model side and samples-first on the data
side, as numpy holds them. A `None` on either side matches any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations

from netlint.data import DataEntry
from netlint.findings import Finding
from netlint.graph import InputSpec
from netlint.rules.engine import Context, rule
from netlint.rules.facts import (
    CATEGORICAL_CE,
    SPARSE_CE,
    dense_head,
    file_losses,
    format_shape,
    has_data,
    units_position,
)

SAMPLE_WORDS = ("samples", "batch")


def fits(have: tuple, want: tuple) -> bool:
    """Same rank, and every known size agrees."""
    return len(have) == len(want) and all(
        h is None or w is None or h == w for h, w in zip(have, want))


def keras_accepts_input(have: tuple, want: tuple) -> bool:
    """Keras 3 also adds or drops a trailing axis of 1 on model inputs (functional.py)."""
    if fits(have, want):
        return True
    if len(want) == len(have) + 1 and want[-1] == 1:
        return fits(have, want[:-1])
    return len(have) == len(want) + 1 and have[-1] == 1 and fits(have[:-1], want)


def _by_axis_names(data: DataEntry, spec: InputSpec) -> tuple | None:
    """The transpose that puts the data's named axes in the input's order, if both are named."""
    axes = data.axes
    if not axes or not spec.axes or len(axes) != len(data.shape):
        return None
    sample = next((w for w in SAMPLE_WORDS if w in axes), None)
    target = (sample,) + tuple(spec.axes) if sample else None
    if target is None or len(target) != len(axes) or sorted(target) != sorted(axes) \
            or len(set(axes)) != len(axes):
        return None
    return tuple(axes.index(name) for name in target)


def find_transpose(data: DataEntry, spec: InputSpec) -> tuple | None:
    """A transpose of the data's axes that makes it (samples,) + the input shape, if any.

    Named axes decide when both sides name theirs; otherwise the sizes do, keeping the
    samples axis (first, or where `axes:` puts it) in front when that is possible.
    """
    have, want = tuple(data.shape), tuple(spec.shape)
    if len(have) != len(want) + 1:
        return None
    named = _by_axis_names(data, spec)
    if named is not None:
        moved = tuple(have[i] for i in named)
        if named != tuple(range(len(have))) and fits(moved[1:], want):
            return named
        return None
    if fits(have[1:], want) and not (data.axes and data.axes[0] not in SAMPLE_WORDS):
        return None
    sample = 0
    if data.axes and len(data.axes) == len(have):
        sample = next((data.axes.index(w) for w in SAMPLE_WORDS if w in data.axes), 0)
    candidates = [p for p in permutations(range(len(have)))
                  if p != tuple(range(len(have))) and fits(tuple(have[i] for i in p)[1:], want)]
    candidates.sort(key=lambda p: (p[0] != sample, p))
    return candidates[0] if candidates else None


def _named_shape(shape: tuple, axes: tuple | None) -> str:
    if axes and len(axes) == len(shape):
        return "(" + ", ".join(f"{a} {d}" for a, d in zip(axes, shape)) + ")"
    return format_shape(shape)


@rule("NL102", "data-layout-transposed", "error",
      "the data's axes are the model input's in another order: transpose, never reshape",
      needs=has_data)
def data_layout_transposed(ctx: Context) -> Iterator[Finding]:
    """x stored (samples, features, time) for an input (time, features), and the like.

    The fix is a transpose; a reshape to the right shape runs without complaint
    and scrambles every sample, which is why this is an error.
    """
    if ctx.data is None:
        return
    for spec in ctx.model.inputs:
        data = ctx.data.for_input(ctx.model, spec.name)
        if data is None or not data.shape:
            continue
        order = find_transpose(data, spec)
        if order is None:
            continue
        have = tuple(data.shape)
        moved = tuple(have[i] for i in order)
        wrong = "the samples axis is not first and " if order[0] != 0 else ""
        message = (f"{data.label} is laid out {_named_shape(have, data.axes)} but input "
                   f"'{spec.name}' takes {format_shape((None,) + tuple(spec.shape))}: "
                   f"{wrong}the axes are in another order; a reshape to that shape would "
                   f"keep the memory order and scramble every sample")
        fix = f"x = np.transpose(x, {order}), which gives {format_shape(moved)}"
        yield ctx.report(message, data.where_shape, fix=fix)


@rule("NL107", "input-data-mismatch", "error",
      "the data fed to an input does not fit its shape (and is no transpose of it)",
      needs=has_data)
def input_data_mismatch(ctx: Context) -> Iterator[Finding]:
    """x with the wrong per-sample shape, or one sample without its samples axis.

    Seed 001: `predict(state)` on a bare (23,) array, which Keras reads as 23
    samples of shape (); one sample is fed as `state.reshape(1, -1)`.
    """
    if ctx.data is None:
        return
    for spec in ctx.model.inputs:
        data = ctx.data.for_input(ctx.model, spec.name)
        if data is None or not data.shape:
            continue
        have, want = tuple(data.shape), tuple(spec.shape)
        if keras_accepts_input(have[1:], want) or find_transpose(data, spec) is not None:
            continue
        expected = format_shape((None,) + want)
        if fits(have, want):
            message = (f"{data.label} has shape {format_shape(have)}, one sample without the "
                       f"samples axis: Keras reads its first axis as samples and sees "
                       f"{have[0]} samples of shape {format_shape(have[1:])}, not {expected}")
            fix = f"add the samples axis: x.reshape(1, {', '.join(str(d) for d in have)})"
        else:
            message = (f"{data.label} has samples of shape {format_shape(have[1:])} but input "
                       f"'{spec.name}' takes {format_shape(want)}"
                       f"{_axis_difference(have[1:], want, spec.axes)}")
            fix = (f"build the data as {format_shape(('samples',) + want)}, or set the input "
                   f"shape to {list(have[1:])}")
        yield ctx.report(message, data.where_shape, fix=fix)


def _axis_difference(have: tuple, want: tuple, axes: tuple | None) -> str:
    if len(have) != len(want):
        return f" ({len(have)} axes per sample, not {len(want)})"
    diffs = []
    for i, (h, w) in enumerate(zip(have, want)):
        if h is not None and w is not None and h != w:
            name = f" ({axes[i]})" if axes and len(axes) == len(want) else ""
            diffs.append(f"axis {i + 1}{name} is {h}, not {w}")
    return ": " + "; ".join(diffs) if diffs else ""


# -- NL106 ------------------------------------------------------------------------------

def labels_fit(have: tuple, want: tuple, loss: str | None) -> bool:
    """Labels a loss accepts against an output: sparse losses take ids, no class axis."""
    if loss in SPARSE_CE:
        return fits(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return fits(have, want) or (bool(want) and want[-1] == 1 and fits(have, want[:-1]))


def _encoding_explains(have: tuple, want: tuple, loss: str | None) -> bool:
    """Ids vs one-hot under the wrong cross-entropy: NL303 says that better."""
    if loss in SPARSE_CE:
        return fits(have, want)
    if loss in CATEGORICAL_CE and want and (want[-1] or 0) > 1:
        return fits(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return False


def labels_per_sample(ctx: Context, output: str) -> bool | None:
    """True when the labels keep fewer axes than the output (one label per sample where
    the output keeps a time or space axis), False when they fit it, None without labels."""
    labels = ctx.data.for_output(ctx.model, output) if ctx.data is not None else None
    node = ctx.inferred.nodes.get(output)
    if labels is None or not labels.shape or node is None or node.output_shape is None:
        return None
    have, want = tuple(labels.shape[1:]), tuple(node.output_shape[1:])
    loss = next((f.name for f in file_losses(ctx) if f.output == output), None)
    if labels_fit(have, want, loss):
        return False
    return len(have) + (1 if loss in SPARSE_CE else 0) < len(want)


def _dense_keeps_axis(ctx: Context, output: str) -> bool:
    """A Dense head on a sequence/map (NL109/NL110 report that, at the Dense)."""
    return dense_head(ctx.inferred, output) is not None and labels_per_sample(ctx, output)


@rule("NL106", "output-label-mismatch", "error",
      "the model's output shape differs from the labels in `data:` (units, rank or steps)",
      needs=has_data)
def output_label_mismatch(ctx: Context) -> Iterator[Finding]:
    """Seed 001: labels for seven actions against Dense(1); seed 003: 4 steps wanted, 3 made."""
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

