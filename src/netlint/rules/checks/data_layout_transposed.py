"""x stored (samples, features, time) for an input (time, features), and the like.

The fix is a transpose; a reshape to the right shape runs without complaint
and scrambles every sample, which is why this is an error. When a sequence layer
(an RNN, a Conv1D) reads the input, the axis names decide, not only the sizes: a
square (30, 30) window fits either way round, and the layer's reading says which
part is wrong, the data or the input as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import SAMPLE_WORDS, find_transpose, fits, inputs_with_data
from netlint.rules.facts import format_shape, has_data, title
from netlint.rules.sequence_facts import FEATURES, TIME, axis_word, sequence_reader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.data import DataEntry
    from netlint.model.graph import InputSpec
    from netlint.rules.engine import Context


def _named_shape(shape: tuple, axes: tuple | None) -> str:
    if axes and len(axes) == len(shape):
        return "(" + ", ".join(f"{a} {d}" for a, d in zip(axes, shape)) + ")"
    return format_shape(shape)


def _sequence_axes(words) -> tuple | None:
    """Two axis words as (time, features) in some order, else None."""
    if not words or len(words) != 2:
        return None
    out = tuple(axis_word(w) for w in words)
    return out if sorted(out) == [FEATURES, TIME] else None


def _data_order(data: DataEntry, spec: InputSpec, input_axes: tuple | None) -> tuple | None:
    """The order of the data's two per-sample axes: as named, else as the input names its
    axes when the data fits the input as written (else the other way round)."""
    if data.axes and len(data.axes) == 3 and data.axes[0] in SAMPLE_WORDS:
        named = _sequence_axes(data.axes[1:])
        if named is not None:
            return named
    if input_axes is None:
        return None
    if fits(tuple(data.shape[1:]), tuple(spec.shape)):
        return input_axes
    return input_axes[::-1]


def _words(order: tuple, reader_is_rnn: bool) -> str:
    # a Conv1D calls its feature axis channels
    return ", ".join(w if reader_is_rnn or w != FEATURES else "channels" for w in order)


def _by_reader(ctx: Context, spec: InputSpec, data: DataEntry) -> tuple[bool, Finding | None]:
    """(decided, finding) from the axis names when a sequence layer reads the input."""
    if len(spec.shape) != 2 or len(data.shape) != 3:
        return False, None
    input_axes = _sequence_axes(spec.axes)
    order = _data_order(data, spec, input_axes)
    found = sequence_reader(ctx.inferred, spec.name) if order is not None else None
    if found is None:
        return False, None
    reader, want = found
    index = tuple(order.index(w) for w in want)
    sizes = tuple(data.shape[1 + i] for i in index)  # the data's sizes in the reader's order
    if not (fits(sizes, tuple(spec.shape)) or fits(sizes[::-1], tuple(spec.shape))):
        return False, None  # other sizes, not another order: NL107's
    fix_data = order != want
    fix_axes = input_axes is not None and input_axes != want
    fix_shape = not fits(sizes, tuple(spec.shape))
    if not (fix_data or fix_axes or fix_shape):
        return True, None
    rnn = not reader.class_name.endswith("1D")  # Conv1D, MaxPooling1D, ... say channels
    reads = f"{title(reader)} reads its input as ({_words(want, rnn)})"
    transpose = f"x = np.transpose(x, (0, {1 + index[0]}, {1 + index[1]}))"
    if fix_axes or fix_shape:
        return True, _input_finding(ctx, spec, data, reads, (want, sizes, rnn),
                                    transpose if fix_data else None)
    square = " the sizes fit either way round, so Keras trains on it without a word;" \
        if sizes[0] == sizes[1] else ""
    message = (f"{data.label} is laid out {_named_shape(tuple(data.shape), data.axes)} but "
               f"{reads}: the model is right and the data's axes are in the other order;"
               f"{square} a reshape would keep the memory order and scramble every sample")
    fix = (f"{transpose}, which gives {format_shape((data.shape[0],) + sizes)} as "
           f"(samples, {_words(want, rnn)})")
    return True, ctx.report(message, data.where_shape, fix=fix)


def _input_finding(ctx: Context, spec: InputSpec, data: DataEntry, reads: str,
                   target: tuple, transpose: str | None) -> Finding:
    want, sizes, rnn = target
    written = _named_shape(tuple(spec.shape), spec.axes)
    steps, width = spec.shape
    message = (f"input '{spec.name}' is written {written} but {reads}: it runs over "
               f"{steps} steps of {width} {'features' if rnn else 'channels'}, and "
               f"{data.label} is {_named_shape(tuple(data.shape), data.axes)}")
    fix = f"write the input as shape: {list(sizes)}, axes: [{_words(want, rnn)}]"
    fix += f", and transpose the data to match: {transpose}" if transpose else \
        f" ({data.label} is already in that order)"
    return ctx.report(message, spec.shape_position or spec.position, fix=fix)


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for spec, data in inputs_with_data(ctx):
        if not data.shape:
            continue
        if (data.axes or spec.axes) and len(spec.shape) == 2:
            decided, finding = _by_reader(ctx, spec, data)
            if decided:
                if finding is not None:
                    yield finding
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
