"""Preprocessing layers against real Keras: shapes, parameter counts, refusals.

Image layers are checked built and run (compare_layer_and_run): Keras builds many
of them on inputs it then cannot run (a rank-5 tensor, a hue shift of 4 channels),
and netlint refuses those. A rank-3 input is one image to Keras, so the batch axis
there is the image's height or channels; the cases that need that axis known give a
batch size.
"""

import random
import warnings

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import compare_layer, compare_layer_and_run, keras_build, netlint_layer

from netlint.layers.base import ShapeError
from netlint.layers.registry import get

FORMATS = ("channels_last", "channels_first")
sizes = st.one_of(st.none(), st.integers(1, 7))


# -- Rescaling and Normalization ---------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"scale": 0.5}, {"scale": 1 / 255, "offset": -1.0}, {"scale": [1.0, 2.0, 3.0]},
    {"scale": [1.0, 2.0]}, {"scale": 2, "offset": [1.0, 2.0, 3.0]}, {"scale": [[1.0, 2.0, 3.0]]},
    {"scale": [[1.0], [2.0], [3.0], [4.0]]}, {"scale": [[[[2.0]]]]}, {"scale": [[[[[2.0]]]]]},
    {"scale": [[1.0, 2.0], [3.0]]}, {"scale": "x"},
])
@pytest.mark.parametrize("shape", [(3,), (4, 3), (4, 2), (5, 4, 3), (3, 5, 4), (None, 3),
                                   (4, None)])
def test_rescaling(kwargs, shape):
    compare_layer_and_run("Rescaling", kwargs, [shape])


NORMALIZATION = [
    {}, {"axis": None}, {"axis": 1}, {"axis": [1, 2]}, {"axis": (1, -1)}, {"axis": 0},
    {"axis": 3}, {"axis": -3}, {"axis": -4}, {"axis": [1, 1]}, {"axis": [2, -1]},
    {"axis": "x"}, {"invert": True}, {"trainable": False},
    {"mean": 0.5, "variance": 2.0}, {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0, 1.0]},
    {"mean": [1.0, 2.0], "variance": [1.0, 1.0]}, {"mean": [1.0], "variance": [1.0]},
    {"mean": 0.5}, {"variance": 0.5}, {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0]},
    {"mean": [[1.0, 2.0, 3.0]], "variance": [[1.0, 1.0, 1.0]]},
    {"mean": [[1.0, 2.0, 3.0]], "variance": [[1.0, 1.0, 1.0]], "axis": [1, 2]},
    {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0, 1.0], "axis": None},
    {"mean": 1.0, "variance": 1.0, "axis": None},
    {"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 1.0, 1.0, 1.0], "axis": 1},
    {"axis": [0, 0]}, {"axis": [1, -2]}, {"axis": [1, 1], "mean": 0.5, "variance": 1.0},
    {"axis": [1, 1], "mean": [2.0], "variance": [1.0]},
    {"axis": [1, 1], "mean": [[1.0, 2.0, 3.0]], "variance": [[1.0, 1.0, 1.0]]},
    {"axis": [1, 2], "mean": [[1.0], [2.0], [3.0], [4.0]], "variance": [[1.0]] * 4},
    {"axis": [-1, 1], "mean": [[2.0, 1.0, 1.0]], "variance": [[1.0, 1.0, 1.0]]},
]


@pytest.mark.parametrize("kwargs", NORMALIZATION)
@pytest.mark.parametrize("shape", [(8,), (4, 3), (3, 4), (4, None), (None, 3), (2, 4, 3),
                                   (None, None), (1, 3), (1,)])
@pytest.mark.parametrize("batch", [None, 1])
def test_normalization(kwargs, shape, batch):
    compare_layer_and_run("Normalization", kwargs, [shape], batch_size=batch)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(sizes, min_size=0, max_size=3).map(tuple),
       axis=st.one_of(st.none(), st.integers(-4, 3),
                      st.lists(st.integers(-4, 3), min_size=1, max_size=3)),
       batch=st.one_of(st.none(), st.integers(1, 3)))
def test_normalization_weights(shape, axis, batch):
    # weights exist only when built without mean/variance; a kept batch axis needs batch=
    compare_layer("Normalization", {"axis": axis}, [shape], batch_size=batch)


# -- Resizing and the crops ---------------------------------------------------------

