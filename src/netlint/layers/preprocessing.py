"""Image preprocessing: resizing, cropping and augmentation (Rescaling, Normalization,
Discretization and CategoryEncoding are in encoding.py; the checks every image layer
shares, of its factor arguments and its image input, are in image_inputs.py).

Keras's image layers take one image (rank 3) or a batch of images (rank 4). On a
rank-3 tensor the leading axis, netlint's batch axis, is the image's height
(channels_last) or its channels (channels_first), and Keras treats it as such.
Shapes follow each class's compute_output_shape; where Keras builds a layer that
it then cannot run (a colour transform on 4 channels, a perspective warp of a
1-pixel axis, a rank-5 input), netlint refuses it. None of them has weights.
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.registry import register
from netlint.layers.argument_checks import is_number as _number
from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import one_of as _one_of
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.image_inputs import (
    base_factor,
    check_channels,
    each_in_range,
    factor_range,
    image_axes,
    image_data_format,
    image_input,
    no_factor,
    number_in_range,
    resized,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FAMILY = "preprocessing"

# BaseImagePreprocessingLayer's own keywords, which every image layer passes up
# through **kwargs (a class's own argument of the same name comes first).
_BASE = {"factor": None, "bounding_box_format": None, "data_format": None}

_AFFINE_FILL = ("reflect", "wrap", "constant", "nearest")
_AFFINE_INTERPOLATION = ("nearest", "bilinear")
# the numpy and JAX backends' resize methods ("area" is TensorFlow's alone)
_RESIZE_INTERPOLATION = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")


@register("Resizing", family=FAMILY, positional=("height", "width"), params={
    "height": REQUIRED, "width": REQUIRED, "interpolation": "bilinear",
    "crop_to_aspect_ratio": False, "pad_to_aspect_ratio": False, "fill_mode": "constant",
    "fill_value": 0.0, "antialias": False, **_BASE,
})
def resizing(call: LayerCall) -> Inferred:
    """Resizes images to `height` x `width`; channels unchanged."""
    no_factor(call)
    _one_of(call, "interpolation", _RESIZE_INTERPOLATION)
    _one_of(call, "fill_mode", ("constant",))
    if call.kwargs.get("crop_to_aspect_ratio") and call.kwargs.get("pad_to_aspect_ratio"):
        raise ShapeError("Resizing takes crop_to_aspect_ratio or pad_to_aspect_ratio, not both",
                         kind="value")
    return resized(call, low=1)


@register("CenterCrop", family=FAMILY, positional=("height", "width"), params={
    "height": REQUIRED, "width": REQUIRED, **_BASE,
})
def center_crop(call: LayerCall) -> Inferred:
    """Crops the centre `height` x `width` of images (resizing smaller ones up)."""
    no_factor(call)
    return resized(call, resizes_unless=lambda size, target: size >= target)


@register("RandomCrop", family=FAMILY, positional=("height", "width"), params={
    "height": REQUIRED, "width": REQUIRED, "seed": None, **_BASE, "name": None,
})
def random_crop(call: LayerCall) -> Inferred:
    """Crops a random `height` x `width` window of images while training."""
    base_factor(call)
    return resized(call, resizes_unless=lambda size, target: size > target)


def _image_layer(name: str, doc: str, params: dict, *, positional: tuple = (),
                 check: Any = None) -> None:
    """Register an image layer that keeps its input's shape.

    `check(call, shape, data_format)` refuses what that class cannot take."""

    def infer(call: LayerCall) -> Inferred:
        data_format = image_data_format(call)
        if check is not None:
            check(call, None, data_format)  # arguments first, as Keras's __init__ does
        shape = image_input(call)
        if check is not None:
            check(call, shape, data_format)
        return Inferred(shape)

    infer.__doc__ = doc
    register(name, family=FAMILY, positional=positional, params={**params, **{
        k: v for k, v in _BASE.items() if k not in params}}, doc=doc)(infer)


def _check_flip(call, shape, data_format):
    if shape is None:
        no_factor(call)


def _affine(*factors: Any) -> Any:
    """RandomRotation/Zoom/Translation/Shear: factor checks, then fill_mode and interpolation."""

    def check(call, shape, data_format):
        if shape is not None:
            return
        for factor in factors:
            factor(call)
        _one_of(call, "fill_mode", _AFFINE_FILL)
        _one_of(call, "interpolation", _AFFINE_INTERPOLATION)

    return check


def _rgb(call, shape, data_format, allowed=(3,), why="it converts RGB to HSV"):
    check_channels(call, shape, image_axes(shape, data_format)[2], allowed, why)


def _two_pixels(call, shape, data_format):
    """The perspective warp solves for its corners: a 1-pixel axis makes that singular."""
    h, w, _ = image_axes(shape, data_format)
    for axis, what in ((h, "height"), (w, "width")):
        if shape[axis] is not None and shape[axis] < 2:
            raise ShapeError(f"{call.class_name} needs a {what} of at least 2 pixels but gets "
                             f"{shape[axis]} on axis {axis} of {format_shape(shape)}",
                             kind="size")


def _upper(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return max(value)
    return abs(value)


def _elastic_sizes(call, shape, data_format):
    """Keras squeezes every 1-long axis (batch included) out of the displacement field,
    so a 1-pixel width fails unless the whole field is one row of one image, and a
    1-pixel height fails in a batch of more than one."""
    if _upper(call.kwargs.get("factor")) == 0 or _upper(call.kwargs.get("scale")) == 0:
        return  # Keras skips the warp altogether
    h, w, _ = image_axes(shape, data_format)
    batch = shape[0] if len(shape) == 4 else 1
    height, width = shape[h], shape[w]
    # an unknown batch is taken as more than one image; an unknown height may be 1
    if (width == 1 and (batch != 1 or height not in (1, None))) or (height == 1 and batch != 1):
        raise ShapeError(
            f"RandomElasticTransform cannot warp images 1 pixel {'wide' if width == 1 else 'high'}"
            f"{'' if batch == 1 else ' in a batch'} ({format_shape(shape)}): Keras drops that "
            f"axis from its displacement field", kind="size")


def _only_args(*checks: Any) -> Any:
    def check(call, shape, data_format):
        if shape is None:
            for one in checks:
                one(call)

    return check


_VALUE_RANGE = {"value_range": (0, 255)}

_image_layer("RandomFlip", "Flips images horizontally and/or vertically while training.",
             {"mode": "horizontal_and_vertical", "seed": None, "data_format": None},
             positional=("mode",), check=_check_flip)

_image_layer("RandomRotation", "Rotates images by a random angle while training.", {
    "factor": REQUIRED, "fill_mode": "reflect", "interpolation": "bilinear", "seed": None,
    "fill_value": 0.0, "data_format": None,
}, positional=("factor",), check=_affine(base_factor))

_image_layer("RandomZoom", "Zooms images in or out by a random amount while training.", {
    "height_factor": REQUIRED, "width_factor": None, "fill_mode": "reflect",
    "interpolation": "bilinear", "seed": None, "fill_value": 0.0, "data_format": None,
}, positional=("height_factor", "width_factor"), check=_affine(
    no_factor, lambda c: each_in_range(c, "height_factor", -1, 1, open_low=True),
    lambda c: each_in_range(c, "width_factor", -1, 1, open_low=True, optional=True)))

_image_layer("RandomTranslation", "Shifts images by a random offset while training.", {
    "height_factor": REQUIRED, "width_factor": REQUIRED, "fill_mode": "reflect",
    "interpolation": "bilinear", "seed": None, "fill_value": 0.0, "data_format": None,
}, positional=("height_factor", "width_factor"), check=_affine(
    no_factor, lambda c: each_in_range(c, "height_factor", -1, 1),
    lambda c: each_in_range(c, "width_factor", -1, 1)))

_image_layer("RandomShear", "Shears images by a random angle while training.", {
    "x_factor": 0.0, "y_factor": 0.0, "interpolation": "bilinear", "fill_mode": "reflect",
    "fill_value": 0.0, "data_format": None, "seed": None,
}, positional=("x_factor", "y_factor"), check=_affine(
    no_factor, lambda c: each_in_range(c, "x_factor", 0, 1),
    lambda c: each_in_range(c, "y_factor", 0, 1)))

_image_layer("RandomContrast", "Scales each image's contrast by a random factor while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "seed": None}, positional=("factor",),
             check=_only_args(lambda c: factor_range(c, "factor", 0, 1)))

_image_layer("RandomBrightness", "Shifts each image's brightness at random while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "seed": None}, positional=("factor",),
             check=_only_args(base_factor))


def _check_grayscale(call, shape, data_format):
    if shape is None:
        number_in_range(call, "factor", 0, 1)
    else:
        _rgb(call, shape, data_format, (1, 3), "rgb_to_grayscale takes RGB or grayscale")


_image_layer("RandomGrayscale",
             "Turns a random share of images to grayscale, keeping the channel count.",
             {"factor": 0.5, "data_format": None, "seed": None}, positional=("factor",),
             check=_check_grayscale)


def _hsv(low: float) -> Any:
    def check(call, shape, data_format):
        if shape is None:
            factor_range(call, "factor", low, 1)
        else:
            _rgb(call, shape, data_format)

    return check


_image_layer("RandomHue", "Shifts the hue of RGB images at random while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "data_format": None, "seed": None},
             positional=("factor",), check=_hsv(0))
_image_layer("RandomSaturation", "Scales the saturation of RGB images at random while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "data_format": None, "seed": None},
             positional=("factor",), check=_hsv(-1))

_image_layer("RandomSharpness", "Sharpens or blurs images at random while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "data_format": None, "seed": None},
             positional=("factor",), check=_only_args(lambda c: factor_range(c, "factor", 0, 1)))


def _check_jitter(call, shape, data_format):
    if shape is None:
        base_factor(call)
        factor_range(call, "brightness_factor", -1, 1, optional=True)
        factor_range(call, "contrast_factor", 0, 1, optional=True)
        factor_range(call, "saturation_factor", -1, 1, optional=True)
        factor_range(call, "hue_factor", 0, 1, optional=True)
    elif call.kwargs.get("saturation_factor") is not None \
            or call.kwargs.get("hue_factor") is not None:
        # Keras builds its hue and saturation steps without the layer's data_format
        check_channels(call, shape, len(shape) - 1, (3,),
                  "its hue and saturation steps read the last axis as RGB, "
                  "whatever data_format says")


_image_layer("RandomColorJitter",
             "Applies random brightness, contrast, saturation and hue changes while training.", {
                 **_VALUE_RANGE, "brightness_factor": None, "contrast_factor": None,
                 "saturation_factor": None, "hue_factor": None, "seed": None,
                 "data_format": None,
             }, check=_check_jitter)


def _check_degeneration(call, shape, data_format):
    if shape is None:
        factor_range(call, "factor", -1, 1)
    else:
        _rgb(call, shape, data_format, (3,), "it blends RGB images with their grayscale")


_image_layer("RandomColorDegeneration",
             "Blends RGB images with their grayscale version at random while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "data_format": None, "seed": None},
             positional=("factor",), check=_check_degeneration)

_image_layer("RandomInvert", "Inverts a random share of images while training.",
             {"factor": 1.0, **_VALUE_RANGE, "seed": None, "data_format": None},
             positional=("factor",), check=_only_args(lambda c: factor_range(c, "factor", 0, 1)))

_image_layer("RandomPosterization",
             "Reduces images to a random number of bits per channel while training.",
             {"factor": REQUIRED, **_VALUE_RANGE, "data_format": None, "seed": None},
             positional=("factor",), check=_only_args(lambda c: factor_range(c, "factor", 1, 8)))

_image_layer("RandomErasing", "Fills a random rectangle of each image while training.", {
    "factor": 1.0, "scale": (0.02, 0.33), "fill_value": None, **_VALUE_RANGE, "seed": None,
    "data_format": None,
}, positional=("factor",), check=_only_args(
    lambda c: factor_range(c, "factor", 0, 1), lambda c: factor_range(c, "scale", 0, 1)))

_image_layer("RandomGaussianBlur", "Blurs images with a random Gaussian kernel while training.", {
    "factor": 1.0, "kernel_size": 3, "sigma": 1.0, **_VALUE_RANGE, "data_format": None,
    "seed": None,
}, positional=("factor",), check=_only_args(
    lambda c: factor_range(c, "factor", 0, 1), lambda c: factor_range(c, "sigma", 0, 1)))


def _warp(sizes: Any, *checks: Any) -> Any:
    def check(call, shape, data_format):
        if shape is None:
            for one in checks:
                one(call)
            _one_of(call, "interpolation", _AFFINE_INTERPOLATION)
        else:
            sizes(call, shape, data_format)

    return check


_image_layer("RandomPerspective", "Warps images by a random perspective while training.", {
    "factor": 1.0, "scale": 1.0, "interpolation": "bilinear", "fill_value": 0.0, "seed": None,
    "data_format": None,
}, positional=("factor",), check=_warp(
    _two_pixels, lambda c: factor_range(c, "factor", 0, 1),
    lambda c: number_in_range(c, "scale", 0, 1)))

_image_layer("RandomElasticTransform", "Distorts images by a random elastic field in training.", {
    "factor": 1.0, "scale": 1.0, "interpolation": "bilinear", "fill_mode": "reflect",
    "fill_value": 0.0, **_VALUE_RANGE, "seed": None, "data_format": None,
}, positional=("factor",), check=_warp(
    _elastic_sizes, lambda c: factor_range(c, "factor", 0, 1),
    lambda c: factor_range(c, "scale", 0, 1),
    lambda c: _one_of(c, "fill_mode", ("constant", "nearest", "reflect", "wrap", "mirror"))))

_image_layer("AutoContrast", "Stretches each image's values to the full value_range.",
             dict(_VALUE_RANGE), check=_only_args(no_factor))
_image_layer("Equalization", "Equalizes each image's histogram.",
             {**_VALUE_RANGE, "bins": 256, "data_format": None}, check=_only_args(base_factor))
_image_layer("Solarization", "Inverts image values above a random threshold while training.", {
    "addition_factor": 0.0, "threshold_factor": 0.0, **_VALUE_RANGE, "seed": None,
}, check=_only_args(no_factor, lambda c: each_in_range(c, "addition_factor", 0, 1),
                    lambda c: each_in_range(c, "threshold_factor", 0, 1)))


def _check_aug_mix(call, shape, data_format):
    if shape is None:
        each_in_range(call, "factor", 0, 1)
        _one_of(call, "interpolation", _AFFINE_INTERPOLATION)
    elif call.kwargs.get("all_ops", True):
        # all_ops adds RandomColorDegeneration to the draw: a batch that picks it fails
        _rgb(call, shape, data_format, (1, 3), "with all_ops it may convert to grayscale")


_image_layer("AugMix", "Mixes several random augmentation chains of each image (AugMix).", {
    **_VALUE_RANGE, "num_chains": 3, "chain_depth": 3, "factor": 0.3, "alpha": 1.0,
    "all_ops": True, "interpolation": "bilinear", "seed": None, "data_format": None,
}, check=_check_aug_mix)


def _check_rand_augment(call, shape, data_format):
    if shape is None:
        each_in_range(call, "factor", 0, 1)
        _one_of(call, "interpolation", _AFFINE_INTERPOLATION)
    elif not _int(call.kwargs.get("num_ops")) or call.kwargs.get("num_ops") > 0:
        # every op runs on every batch (the draw only picks which result to keep),
        # RandomColorDegeneration's grayscale among them
        _rgb(call, shape, data_format, (1, 3), "one of its ops converts to grayscale")


_image_layer("RandAugment", "Applies num_ops random augmentations to each image (RandAugment).", {
    **_VALUE_RANGE, "num_ops": 2, "factor": 0.5, "interpolation": "bilinear", "seed": None,
    "data_format": None,
}, check=_check_rand_augment)

_image_layer("CutMix", "Pastes patches between the images of a batch while training.",
             {"factor": 1.0, "seed": None, "data_format": None},
             check=_only_args(lambda c: factor_range(c, "factor", 0, 1)))
_image_layer("MixUp", "Blends the images of a batch pairwise while training.",
             {"alpha": 0.2, "data_format": None, "seed": None}, check=_only_args(base_factor))


def _max_number(call: LayerCall) -> None:
    if not _number(call.kwargs.get("max_number")):  # Keras takes int(max_number)
        raise _refuse(call, "max_number", "a whole number")


_image_layer("MaxNumBoundingBoxes",
             "Pads or trims bounding boxes to max_number; images pass through.",
             {"max_number": REQUIRED, "fill_value": -1}, positional=("max_number",),
             check=_only_args(base_factor, _max_number))
