"""Questions the sequence rules ask of one model: how a layer reads a (steps, features)
input, which layer left an RNN a single step, and which mask reaches an RNN.

Read-only queries over the inferred graph, like facts.py; shared by NL101, NL102,
NL204 and NL205 (netlint.rules.checks).
"""

from __future__ import annotations

from netlint.layers.inference import InferredModel, LayerResult
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import (
    PASS_THROUGH, RNN_CLASSES, makes_mask, producer, spatial_rank, title,
)

# The words of an axis of a sequence: `channels` is what a Conv1D calls `features`.
TIME, FEATURES = "time", "features"
_SAME_AS = {"channels": FEATURES, "steps": TIME}

# Keras 3 layers that hand a mask on to the next (their `supports_masking` is True);
# any other layer drops it (keras/src/layers/layer.py warns "will therefore destroy the
# mask information"). Recurrent layers hand it on only with return_sequences.
MASK_KEEPERS = PASS_THROUGH | frozenset({
    "Dense", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Rescaling",
    "TimeDistributed", "Normalization",
})


def axis_word(name: str) -> str:
    """An axis word as the sequence rules compare it: channels reads as features."""
    return _SAME_AS.get(name, name)


def _bare_class(node: LayerResult) -> str:
    spec = node.spec
    if spec is not None and spec.wrapped is not None and node.class_name == "Bidirectional":
        return spec.wrapped.class_name
    return node.class_name


def sequence_order(node: LayerResult) -> tuple | None:
    """How `node` reads a rank-3 input: (time, features) for an RNN or a channels_last
    Conv1D/pooling, (features, time) for a channels_first one; None for other layers."""
    if _bare_class(node) in RNN_CLASSES:
        return (TIME, FEATURES)
    if spatial_rank(node.class_name) != 1:
        return None
    definition = layer_def(node.class_name)
    if definition is None or definition.family not in ("conv", "pooling"):
        return None
    if str(node.kwargs.get("data_format") or "channels_last").lower() == "channels_first":
        return (FEATURES, TIME)
    return (TIME, FEATURES)


def first_readers(inferred: InferredModel, name: str) -> list[LayerResult]:
    """The layers that read input `name`, looking through dropout/normalisation."""
    out, todo = [], list(inferred.consumers(name))
    while todo:
        node = todo.pop(0)
        if node.class_name in PASS_THROUGH:
            todo.extend(inferred.consumers(node.name))
        else:
            out.append(node)
    return out


def sequence_reader(inferred: InferredModel, name: str) -> tuple | None:
    """(layer, order) when every layer reading input `name` reads it as a sequence, in
    one order; None when some reader reads it otherwise (a Dense, a Flatten) or none."""
    readers = first_readers(inferred, name)
    orders = {sequence_order(node) for node in readers}
    if not readers or len(orders) != 1 or None in orders:
        return None
    return readers[0], orders.pop()


def one_step_origin(inferred: InferredModel, rnn: LayerResult) -> LayerResult | None:
    """The layer that left `rnn` a single timestep, walking back through the layers that
    keep it at one (a Dense, dropout); the model input when it was one step from the start.

    None when an RNN on that walk had the single step first: it is the one to report."""
    current = producer(inferred, rnn)
    while current is not None and not current.is_input:
        if len(current.input_shapes) != 1:
            return current
        before = current.input_shapes[0]
        if before is None or len(before) != 3 or before[1] != 1:
            return current  # this layer made the single step
        if _bare_class(current) in RNN_CLASSES:
            return None
        current = producer(inferred, current)
    return current


# Layers of several inputs that hand a mask on: a merge keeps its inputs' masks combined
# (keras/src/layers/merging/base_merge.py, concatenate.py), attention its query's
# (multi_head_attention.py, grouped_query_attention.py compute_mask).
MERGES_KEEPING_MASKS = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum",
                                  "Minimum", "Concatenate"})
QUERY_MASK_KEEPERS = frozenset({"MultiHeadAttention", "GroupQueryAttention"})


def _keeps_mask(node: LayerResult) -> bool:
    if node.class_name in MASK_KEEPERS:
        return True
    if _bare_class(node) in RNN_CLASSES:
        spec = node.spec  # a Bidirectional's return_sequences is its layer's
        kwargs = spec.wrapped.kwargs if node.class_name == "Bidirectional" and spec else \
            node.kwargs
        return bool(kwargs.get("return_sequences"))
    return False


def mask_source(inferred: InferredModel, node: LayerResult) -> LayerResult | None:
    """The Masking layer or mask_zero Embedding whose mask reaches `node`'s input, through
    layers that keep a mask, merges (any input's) and attention (its query's); None when
    no mask reaches it. Walked with a stack, not recursion: chains run to 10,000 layers."""
    stack, seen = [producer(inferred, node)], set()
    while stack:
        current = stack.pop()
        if current is None or current.is_input or current.name in seen:
            continue
        seen.add(current.name)
        if makes_mask(current):
            return current
        if _keeps_mask(current):
            stack.append(producer(inferred, current))
        elif current.class_name in MERGES_KEEPING_MASKS:  # the first input's first
            stack.extend(inferred.nodes.get(name) for name in reversed(current.inbound))
        elif current.class_name in QUERY_MASK_KEEPERS and current.inbound:
            stack.append(inferred.nodes.get(current.inbound[0]))
    return None


def mask_words(source: LayerResult) -> str:
    """How messages name a mask's origin: `mask_zero: true on Embedding 'embedding'`."""
    if source.class_name == "Masking":
        return f"the mask of {title(source)}"
    return f"mask_zero: true on {title(source)}"
