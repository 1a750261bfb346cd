"""The flat graph -> a netlint model document (plain data, in the order it is written).

Names: a layer gets `name:` only where netlint's own default would differ, so
a model built in a fresh Keras session reads back without a single `name:`.
The prediction replays the loader's counter (`spec.layer_items.Namer`) in file
order, the inner layer of a wrapper first, as both Keras and the loader do.
`from:` is written only where a layer does not consume the item above it.
A shared layer's further calls are `- call: layer` items, named only where the
loader's default (`dense_call_2`) would differ.
"""

from __future__ import annotations

from netlint.importer.declared import WeightSizes, declared_kind, declared_layer
from netlint.importer.graph import FlatGraph, LayerCall, ModelInput
from netlint.importer.layers import Report, convert_layer
from netlint.importer.values import dtype_name
from netlint.layers.declared import name_prefix
from netlint.layers.registry import get
from netlint.loader.layer_calls import CALL_KEY, default_call_name
from netlint.loader.layer_items import Namer, to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_MODEL_NAMES = ("sequential", "functional", "model")


def _peek(namer: Namer, class_name: str) -> str:
    """The name the loader will give the next unnamed `class_name`, without taking it."""
    prefix = to_snake_case(class_name)
    count = namer.counts.get(prefix, 0)
    return prefix if count == 0 else f"{prefix}_{count}"


def input_entry(model_input: ModelInput, report: Report) -> dict:
    """`{shape: [...], batch_size: ..., dtype: ...}` from an InputLayer config."""
    config = model_input.config
    where = f"input {model_input.name!r}"
    batch_shape = config.get("batch_shape") or config.get("batch_input_shape")
    if isinstance(batch_shape, list) and batch_shape:
        batch, shape = batch_shape[0], batch_shape[1:]
    else:
        batch, shape = config.get("batch_size"), config.get("shape")
    entry: dict[str, Any] = {}
    if isinstance(shape, list) and all(d is None or (isinstance(d, int) and d > 0)
                                       for d in shape):
        entry["shape"] = list(shape)
    else:
        report.problems.append(f"{where}: no usable shape ({shape!r})")
    if isinstance(batch, int) and batch > 0:
        entry["batch_size"] = batch
    dtype = dtype_name(config.get("dtype"))
    if isinstance(dtype, str) and dtype != "float32":
        entry["dtype"] = dtype
    if config.get("sparse"):
        entry["sparse"] = True
    for flag in ("ragged", "optional"):
        if config.get(flag):
            report.problems.append(f"{where}: {flag} inputs cannot be written; left out")
    return entry


