"""A Keras model config as one flat graph: inputs, layer calls with their inputs, outputs.

Both Keras 3's and Keras 2's serializations are read: Keras 3 records each call
as `{"args": [...keras tensors...], "kwargs": {...}}`, Keras 2 as
`[[layer, node_index, tensor_index, kwargs], ...]`. Nested Sequential and
Functional models are flattened into the outer graph (a netlint file has no
submodels): their layers join the outer list, their inputs become whatever
the outer model fed them. A layer called several times (shared weights) is its
own call first, then one call per further node (`- call: layer` in the file;
shared.py puts them in an order the file can have). What cannot be flattened
faithfully (a submodel called twice, a call that passes tensors by keyword) is
reported.
"""

from __future__ import annotations

import re

from netlint.importer.shared import in_call_order
from netlint.importer.source import MODEL_CLASSES
from netlint.importer.tensors import (
    Ref,
    built_on,
    endpoint_refs,
    implicit_mask_ops,
    layer_name,
    tensor_shapes,
    tensors,
    triple,
)
from netlint.importer.values import short
from netlint.plumbing.records import field, record
from netlint.loader.layer_calls import default_call_name
from netlint.loader.layer_items import to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")
# Call keywords that change nothing about the graph when they carry no tensor.
HARMLESS_CALL_KWARGS = ("training", "mask")
TENSOR_KWARGS = ("query", "value", "key")  # attention layers called by keyword
MAX_RENAME_NOTES = 20  # one note a renamed layer, up to this many; then one for the rest


@record
class LayerCall:
    name: str
    class_name: str
    config: dict
    inbound: list
    raw: dict  # the serialized layer (module / registered_name say whether it is custom)
    origin: str = ""  # the submodel it came from, if any
    saved_as: str = ""  # where a .keras file keeps its weights (see _saved_path)
    shares: str = ""  # a further call of this (flat) layer: its node > 0, same weights


@record
class ModelInput:
    name: str
    config: dict  # the InputLayer config (batch_shape / batch_input_shape, dtype, ...)


@record
class FlatGraph:
    sequential: bool
    name: str | None
    inputs: list = field(default_factory=list)  # ModelInput
    calls: list = field(default_factory=list)  # LayerCall
    outputs: list = field(default_factory=list)  # Ref
    problems: list = field(default_factory=list)  # what the file cannot express
    notes: list = field(default_factory=list)  # changes that keep the model the same
    # Ref -> its shape (batch first) as Keras recorded it where the tensor is consumed:
    # what a Lambda, custom layer or ops node is declared to make
    shapes: dict = field(default_factory=dict)
    by_layer: dict | None = None  # shapes by layer, made on the first question

    def first_call_shapes(self, layer: str) -> dict:
        """{tensor index: shape} of what `layer`'s first call makes, as recorded."""
        if self.by_layer is None:
            self.by_layer = {}
            for ref, shape in self.shapes.items():
                if ref.node == 0:
                    self.by_layer.setdefault(ref.layer, {})[ref.tensor] = shape
        return self.by_layer.get(layer, {})


def model_layers(model: dict) -> list:
    """A model config's layer list (Keras 2.0/2.1 wrote a Sequential's config as the list)."""
    config = model.get("config")
    layers = config if isinstance(config, list) else (config or {}).get("layers")
    return [layer for layer in layers if isinstance(layer, dict)] \
        if isinstance(layers, list) else []


@record
class _Scope:
    """Names inside one (sub)model -> the flat graph's names and tensors."""

    prefix: str = ""
    saved_at: str = ""  # the weights file's group of this (sub)model: "", "layers/sequential/"
    renamed: dict = field(default_factory=dict)  # inner layer name -> flat name
    aliases: dict = field(default_factory=dict)  # Ref inside -> Ref in the flat graph
    extra_calls: dict = field(default_factory=dict)  # (layer, call index > 0) -> call's name

    def resolve(self, ref: Ref) -> Ref:
        if ref in self.aliases:
            return self.aliases[ref]
        if (ref.layer, ref.node) in self.extra_calls:
            return Ref(self.extra_calls[(ref.layer, ref.node)], 0, ref.tensor)
        return Ref(self.renamed.get(ref.layer, ref.layer), ref.node, ref.tensor)


