"""Only the first layer's input_shape makes the model input; later ones are dropped.

Writing one on a later layer usually means the author thinks it sets what
the layer receives (seed 001: `Dense(1, input_shape=(7,))` after Dense(150)).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.layers.base import owns_input_dim
from netlint.rules.facts import format_shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


_INPUT_KWARGS = ("input_shape", "input_dim")


def check(ctx: Context) -> Iterator[Finding]:
    for layer in ctx.model.layers:
        node = ctx.inferred.nodes.get(layer.name)
        for key in _INPUT_KWARGS:
            if key not in layer.kwargs or (key == "input_dim" and owns_input_dim(layer.class_name)):
                continue
            value = layer.kwargs[key]
            written = format_shape(tuple(value) if isinstance(value, list) else (value,))
            gets = ""
            if node is not None and len(node.input_shapes) == 1:
                gets = f"; it takes {format_shape(node.input_shapes[0])}"
                if len(node.inbound) == 1:
                    gets += f" from '{node.inbound[0]}'"
            message = (f"{layer.class_name} '{layer.name}' has {key} {written} but is not the "
                       f"model's first layer: Keras ignores it{gets}")
            yield ctx.report(message, layer.kwarg_position(key), fix=f"remove {key}",
                             layer=layer.name)
