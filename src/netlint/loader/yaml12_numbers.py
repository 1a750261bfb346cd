"""Which plain scalars are numbers, as YAML 1.2 reads them, and how to write a value so
that YAML 1.1 readers (PyYAML) read it the same (the reader's NL903 note)."""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Which plain scalars are numbers under YAML 1.2, as Python's YAML 1.2 reader (ruamel.yaml,
# the test oracle) resolves them: the core schema's forms, with the digit separators
# (`1_000`) and binary and signed forms both Python readers take. Booleans and nulls are
# still read as YAML 1.1 reads them (`yes` is true).
_INT_12 = re.compile(r"[-+]?(?:0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_FLOAT_12 = re.compile(r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
                       r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_INT_BASES = {"0b": 2, "0o": 8, "0x": 16}


def yaml12_number(text: str) -> int | float | None:
    """The number YAML 1.2 reads in a plain scalar, or None when it reads text."""
    if _FLOAT_12.fullmatch(text):
        digits = text.replace("_", "").lower()
        if digits.lstrip("+-") in (".inf", ".nan"):  # Python spells them without the dot
            return float(digits.replace(".", ""))
        return float(digits)
    # an int starts with a sign or a digit (the resolver's first-character table)
    if text[0] in "+-0123456789" and _INT_12.fullmatch(text) and \
            any(c.isdigit() for c in text):
        digits = text.replace("_", "")
        sign = -1 if digits[0] == "-" else 1
        digits = digits.lstrip("+-")
        base = _INT_BASES.get(digits[:2])
        if base is not None:
            return sign * int(digits[2:], base) if digits[2:] else None
        if len(digits) > sys.get_int_max_str_digits():
            return None  # the 1.1 reading raises the located "too many digits" error
        return sign * int(digits)
    return None


def described(value: Any) -> str:
    return f"the text {value!r}" if isinstance(value, str) else f"the number {value!r}"


def spelled_for_both(text: str, value: Any, value11: Any) -> str:
    """How to write `value` so that YAML 1.1 and 1.2 readers agree."""
    if isinstance(value, str):
        return f"quote it ({respelled(text, value)}) if it is text, or write {value11!r} if " \
               "it is that number"
    return f"write {respelled(text, value)}"


def respelled(text: str, value: Any) -> str:
    """`text` written so that YAML 1.1 and 1.2 readers both read `value`, the YAML 1.2
    reading netlint uses: what `--fix` writes (safe: the model's meaning is kept)."""
    if isinstance(value, str):
        return "'" + text.replace("'", "''") + "'"
    if isinstance(value, float):
        mantissa, _, exponent = text.lower().partition("e")
        if exponent:
            mantissa = mantissa if "." in mantissa else mantissa + ".0"
            exponent = exponent if exponent[:1] in "+-" else "+" + exponent
            return f"{mantissa}e{exponent}"
    return repr(value)
