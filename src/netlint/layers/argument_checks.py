"""Small checks of layer arguments, as Keras's constructors make them: the value's
kind, one of a set, and the ShapeError that refuses it (kind "value")."""

from __future__ import annotations

from netlint.layers.base import LayerCall, ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def is_number(value: Any) -> bool:
    # bool passes: Keras compares it as the int it is
    return isinstance(value, (int, float))


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def refuse(call: LayerCall, name: str, need: str) -> ShapeError:
    return ShapeError(f"{call.class_name} `{name}` must be {need}, got "
                      f"{call.kwargs.get(name)!r}", kind="value")


def one_of(call: LayerCall, name: str, allowed: tuple) -> None:
    if call.kwargs.get(name) not in allowed:
        raise refuse(call, name, "one of " + ", ".join(map(repr, allowed)))
