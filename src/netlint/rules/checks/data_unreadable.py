"""netlint reads .npy headers (and .npz members) for shapes and values; a path it
cannot read means the data checks silently did not run, so it says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import has_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.data is None:
        return
    for problem in ctx.data.problems:
        yield ctx.report(problem.message, problem.position, fix=problem.fix,
                         severity=problem.severity)
