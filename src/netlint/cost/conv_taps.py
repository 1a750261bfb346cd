"""How many (output position, kernel tap) pairs of a convolution land on the input.

With `padding: same` or `causal` the kernel hangs over the edge at the border, and
those taps multiply padding zeros: XLA does not count them, and neither does netlint
(torchinfo does). Per axis, each tap's valid outputs are one range, so the count is a
sum over the kernel's taps, not over the (possibly enormous) output.
"""

from __future__ import annotations

from netlint.cost.shapes import whole

_MANY_TAPS = 4096  # past this a kernel axis is counted whole (padding taps included)


def _per_axis(value: object, rank: int) -> tuple | None:
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank
    values = tuple(whole(v) for v in values)
    return values if len(values) == rank and None not in values else None


def _axis_taps(size: int, out: int, taps: int, stride: int, dilation: int,
               padding: str) -> int:
    if padding == "valid" or taps > _MANY_TAPS or stride < 1:
        return out * taps
    if padding == "causal":
        before = (taps - 1) * dilation
    else:  # "same": as XLA pads, the smaller half before
        before = max((out - 1) * stride + (taps - 1) * dilation + 1 - size, 0) // 2
    total = 0
    for tap in range(taps):
        offset = tap * dilation - before
        first = (-offset + stride - 1) // stride if offset < 0 else 0
        last = min(out - 1, (size - 1 - offset) // stride) if size - 1 - offset >= 0 else -1
        total += max(0, last - first + 1)
    return total


def valid_taps(kwargs: dict, kernel_axes: tuple, sizes: tuple, outs: tuple) -> int | None:
    """The pairs over every spatial axis (a product: the axes are independent)."""
    rank = len(kernel_axes)
    strides = _per_axis(kwargs.get("strides", 1), rank)
    dilations = _per_axis(kwargs.get("dilation_rate", 1), rank)
    padding = str(kwargs.get("padding", "valid")).lower()
    if strides is None or dilations is None or len(sizes) != rank or len(outs) != rank:
        return None
    total = 1
    for size, out, taps, stride, dilation in zip(sizes, outs, kernel_axes, strides,
                                                 dilations):
        size, out, taps = whole(size), whole(out), whole(taps)
        if size is None or out is None or taps is None:
            return None
        total *= _axis_taps(size, out, taps, stride, dilation, padding)
    return total
