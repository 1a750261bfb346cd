"""A training step that will not fit: the weights, their gradients, the optimizer's
slots and the activations a batch keeps for the backward pass, against the memory the
project says it has (`memory_budget`), and sizes no machine holds, whatever the budget.

The cost package is imported only when there is something to weigh (a budget is set,
or a size passes the cheap screen below): `netlint check` pays nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.cost import ModelCost
    from netlint.rules.engine import Context

MAX_PARAMS = 10 ** 12  # beyond any accelerator's memory, at any precision
MAX_ACTIVATION_BYTES = 10 ** 18  # an exabyte
# a per-sample output this large may pass an exabyte at some batch: worth costing
_SCREEN_ELEMENTS = 10 ** 12


def _screened(ctx: Context) -> bool:
    """Whether a size is big enough to cost in full (a loop over sizes, no imports)."""
    params = 0
    for node in ctx.inferred.layers:
        for weight in node.weights:
            params += weight.size
        for shape in node.output_shapes or ():
            elements = 1
            for size in shape[1:]:
                elements *= size if isinstance(size, int) else 1
            if elements > _SCREEN_ELEMENTS:
                return True
    return params > MAX_PARAMS


def check(ctx: Context) -> Iterator[Finding]:
    budget_option = ctx.options.get("memory_budget")
    if budget_option is None and not _screened(ctx):
        return
    from netlint.cost import model_cost
    from netlint.cost.text import budget_bytes

    cost = model_cost(ctx.inferred)
    impossible = list(_impossible(ctx, cost))
    yield from impossible
    if impossible or budget_option is None:
        return
    budget = budget_bytes(budget_option)
    if budget is None:  # refused when the config was read (config_settings._size)
        return
    if cost.layers and cost.step_bytes is not None and cost.step_bytes > budget:
        yield _over_budget(ctx, cost, budget, budget_option)


def _impossible(ctx: Context, cost: ModelCost) -> Iterator[Finding]:
    from netlint.cost.text import amount_text, bytes_text

    params = ctx.inferred.total_params
    if params > MAX_PARAMS:
        node = max(ctx.inferred.layers, key=lambda n: n.params)
        yield ctx.report(f"{amount_text(params)} parameters ({bytes_text(cost.weight_bytes)} "
                         f"of weights; {title(node)} holds {amount_text(node.params)}): no "
                         f"machine holds more than {amount_text(MAX_PARAMS)}",
                         node.spec.position, severity="error", layer=node.name,
                         fix="check the sizes written in this layer (a unit count or a "
                             "shape with digits too many)")
        return
    kept = cost.activation_bytes
    if kept is not None and kept > MAX_ACTIVATION_BYTES:
        layer = max((c for c in cost.layers if c.activation_bytes is not None),
                    key=lambda c: c.activation_bytes)
        node = ctx.inferred[layer.name]
        yield ctx.report(f"the activations of one batch of {cost.batch_size} take "
                         f"{bytes_text(kept)}, beyond an exabyte ({title(node)}: "
                         f"{bytes_text(layer.activation_bytes * cost.batch_size)})",
                         node.spec.position, severity="error", layer=node.name,
                         fix="check the sizes written in this layer and the input shape")


def _over_budget(ctx: Context, cost: ModelCost, budget: int, written: object) -> Finding:
    from netlint.cost.text import bytes_text

    parts = {"activations": cost.activation_bytes, "optimizer state": cost.optimizer_bytes,
             "weights": cost.weight_bytes, "gradients": cost.gradient_bytes}
    ranked = sorted(parts.items(), key=lambda item: -item[1])
    biggest = max(cost.layers, key=lambda c: (c.activation_bytes or 0)
                  if ranked[0][0] == "activations" else (c.weight_bytes or 0))
    node = ctx.inferred[biggest.name]
    share = (biggest.activation_bytes * cost.batch_size if ranked[0][0] == "activations"
             else biggest.weight_bytes)
    shown = written if isinstance(written, str) else bytes_text(budget)
    message = (f"a training step at batch {cost.batch_size} ({cost.policy}, "
               f"{cost.optimizer.name}) needs about {bytes_text(cost.step_bytes)}, over the "
               f"{shown} budget: " + ", ".join(f"{name} {bytes_text(size)}"
                                              for name, size in ranked) +
               f"; most of the {ranked[0][0]}: {title(node)} ({bytes_text(share)})")
    return ctx.report(message, node.spec.position, layer=node.name,
                      fix="; ".join(_fixes(ctx, cost, budget, node, ranked[0][0])))


def _fixes(ctx: Context, cost: ModelCost, budget: int, node: object,
           top: str) -> list[str]:
    """What would fit, in this model's numbers."""
    from netlint.cost import model_cost
    from netlint.cost.text import bytes_text

    fixes = []
    fixed = cost.weight_bytes + cost.gradient_bytes + cost.optimizer_bytes
    per_sample = cost.activation_bytes // cost.batch_size
    fits = (budget - fixed) // per_sample if per_sample and budget > fixed else 0
    if fits >= 1 and fits < cost.batch_size:
        fixes.append(f"batch_size: {fits} fits ({bytes_text(fixed + fits * per_sample)})")
    elif budget <= fixed:
        fixes.append(f"the weights, gradients and optimizer state alone take "
                     f"{bytes_text(fixed)}: fewer units or a smaller optimizer (SGD keeps "
                     f"{bytes_text(cost.weight_bytes + cost.gradient_bytes)})")
    if cost.policy == "float32":
        mixed = model_cost(ctx.inferred, batch_size=cost.batch_size, policy="mixed_float16")
        fixes.append(f"mixed_float16 halves the activations: {bytes_text(mixed.step_bytes)}")
    steps = node.input_shapes[0][1] if node.input_shapes and len(node.input_shapes[0]) > 2 \
        else None
    if node.class_name in ("LSTM", "GRU", "SimpleRNN", "Bidirectional") and \
            isinstance(steps, int) and steps >= 8:
        fixes.append(f"a Conv1D or pooling with strides 4 before {title(node)} cuts its "
                     f"{steps} steps to {-(-steps // 4)}, and its activations about 4 times")
    if top != "activations" and node.kwargs.get("units"):
        fixes.append(f"fewer units in {title(node)} (now {node.kwargs['units']})")
    return fixes