class DocumentBuilder:
    def __init__(self, graph: FlatGraph, report: Report, archive: str | None = None):
        self.graph = graph
        self.report = report
        self.weights = WeightSizes(archive)  # a custom layer's parameter count, if stored
        self.namer = Namer()
        self.multi_output: set[str] = set()  # layers with return_state: several outputs
        self.known = {i.name for i in graph.inputs} | {c.name for c in graph.calls}
        self.numbers: dict[str, int] = {}  # shared layer -> its items so far (own + calls)

    def inputs(self, document: dict) -> None:
        if self.graph.sequential and len(self.graph.inputs) == 1:
            self.namer.auto_name("InputLayer")  # the loader names `input:` like this
            document["input"] = input_entry(self.graph.inputs[0], self.report)
        elif self.graph.inputs:
            document["inputs"] = {i.name: input_entry(i, self.report)
                                  for i in self.graph.inputs}

    def layer_item(self, call: LayerCall, previous: str | None) -> dict:
        where = f"layer {call.name!r} ({call.class_name})"
        if call.shares:
            return self.call_item(call, previous, where)
        if declared_kind(call.raw):
            converted = declared_layer(call, self.graph, self.weights, where, self.report)
        else:
            converted = convert_layer(call.raw, where, self.report)
        kwargs = dict(converted.kwargs)
        definition = get(converted.class_name) if converted.known else None
        if definition is not None and definition.wraps_layer \
                and isinstance(kwargs.get("layer"), dict):
            for inner in kwargs["layer"]:
                self.namer.auto_name(inner)  # the loader names the wrapped layer first
        named_after = name_prefix(converted.class_name)  # `ops.add` is named like Add
        if converted.known and _peek(self.namer, named_after) == call.name:
            self.namer.auto_name(named_after)
        else:
            kwargs["name"] = call.name
        if kwargs.get("return_state"):
            self.multi_output.add(call.name)
        item: dict[str, Any] = {converted.class_name: kwargs}
        sources = self._sources(call, where)
        if sources and sources != [previous]:
            item["from"] = sources[0] if len(sources) == 1 else sources
        elif not sources:
            self.report.problems.append(f"{where}: consumes nothing netlint can name")
        return item

    def call_item(self, call: LayerCall, previous: str | None, where: str) -> dict:
        """`{call: layer, from: ..., name: ...}`: the layer's arguments are on its own item."""
        number = self.numbers.get(call.shares, 1) + 1
        self.numbers[call.shares] = number
        if call.shares in self.multi_output:
            self.multi_output.add(call.name)  # return_state: each call returns several
        item: dict[str, Any] = {CALL_KEY: call.shares}
        sources = self._sources(call, where)
        if sources and sources != [previous]:
            item["from"] = sources[0] if len(sources) == 1 else sources
        elif not sources:
            self.report.problems.append(f"{where}: consumes nothing netlint can name")
        if call.name != default_call_name(call.shares, number):
            item["name"] = call.name
        if declared_kind(call.raw):
            self._check_declared_call(call, where)
        return item

    def _check_declared_call(self, call: LayerCall, where: str) -> None:
        """A Lambda or custom layer is declared with what its first call makes, and a
        call repeats the declaration: right when the call's inputs have the first
        call's shapes, or Keras recorded that it makes the same; else reported."""
        shapes = self.graph.shapes
        first = next(c for c in self.graph.calls if c.name == call.shares)
        given = [shapes.get(ref) for ref in call.inbound]
        if None not in given and given == [shapes.get(ref) for ref in first.inbound]:
            return
        declared = self.graph.first_call_shapes(call.shares)
        made = self.graph.first_call_shapes(call.name)
        if made and made == declared:
            return
        what = f"makes {made[min(made)]} here" if made else "its output shape is not recorded"
        self.report.problems.append(
            f"{where}: calls {call.shares!r} again on inputs of other shapes, and {what}; "
            f"netlint declares one output shape for a layer whose code it cannot see "
            f"({declared.get(0)} from its first call)")

    def _sources(self, call: LayerCall, where: str) -> list[str]:
        names = []
        for ref in call.inbound:
            if ref.layer not in self.known:
                self.report.problems.append(f"{where}: takes its input from {ref.layer!r}, "
                                            "which the model does not have")
            elif ref.tensor != 0 or ref.layer in self.multi_output:
                self.report.problems.append(
                    f"{where}: takes output {ref.tensor} of {ref.layer!r}, which returns "
                    "several tensors; `from:` passes all of a layer's outputs")
            names.append(ref.layer)
        return names

    def layers(self, document: dict) -> None:
        previous = self.graph.inputs[0].name if len(self.graph.inputs) == 1 else None
        items = []
        for call in self.graph.calls:
            items.append(self.layer_item(call, previous))
            previous = call.name
        document["layers"] = items

    def outputs(self, document: dict) -> None:
        if self.graph.sequential and not any("from" in item for item in document["layers"]):
            return
        names = []
        for ref in self.graph.outputs:
            if ref.layer not in self.known:
                self.report.problems.append(f"model output {ref.layer!r} is no layer of the "
                                            "model")
            elif ref.tensor != 0:
                self.report.problems.append(f"model output {ref.tensor} of {ref.layer!r} "
                                            "cannot be named on its own")
            names.append(ref.layer)
        document["outputs"] = names


def build_document(graph: FlatGraph, compile_section: dict | None, report: Report,
                   archive: str | None = None) -> dict:
    """The whole netlint document: netlint, name, input(s), layers, outputs, compile.
    `archive`: the .keras file, for the weights of custom layers."""
    document: dict[str, Any] = {"netlint": 1}
    if graph.name and graph.name not in DEFAULT_MODEL_NAMES:
        document["name"] = graph.name
    builder = DocumentBuilder(graph, report, archive)
    builder.inputs(document)
    builder.layers(document)
    builder.outputs(document)
    if compile_section:
        document["compile"] = compile_section
    return document
