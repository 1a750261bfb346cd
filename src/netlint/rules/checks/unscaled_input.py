"""Seed 002: Fibonacci numbers fed raw, values 10^21 apart. Initial weights assume inputs
of about unit size; far larger ones saturate the units and blow up the gradients.
Integer token ids into an Embedding are not values and are left alone, and so is one
overall scale that a normalisation right after the first convolution cancels (raw
pixels into Conv2D -> BatchNormalization, as keras.io's U-Net example feeds them).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.data_facts import inputs_with_data, range_text
from netlint.rules.facts import activation_name, descendants, fmt_number, has_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


# layers that scale their input themselves, so raw values are fine before them
SELF_SCALING = frozenset({"Embedding", "ReversibleEmbedding", "Normalization", "Rescaling",
                          "CategoryEncoding", "HashedCrossing", "TextVectorization",
                          "StringLookup", "IntegerLookup", "Discretization", "Hashing"})
# A normalisation right after the first learned layer makes one overall input scale
# irrelevant: BN(W (a x)) = BN(W x) for any a > 0, and a relu between them keeps it so
# (relu(a z) = a relu(z)); the loss, as a function of the weights, is the same. So raw
# 0-255 pixels into Conv2D -> BatchNormalization (keras.io's U-Net and Xception-style
# examples) train as well as scaled ones. Only a convolution over images or volumes counts
# as that first layer: its input channels are values of one kind (pixels, voxels), so the
# range is one scale for all of them; a Dense or Conv1D may mix features of different
# scales, which no normalisation after it undoes.
NORMALIZING = frozenset({"BatchNormalization", "LayerNormalization", "GroupNormalization"})
SPATIAL_CONVOLUTIONS = frozenset({"Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D",
                                  "Conv2DTranspose", "Conv3DTranspose"})
# weightless layers that commute with a positive scale, f(a x) = a f(x)
SCALE_EQUIVARIANT = frozenset({
    "Dropout", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "Identity",
    "ActivityRegularization", "Reshape", "Flatten", "Permute",
    "ZeroPadding2D", "ZeroPadding3D", "Cropping2D", "Cropping3D", "UpSampling2D",
    "UpSampling3D", "MaxPooling2D", "MaxPooling3D", "AveragePooling2D", "AveragePooling3D",
    "ReLU", "LeakyReLU", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom",
    "RandomCrop", "CenterCrop", "Resizing",
})
HOMOGENEOUS_ACTIVATIONS = frozenset({"linear", "relu", "leaky_relu"})


def _orders(low: float, high: float) -> int:
    """Orders of magnitude between the smallest and largest positive value, or 0."""
    if low > 0 and high > 0:
        ratio = high / low
        if 0 < ratio < math.inf:
            return int(math.log10(ratio))
        if math.isfinite(low) and math.isfinite(high):  # the ratio over/underflowed
            return int(math.log10(high) - math.log10(low))
    return 0


def _scaled_in_model(ctx: Context, input_name: str) -> bool:
    """The input goes through an Embedding/Normalization/Rescaling layer."""
    return any(node.class_name in SELF_SCALING
               for node in descendants(ctx.inferred, input_name))


def _scale_cancelled(ctx: Context, input_name: str) -> bool:
    """Every path from the input meets a normalisation before anything but a spatial
    convolution (with a linear or relu activation) and scale-equivariant layers."""
    inferred = ctx.inferred
    memo: dict[tuple[str, bool], bool] = {}

    def reaches_normalisation(name: str, learned: bool) -> bool:
        key = (name, learned)
        if key not in memo:
            consumers = inferred.consumers(name)
            memo[key] = bool(consumers) and all(cancels(node, learned) for node in consumers)
        return memo[key]

    def cancels(node, learned: bool) -> bool:
        kind = node.class_name
        if kind in NORMALIZING:
            return True
        if kind in SCALE_EQUIVARIANT or (kind == "Activation" and activation_name(
                node.kwargs.get("activation")) in HOMOGENEOUS_ACTIVATIONS):
            return reaches_normalisation(node.name, learned)
        if kind in SPATIAL_CONVOLUTIONS and not learned and activation_name(
                node.kwargs.get("activation")) in HOMOGENEOUS_ACTIVATIONS:
            return reaches_normalisation(node.name, True)
        return False

    return reaches_normalisation(input_name, False)


needs = has_data


def check(ctx: Context) -> Iterator[Finding]:
    max_abs = float(ctx.options.get("max_abs", 100.0))
    min_abs = float(ctx.options.get("min_abs", 0.001))
    max_orders = int(ctx.options.get("max_orders", 6))
    for spec, entry in inputs_with_data(ctx):
        if entry.value_range is None or _scaled_in_model(ctx, spec.name):
            continue
        low, high = entry.value_range
        biggest = max(abs(low), abs(high))
        orders = _orders(low, high)
        if orders <= max_orders and (biggest > max_abs or 0 < biggest < min_abs) \
                and _scale_cancelled(ctx, spec.name):
            continue
        if biggest > max_abs:
            why = f"values up to {fmt_number(biggest)}"
        elif 0 < biggest < min_abs:
            why = f"values no larger than {fmt_number(biggest)}"
        elif orders > max_orders:
            why = f"values {orders} orders of magnitude apart"
        else:
            continue
        log = "; for values spanning orders of magnitude take a log first (np.log1p)" \
            if orders > 3 else ""
        yield ctx.report(f"{entry.label} ranges over {range_text(entry)}, {why}: far from "
                         f"the unit scale the first layer's initial weights assume",
                         entry.where_range, fix="standardise each feature with the training "
                         f"set's mean and std (or scale into [0, 1]){log}")
