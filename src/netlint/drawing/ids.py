"""Stable DOT identifiers: the same model gives the same ids on every run.

An id is the layer's position in the model plus its name reduced to
[A-Za-z0-9_], so ids read well in the DOT, never collide (the index differs),
and never depend on `id()` or hashing.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def sanitise(name: str, limit: int = 32) -> str:
    cleaned = _UNSAFE.sub("_", name).strip("_")[:limit]
    return cleaned or "x"


def node_ids(names: list[str]) -> dict[str, str]:
    """name -> `n<index>_<sanitised name>`, in the order given (inputs, then layers)."""
    return {name: f"n{index}_{sanitise(name)}" for index, name in enumerate(names)}
