"""Questions rules ask of the `data:` section against the model: do the shapes fit, is
the data a transpose of what an input takes, are the labels one per sample, how a
value range reads. Shapes are per sample on the model side and samples-first on the
data side, as numpy holds them; a `None` on either side matches any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import permutations

from netlint.model.data import DataEntry
from netlint.model.graph import InputSpec
from netlint.rules.compile_facts import SPARSE_CE, file_losses
from netlint.rules.facts import fmt_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

SAMPLE_WORDS = ("samples", "batch")


def inputs_with_data(ctx: Context) -> Iterator[tuple[InputSpec, DataEntry]]:
    """Each model input with the `data:` entry that feeds it, in input order (none when
    the file has no `data:` section)."""
    if ctx.data is None:
        return
    for spec in ctx.model.inputs:
        entry = ctx.data.for_input(ctx.model, spec.name)
        if entry is not None:
            yield spec, entry


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


def labels_fit(have: tuple, want: tuple, loss: str | None) -> bool:
    """Labels a loss accepts against an output: sparse losses take ids, no class axis."""
    if loss in SPARSE_CE:
        return fits(have, want[:-1]) or fits(have, want[:-1] + (1,))
    return fits(have, want) or (bool(want) and want[-1] == 1 and fits(have, want[:-1]))


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


def range_text(entry: DataEntry) -> str:
    """An entry's value range for a message: [0, 255], and where it was only sampled."""
    low, high = entry.value_range
    sampled = " (in the sampled part of the file)" if entry.stats and entry.stats.sampled \
        and entry.declared_range is None else ""
    return f"[{fmt_number(low)}, {fmt_number(high)}]{sampled}"
