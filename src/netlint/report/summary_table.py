"""`netlint summary`: the table `model.summary()` prints in Keras 3, and its JSON form.

Keras draws the table with rich at the terminal's width; we draw the same table
at the widths Keras uses on an 80-column terminal, so CI logs never change
with the runner's window.
"""

from __future__ import annotations

import textwrap

from netlint.plumbing.counts import byte_size_text, count_text, json_count
from netlint.layers.inference import InferredModel, LayerResult
from netlint.layers.base import format_shape
from netlint.layers.shared_calls import calls_of, keras_nodes
from netlint.cost.columns import (
    COST_HEADERS,
    COST_WIDTHS,
    cost_cells,
    cost_fields,
    cost_footer,
    cost_totals,
)
from netlint.report.text import visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.cost import ModelCost

# inner widths (padding included) of Keras's columns on an 80-column terminal
SEQUENTIAL_WIDTHS = (33, 24, 15)
FUNCTIONAL_WIDTHS = (21, 19, 12, 19)
HEADERS = ("Layer (type)", "Output Shape", "Param #", "Connected to")
RIGHT_ALIGNED = frozenset({2})


readable_memory_size = byte_size_text  # Keras's name for it


def model_name(inferred: InferredModel) -> str:
    spec = inferred.model
    return spec.name or ("sequential" if spec.sequential else "functional")


def shape_text(node: LayerResult) -> str:
    if node.output_shapes is None:
        return "?"
    if len(node.output_shapes) == 1:
        return format_shape(node.output_shapes[0])
    return "[" + ", ".join(format_shape(s) for s in node.output_shapes) + "]"


def _chain_like(inferred: InferredModel) -> bool:
    """Keras prints a single-chain functional model without `Connected to`."""
    if len(inferred.inputs) != 1:
        return False
    counts: dict[str, int] = {}
    for node in inferred.layers:
        if len(node.inbound) != 1:
            return False
        counts[node.inbound[0]] = counts.get(node.inbound[0], 0) + 1
    return all(c == 1 for c in counts.values())


def _rows(inferred: InferredModel, with_inputs: bool, connected: bool,
          cost: ModelCost | None = None) -> list[list[str]]:
    """One row per layer, as Keras prints it: a layer called several times (`call:`)
    once, with its first call's shape and every call's inputs under `Connected to`."""
    rows = []
    numbers = keras_nodes(inferred.nodes)
    for node, *calls in calls_of(inferred.nodes).values():
        if node.is_input and not with_inputs:
            continue
        unknown = (node.output_shapes is None and not node.is_input) or node.params_unknown
        params = "?" if unknown else count_text(node.params)
        # a name from the file, shown, never obeyed: its ESC or U+202E are escapes
        row = [visible(f"{node.name} ({node.class_name})"), shape_text(node), params]
        if connected:
            refs = [numbers.get(ref, (ref, 0)) for call in (node, *calls) for ref in call.inbound]
            row.append(visible(", ".join(f"{layer}[{index}][0]" for layer, index in refs))
                       or "-")
        if cost is not None:
            row += cost_cells(cost, node, calls)
        rows.append(row)
    return rows


def _cell_lines(text: str, width: int) -> list[str]:
    inner = width - 2
    lines = textwrap.wrap(text, inner, break_long_words=False, break_on_hyphens=False) or [""]
    return [line if len(line) <= inner else line[:inner - 1] + "…" for line in lines]


