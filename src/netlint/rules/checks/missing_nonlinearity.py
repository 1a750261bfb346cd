"""Two linear maps compose into one: the first layer adds parameters but no power.

Only an activation left out (the Keras default is linear) counts; an explicit
`activation: linear`, and a narrow code layer that widens again, are taken as meant.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.model.graph import LayerSpec
from netlint.layers.registry import get as layer_def
from netlint.rules.facts import RESHAPING, activation_name, layer_kwargs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


# Between two learned layers these add no nonlinearity (at inference, for the noise ones).
LINEAR_BETWEEN = RESHAPING | frozenset({
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "Identity", "BatchNormalization", "RepeatVector",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
    "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "AveragePooling1D",
    "AveragePooling2D", "AveragePooling3D", "ActivityRegularization",
})


def _learned(spec: LayerSpec) -> LayerSpec | None:
    """The Dense/Conv layer a spec is (or wraps in TimeDistributed), else None."""
    if spec.class_name == "TimeDistributed" and spec.wrapped is not None:
        spec = spec.wrapped
    definition = layer_def(spec.class_name)
    if spec.class_name == "Dense" or (definition is not None and definition.family == "conv"):
        return spec
    return None


def _width(spec: LayerSpec) -> int | None:
    value = spec.kwargs.get("units", spec.kwargs.get("filters"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _consumers(model) -> dict[str, list]:
    consumers: dict[str, list] = {}
    for layer in model.layers:
        for name in layer.inbound:
            consumers.setdefault(name, []).append(layer)
    return consumers


def _next_learned(consumers: dict, start: str) -> tuple[LayerSpec, LayerSpec, list] | None:
    """The learned layer that `start` feeds through linear layers only, with those between."""
    between: list = []
    current = start
    while len(consumers.get(current, [])) == 1:
        nxt = consumers[current][0]
        inner = _learned(nxt)
        if inner is not None:
            return nxt, inner, between
        if nxt.class_name not in LINEAR_BETWEEN:
            return None
        between.append(nxt)
        current = nxt.name
    return None


def _bottleneck(ctx: Context, first: LayerSpec, inner: LayerSpec, nxt: LayerSpec) -> bool:
    """A linear code layer no wider than what it reads, widened again after (an
    autoencoder's latent, MobileNetV2/V3's linear bottleneck: 16 -> 16 -> 72) is a
    factorisation on purpose."""
    width, after = _width(inner), _width(_learned(nxt))
    node = ctx.inferred.nodes.get(first.name)
    before = node.input_shapes[0][-1] if node is not None and len(node.input_shapes) == 1 \
        and node.input_shapes[0] else None
    return bool(width and after and before and width < after and width <= before)


def _downsampling_before_head(ctx: Context, first: LayerSpec, inner: LayerSpec,
                              nxt: LayerSpec) -> bool:
    """A convolution that shrinks its feature map, read by a layer making a model output: a
    learned linear downsampling in front of a linear head, one factorisation of the head
    (keras.io's knowledge-distillation teacher and student: Conv2D(strides=2) -> Flatten
    -> Dense(10) logits). Still said, as an info: the composition is one linear map, but
    the model is as its author meant it, not a hidden layer left without its activation."""
    if nxt.name not in ctx.model.outputs:
        return False
    definition = layer_def(inner.class_name)
    if definition is None or definition.family != "conv":
        return False
    node = ctx.inferred.nodes.get(first.name)
    if node is None or len(node.input_shapes) != 1 or not node.output_shape:
        return False
    sizes = [_size(shape[1:]) for shape in (node.input_shapes[0], node.output_shape)]
    return None not in sizes and sizes[1] < sizes[0]


def _size(shape: tuple) -> int | None:
    total = 1
    for dim in shape:
        if not isinstance(dim, int):
            return None
        total *= dim
    return total


def check(ctx: Context) -> Iterator[Finding]:
    # made for the first layer left without an activation, which most files do not have
    # (~7,000 instructions a file saved)
    consumers = None
    for layer in ctx.model.layers:
        inner = _learned(layer)
        if inner is None or "activation" in inner.kwargs:
            continue
        if activation_name(layer_kwargs(inner).get("activation")) != "linear":
            continue
        if consumers is None:
            consumers = _consumers(ctx.model)
        found = _next_learned(consumers, layer.name)
        if found is None:
            continue
        nxt, _, between = found
        if _bottleneck(ctx, layer, inner, nxt):
            continue
        severity = "info" if _downsampling_before_head(ctx, layer, inner, nxt) else None
        via = " through " + ", ".join(f"'{b.name}'" for b in between) if between else ""
        message = (f"{layer.class_name} '{layer.name}' has no activation and feeds "
                   f"{nxt.class_name} '{nxt.name}'{via}: two linear layers in a row compose "
                   f"into one linear map")
        yield ctx.report(message, inner.position, fix=f"add activation: relu to "
                         f"'{layer.name}' (or another nonlinearity between the two)",
                         layer=layer.name, severity=severity)
