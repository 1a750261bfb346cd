"""Rule false positives found by the keras.io example corpus (tests/ecosystem/keras_io), each
pinned here with the smallest model that showed it, beside the buggy models it must still
catch."""

from __future__ import annotations

import pytest

from netlint.rules.config import Config
from netlint.rules.engine import run_rules
from netlint.spec import load_text

PIXELS = "data:\n  x: {shape: [6390, 160, 160, 3], range: [RANGE]}\n"


def nl501(layers: str, value_range: str = "0, 255",
          shape: str = "[160, 160, 3]", inputs: str | None = None) -> list:
    head = inputs or f"input: {{shape: {shape}}}\n"
    text = head + "layers:\n" + layers + PIXELS.replace("RANGE", value_range)
    loaded = load_text(text, "m.yaml")
    assert loaded.ok, [f.text() for f in loaded.findings]
    return [f for f in run_rules(loaded, Config(isolated=True)) if f.code == "NL501"]


# keras.io's U-Net (vision/oxford_pets_image_segmentation) feeds load_img's raw 0-255 floats
# into Conv2D -> BatchNormalization: BN(W (a x)) = BN(W x), so the scale cannot matter
UNET_ENTRY = ("  - Conv2D: {filters: 32, kernel_size: 3, strides: 2, padding: same}\n"
              "  - BatchNormalization\n  - Activation: {activation: relu}\n"
              "  - GlobalAveragePooling2D\n  - Dense: {units: 3, activation: softmax}\n")


@pytest.mark.parametrize("layers, value_range", [
    (UNET_ENTRY, "0, 255"),
    (UNET_ENTRY, "0, 0.00001"),  # tiny values: one scale all the same
    # relu on the conv itself, pooling and augmentation between: still one scale cancelled
    ("  - RandomFlip: {mode: horizontal}\n"
     "  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n"
     "  - MaxPooling2D\n  - BatchNormalization\n  - Flatten\n  - Dense: {units: 3}\n",
     "0, 255"),
    # a normalisation straight on the input standardises it
    ("  - BatchNormalization\n  - Flatten\n  - Dense: {units: 3}\n", "0, 255"),
], ids=["unet-entry", "tiny", "relu-pool-augment", "bn-first"])
def test_nl501_leaves_a_scale_that_the_normalisation_after_the_first_conv_cancels(
        layers, value_range):
    assert not nl501(layers, value_range)


@pytest.mark.parametrize("layers, value_range, shape", [
    # no normalisation at all: the card's bad model
    ("  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n  - Flatten\n"
     "  - Dense: {units: 10, activation: softmax}\n", "0, 255", "[160, 160, 3]"),
    # tanh saturates before the normalisation sees it: tanh(a z) is no a tanh(z)
    ("  - Conv2D: {filters: 8, kernel_size: 3, activation: tanh}\n  - BatchNormalization\n"
     "  - Flatten\n  - Dense: {units: 3}\n", "0, 255", "[160, 160, 3]"),
    # Dense may mix features of different scales, which BN after it does not undo
    ("  - Dense: {units: 8}\n  - BatchNormalization\n  - Dense: {units: 1}\n",
     "0, 4000", "[3]"),
    # Conv1D reads features of a series, of possibly different kinds: the same
    ("  - Conv1D: {filters: 8, kernel_size: 3}\n  - BatchNormalization\n  - Flatten\n"
     "  - Dense: {units: 1}\n", "0, 4000", "[160, 3]"),
    # two learned layers before the normalisation: the first sees the raw scale alone
    ("  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n"
     "  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n"
     "  - BatchNormalization\n  - Flatten\n  - Dense: {units: 3}\n", "0, 255", "[160, 160, 3]"),
    # values spanning orders of magnitude: no one scale for a normalisation to cancel
    (UNET_ENTRY, "0.00001, 1000", "[160, 160, 3]"),
], ids=["no-norm", "tanh", "dense", "conv1d", "two-convs", "orders"])
def test_nl501_still_flags_raw_scales_no_normalisation_cancels(layers, value_range, shape):
    assert len(nl501(layers, value_range, shape)) == 1


def test_nl501_flags_a_branch_that_bypasses_the_normalisation():
    inputs = "inputs:\n  image: {shape: [160, 160, 3]}\n"
    layers = ("  - Conv2D: {filters: 3, kernel_size: 1}\n    from: image\n"
              "  - BatchNormalization: {}\n"
              "  - Add: {}\n    from: [batch_normalization, image]\n"  # raw pixels added back
              "  - GlobalAveragePooling2D\n  - Dense: {units: 3}\n")
    assert len(nl501(layers, inputs=inputs)) == 1
    normalised_both = layers.replace("[batch_normalization, image]",
                                     "[batch_normalization, batch_normalization]")
    assert not nl501(normalised_both, inputs=inputs)


# -- NL601 ------------------------------------------------------------------------------

def nl601(layers: str) -> list:
    loaded = load_text("input: {shape: [28, 28, 1]}\nlayers:\n" + layers, "m.yaml")
    assert loaded.ok, [f.text() for f in loaded.findings]
    return [f for f in run_rules(loaded, Config(isolated=True)) if f.code == "NL601"]


# keras.io's knowledge-distillation teacher/student: a strided linear Conv2D, Flatten, and
# the Dense(10) logits head
DISTILLATION = ("  - Conv2D: {filters: 16, kernel_size: 3, strides: 2, padding: same}\n"
                "  - LeakyReLU: {negative_slope: 0.2}\n"
                "  - Conv2D: {filters: 32, kernel_size: 3, strides: 2, padding: same}\n"
                "  - Flatten\n  - Dense: {units: 10}\n")


def test_nl601_is_an_info_for_a_downsampling_conv_in_front_of_the_output_head():
    (finding,) = nl601(DISTILLATION)
    assert finding.severity == "info" and finding.layer == "conv2d_1"


@pytest.mark.parametrize("layers", [
    # the card's bad model: a hidden Dense left without its activation
    "  - Flatten\n  - Dense: {units: 128}\n  - Dense: {units: 10, activation: softmax}\n",
    # the conv does not shrink the map (padding same, stride 1): nothing but a lost relu
    "  - Conv2D: {filters: 8, kernel_size: 3, padding: same}\n  - Flatten\n"
    "  - Dense: {units: 10}\n",
    # it shrinks, but feeds a hidden layer, not the head
    "  - Conv2D: {filters: 8, kernel_size: 3, strides: 2}\n  - Flatten\n"
    "  - Dense: {units: 64, activation: relu}\n  - Dense: {units: 10, activation: softmax}\n",
], ids=["dense-hidden", "conv-same-size", "conv-into-hidden"])
def test_nl601_stays_a_warning_for_a_hidden_layer_left_linear(layers):
    (finding,) = nl601(layers)
    assert finding.severity == "warning"


# -- NL901 ------------------------------------------------------------------------------

def test_nl901_tells_to_write_the_files_own_leaky_relu_slope():
    loaded = load_text("input: {shape: [4]}\nlayers:\n  - LeakyReLU: {alpha: 0.2}\n"
                       "  - Dense: {units: 1}\n", "m.yaml")
    assert loaded.model.layers[0].kwargs["negative_slope"] == 0.2  # Keras: alpha=0.2 -> 0.2
    (finding,) = [f for f in run_rules(loaded, Config(isolated=True)) if f.code == "NL901"]
    assert finding.fix == "write negative_slope: 0.2"
