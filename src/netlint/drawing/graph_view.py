"""The graph view: one box per layer with its shapes and parameters, as Keras plots it.

Nodes in model order (inputs, then layers in dependency order) and edges in
each layer's input order, so the DOT is the same on every run.
"""

from __future__ import annotations

import graphviz

from netlint.plumbing.counts import count_text
from netlint.drawing import labels
from netlint.drawing.ids import node_ids
from netlint.drawing.options import DiagramOptions
from netlint.drawing.shared import link_attrs, shared_calls, weight_links
from netlint.drawing.style import Style
from netlint.drawing.tables import layer_table
from netlint.layers.inference import InferredModel


def new_digraph(style: Style, rankdir: str, title_markup: str) -> graphviz.Digraph:
    """An empty digraph with the house style; its name is ours, never user text."""
    graph = graphviz.Digraph("netlint", graph_attr=style.graph_attrs(rankdir),
                             node_attr=style.node_attrs(), edge_attr=style.edge_attrs())
    graph.attr(label=style.label(title_markup))
    return graph


def title_markup(style: Style, inferred: InferredModel, subtitle: str = "") -> str:
    name = style.bold(style.text(labels.model_title(inferred)))
    total = f"Total params: {count_text(inferred.total_params)}"
    if inferred.errors:
        total += " (so far: some layers could not be inferred)"
    extra = f" · {subtitle}" if subtitle else ""
    return f"{name}<BR/>{style.small(style.text(total) + extra)}"


def build_graph_view(inferred: InferredModel, options: DiagramOptions,
                     marks: dict) -> graphviz.Digraph:
    style = options.style
    graph = new_digraph(style, options.direction, title_markup(style, inferred))
    ids = node_ids(list(inferred.nodes))
    shared = shared_calls(inferred)
    costs = labels.layer_costs(inferred) if options.show_cost else {}
    for node in inferred.nodes.values():
        table = layer_table(style, node, inferred, options.table, marks.get(node.name),
                            shared.get(node.name), costs.get(node.name))
        graph.node(ids[node.name], label=style.label(table), shape="plain")
    for node in inferred.layers:
        for position, source in enumerate(node.inbound):
            if source not in ids:
                continue
            # a merge's inputs are numbered: Concatenate and Subtract depend on the order
            label = style.label(style.small(str(position + 1))) if len(node.inbound) > 1 \
                else None
            graph.edge(ids[source], ids[node.name], label=label)
    # after the data edges, and none without a shared layer: other diagrams stay as they were
    for tail, head in weight_links(shared):
        graph.edge(ids[tail], ids[head], **link_attrs(style))
    return graph