@settings(max_examples=120, deadline=None)
@given(class_name=st.sampled_from(["Resizing", "CenterCrop", "RandomCrop"]),
       height=st.integers(1, 9), width=st.integers(1, 9), data_format=st.sampled_from(FORMATS),
       shape=st.lists(sizes, min_size=1, max_size=4).map(tuple),
       batch=st.one_of(st.none(), st.integers(1, 3)))
def test_resize_and_crop(class_name, height, width, data_format, shape, batch):
    compare_layer_and_run(class_name, {"height": height, "width": width,
                                       "data_format": data_format}, [shape], batch_size=batch)


@pytest.mark.parametrize("class_name", ["Resizing", "CenterCrop", "RandomCrop"])
@pytest.mark.parametrize("kwargs", [
    {"height": 0, "width": 5}, {"height": 4, "width": 0}, {"height": 2, "width": 0},
    {"height": 0, "width": 0}, {"height": -1, "width": 5},
    {"height": 4.0, "width": 5}, {"height": 4, "width": "5"}, {"height": 10, "width": 12},
    {"height": 4, "width": 5, "factor": 0.5}, {"height": 4, "width": 5, "data_format": "x"},
    {"height": 4, "width": 5, "data_format": "CHANNELS_FIRST"},
])
@pytest.mark.parametrize("shape", [(8, 8, 3), (1, 8, 3), (8, 1, 3), (2, 8, 3), (3, 8, 8)])
def test_resize_and_crop_arguments(class_name, kwargs, shape):
    # a crop to 0 slices an empty image, or divides by 0 where it resizes instead
    compare_layer_and_run(class_name, kwargs, [shape])


