"""The timestep columns an unrolled diagram shows: all of them, or t1 t2 … tT.

A long sequence is elided so the drawing's size does not depend on T: the
first `max_steps - 1` steps, an ellipsis, and the last step, written `T`, with
the real length in the row label and title (`T = 7000`). An open time axis
(`null`) draws the same way with a symbolic T.
"""

from __future__ import annotations

from netlint.plumbing.records import record

DEFAULT_MAX_STEPS = 4
MIN_MAX_STEPS = 2  # the first and the last step
# More columns than anyone can read; each costs DOT per layer and step (a million wrote
# a 592 MB file)
MAX_MAX_STEPS = 100


@record(frozen=True)
class Column:
    key: str  # part of node ids: "1", "2", "e" (ellipsis), "T"
    symbol: str  # the subscript: "1", "2", "T"; "" for the ellipsis
    step: int | None  # 1-based step when known
    ellipsis: bool = False


def columns(steps: int | None, max_steps: int = DEFAULT_MAX_STEPS) -> list[Column]:
    """The columns to draw for a time axis of `steps` (None = any length)."""
    if max_steps < MIN_MAX_STEPS:
        raise ValueError(f"max_steps must be at least {MIN_MAX_STEPS}, got {max_steps}")
    if steps is not None and steps <= 0:
        return [Column("e", "", None, ellipsis=True)]  # no steps at all: one empty column
    if steps is not None and steps <= max_steps:
        return [Column(str(t), str(t), t) for t in range(1, steps + 1)]
    shown = [Column(str(t), str(t), t) for t in range(1, max_steps)]
    return shown + [Column("e", "", None, ellipsis=True), Column("T", "T", steps)]


def before(column: Column) -> str:
    """The subscript of the step just before `column` (`T-1`, or `2` before step 3)."""
    if column.symbol == "T":
        return "T-1"
    return str(int(column.symbol) - 1)


def after(column: Column) -> str:
    """The subscript of the step just after `column` (for the backward direction)."""
    return str(int(column.symbol) + 1)
