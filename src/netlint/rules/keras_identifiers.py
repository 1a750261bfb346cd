"""Keras identifiers as a model file writes them, for the rules that read regularizers
and initializers: a name (`l2`, `zeros`) or a class with its config (`{L2: {l2: 0.1}}`,
`{RandomNormal: {stddev: 2.0}}`).
"""

from __future__ import annotations

from netlint.rules.facts import activation_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def keras_identifier(value: Any) -> tuple[str, dict] | None:
    """(snake_case name, config) of a Keras identifier written as a name or a class."""
    if isinstance(value, str):
        return activation_name(value), {}
    if isinstance(value, dict) and len(value) == 1:
        (name, config), = value.items()
        if isinstance(name, str):
            return activation_name(name), config if isinstance(config, dict) else {"value": config}
    return None


def plain_number(value: Any) -> float | None:
    """A number written as one (never a bool) as a float, else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None
