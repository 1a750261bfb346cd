"""A layer written inside another layer's argument, as a call to infer.

StackedRNNCells' `cells:` and Pipeline's `layers:` hold layer items written as in
`layers:` (`{LSTMCell: {units: 8}}`, `{Dropout: 0.5}`, `RandomFlip`). Inference
reads them from the argument as written: a class Keras has, and arguments it
takes, are needed here as in the loader, where a wrong one would stop inference.
"""

from __future__ import annotations

from netlint.layers.base import LayerCall, LayerDef, ShapeError
from netlint.layers.registry import get

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def written_item(item: Any, holder: str, what: str = "layer") -> tuple[LayerDef, dict]:
    """(the class's registry entry, the arguments as written, by name) of an item
    `{ClassName: kwargs}` or a bare class name; ShapeError when it is not one. `holder`
    and `what` name where it was written, for the message."""
    if isinstance(item, str):
        item = {item: {}}
    if not (isinstance(item, dict) and len(item) == 1):
        raise ShapeError(f"each {what} of {holder} is written {{ClassName: {{arguments}}}}, "
                         f"got {item!r}", kind="value")
    (name, kwargs), = item.items()
    definition = get(name) if isinstance(name, str) else None
    if definition is None:
        raise ShapeError(f"Keras 3 has no {what} {name!r} (in {holder})", kind="value")
    if kwargs is None:
        kwargs = {}
    elif not isinstance(kwargs, dict):  # `{Dropout: 0.5}`: Keras's positional arguments
        values = kwargs if isinstance(kwargs, list) else [kwargs]
        kwargs = dict(zip(definition.positional, values))
    return definition, kwargs


def item_call(item: Any, holder: str, what: str = "layer") -> LayerCall:
    """The item as a LayerCall with Keras's defaults merged in, its arguments checked;
    its input shapes are left for the holder to give."""
    definition, kwargs = written_item(item, holder, what)
    _check_arguments(definition, kwargs, holder)
    return LayerCall(definition.name, {**definition.all_params, **kwargs}, (),
                     wrapped=_held(kwargs.get("cell" if definition.name == "RNN" else "layer"),
                                   holder),
                     backward=_held(kwargs.get("backward_layer"), holder))


def _held(value: Any, holder: str) -> LayerCall | None:
    """The layer a wrapper written as an item holds (TimeDistributed's `layer:`), as the
    loader reads it for a wrapper in `layers:`; a list of cells is the StackedRNNCells
    Keras makes of it. None where there is none, for the wrapper to refuse."""
    if isinstance(value, list):
        value = {"StackedRNNCells": {"cells": value}}
    if not isinstance(value, (dict, str)):
        return None
    return item_call(value, holder)


def _check_arguments(definition: LayerDef, kwargs: dict, holder: str) -> None:
    """The arguments the constructor takes, all it requires among them."""
    known = definition.all_params
    unknown = [key for key in kwargs if key not in known]
    if unknown:
        raise ShapeError(f"{definition.name} (in {holder}) takes no argument "
                         f"{', '.join(map(repr, unknown))}", kind="value",
                         fix=f"see `{definition.name}`'s arguments in the Keras docs")
    missing = [key for key in definition.required if key not in kwargs]
    if missing:
        raise ShapeError(f"{definition.name} (in {holder}) needs {', '.join(missing)}",
                         kind="value", fix=f"add {', '.join(f'{k}: ...' for k in missing)}")
