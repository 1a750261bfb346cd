"""A padding mask (Masking, or mask_zero on an Embedding) is one flag per timestep,
(batch, timesteps); Keras's Softmax layer applies the mask it receives to its input
elementwise, right-aligned, so on (batch, timesteps, classes) it raises "The `mask`
must be broadcastable to `inputs`" at the first batch (keras/src/layers/activations/
softmax.py, Keras 3.15). Where timesteps equal classes the check passes and the fit
runs only at a batch size equal to them, masking scores by the wrong axes. The same
softmax as an activation (Dense's, or an Activation layer) keeps the mask for the
layers after it without applying it. Verified on JAX: netlint refused nothing before.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import format_shape, has_mask, producer, title
from netlint.rules.sequence_facts import mask_source, mask_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


needs = has_mask  # most files make no mask


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.inferred.layers:
        if node.class_name != "Softmax" or not node.input_shapes or node.spec is None:
            continue
        source = mask_source(ctx.inferred, node)
        if source is None or not source.output_shape:
            continue
        mask, scores = source.output_shape[:-1], node.input_shapes[0]
        maker = title(source) if source.class_name == "Masking" else mask_words(source)
        yield ctx.report(
            f"{maker} makes a {format_shape(mask)} mask that reaches "
            f"{title(node)}, which applies it to its {format_shape(scores)} input: "
            f"{_outcome(mask, scores)}", node.spec.position, fix=_fix(ctx, node),
            layer=node.name)


def _outcome(mask: tuple, scores: tuple) -> str:
    # Keras compares the shapes right-aligned, skipping unknown sizes, then the batch
    # axis meets the timesteps when a batch goes through
    for m, i in zip(reversed(mask), reversed(scores)):
        if m is not None and i is not None and m not in (1, i):
            return ("Keras refuses it at the first batch (\"The `mask` must be "
                    "broadcastable to `inputs`\")")
    return ("Keras accepts it only when the batch size equals the timesteps, and then "
            "masks the scores along the wrong axes")


def _fix(ctx: Context, node) -> str:
    before = producer(ctx.inferred, node)
    if before is not None and before.class_name == "Dense" and \
            before.kwargs.get("activation") in (None, "linear"):
        return (f"drop the Softmax layer and write activation: softmax on {title(before)}, "
                "which keeps the mask for later layers without applying it")
    return ("write Activation: {activation: softmax} instead, which keeps the mask for "
            "later layers without applying it")
