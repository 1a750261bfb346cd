"""The checks Keras's image preprocessing layers share: their factor arguments, as
BaseImagePreprocessingLayer and each class's __init__ check them, and their image
input (rank 3 or 4, with height, width and channels where data_format puts them).

Apart from preprocessing.py, which registers the classes one after another, so that
the rules every image layer follows read in one place (image_extra.py uses them too).
"""

from __future__ import annotations

from netlint.layers.argument_checks import is_number as _number
from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.base import Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.conv_utils import normalize_data_format, single_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# -- factor arguments, checked as each class's __init__ checks them -----------------

def factor_range(call: LayerCall, name: str, low: float, high: float, *,
           none_is_zero: bool = False, optional: bool = False) -> None:
    """BaseImagePreprocessingLayer._set_factor: a number in [low, high], or two numbers
    whose range reaches into it. The base class reads a missing factor as 0."""
    value = call.kwargs.get(name)
    if value is None and optional:
        return
    if value is None and none_is_zero:
        value = 0.0
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(map(_number, value)) \
                and not (value[0] > high or value[1] < low):
            return
    elif _number(value) and low <= value <= high:
        return
    raise _refuse(call, name, f"a number in [{low}, {high}] or a list of two numbers "
                              f"reaching into that range")


def each_in_range(call: LayerCall, name: str, low: float, high: float, *,
          open_low: bool = False, optional: bool = False) -> None:
    """A number, or a list of two, each in [low, high] ((low, high] with open_low)."""
    value = call.kwargs.get(name)
    if value is None and optional:
        return
    values = value if isinstance(value, (list, tuple)) and len(value) == 2 else [value]
    if all(_number(v) and (low < v if open_low else low <= v) and v <= high for v in values):
        return
    bracket = "(" if open_low else "["
    raise _refuse(call, name, f"a number in {bracket}{low}, {high}] or a list of two such")


def number_in_range(call: LayerCall, name: str, low: float, high: float) -> None:
    value = call.kwargs.get(name)
    if not (_number(value) and low <= value <= high):
        raise _refuse(call, name, f"a number in [{low}, {high}]")


def no_factor(call: LayerCall) -> None:
    """Classes that set _USE_BASE_FACTOR = False refuse the base class's `factor`."""
    if call.kwargs.get("factor") is not None:
        raise ShapeError(f"{call.class_name} takes no `factor` argument, got "
                         f"{call.kwargs.get('factor')!r}", kind="value")


def base_factor(call: LayerCall) -> None:
    factor_range(call, "factor", -1, 1, none_is_zero=True)


# -- image inputs ------------------------------------------------------------------

def image_data_format(call: LayerCall) -> str:
    return normalize_data_format(call.kwargs.get("data_format"), call.class_name)


def image_input(call: LayerCall) -> tuple:
    """The one input of an image layer: an image of rank 3 or a batch of rank 4."""
    shape = single_input(call)
    if len(shape) not in (3, 4):
        raise ShapeError(
            f"{call.class_name} takes an image of rank 3 (height, width, channels) or a batch "
            f"of rank 4 (batch, height, width, channels) but got {format_shape(shape)}",
            kind="rank", expected_rank=4)
    return shape


def image_axes(shape: tuple, data_format: str) -> tuple:
    """Indices of (height, width, channels); a rank-3 image has no batch axis."""
    first = len(shape) - 3
    if data_format == "channels_first":
        return first + 1, first + 2, first
    return first, first + 1, first + 2


def check_channels(call: LayerCall, shape: tuple, axis: int, allowed: tuple, why: str) -> None:
    channels = shape[axis]
    if channels is not None and channels not in allowed:
        need = " or ".join(map(str, allowed))
        raise ShapeError(f"{call.class_name} needs {need} channels ({why}) but gets "
                         f"{channels} on axis {axis} of {format_shape(shape)}", kind="size")


def size_argument(call: LayerCall, name: str, low: int) -> int:
    value = call.kwargs.get(name)
    if not _int(value) or value < low:
        raise _refuse(call, name, "a positive integer" if low else "an integer >= 0")
    return value


def resized(call: LayerCall, low: int = 0, resizes_unless: Any = None) -> Inferred:
    """Resizing's and the crops' output: height and width replaced, channels kept.

    A crop to 0 rows slices out an empty image, but where the crop falls back to
    resizing (`resizes_unless(input size, target size)` fails on an axis), Keras
    divides by the 0."""
    data_format = image_data_format(call)
    height, width = size_argument(call, "height", low), size_argument(call, "width", low)
    shape = list(image_input(call))
    h, w, _ = image_axes(shape, data_format)
    if resizes_unless is not None and 0 in (height, width) and any(
            size is not None and not resizes_unless(size, target)
            for size, target in ((shape[h], height), (shape[w], width))):
        raise ShapeError(f"{call.class_name} to {height} x {width} resizes this "
                         f"{format_shape(tuple(shape))} input, and Keras divides by the 0",
                         kind="value")
    shape[h], shape[w] = height, width
    return Inferred(tuple(shape))
