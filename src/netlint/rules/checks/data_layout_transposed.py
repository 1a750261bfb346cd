"""x stored (samples, features, time) for an input (time, features), and the like.

The fix is a transpose; a reshape to the right shape runs without complaint
and scrambles every sample, which is why this is an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import find_transpose, inputs_with_data
from netlint.rules.facts import format_shape, has_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _named_shape(shape: tuple, axes: tuple | None) -> str:
    if axes and len(axes) == len(shape):
        return "(" + ", ".join(f"{a} {d}" for a, d in zip(axes, shape)) + ")"
    return format_shape(shape)


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for spec, data in inputs_with_data(ctx):
        if not data.shape:
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
