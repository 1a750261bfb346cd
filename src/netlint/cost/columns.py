"""The cost as `netlint summary` shows it: three columns per layer and a footer (text,
like torchinfo's), and the same figures as JSON fields.

A row of the table is a layer with all its calls (a shared layer's row counts the
products of every call, its weights once). In the text the columns are for the whole
batch, as torchinfo's are; JSON gives one sample's figures, which the batch multiplies.
"""

from __future__ import annotations

from netlint.cost.text import amount_text, bytes_text
from netlint.plumbing.counts import json_count

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.cost.totals import LayerCost, ModelCost

COST_WIDTHS = (13, 14, 12)
COST_HEADERS = ("Mult-Adds", "Activations", "Weights")


def _row_costs(cost: ModelCost, node: object, calls: list) -> list[LayerCost]:
    found = cost.by_name()
    return [found[n.name] for n in (node, *calls) if n.name in found]


def _total(values: list) -> int | None:
    return None if None in values else sum(values)


def _times(value: int | None, factor: int) -> int | None:
    return None if value is None else value * factor


def cost_cells(cost: ModelCost, node: object, calls: list) -> list[str]:
    """Mult-adds and activations for the batch, and the weights' bytes, of one row."""
    rows = _row_costs(cost, node, calls)
    if not rows:  # a model input: its bytes are in the footer's activations
        return ["-", "-", "-"]
    macs = _total([r.macs for r in rows])
    kept = _total([r.activation_bytes for r in rows])
    return [amount_text(_times(macs, cost.batch_size)),
            bytes_text(_times(kept, cost.batch_size)), bytes_text(rows[0].weight_bytes)]


def _json(value: int | None) -> int | None:
    return None if value is None else json_count(value)


def cost_fields(cost: ModelCost, name: str, calls: object) -> dict:
    """One row's JSON fields: one sample's figures (None: unknown)."""
    found = cost.by_name()
    rows = [found[n] for n in [name, *(c["name"] for c in calls)] if n in found]
    if not rows:
        return {}
    macs = _total([r.macs for r in rows])
    return {"macs_per_sample": _json(macs), "flops_per_sample": _json(_times(macs, 2)),
            "activation_bytes_per_sample": _json(_total([r.activation_bytes for r in rows])),
            "weight_bytes": _json(rows[0].weight_bytes)}


def cost_totals(cost: ModelCost) -> dict:
    """The training step's figures at the batch size and policy it was costed under."""
    return {
        "batch_size": cost.batch_size,
        "dtype_policy": cost.policy,
        "optimizer": cost.optimizer.name,
        "optimizer_slots": cost.optimizer.slots,
        "macs_per_sample": _json(cost.macs),
        "flops_per_sample": _json(cost.flops),
        "training_step_flops": _json(cost.step_flops),
        "weight_bytes": _json(cost.weight_bytes),
        "gradient_bytes": _json(cost.gradient_bytes),
        "optimizer_bytes": _json(cost.optimizer_bytes),
        "activation_bytes": _json(cost.activation_bytes),
        "training_step_bytes": _json(cost.step_bytes),
    }


def step_microseconds(cost: ModelCost, tflops: float) -> int | None:
    """A step's arithmetic at `tflops` TFLOP/s: the compute-bound floor of its time
    (memory traffic and launch overheads only add to it). Integer arithmetic: the FLOPs
    of a 10^30-unit model overflow a float."""
    if cost.step_flops is None or not tflops > 0:
        return None
    return cost.step_flops * 10 ** 6 // max(int(tflops * 10 ** 12), 1)


def _duration_text(microseconds: int) -> str:
    for unit, size in (("h", 3_600_000_000), ("s", 1_000_000), ("ms", 1000)):
        if microseconds >= size:
            return f"{amount_text(microseconds // size)} {unit}" if microseconds >= \
                1000 * size and unit == "h" else f"{microseconds / size:.2f} {unit}"
    return f"{microseconds} µs"


def cost_footer(cost: ModelCost, tflops: float | None = None) -> list[str]:
    slots = "?" if cost.optimizer.slots is None else cost.optimizer.slots
    forward = _times(cost.macs, cost.batch_size)
    timed = step_microseconds(cost, tflops) if tflops else None
    timing = [] if not tflops else [
        f" Time per step at {tflops:g} TFLOP/s (arithmetic only, a floor): "
        f"{'?' if timed is None else _duration_text(timed)}"]
    lines = [
        f" Batch size: {cost.batch_size}, dtype policy: {cost.policy}, "
        f"optimizer: {cost.optimizer.name} ({slots} slots per weight)",
        f" Forward mult-adds: {amount_text(forward)} "
        f"(FLOPs: {amount_text(_times(forward, 2))})",
        f" Training step FLOPs (forward + backward): {amount_text(cost.step_flops)}",
        f" Weights: {bytes_text(cost.weight_bytes)}",
        f" Gradients: {bytes_text(cost.gradient_bytes)}",
        f" Optimizer state: {bytes_text(cost.optimizer_bytes)}",
        f" Activations kept for backward (inputs included): "
        f"{bytes_text(cost.activation_bytes)}",
        f" Estimated training step memory: {bytes_text(cost.step_bytes)}",
    ]
    return lines[:3] + timing + lines[3:]
