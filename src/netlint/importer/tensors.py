"""The tensors a serialized Keras model passes between its layers, read from its config.

Keras 3 writes each tensor a call consumes as `{"class_name": "__keras_tensor__",
"config": {"shape": [...], "keras_history": [layer, node, tensor]}}` inside the
call's `args`/`kwargs`; a model's `input_layers`/`output_layers` as
`[layer, node, tensor]` triples. structure.py has checked their form before
anything here reads them; what does not have it is skipped, never trusted.
"""

from __future__ import annotations

from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_INDEX = 2**31 - 1  # a node or tensor index past this is no model's


@record(frozen=True)
class Ref:
    """An output tensor: `layer`'s `node`-th call, its `tensor`-th output."""

    layer: str
    node: int = 0
    tensor: int = 0


def index(value: Any) -> int | None:
    """A node or tensor index as written (an int, not a bool), or None."""
    return value if type(value) is int and 0 <= value <= MAX_INDEX else None


def triple(value: Any) -> Ref | None:
    """`[layer, node, tensor]` (a Keras 2 call entry may add a kwargs mapping) as a Ref."""
    if not isinstance(value, list) or len(value) < 3 or not isinstance(value[0], str):
        return None
    node, tensor = index(value[1]), index(value[2])
    return Ref(value[0], node, tensor) if node is not None and tensor is not None else None


def layer_name(layer: dict) -> str:
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    name = layer.get("name") or config.get("name")
    return name if isinstance(name, str) else ""


def tensors(value: Any) -> list[Ref]:
    """Keras 3's serialized tensors inside a call's args, in order."""
    found: list[Ref] = []
    pending = [value]
    while pending:  # a stack, not recursion: args may nest as deep as the file allows
        value = pending.pop()
        if isinstance(value, dict):
            config = value.get("config")
            if value.get("class_name") == "__keras_tensor__" and isinstance(config, dict):
                ref = triple(config.get("keras_history"))
                if ref is not None:
                    found.append(ref)
        elif isinstance(value, (list, tuple)):
            pending += reversed(value)
    return found


def tensor_shapes(node: Any) -> list[tuple[Ref, Any]]:
    """(tensor, its recorded shape) of each Keras 3 tensor a call consumes; Keras 2's
    list-form calls record none."""
    if not isinstance(node, dict):
        return []
    found: list = []
    pending = [node.get("args"), node.get("kwargs")]
    while pending:
        value = pending.pop()
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            config = value.get("config") if isinstance(value.get("config"), dict) else {}
            refs = tensors(value)
            if refs:
                found.append((refs[0], config.get("shape")))
        elif isinstance(value, dict):
            pending += list(value.values())
        elif isinstance(value, list):
            pending += value
    return found


def endpoint_refs(value: Any) -> list[Ref]:
    """`input_layers`/`output_layers`: [name, node, tensor] or a list of them."""
    if not isinstance(value, list) or not value:
        return []
    if isinstance(value[0], str):
        value = [value]
    return [ref for ref in map(triple, value) if ref is not None]


def built_on(layer: dict) -> Any:
    """The input shape a Sequential's layer was built on (its `build_config`), if one."""
    build = layer.get("build_config")
    shape = build.get("input_shape") if isinstance(build, dict) else None
    return shape if isinstance(shape, list) and not any(isinstance(d, list) for d in shape) \
        else None


def _uses(layers: list, ops: set) -> dict[str, set]:
    """Op name -> {(how, consumer)}: how is "mask" (a `mask=` argument) or "input"."""
    uses: dict[str, set] = {name: set() for name in ops}
    for layer in layers:
        consumer = layer_name(layer)
        nodes = layer.get("inbound_nodes")
        for node in nodes if isinstance(nodes, list) else []:
            if not isinstance(node, dict):
                continue
            kwargs = node.get("kwargs") if isinstance(node.get("kwargs"), dict) else {}
            inputs = tensors(node.get("args", [])) + tensors(
                [v for k, v in sorted(kwargs.items()) if k != "mask"])
            for how, refs in (("input", inputs), ("mask", tensors(kwargs.get("mask")))):
                for ref in refs:
                    if ref.layer in uses:
                        uses[ref.layer].add((how, consumer))
    return uses


def implicit_mask_ops(layers: list) -> set[str]:
    """Operation nodes (not layers) whose outputs only ever feed `mask=` arguments.

    Keras 3 records the mask an `Embedding(mask_zero=True)` or `Masking` layer
    implies as ops (`not_equal`, `any`) passed to later calls as `mask=`; the
    netlint file states the mask_zero / Masking itself, and netlint propagates it.
    A worklist: an op is looked at again only when one of its consumers joins.
    """
    ops = {layer_name(layer) for layer in layers
           if str(layer.get("module", "")).startswith("keras.src.ops")}
    uses = _uses(layers, ops)
    feeds: dict[str, set] = {}  # consumer -> the ops it takes
    for op, used in uses.items():
        for _, consumer in used:
            feeds.setdefault(consumer, set()).add(op)
    mask_only: set[str] = set()
    pending = sorted(ops, reverse=True)
    while pending:
        op = pending.pop()
        if op in mask_only or not uses[op]:
            continue
        if all(how == "mask" or consumer in mask_only for how, consumer in uses[op]):
            mask_only.add(op)
            pending += sorted(feeds.get(op, ()), reverse=True)
    return mask_only