def _render_row(cells: list[str], widths: tuple, bar: str,
                right: frozenset = RIGHT_ALIGNED) -> list[str]:
    wrapped = [_cell_lines(c, w) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    out = []
    for i in range(height):
        parts = []
        for col, (lines, width) in enumerate(zip(wrapped, widths)):
            text = lines[i] if i < len(lines) else ""
            text = text.rjust(width - 2) if col in right else text.ljust(width - 2)
            parts.append(f" {text} ")
        out.append(bar + bar.join(parts) + bar)
    return out


def summary_text(inferred: InferredModel, cost: ModelCost | None = None,
                 tflops: float | None = None) -> str:
    """Keras's table; with `cost` (netlint.cost.model_cost), torchinfo's columns and
    footer besides (a time per step too, at `tflops` TFLOP/s)."""
    spec = inferred.model
    connected = not spec.sequential and not _chain_like(inferred)
    widths = FUNCTIONAL_WIDTHS if connected else SEQUENTIAL_WIDTHS
    headers = list(HEADERS[:len(widths)])
    right = RIGHT_ALIGNED
    if cost is not None:  # right-aligned counts after Keras's columns
        right = right | frozenset(range(len(widths), len(widths) + len(COST_WIDTHS)))
        widths, headers = widths + COST_WIDTHS, headers + list(COST_HEADERS)
    rule = lambda l, m, r, c: l + m.join(c * w for w in widths) + r  # noqa: E731
    lines = [f'Model: "{visible(model_name(inferred))}"', rule("┏", "┳", "┓", "━")]
    lines += _render_row(headers, widths, "┃", right)
    lines.append(rule("┡", "╇", "┩", "━"))
    rows = _rows(inferred, with_inputs=not spec.sequential, connected=connected, cost=cost)
    for index, row in enumerate(rows):
        if index:
            lines.append(rule("├", "┼", "┤", "─"))
        lines += _render_row(row, widths, "│", right)
    lines.append(rule("└", "┴", "┘", "─"))
    total, trainable = inferred.total_params, inferred.trainable_params
    frozen = inferred.non_trainable_params
    lines += [
        f" Total params: {count_text(total)} ({readable_memory_size(inferred.param_bytes())})",
        f" Trainable params: {count_text(trainable)} "
        f"({readable_memory_size(inferred.param_bytes(True))})",
        f" Non-trainable params: {count_text(frozen)} "
        f"({readable_memory_size(inferred.param_bytes(False))})",
    ]
    if cost is not None:
        lines += cost_footer(cost, tflops)
    return "\n".join(lines) + "\n"


def _json_shape(node: LayerResult) -> object:
    if node.output_shapes is None:
        return None
    shapes = [[None if d is None else json_count(d) for d in s] for s in node.output_shapes]
    return shapes[0] if len(shapes) == 1 else shapes


def _default_cost(inferred: InferredModel) -> ModelCost:
    from netlint.cost import model_cost

    return model_cost(inferred)


def summary_dict(inferred: InferredModel, cost: ModelCost | None = None) -> dict:
    """The table as JSON, every layer's cost and the training step's totals included
    (`cost`: those of the model file's batch size and policy unless given)."""
    layers = []
    for node, *calls in calls_of(inferred.nodes).values():
        if node.is_input and inferred.model.sequential:
            continue
        layers.append({
            "name": node.name,
            "class": node.class_name,
            "output_shape": _json_shape(node),
            "params": None if node.params_unknown else json_count(node.params),
            "trainable_params": None if node.params_unknown else
            json_count(node.trainable_params),
            "non_trainable_params": None if node.params_unknown else
            json_count(node.non_trainable_params),
            "inbound": list(node.inbound),
            "error": node.error.message if node.error else None,
        })
        if calls:  # a shared layer's further calls: their outputs by the names `from:` uses
            layers[-1]["calls"] = [{"name": call.name, "output_shape": _json_shape(call),
                                    "inbound": list(call.inbound),
                                    "error": call.error.message if call.error else None}
                                   for call in calls]
    cost = cost or _default_cost(inferred)
    for entry in layers:
        entry.update(cost_fields(cost, entry["name"], entry.get("calls", ())))
    return {
        "name": model_name(inferred),
        "path": inferred.model.path,
        "layers": layers,
        "outputs": list(inferred.model.outputs),
        "total_params": json_count(inferred.total_params),
        "trainable_params": json_count(inferred.trainable_params),
        "non_trainable_params": json_count(inferred.non_trainable_params),
        "cost": cost_totals(cost),
    }
