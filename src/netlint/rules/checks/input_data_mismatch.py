"""x with the wrong per-sample shape, or one sample without its samples axis.

Seed 001: `predict(state)` on a bare (23,) array, which Keras reads as 23
samples of shape (); one sample is fed as `state.reshape(1, -1)`.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import find_transpose, fits, inputs_with_data, keras_accepts_input
from netlint.rules.facts import format_shape, has_data

from netlint.rules.batch_axis import batch_axis
TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _axis_difference(have: tuple, want: tuple, axes: tuple | None) -> str:
    if len(have) != len(want):
        return f" ({len(have)} axes per sample, not {len(want)})"
    diffs = []
    for i, (h, w) in enumerate(zip(have, want)):
        if h is not None and w is not None and h != w:
            name = f" ({axes[i]})" if axes and len(axes) == len(want) else ""
            diffs.append(f"axis {i + 1}{name} is {h}, not {w}")
    return ": " + "; ".join(diffs) if diffs else ""


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for spec, data in inputs_with_data(ctx):
        if not data.shape:
            continue
        have, want = tuple(data.shape), tuple(spec.shape)
        if keras_accepts_input(have[1:], want) or find_transpose(data, spec) is not None:
            continue
        if batch_axis(ctx, spec) is not None:
            continue  # the input's shape holds the batch axis: NL114's mistake, and its fix
            # is the input (reshaping the data to match would make the wrong part right)
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
