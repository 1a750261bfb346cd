"""Shared layers (`- call: encoder`) in a diagram: one node per call, marked as one layer.

Each call is drawn where its inputs are, as a node (or an unrolled grid) of its
own: a Siamese model then reads as two parallel chains whose inputs and outputs
pair up, where one node with edges from both branches would cross them and
leave the reader to guess which output belongs to which input. What makes the
calls one layer is said twice: a line on every call ("shared layer encoder ·
call 2 of 2"), and a dashed, undirected edge between consecutive calls that
takes no part in the layout (`constraint=false`), so drawing it moves nothing.
The parameter count stays on the layer's own node (its first call) alone, so
the counts on a drawing add up to its total, as Keras's summary does.
"""

from __future__ import annotations

from netlint.drawing.style import Style
from netlint.layers.inference import InferredModel
from netlint.layers.shared_calls import calls_of
from netlint.plumbing.records import record

LINK_LABEL = "same weights"


@record(frozen=True)
class SharedCall:
    """Where one node stands among the calls of a layer called more than once."""

    layer: str  # the layer's name: its own item's node, which holds the weights
    number: int  # 1 for that node, then 2, 3, ... in the order Keras numbers the calls
    count: int  # the layer's calls, its own item's included

    @property
    def is_call(self) -> bool:
        """A `call:` item's node (it shows no parameters: its layer's node has them)."""
        return self.number > 1


def shared_calls(inferred: InferredModel) -> dict[str, SharedCall]:
    """node name -> SharedCall, for every node of a layer called more than once."""
    out: dict[str, SharedCall] = {}
    for layer, nodes in calls_of(inferred.nodes).items():
        if len(nodes) > 1:
            for number, node in enumerate(nodes, 1):
                out[node.name] = SharedCall(layer, number, len(nodes))
    return out


def weight_links(shared: dict[str, SharedCall]) -> list[tuple[str, str]]:
    """(earlier call, next call) pairs: a chain per layer, in Keras's call order.

    A chain, not a star from the layer's node: neighbouring branches are linked to
    their neighbours, so with three calls no link runs across the middle branch."""
    last: dict[str, str] = {}
    links = []
    for name, call in shared.items():  # model order, so each layer's calls in order
        if call.layer in last:
            links.append((last[call.layer], name))
        last[call.layer] = name
    return links


def shared_markup(style: Style, call: SharedCall) -> str:
    """`shared layer <b>encoder</b> · call 2 of 2`, the layer's name escaped."""
    return (f"shared layer {style.bold(style.text(call.layer))} · "
            f"call {call.number} of {call.count}")


def link_attrs(style: Style) -> dict:
    """The same-weights edge: dashed, no arrow, and no say in where dot puts the nodes."""
    return {"style": "dashed", "dir": "none", "constraint": "false",
            "color": style.theme.muted, "fontcolor": style.theme.muted,
            "label": style.label(style.small(LINK_LABEL))}
