"""Cross-entropy on a -1/1 target, class ids 1..7 for 7 units, ids divided by their
maximum: Keras trains on them without a word and learns nonsense (or NaN).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.compile_facts import BINARY_CE, CATEGORICAL_CE, SPARSE_CE
from netlint.rules.data_facts import fits
from netlint.rules.facts import fmt_span, has_data
from netlint.rules.heads import Head, heads
from netlint.rules.label_classes import too_narrow
from netlint.rules.output_ranges import signed_pair

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _outside_domain(head: Head) -> tuple[str, str] | None:
    """(what is wrong, fix) when the labels fall outside what the loss accepts."""
    labels, loss, units = head.labels, head.loss, head.units
    target = labels.value_range
    if target is None:
        return None
    low, high = target
    one_hot_shaped = bool(labels.shape) and fits(tuple(labels.shape[1:]),
                                                 tuple(head.node.output_shape[1:]))
    if loss.name in CATEGORICAL_CE and not one_hot_shaped:
        return None  # class ids under categorical cross-entropy: NL303 says so
    if loss.name in BINARY_CE | CATEGORICAL_CE and (low < 0 or high > 1):
        fix = ("map the labels to 0/1" if loss.name in BINARY_CE else
               "one-hot encode the labels (keras.utils.to_categorical)")
        return f"{loss.written} needs targets in [0, 1], but {labels.label} ranges over " \
               f"{fmt_span(low, high)}", fix
    if loss.name not in SPARSE_CE or units == 1:
        return None  # sparse ids on one unit: NL306 says the loss is constant
    whole = float(low).is_integer() and float(high).is_integer() and (
        labels.stats is None or labels.stats.integral)
    if not whole:
        return (f"{loss.written} needs integer class ids, but {labels.label} ranges over "
                f"{fmt_span(low, high)} (ids scaled to fractions?)",
                "use the class ids 0, 1, ..., C-1 as they are")
    if low < 0 or (units and high >= units):
        top = f"0..{units - 1}" if units else "from 0"
        return (f"{loss.written} takes class ids {top} for output '{head.output}', but "
                f"{labels.label} ranges over {fmt_span(low, high)}",
                f"renumber the classes from 0, or give the output {int(high) + 1} units")
    return None


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        if head.labels is None or head.loss is None:
            continue
        if too_narrow(head) is not None or signed_pair(head):
            continue  # NL303's finding (ids 0..C-1 on fewer units), NL309's (tanh and -1/1)

        problem = _outside_domain(head)
        if problem is not None:
            message, fix = problem
            yield ctx.report(message, head.labels.where_range, fix=fix, layer=head.output)
