"""One NaN in a batch makes that batch's loss NaN, and the weights with it. Read from
the file's values, or from a `range:` that declares NaN or an infinite bound.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.data import iter_entries
from netlint.model.findings import Finding
from netlint.rules.facts import has_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    fix = "drop or impute them before training (np.isfinite(x) finds them)"
    for entry in iter_entries(ctx.data):
        stats = entry.stats
        if entry.declared_nonfinite:
            written = ", ".join(str(v) for v in entry.declared_nonfinite)
            yield ctx.report(f"{entry.label} declares {written} in its range: the data holds "
                             f"non-finite values, and one in a batch makes the loss NaN",
                             entry.where_range, fix=fix)
        elif stats is not None and (stats.nan_count or stats.inf_count):
            parts = [f"{count} {what}" for count, what in
                     ((stats.nan_count, "NaN"), (stats.inf_count, "infinite")) if count]
            scope = " in the sampled part" if stats.sampled else ""
            yield ctx.report(f"{entry.label} holds {' and '.join(parts)} values{scope}: one "
                             f"in a batch makes the loss NaN", entry.where, fix=fix)
