"""The box drawn for one layer: name, class, input -> output shape, parameters.

Used by the graph view for every node and by the unrolled view for the
layers it does not unroll. The label is a Graphviz HTML-like table; every
piece of user text passes through `Style.text`.
"""

from __future__ import annotations

from netlint.plumbing.counts import count_text
from netlint.drawing import labels
from netlint.drawing.marks import Mark
from netlint.drawing.shared import SharedCall, shared_markup
from netlint.drawing.style import Style
from netlint.layers.inference import InferredModel, LayerResult
from netlint.plumbing.records import record


@record(frozen=True)
class TableOptions:
    show_activation: bool = False
    show_dtype: bool = False


def _row(style: Style, key: str, value_markup: str) -> str:
    return (f'<TR><TD ALIGN="LEFT">{style.small(key)}</TD>'
            f'<TD ALIGN="LEFT">{value_markup}</TD></TR>')


def _wide(markup: str, fill: str | None = None) -> str:
    color = f' BGCOLOR="{fill}"' if fill else ""
    return f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT"{color}>{markup}</TD></TR>'


def header_markup(style: Style, node: LayerResult) -> str:
    call = "Input" if node.is_input else labels.layer_call_text(node)
    return f"{style.bold(style.text(node.name))} {style.text(call)}"


def mark_markup(style: Style, mark: Mark, line_break: str = "<BR/>") -> str:
    """The finding codes (bold) and the message, a few short lines."""
    lines = labels.wrap_text(mark.message)
    if mark.fix:
        lines += labels.wrap_text("fix: " + mark.fix, max_lines=2)
    text = line_break.join(style.text(line) for line in lines)
    codes = style.bold(style.text(", ".join(mark.codes)))
    return f"{codes} {style.small(text, muted=False)}"


def mark_rows(style: Style, mark: Mark | None) -> list[str]:
    """The table row that marks a layer with an error."""
    if mark is None:
        return []
    return [_wide(mark_markup(style, mark), style.theme.error_fill)]


def _wrapper_rows(style: Style, node: LayerResult) -> list[str]:
    """The layer a wrapper holds, in a box of its own inside the wrapper's box."""
    spec = node.spec
    if spec is None or spec.wrapped is None:
        return []
    inner = spec.wrapped
    call = labels.call_text(inner.class_name, labels.merged_kwargs(inner), inner.wrapped)
    if node.class_name == "Bidirectional":
        merge = node.kwargs.get("merge_mode", "concat")
        lines = [f"forward → {style.text('forward_' + inner.name)} {style.text(call)}",
                 f"backward ← {style.text('backward_' + inner.name)} {style.text(call)}",
                 f"merge: {style.text(merge if merge is not None else 'none (two outputs)')}"]
    else:
        lines = [f"wraps {style.bold(style.text(inner.name))} {style.text(call)}"]
        if node.class_name == "TimeDistributed" and node.input_shapes and node.output_shape:
            step_in = labels.step_shape(node.input_shapes[0])
            step_out = labels.step_shape(node.output_shape)
            lines.append(style.small(f"at every timestep: {style.text(step_in)} → "
                                     f"{style.text(step_out)}, same weights"))
    inner_rows = "".join(f'<TR><TD ALIGN="LEFT">{line}</TD></TR>' for line in lines)
    box = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
           f'COLOR="{style.theme.frame}" STYLE="rounded">{inner_rows}</TABLE>')
    return [f'<TR><TD COLSPAN="2">{box}</TD></TR>']


def _shape_rows(style: Style, node: LayerResult) -> list[str]:
    if node.is_input:
        return [_row(style, "shape", style.text(labels.shapes_text(node.output_shapes)))]
    return [_row(style, "input", style.text(labels.input_shapes_text(node))),
            _row(style, "output", style.text(labels.shapes_text(node.output_shapes)))]


def _params_text(node: LayerResult, shared: SharedCall | None) -> str:
    """The count; `shared` on a call of a layer, whose own node shows the count (once)."""
    if node.output_shapes is None or node.params_unknown:
        return "?"
    return "shared" if shared is not None and shared.is_call else count_text(node.params)


def _detail_rows(style: Style, node: LayerResult, inferred: InferredModel,
                 options: TableOptions, shared: SharedCall | None = None,
                 cost: object | None = None) -> list[str]:
    rows = []
    if not node.is_input:
        rows.append(_row(style, "params", _params_text(node, shared)))
    activation = labels.activation_text(node) if options.show_activation else None
    if activation is not None:
        rows.append(_row(style, "activation", style.text(activation)))
    if options.show_dtype:
        rows.append(_row(style, "dtype", style.text(labels.dtype_text(node, inferred))))
    if cost is not None:  # per sample, forward: MACs, activations kept, weights
        rows.append(_row(style, "cost", style.text(labels.cost_text(cost))))
    if node.skipped:
        rows.append(_wide(style.small(style.italic("not inferred: an input has an error"))))
    return rows


def layer_table(style: Style, node: LayerResult, inferred: InferredModel,
                options: TableOptions, mark: Mark | None = None,
                shared: SharedCall | None = None, cost: object | None = None) -> str:
    """The HTML-like label of one layer's box (without the surrounding `<...>`);
    `shared` when the layer is called more than once (drawing.shared); `cost`, the
    layer's netlint.cost LayerCost when the diagram shows costs."""
    theme = style.theme
    fill = theme.input_fill if node.is_input else theme.header_fill
    rows = [_wide(header_markup(style, node), fill)]
    if shared is not None:
        rows.append(_wide(style.small(shared_markup(style, shared))))
    rows += _shape_rows(style, node)
    rows += _detail_rows(style, node, inferred, options, shared, cost)
    rows += _wrapper_rows(style, node)
    rows += mark_rows(style, mark)
    border, color = ("2", theme.error) if mark else ("1", theme.ink)
    dashed = ' STYLE="dashed"' if node.skipped else ""
    return (f'<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
            f'COLOR="{color}"{dashed}>{"".join(rows)}</TABLE>')