@pytest.mark.parametrize("kwargs", [
    {"interpolation": name} for name in
    ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area", "BILINEAR", "x")
] + [
    {"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True},
    {"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True},
    {"fill_mode": "constant"}, {"fill_mode": "reflect"}, {"antialias": True},
    {"pad_to_aspect_ratio": True, "fill_value": 1.0},
])
def test_resizing_modes(kwargs):
    compare_layer_and_run("Resizing", {"height": 4, "width": 5, **kwargs}, [(8, 6, 3)])


# -- image layers that keep their shape ----------------------------------------------

SAME_SHAPE = [
    ("RandomFlip", {}), ("RandomFlip", {"mode": "horizontal"}),
    ("RandomRotation", {"factor": 0.2}), ("RandomZoom", {"height_factor": 0.2}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.1}),
    ("RandomContrast", {"factor": 0.2}), ("RandomBrightness", {"factor": 0.2}),
    ("RandomGrayscale", {}), ("RandomHue", {"factor": 0.2}),
    ("RandomSaturation", {"factor": 0.2}), ("RandomSharpness", {"factor": 0.2}),
    ("RandomShear", {"x_factor": 0.2}), ("RandomColorJitter", {"brightness_factor": 0.2}),
    ("RandomColorJitter", {"contrast_factor": 0.2}), ("RandomColorJitter", {"hue_factor": 0.1}),
    ("RandomColorJitter", {"saturation_factor": 0.2}),
    ("RandomColorDegeneration", {"factor": 0.2}), ("RandomInvert", {}),
    ("RandomPosterization", {"factor": 4}), ("RandomErasing", {}), ("RandomGaussianBlur", {}),
    ("RandomPerspective", {}), ("RandomPerspective", {"factor": 0.0}),
    ("RandomElasticTransform", {}), ("RandomElasticTransform", {"factor": 0.0}),
    ("RandomElasticTransform", {"scale": [0.0, 0.3]}), ("AutoContrast", {}),
    ("Equalization", {}), ("Solarization", {}), ("AugMix", {"all_ops": False}),
    ("RandAugment", {}), ("RandAugment", {"num_ops": 0}), ("CutMix", {}), ("MixUp", {}),
    ("MaxNumBoundingBoxes", {"max_number": 3}),
]

# (per-sample shape, batch size): batched images, one image (rank 3), too few or too many
# axes, 1-pixel axes, and unknown sizes
IMAGES = [((6, 5, 3), None), ((6, 5, 1), None), ((6, 5, 4), None), ((3, 6, 5), None),
          ((1, 6, 5), None), ((4, 6, 5), None), ((1, 5, 3), None), ((6, 1, 3), None),
          ((2, 2, 3), 2), ((1, 5, 3), 1), ((5, 1, 3), 1), ((1, 1, 3), 1), ((6, 3), 3),
          ((6, 5), 3), ((5, 3), 1), ((6, 1), 1), ((6,), None),
          ((2, 6, 5, 3), None), ((None, None, 3), None), ((3, None, None), None)]


@pytest.mark.parametrize("class_name, kwargs", SAME_SHAPE,
                         ids=[f"{n}-{'-'.join(k) or 'defaults'}" for n, k in SAME_SHAPE])
@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("shape, batch", IMAGES, ids=[f"{s}x{b}" for s, b in IMAGES])
def test_same_shape_images(class_name, kwargs, data_format, shape, batch):
    compare_layer_and_run(class_name, {**kwargs, "data_format": data_format}, [shape],
                          batch_size=batch)


def _aug_mix_runs(data_format, channels, tries):
    """AugMix draws its ops with Python's `random`: seed it, and run a few batches."""
    shape = (4, 6, 5, channels) if data_format == "channels_last" else (4, channels, 6, 5)
    layer = keras.layers.AugMix(data_format=data_format)
    state = random.getstate()
    random.seed(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(tries):
                layer(np.random.rand(*shape).astype("float32") * 255)
    except ValueError:
        return False
    finally:
        random.setstate(state)
    return True


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_aug_mix_with_all_ops_needs_rgb_or_grayscale(data_format, channels):
    # a batch whose draw includes RandomColorDegeneration fails on other channel counts
    shape = (6, 5, channels) if data_format == "channels_last" else (channels, 6, 5)
    kwargs = {"data_format": data_format}
    expected = keras_build("AugMix", kwargs, [shape])
    try:
        got = netlint_layer("AugMix", kwargs, [shape])
    except ShapeError:
        assert not _aug_mix_runs(data_format, channels, tries=20)
        return
    assert got == expected
    assert _aug_mix_runs(data_format, channels, tries=5)


# Each factor-like argument, with values Keras's __init__ takes or refuses.
FACTOR_VALUES = [None, 0, 0.5, 1, -0.5, -1, 1.5, 2, 8, 9, [0.2, 0.5], [0.5, 0.2],
                 [-0.5, 0.5], [-2, 0.5], [0.5, 2], [1, 8], [0.2], "x", True]
FACTOR_ARGUMENTS = {
    "CenterCrop": ["factor"], "Resizing": ["factor"], "RandomCrop": ["factor"],
    "RandomFlip": ["factor"], "RandomRotation": ["factor"],
    "RandomZoom": ["height_factor", "width_factor", "factor"],
    "RandomTranslation": ["height_factor", "width_factor", "factor"],
    "RandomContrast": ["factor"], "RandomBrightness": ["factor"], "RandomGrayscale": ["factor"],
    "RandomHue": ["factor"], "RandomSaturation": ["factor"], "RandomSharpness": ["factor"],
    "RandomShear": ["x_factor", "y_factor", "factor"],
    "RandomColorJitter": ["brightness_factor", "contrast_factor", "saturation_factor",
                          "hue_factor", "factor"],
    "RandomColorDegeneration": ["factor"], "RandomInvert": ["factor"],
    "RandomPosterization": ["factor"], "RandomErasing": ["factor", "scale"],
    "RandomGaussianBlur": ["factor", "sigma"], "RandomPerspective": ["factor", "scale"],
    "RandomElasticTransform": ["factor", "scale"], "AutoContrast": ["factor"],
    "Equalization": ["factor"], "Solarization": ["addition_factor", "threshold_factor", "factor"],
    "AugMix": ["factor", "alpha"], "RandAugment": ["factor"], "CutMix": ["factor"],
    "MixUp": ["alpha", "factor"], "MaxNumBoundingBoxes": ["factor"],
}
# each class's first (plainest) arguments in SAME_SHAPE, AugMix with all its ops
BASE_KWARGS = {"CenterCrop": {"height": 4, "width": 5}, "Resizing": {"height": 4, "width": 5},
               "RandomCrop": {"height": 4, "width": 5}, **dict(reversed(SAME_SHAPE)),
               "AugMix": {}}


@pytest.mark.parametrize("class_name, argument", [
    (name, argument) for name, arguments in FACTOR_ARGUMENTS.items() for argument in arguments])
def test_factor_arguments(class_name, argument):
    for value in FACTOR_VALUES:
        kwargs = {**BASE_KWARGS[class_name], argument: value}
        compare_layer(class_name, kwargs, [(6, 5, 3)])


@pytest.mark.parametrize("class_name", ["RandomRotation", "RandomZoom", "RandomTranslation",
                                        "RandomShear", "RandomPerspective",
                                        "RandomElasticTransform", "AugMix", "RandAugment"])
@pytest.mark.parametrize("argument", ["interpolation", "fill_mode"])
@pytest.mark.parametrize("value", ["nearest", "bilinear", "bicubic", "reflect", "wrap",
                                   "constant", "mirror", "BILINEAR", "x"])
def test_interpolation_and_fill_mode(class_name, argument, value):
    if argument not in get(class_name).params:
        pytest.skip(f"{class_name} takes no {argument}")
    compare_layer(class_name, {**BASE_KWARGS[class_name], argument: value}, [(6, 5, 3)])


# -- Discretization and CategoryEncoding --------------------------------------------

ENCODED_SHAPES = [(1,), (3,), (3, 1), (3, 2), (2, 3, 4), (2, 3, 1), (None,), (None, 2),
                  (3, 3), (2, 2, 2)]


@pytest.mark.parametrize("kwargs", [
    {"bin_boundaries": [0.0, 0.5, 1.0]}, {"bin_boundaries": []}, {"num_bins": 4},
    {"bin_boundaries": [0.5], "output_mode": "one_hot"},
    {"bin_boundaries": [0.2, 0.6], "output_mode": "multi_hot"},
    {"bin_boundaries": [0.2, 0.6], "output_mode": "count"},
    {"num_bins": 5, "output_mode": "one_hot"},
])
@pytest.mark.parametrize("shape", ENCODED_SHAPES)
@pytest.mark.parametrize("batch", [None, 3])
def test_discretization(kwargs, shape, batch):
    if "num_bins" in kwargs:  # not adapted: it builds, but only adapt() lets it run
        compare_layer("Discretization", kwargs, [shape], batch_size=batch)
    else:
        compare_layer_and_run("Discretization", kwargs, [shape], batch_size=batch)


@pytest.mark.parametrize("kwargs", [
    {}, {"num_bins": 3, "bin_boundaries": [0.5]}, {"num_bins": -1}, {"num_bins": 0},
    {"bin_boundaries": [0.5], "output_mode": "binary"},
    {"bin_boundaries": [0.5], "output_mode": "int", "sparse": True},
])
def test_discretization_arguments(kwargs):
    compare_layer("Discretization", kwargs, [(3,)])


def _encoding_runs(kwargs, shape, batch):
    """CategoryEncoding's output on a batch of integer ids (floats are no indices)."""
    ids = np.random.randint(0, 3, size=tuple(2 if d is None else d
                                             for d in (batch or 5,) + shape))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tuple(keras.layers.CategoryEncoding(**kwargs)(ids.astype("int32")).shape)


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count", "binary"])
@pytest.mark.parametrize("shape", ENCODED_SHAPES)
@pytest.mark.parametrize("batch", [None, 3])
def test_category_encoding(output_mode, shape, batch):
    kwargs = {"num_tokens": 4, "output_mode": output_mode}
    expected = keras_build("CategoryEncoding", kwargs, [shape], batch_size=batch)
    ran = _encoding_runs(kwargs, shape, batch)
    fits = expected is not None and len(ran) == len(expected.output_shapes[0]) and all(
        d in (None, r) for d, r in zip(expected.output_shapes[0], ran))
    try:
        got = netlint_layer("CategoryEncoding", kwargs, [shape], batch_size=batch)
    except ShapeError:
        # Keras declares (..., num_tokens) but encodes over axis 1
        assert not fits, f"netlint refused {kwargs} on {shape}; Keras gives {ran}"
        return
    assert got == expected
    assert fits or None in shape, f"Keras declares {expected} but computes {ran}"


@pytest.mark.parametrize("kwargs", [
    {}, {"num_tokens": 0}, {"num_tokens": 2.5}, {"num_tokens": 3, "output_mode": "int"},
    {"num_tokens": 3, "output_mode": "x"},
])
def test_category_encoding_arguments(kwargs):
    compare_layer("CategoryEncoding", kwargs, [(3,)])
