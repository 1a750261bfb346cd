"""`trainable: false` on a layer whose weights are made by a layer inside it freezes
nothing in Keras 3: only the variables a layer creates itself are frozen, and the
constructor's `trainable=False` reaches no layer made inside (netlint.layers.freezing).
`Bidirectional(LSTM(64), trainable=False)` trains both LSTMs; `fit` and
`model.summary()` agree on it, the file does not.

Where the inner layer is written in the file (a wrapper's `layer:`, an RNN's `cell:`),
the fix moves `trainable: false` onto it: an unsafe fix, since training changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.layers.freezing import freezes_its_weights, written_frozen
from netlint.model.findings import Autofix, Finding
from netlint.model.graph import LayerSpec
from netlint.fixes.entries import remove_entry
from netlint.fixes.layer_edits import arguments_path, set_argument
from netlint.rules.facts import file_specs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

# where the layers that hold the weights are written: the argument that holds them
_INNER_ARGUMENT = {"Bidirectional": "layer", "TimeDistributed": "layer",
                   "SpectralNormalization": "layer", "RNN": "cell", "StackedRNNCells": "cells"}


def check(ctx: Context) -> Iterator[Finding]:
    for spec in file_specs(ctx):  # nearly every file stops at the first test
        if spec.shares or not written_frozen(spec.kwargs) or \
                freezes_its_weights(spec.class_name, spec.kwargs):
            continue
        # a layer inside a wrapper has no node of its own: its weights are the wrapper's
        top_level = any(spec is layer for layer in ctx.model.layers)
        node = ctx.inferred.nodes.get(spec.name) if top_level else None
        if node is not None and not node.params and not node.params_unknown:
            continue  # nothing to freeze (a wrapper around a Dropout, say)
        yield ctx.report(_message(spec, node), spec.kwarg_positions.get("trainable") or
                         spec.position, fix=_fix(spec), layer=spec.name,
                         autofix=_autofix(ctx, spec) if top_level else None)


def _message(spec: LayerSpec, node: object) -> str:
    these = "its weights" if node is None or node.params_unknown else \
        f"all {node.params:,} of its weights"
    return (f"trainable: false on {spec.class_name} '{spec.name}' freezes nothing: Keras 3 "
            f"freezes only the weights a layer makes itself, and {these} are made by "
            f"{_inner_words(spec)}, so fit still trains them (model.summary() counts them "
            "trainable)")


def _cells(spec: LayerSpec) -> tuple:
    """A StackedRNNCells' cells, or those of the stack an RNN's list of cells makes."""
    return spec.cells or (spec.wrapped.cells if spec.wrapped is not None else ())


def _inner_words(spec: LayerSpec) -> str:
    if _cells(spec):
        return "its cells"
    if spec.wrapped is not None:
        return f"the {spec.wrapped.class_name} inside it"
    if spec.class_name.startswith("ConvLSTM"):
        return "its ConvLSTMCell"
    return "the projection layers it builds"  # MultiHeadAttention, GroupQueryAttention


def _fix(spec: LayerSpec) -> str:
    argument = _INNER_ARGUMENT.get(spec.class_name)
    if argument is None or (spec.wrapped is None and not spec.cells):
        return ("no argument reaches the layers inside it: freeze it after it is built "
                "(layer.trainable = False sets every layer inside), or drop trainable: "
                "false so the file says what training does")
    where = f"on each cell of `{argument}:`" if _cells(spec) else \
        f"on the {spec.wrapped.class_name} in `{argument}:`"
    also = " and on `backward_layer:`" if spec.backward is not None else ""
    return f"write trainable: false {where}{also}, where Keras passes it to the weights"


def _autofix(ctx: Context, spec: LayerSpec) -> Autofix | None:
    """Move `trainable: false` into a top-level layer's one written inner layer."""
    argument = _INNER_ARGUMENT.get(spec.class_name)
    doc = ctx.document
    if doc is None or argument is None or spec.wrapped is None or spec.wrapped.cells or \
            spec.backward is not None:
        return None
    path = arguments_path(doc, spec)
    if path is None:
        return None
    removed = remove_entry(doc, path + ("trainable",))
    added = set_argument(doc, spec, "trainable", "false", inside=argument)
    if removed is None or added is None:
        return None
    return Autofix((added, removed), safe=False)
