"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): an image layer of Keras 3.15.

Like the image layers of `preprocessing`, it takes one image (rank 3, whose leading
axis is netlint's batch axis) or a batch of images (rank 4) and keeps the shape.
Keras declares any input's shape as its output; netlint refuses what its
tiling cannot run.
"""

from __future__ import annotations

from netlint.layers.argument_checks import is_number as _number
from netlint.layers.base import Inferred, LayerCall, ShapeError
from netlint.layers.registry import register
from netlint.layers.conv_utils import normalize_data_format
from netlint.layers.image_inputs import image_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME = "ContrastLimitedAdaptiveHistogramEqualization"


def _refuse(name: str, need: str, value: Any) -> ShapeError:
    return ShapeError(f"{NAME} `{name}` must be {need}, got {value!r}", kind="value")


def _factor(call: LayerCall) -> None:
    """BaseImagePreprocessingLayer._set_factor over [-1, 1]; a missing factor is 0."""
    value = call.kwargs.get("factor")
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(map(_number, value)) and value[0] <= 1 and value[1] >= -1:
            return
    elif _number(value) and -1 <= value <= 1:
        return
    raise _refuse("factor", "a number in [-1, 1] or a list of two numbers reaching into "
                            "that range", value)


def _check_arguments(call: LayerCall) -> None:
    grid = call.kwargs.get("tile_grid_size")
    if not (isinstance(grid, (list, tuple)) and len(grid) == 2 and all(
            isinstance(g, int) and not isinstance(g, bool) and g > 0 for g in grid)):
        raise _refuse("tile_grid_size", "two positive integers (rows, columns)", grid)
    if not _number(call.kwargs.get("clip_limit")):
        raise _refuse("clip_limit", "a number", call.kwargs.get("clip_limit"))
    value_range = call.kwargs.get("value_range")
    if not (isinstance(value_range, (list, tuple)) and len(value_range) == 2
            and all(map(_number, value_range))):
        raise _refuse("value_range", "two numbers (low, high)", value_range)
    _factor(call)


@register(NAME, family="preprocessing", params={
    "value_range": (0, 255), "clip_limit": 4.0, "tile_grid_size": (8, 8), "data_format": None,
    "factor": None, "bounding_box_format": None,
})
def clahe(call: LayerCall) -> Inferred:
    """Equalizes each image's histogram tile by tile, contrast limited; shape unchanged."""
    normalize_data_format(call.kwargs.get("data_format"), NAME)
    _check_arguments(call)
    return Inferred(image_input(call))
