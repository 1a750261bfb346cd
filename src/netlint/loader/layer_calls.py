"""`- call: encoder`: a layer defined above, called again with the same weights.

Keras lets one layer be called on several inputs (a Siamese encoder, a shared
embedding); its weights exist once. In a model file the layer is written once,
as usual, and each further call is an item of its own:

    - LSTM: {units: 16, name: encoder}
      from: left
    - call: encoder
      from: right          # default: the item above, as for any layer
      name: right_encoded  # default: encoder_call_2, encoder_call_3, ...

The call becomes a LayerSpec that repeats the layer's class and arguments (so
inference and the rules read it like any layer) and names the layer it reuses
in `shares`; its `name` is the call's output, which `from:` and `outputs:` use.
"""

from __future__ import annotations

from netlint.model.graph import LayerSpec
from netlint.plumbing.records import replace
from netlint.loader.suggestions import did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netlint.loader.layer_items import ItemReader

CALL_KEY = "call"
CALL_ITEM_KEYS = (CALL_KEY, "from", "name")


def is_call_item(item: Any) -> bool:
    return isinstance(item, dict) and CALL_KEY in item


def default_call_name(layer: str, number: int) -> str:
    """`encoder_call_2`: the output of a layer's `number`-th call (the layer's own item
    is its first)."""
    return f"{layer}_call_{number}"


class CallReader:
    """Reads the `call:` items of one file against the layers defined above them."""

    def __init__(self, reader: ItemReader):
        self.reader = reader
        self.defined: dict[str, LayerSpec] = {}  # layer name -> the item defining it
        self.calls: dict[str, int] = {}  # layer name -> calls so far, its own item included

    def defines(self, layer: LayerSpec) -> None:
        """A layer item read: later `call:` items may name it."""
        if layer.shares is None:
            self.defined.setdefault(layer.name, layer)
            self.calls.setdefault(layer.name, 1)

    def read(self, item: dict, path: tuple, index: int, inbound: tuple, inputs: list,
             above: list) -> LayerSpec | None:
        """The LayerSpec of a `call:` item, or None after a finding. `inputs` and the
        layers and calls read `above` it say what a name that is no layer is, for the
        message."""
        doc = self.reader.doc
        where = doc.key_position_of(path + (CALL_KEY,))
        if any(key not in CALL_ITEM_KEYS for key in item):
            return None  # the schema's finding says which keys, and where (validate.py)
        target = item[CALL_KEY]
        layer = self.defined.get(target) if isinstance(target, str) else None
        if layer is None:
            known = {**{i.name: i for i in inputs}, **{spec.name: spec for spec in above}}
            self._not_a_layer(target, known, doc.position_of(path + (CALL_KEY,)))
            return None
        name = item.get("name")
        if name is not None and not isinstance(name, str):
            return None  # the schema's finding says a name is text, and where
        number = self.calls[target] + 1
        self.calls[target] = number
        written_from = item.get("from")
        consumed = (inbound, None) if written_from is None else \
            self.reader.read_from((written_from, path + ("from",)), inbound, target)
        if consumed is None:
            return None
        inbound, from_position = consumed
        return replace(layer, name=name or default_call_name(target, number),
                       inbound=inbound, position=where, written_class=None,
                       legacy_kwargs={}, explicit_name=name is not None, index=index,
                       from_position=from_position, shares=target)

    def _not_a_layer(self, target: Any, known: dict, where: Any) -> None:
        if not isinstance(target, str):
            self.reader.error("NL001", "`call:` takes the name of a layer defined above",
                              where)
            return
        what = known.get(target)
        if isinstance(what, LayerSpec) and what.shares is not None:
            message = f"'{target}' is a call of '{what.shares}', not a layer"
            fix = f"write `call: {what.shares}`"
        elif what is not None and not isinstance(what, LayerSpec):
            message = f"'{target}' is a model input; `call:` calls a layer again"
            fix = "use `from:` to feed an input to a layer"
        else:
            message = f"`call: {target}` names no layer defined above it"
            fix = did_you_mean(target, self.defined) or \
                "define the layer first (an item with `name:`), then call it"
        self.reader.error("NL004", message, where, fix=fix)