class Flattener:
    def __init__(self, model: dict):
        config = model.get("config") if isinstance(model.get("config"), dict) else {}
        self.graph = FlatGraph(sequential=model.get("class_name") == "Sequential",
                               name=config.get("name") if isinstance(config.get("name"), str)
                               else None)
        self.taken: set[str] = set()
        self.last_number: dict[str, int] = {}  # name -> the highest `_N` given it so far
        self.renames = 0
        self.implicit_masks: set[str] = set()  # op nodes that only compute Keras's masks

    # -- names -----------------------------------------------------------------------------
    def flat_name(self, name: str, scope: _Scope) -> str:
        """A unique name in the flat graph that netlint accepts; notes any change."""
        wanted = name if NAME_PATTERN.match(name or "") else \
            re.sub(r"[^A-Za-z0-9_.\-]", "_", name or "layer")
        if scope.prefix and wanted in self.taken:
            wanted = f"{scope.prefix}_{wanted}"
        candidate = wanted
        if candidate in self.taken:
            # every `wanted_2` .. `wanted_N` below the last one given is taken (names are
            # never given back): the search goes on from there, in linear time overall
            number = self.last_number.get(wanted, 1) + 1
            while f"{wanted}_{number}" in self.taken:
                number += 1
            self.last_number[wanted] = number
            candidate = f"{wanted}_{number}"
        if candidate != name:
            self._note_rename(name, candidate)
        self.taken.add(candidate)
        scope.renamed[name] = candidate
        return candidate

    def call_name(self, layer: str, number: int) -> str:
        """The output name of `layer`'s `number`-th call (its own item is the first):
        netlint's default (`dense_call_2`) unless another name took it."""
        wanted = candidate = default_call_name(layer, number)
        extra = 1
        while candidate in self.taken:
            extra += 1
            candidate = f"{wanted}_{extra}"
        self.taken.add(candidate)
        return candidate

    def _note_rename(self, name: str, candidate: str) -> None:
        self.renames += 1
        if self.renames <= MAX_RENAME_NOTES:
            what = f"layer {name!r}" if name else "a layer without a name"
            self.graph.notes.append(f"{what} is named {candidate!r} (names must be unique "
                                    "once submodels are flattened, and use letters, "
                                    "digits, _ . -)")

    def finish(self) -> FlatGraph:
        if self.renames > MAX_RENAME_NOTES:
            self.graph.notes.append(f"{self.renames - MAX_RENAME_NOTES} more layers are "
                                    "renamed the same way")
        return self.graph

    # -- one call's input tensors ------------------------------------------------------------
    def call_inputs(self, node: Any, where: str) -> list[Ref]:
        """The tensors one call consumes, in order."""
        if isinstance(node, list):  # Keras 2: [[layer, node_index, tensor_index, kwargs]]
            refs = []
            for entry in node:
                ref = triple(entry)
                if ref is not None:
                    refs.append(ref)
                    if len(entry) > 3 and isinstance(entry[3], dict):
                        self._call_kwargs(entry[3], where)
            return refs
        if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
            refs = tensors(node.get("args", []))
            kwargs = node.get("kwargs") if isinstance(node.get("kwargs"), dict) else {}
            for key in TENSOR_KWARGS:
                refs += tensors(kwargs.get(key))
            self._call_kwargs({k: v for k, v in kwargs.items() if k not in TENSOR_KWARGS},
                              where)
            return refs
        self.graph.problems.append(f"{where}: a call netlint cannot read ({type(node).__name__})")
        return []

    def _call_kwargs(self, kwargs: dict, where: str) -> None:
        for key, value in sorted(kwargs.items()):
            if key == "mask" and tensors(value) and \
                    all(ref.layer in self.implicit_masks for ref in tensors(value)):
                continue  # the mask Keras derives itself (mask_zero, Masking)
            if key in HARMLESS_CALL_KWARGS and tensors(value) == [] and value in (None, False,
                                                                                   True):
                continue
            if value is None or value is False:
                continue
            what = "a tensor" if tensors(value) else short(value)
            self.graph.problems.append(f"{where}: called with {key}={what}; a netlint "
                                       "layer takes its inputs from `from:` only")

    def _record(self, ref: Ref, shape: Any) -> None:
        if isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
            self.graph.shapes.setdefault(ref, shape)

    # -- inputs ----------------------------------------------------------------------------
    def add_input(self, layer: dict, scope: _Scope) -> Ref:
        name = self.flat_name(layer_name(layer) or "input_layer", scope)
        self.graph.inputs.append(ModelInput(name, layer.get("config") or {}))
        return Ref(name)

    # -- models ----------------------------------------------------------------------------
    def sequential(self, model: dict, scope: _Scope, previous: Ref | None) -> Ref | None:
        """Chain a Sequential's layers after `previous`; the last output."""
        used: dict = {}
        for index, layer in enumerate(model_layers(model)):
            cls = layer.get("class_name")
            # Sequential.layers, which Keras saves, leaves out its leading InputLayer
            saved = "" if index == 0 and cls == "InputLayer" else \
                _saved_path(layer, scope, used)
            if cls == "InputLayer":
                if previous is None:
                    previous = self.add_input(layer, scope)
                continue  # a nested Sequential's own input: the outer tensor replaces it
            if cls in MODEL_CLASSES:
                outputs = self.submodel(layer, [[previous] if previous else []], scope, saved)
                previous = outputs[0] if outputs else previous
                continue
            if previous is None:
                previous = self._input_from_first_layer(model, layer, scope)
            name = self.flat_name(layer_name(layer), scope)
            if previous is not None:  # a Sequential's calls record no tensors: its build
                self._record(previous, built_on(layer))  # config says what came in
            self.graph.calls.append(LayerCall(name, str(cls), layer.get("config") or {},
                                              [previous] if previous else [], layer,
                                              scope.prefix, saved))
            previous = Ref(name)
        return previous

    def _input_from_first_layer(self, model: dict, layer: dict, scope: _Scope) -> Ref | None:
        """Keras 2 put the input on the first layer (`batch_input_shape`), or on the model."""
        config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        shape = config.get("batch_input_shape")
        if shape is None and isinstance(model.get("config"), dict):
            shape = model["config"].get("build_input_shape")
        if not isinstance(shape, list):
            self.graph.problems.append("the model has no input shape (it was never built); "
                                       "add `input: {shape: [...]}` to the file")
            return None
        name = self.flat_name("input_layer", scope)
        self.graph.inputs.append(ModelInput(name, {"batch_shape": shape,
                                                   "dtype": config.get("dtype")}))
        return Ref(name)

    def functional(self, model: dict, scope: _Scope) -> list[Ref]:
        """Every call of a Functional/Model config; its outputs, as flat refs."""
        masks = implicit_mask_ops(model_layers(model))
        if masks:
            self.implicit_masks |= masks
            self.graph.notes.append("the masks Keras computes from mask_zero / Masking are "
                                    "left implicit: netlint propagates masks itself")
        used: dict = {}
        # a layer's later call may consume a layer listed after it (Keras lists a shared
        # layer where its first call is): calls are named once the layers have their
        # names (a layer keeps its own, a call takes another), inputs resolved after that
        later: list = []  # (nodes as written, [(LayerCall, its input refs), ...])
        for layer in model_layers(model):
            cls, name = layer.get("class_name"), layer_name(layer)
            nodes = layer.get("inbound_nodes") or []
            saved = _saved_path(layer, scope, used)
            if name in masks:
                continue
            if cls == "InputLayer":
                if Ref(name) not in scope.aliases:
                    scope.aliases[Ref(name)] = self.add_input(layer, scope)
                continue
            calls = [self.call_inputs(node, f"layer {name!r}") for node in nodes]
            if cls in MODEL_CLASSES:
                self._record_shapes(nodes, scope)
                calls = [[scope.resolve(r) for r in refs] for refs in calls]
                outputs = self.submodel(layer, calls, scope, saved)
                for index, ref in enumerate(outputs):
                    scope.aliases[Ref(name, 0, index)] = ref
                continue
            later.append((nodes, self._functional_calls(layer, name, calls, scope, saved)))
        for _, made in later:
            for index, (call, _) in enumerate(made[1:], start=1):
                call.name = self.call_name(call.shares, index + 1)
                scope.extra_calls[(layer_name(call.raw), index)] = call.name
        for nodes, made in later:
            self._record_shapes(nodes, scope)
            for call, refs in made:
                call.inbound = [scope.resolve(ref) for ref in refs]
        config = model.get("config") if isinstance(model.get("config"), dict) else {}
        return [scope.resolve(ref) for ref in endpoint_refs(config.get("output_layers"))]

    def _record_shapes(self, nodes: list, scope: _Scope) -> None:
        for node in nodes:
            for ref, shape in tensor_shapes(node):
                self._record(scope.resolve(ref), shape)

    def _functional_calls(self, layer: dict, name: str, calls: list, scope: _Scope,
                          saved: str) -> list:
        """The layer's calls in the flat graph, node 0 the layer's own; [(LayerCall, its
        input refs as written)], to resolve once every name is known."""
        made: list = []
        first = self.flat_name(name, scope)
        for index, inbound in enumerate(calls or [[]]):
            # a further call is named later (functional), after the layers of its model
            call = LayerCall(first if index == 0 else "", str(layer.get("class_name")),
                             layer.get("config") or {}, [], layer, scope.prefix, saved,
                             shares=first if index else "")
            self.graph.calls.append(call)
            made.append((call, inbound))
        return made

    def submodel(self, layer: dict, calls: list, outer: _Scope, saved: str) -> list[Ref]:
        """Inline a nested model at its first call; its outputs in the flat graph."""
        name = layer_name(layer) or "submodel"
        if len(calls) > 1:
            self.graph.problems.append(f"submodel {name!r} is called {len(calls)} times; "
                                       "only its first call is imported")
        inbound = calls[0] if calls else []
        self.graph.notes.append(f"submodel {name!r} ({layer.get('class_name')}) is "
                                "flattened: its layers are written in line")
        scope = _Scope(prefix=(f"{outer.prefix}_{name}" if outer.prefix else name),
                       saved_at=f"{saved}/")
        if layer.get("class_name") == "Sequential":
            last = self.sequential(layer, scope, inbound[0] if inbound else None)
            return [last] if last else []
        inner_inputs = endpoint_refs((layer.get("config") or {}).get("input_layers"))
        if len(inner_inputs) != len(inbound):
            self.graph.problems.append(f"submodel {name!r} takes {len(inner_inputs)} "
                                       f"input(s) but is given {len(inbound)}")
        for inner, outer_ref in zip(inner_inputs, inbound, strict=False):  # mismatch reported
            scope.aliases[Ref(inner.layer)] = outer_ref
        return self.functional(layer, scope)


def _saved_path(layer: dict, scope: _Scope, used: dict) -> str:
    """The group a `.keras` file keeps the layer's weights in: Keras names each layer of
    a model's `layers` there after its class (`layer_scale`, `layer_scale_1`, ...), not
    after its name; ops nodes are no layers and have none."""
    if str(layer.get("module", "")).startswith("keras.src.ops"):
        return ""
    snake = to_snake_case(str(layer.get("class_name")))
    count = used.get(snake, -1) + 1
    used[snake] = count
    return f"{scope.saved_at}layers/{snake}" + (f"_{count}" if count else "")


def flatten(model: dict) -> FlatGraph:
    """The flat graph of a serialized Sequential / Functional / Model."""
    flattener = Flattener(model)
    scope = _Scope()
    if flattener.graph.sequential:
        last = flattener.sequential(model, scope, None)
        flattener.graph.outputs = [last] if last else []
    else:
        flattener.graph.outputs = flattener.functional(model, scope)
    if any(call.shares for call in flattener.graph.calls):
        flattener.graph.calls = in_call_order(flattener.graph.calls)
    return flattener.finish()
