"""One serialized Keras layer -> a netlint layer item: class name and non-default arguments.

The layer registry holds Keras 3's defaults, so an argument is written only
when it differs from what Keras would use without it. Anything that has no
netlint spelling (arguments Keras 3 does not have, custom initializers, a
custom class or Lambda inside a wrapper) is reported to the caller, never
dropped in silence. Top-level Lambda, custom and ops layers are declared.py's.
"""

from __future__ import annotations

from netlint.importer.values import (
    Unexpressible,
    activation_name,
    custom_object,
    dtype_name,
    is_serialized_object,
    object_value,
    same_as_default,
    short,
    written_form,
)
from netlint.layers.base import BASE_PARAMS, LayerDef
from netlint.layers.registry import get
from netlint.plumbing.records import field, record
from netlint.loader import legacy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# How Keras 2 described the model input on its first layer; the graph has read them.
INPUT_ARGUMENTS = ("batch_input_shape", "batch_shape", "input_shape", "batch_size")
OBJECT_KINDS = ("initializer", "regularizer", "constraint")
# Keras 2 argument names of one class that Keras 3 renamed (the loader's table is global).
CLASS_RENAMES = {("LeakyReLU", "alpha"): "negative_slope"}


@record
class Report:
    """What an import could not express (problems) and what it changed harmlessly (notes)."""

    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@record
class ConvertedLayer:
    class_name: str
    kwargs: dict
    known: bool  # netlint knows the class (False: written as-is, for the reader to see)


def convert_layer(layer: dict, where: str, report: Report) -> ConvertedLayer:
    """The netlint form of a serialized layer (its name is the caller's business)."""
    cls = str(layer.get("class_name"))
    # a top-level Lambda, custom layer or ops node is declared (declared.py); inside a
    # wrapper Keras records no tensor of its own to declare it with
    if custom_object(layer):
        report.problems.append(f"{where}: custom layer class {cls!r} "
                               f"({layer.get('registered_name') or layer.get('module')}) "
                               "inside a wrapper: Keras records no shape to declare for it")
        return ConvertedLayer(cls, {}, False)
    if cls == "Lambda":
        report.problems.append(f"{where}: a Lambda inside a wrapper: Keras records no shape "
                               "to declare for it; replace it with the Keras layer it stands "
                               "for")
        return ConvertedLayer(cls, {}, False)
    written = legacy.LEGACY_LAYERS.get(cls, cls)
    if written != cls:
        report.notes.append(f"{where}: Keras 1/2 class {cls} is written as {written}")
    definition = get(written)
    if definition is None:
        report.problems.append(f"{where}: netlint does not know the layer class {cls!r}")
        return ConvertedLayer(cls, {}, False)
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    return ConvertedLayer(written, _arguments(definition, config, where, report), True)


def _arguments(definition: LayerDef, config: dict, where: str, report: Report) -> dict:
    known = definition.all_params
    values: dict[str, Any] = {}
    for key, value in config.items():
        if key == "name" or (key in INPUT_ARGUMENTS and key not in definition.params):
            continue
        if key not in known:
            key = _unknown_argument(definition, key, value, where, report)
            if key is None:
                continue
        try:
            value = _normalised(key, value, where, report)
        except Unexpressible as reason:
            report.problems.append(f"{where}: {key} is {reason}; left out")
            continue
        if not same_as_default(key, value, known[key]):
            values[key] = written_form(key, value)
    _drop_implied(definition, values, config, where, report)
    order = list(definition.params) + [k for k in BASE_PARAMS if k not in definition.params]
    return {key: values[key] for key in order if key in values}


def _unknown_argument(definition: LayerDef, key: str, value: Any, where: str,
                      report: Report) -> str | None:
    """The Keras 3 name of an argument the layer does not take, or None to leave it out."""
    new = CLASS_RENAMES.get((definition.name, key)) or legacy.LEGACY_KWARGS.get(key)
    if new in definition.all_params:
        report.notes.append(f"{where}: Keras 1/2 argument {key} is written as {new}")
        return new
    if key in legacy.REMOVED_KWARGS:
        report.notes.append(f"{where}: {key} is left out ({legacy.REMOVED_KWARGS[key]})")
        return None
    if value is None:
        return None  # an unset argument says nothing
    report.problems.append(f"{where}: {definition.name} has no argument {key!r} in Keras 3 "
                           f"(value {short(value)}); left out")
    return None


def _normalised(key: str, value: Any, where: str, report: Report) -> Any:
    if key == "dtype":
        return dtype_name(value)
    if key in ("activation", "recurrent_activation"):
        return activation_name(value)
    kind = key.rpartition("_")[2]
    if kind in OBJECT_KINDS:
        return object_value(value, kind)
    if key in ("layer", "backward_layer", "cell") and is_serialized_object(value):
        inner = convert_layer(value, f"{where} (its {key})", report)
        if key == "cell" and inner.class_name == "StackedRNNCells" and \
                list(inner.kwargs) == ["cells"]:
            return inner.kwargs["cells"]  # `cell: [...]`: Keras makes it this StackedRNNCells
        return {inner.class_name: inner.kwargs}
    if key == "cells" and isinstance(value, list) and all(map(is_serialized_object, value)):
        cells = [convert_layer(cell, f"{where} (its cell {number})", report)
                 for number, cell in enumerate(value)]
        return [{cell.class_name: cell.kwargs} for cell in cells]
    if is_serialized_object(value):
        raise Unexpressible(f"a {value.get('class_name')} object")
    return value


def _drop_implied(definition: LayerDef, values: dict, config: dict, where: str,
                  report: Report) -> None:
    """Arguments Keras serializes though they follow from others."""
    if "pool_size" in definition.params and "strides" in values and \
            same_as_default("strides", config.get("strides"), config.get("pool_size")):
        del values["strides"]  # pooling strides default to pool_size
    if definition.name == "Bidirectional":
        for key in ("layer", "backward_layer"):
            wrapped = values.get(key)
            for inner in wrapped.values() if isinstance(wrapped, dict) else ():
                # Bidirectional sets it to return_sequences on both directions itself
                if isinstance(inner, dict) and inner.get("zero_output_for_mask", False) == \
                        inner.get("return_sequences", False):
                    inner.pop("zero_output_for_mask", None)
    backward = values.get("backward_layer")
    if isinstance(backward, dict) and isinstance(values.get("layer"), dict):
        if _flipped(values["layer"]) == backward:
            del values["backward_layer"]  # the copy Keras makes itself


def _flipped(item: dict) -> dict:
    """A layer item with go_backwards flipped, as Bidirectional makes its backward copy."""
    out = {}
    for cls, kwargs in item.items():
        kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
        if kwargs.pop("go_backwards", False) is False:
            kwargs["go_backwards"] = True
        out[cls] = kwargs
    return out
