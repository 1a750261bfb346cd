"""Parameter counts and byte sizes as people read them, whatever their size.

Counts are exact Python integers: a model file may ask for more parameters than a
float can hold, or than Python will print in digits (4,300 by default). A report
must still say them, so past those points they are written as powers of ten.
"""

from __future__ import annotations

import math

_PRINTABLE_BITS = 13_000  # ~3,900 decimal digits: below Python's 4,300-digit limit
_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def _whole(count: int | float) -> int | None:
    """The count as an int: JSON Schema calls 1.0 an integer, so `units: 1.0` passes
    and counts come out as floats; None for what is no whole number (nan, inf, 1.5)."""
    if isinstance(count, int):
        return count
    if isinstance(count, float) and math.isfinite(count) and count.is_integer():
        return int(count)
    return None


def count_text(count: int, separator: str = ",") -> str:
    """`25,636,712`; `about 10^5000` for a count too long to print."""
    whole = _whole(count)
    if whole is None:
        return str(count)
    count = whole
    if count.bit_length() < _PRINTABLE_BITS:
        return f"{count:,}" if separator else str(count)
    exponent = int((count.bit_length() - 1) * math.log10(2))  # may be one short
    return f"about 10^{exponent + 1 if count >= 10 ** (exponent + 1) else exponent}"


def byte_size_text(size: int) -> str:
    """Keras's `readable_memory_size` (48.76 KB), without its float overflow."""
    whole_size = _whole(size)
    if whole_size is None:
        return f"{size} B"
    size = whole_size
    unit = 0
    while unit < len(_UNITS) - 1 and size >= 1024 ** (unit + 1):
        unit += 1
    whole = size // 1024 ** unit
    if whole.bit_length() > 1000:  # beyond a float: say it as a count of that unit
        return f"{count_text(whole)} {_UNITS[unit]}"
    return f"{size / 1024 ** unit:.2f} {_UNITS[unit]}"


def json_count(count: int) -> int | None:
    """The count for JSON, or None (null) where it has too many digits to print."""
    whole = _whole(count)
    return count if whole is not None and whole.bit_length() < _PRINTABLE_BITS else None
