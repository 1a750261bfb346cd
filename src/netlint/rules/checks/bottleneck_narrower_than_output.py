"""A Dense(1) (or any layer) narrowing the model to fewer values than the classes of the
softmax after it: every class score is then an affine function of those few values.

"Narrower" means three things at once, which keeps keras.io's models clean:
- the head is a classifier (softmax, or a categorical loss) over C >= 3 classes; an
  autoencoder's code layer feeding a wide regression or sigmoid output is fine;
- every path to the head runs through the layer (the walk back stops at merges, where a
  skip connection may carry more), on the same axes (a Flatten or a recurrent layer
  returning one vector changes what the last axis means: the walk stops there);
- the layer itself narrows below the classes what it is fed at least as wide as them
  (fed >= classes > units): 4 features for 10 classes is the data's width, and a
  language model's 256-wide embedding into GRU(64) before a 20000-word softmax was
  narrower than the vocabulary before the GRU (every such model is).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.layers.inference import LayerResult
from netlint.model.findings import Finding
from netlint.rules.compile_facts import CATEGORICAL_CE, SPARSE_CE
from netlint.rules.facts import PASS_THROUGH, plural, producer, title
from netlint.rules.heads import Head, heads
from netlint.rules.label_classes import DISTRIBUTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

MIN_CLASSES = 3  # one sigmoid unit (or two softmax units) is a fine binary head


def _classes(head: Head) -> int | None:
    """C when the head is a C-way classifier (C >= 3), else None."""
    loss = head.loss.name if head.loss is not None else None
    classifier = head.act in DISTRIBUTIONS or loss in CATEGORICAL_CE | SPARSE_CE
    units = head.units
    return units if classifier and units and units >= MIN_CLASSES else None


def _own_kwargs(node: LayerResult) -> dict:
    """The arguments as written of the layer itself, or of the layer a wrapper wraps."""
    spec = node.spec
    if spec is None:
        return {}
    return (spec.wrapped if spec.wrapped is not None else spec).kwargs


def _narrowing(node: LayerResult, classes: int) -> int | None:
    """The width a layer with `units:` narrows to, below the classes, from an input at
    least as wide as them; else None."""
    if "units" not in _own_kwargs(node) or len(node.input_shapes) != 1:
        return None
    width, fed = node.output_shape[-1], node.input_shapes[0][-1]
    return width if width and fed and width < classes <= fed else None


def _bottleneck(ctx: Context, head: Head, classes: int) -> tuple[LayerResult, int] | None:
    """The narrowest narrowing layer every path to the head runs through, if < classes."""
    rank = len(head.node.output_shape)
    node, found = head.node, None
    # the head's own Dense sets the C units: start behind it
    while node is not None and node.class_name in PASS_THROUGH | {"Activation", "Softmax"}:
        node = producer(ctx.inferred, node)
    if node is not None and "units" in _own_kwargs(node):
        node = producer(ctx.inferred, node)
    while node is not None and not node.is_input and node.output_shape is not None:
        if len(node.output_shape) != rank:
            break
        width = _narrowing(node, classes)
        if width is not None and (found is None or width < found[1]):
            found = (node, width)
        if len(node.input_shapes) != 1 or len(node.input_shapes[0]) != rank:
            break  # a merge, or a layer that changes the axes (Flatten, LSTM)
        node = producer(ctx.inferred, node)
    return found


def check(ctx: Context) -> Iterator[Finding]:
    for head in heads(ctx):
        classes = _classes(head)
        if classes is None or head.node.output_shape is None:
            continue
        found = _bottleneck(ctx, head, classes)
        if found is None:
            continue
        node, width = found
        spec = node.spec.wrapped if node.spec.wrapped is not None else node.spec
        where = spec.kwarg_positions.get("units") or node.spec.position
        yield ctx.report(f"{title(node)} narrows the model to {plural(width, 'value')}, "
                         f"but the output '{head.output}' after it tells {classes} classes apart: "
                         f"all {classes} class scores are computed from {'it' if width == 1 else 'those ' + str(width)}",
                         where, fix=f"set units: {classes} or more on '{node.name}'",
                         layer=node.name)
