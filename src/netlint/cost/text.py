"""Costs as people read them: `195.01 M` mult-adds, `48.29 MB`; `?` for unknown.

Exact integers in, text out, without a float for the integer part: a model file may
ask for 10^30 units, and a float of that product overflows long before it is printed.
"""

from __future__ import annotations

import math

from netlint.plumbing.counts import byte_size_text

_PREFIXES = ("", "K", "M", "G", "T", "P", "E")


def amount_text(count: int | None) -> str:
    """A count with a decimal prefix, `195.01 M`; past exa as a power of ten."""
    if count is None:
        return "?"
    step = 0
    while step < len(_PREFIXES) - 1 and count >= 1000 ** (step + 1):
        step += 1
    if step == len(_PREFIXES) - 1 and count >= 1000 ** (step + 1):
        exponent = int((count.bit_length() - 1) * math.log10(2))  # may be one short
        return f"about 10^{exponent + 1 if count >= 10 ** (exponent + 1) else exponent}"
    if step == 0:
        return str(count)
    hundredths = count * 100 // 1000 ** step
    return f"{hundredths // 100}.{hundredths % 100:02d} {_PREFIXES[step]}"


def bytes_text(size: int | None) -> str:
    return "?" if size is None else byte_size_text(size)


def budget_bytes(value: object) -> int | None:
    """`16GiB`, `16 GB`, `512MiB` or a number of bytes as bytes; None when unreadable.
    Both GB and GiB mean 1024^3 here: memory is sold in binary units."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 and value == value and value != float("inf") else None
    if not isinstance(value, str):
        return None
    text = value.strip().upper().replace(" ", "").removesuffix("B").removesuffix("I")
    units = {"K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
    power = units.get(text[-1:], 0)
    number = text[:-1] if power else text
    try:
        amount = float(number)
    except ValueError:
        return None
    if not 0 <= amount < 1e30:
        return None
    return int(amount * 1024 ** power)
