"""A shared layer's calls in an order a model file can have.

Keras lists a shared layer once, where its first call is, with every call in
its `inbound_nodes`; a later call may consume a layer listed after it
(`y = d(x); z = relu(y); d(z)`). A model file writes each call as an item
(`- call: dense`) that the loader numbers in file order (`dense_call_2`,
`dense_call_3`, ...), and inference, export and the summary number Keras's
nodes in dependency order. So the items go where every input is above them
and each call below the layer's previous one: then all three orders agree
with Keras's node indices. Keras made node k before node k + 1, so such an
order exists for any model Keras built.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.importer.graph import LayerCall


def in_call_order(calls: list[LayerCall]) -> list[LayerCall]:
    """`calls` (each layer's nodes listed in Keras's node order) with every call after
    what it consumes and after its layer's previous node; the listed order where free,
    so a list already in such an order stays as it is."""
    names = {call.name for call in calls}
    last: dict[str, str] = {}  # layer -> its node listed last so far
    needs: dict[str, set] = {}
    for call in calls:
        layer = call.shares or call.name
        needs[call.name] = {ref.layer for ref in call.inbound if ref.layer in names}
        if call.shares and layer in last:
            needs[call.name].add(last[layer])
        last[layer] = call.name
    done: set[str] = set()
    ordered: list[LayerCall] = []
    pending = list(calls)
    while pending:
        # the first ready call: in a list already in order, the very first
        for index, ready in enumerate(pending):
            if done.issuperset(needs[ready.name]):
                break
        else:  # a reference to itself or a cycle, which no Keras model has: as listed
            return ordered + pending
        del pending[index]
        ordered.append(ready)
        done.add(ready.name)
    return ordered
