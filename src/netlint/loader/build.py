"""Assemble a ModelSpec from a read, validated document.

Works on values the schema has already checked, but stays defensive: a file
with errors must still yield every finding it can, never a traceback.
"""

from __future__ import annotations

from netlint.model.findings import Finding, loader_finding
from netlint.model.graph import InputSpec, LayerSpec, ModelSpec, Position, Section
from netlint.layers.base import owns_input_dim as layer_owns_input_dim
from netlint.plumbing.records import replace
from netlint.loader import legacy
from netlint.loader.layer_calls import CallReader, is_call_item
from netlint.loader.layer_items import ItemReader
from netlint.loader.suggestions import did_you_mean
from netlint.loader.yaml_source import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FIRST_LAYER_INPUT_KWARGS = ("batch_input_shape", "input_shape", "input_dim")
SECTIONS = ("compile", "data", "train")  # free-form top-level mappings, kept as Sections


class Builder:
    def __init__(self, doc: Document, path: str):
        self.doc = doc
        self.path = path
        self.reader = ItemReader(doc)
        self.findings: list[Finding] = self.reader.findings

    def error(self, code: str, message: str, position: Position | None,
              fix: str | None = None, layer: str | None = None) -> None:
        self.findings.append(loader_finding(code, message, position, fix=fix, layer=layer))

    # -- inputs ---------------------------------------------------------------------------
    def _input_spec(self, name: str, raw: Any, path: tuple, origin: str) -> InputSpec | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("shape"), list):
            return None  # the schema has said what is wrong
        shape = raw["shape"]
        if not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0)
                   for d in shape):
            return None
        axes = raw.get("axes")
        return InputSpec(
            name=raw.get("name", name) if isinstance(raw.get("name"), str) else name,
            shape=tuple(shape), batch_size=raw.get("batch_size"),
            dtype=raw.get("dtype") or "float32",
            axes=tuple(axes) if isinstance(axes, list) else None,
            sparse=bool(raw.get("sparse", False)),
            position=self.doc.key_position_of(path),
            shape_position=self.doc.position_of(path + ("shape",)), origin=origin)

    def declared_inputs(self, root: dict) -> list[InputSpec]:
        inputs = []
        if "input" in root and "inputs" in root:
            self.error("NL001", "give either `input:` (one input) or `inputs:` (named inputs), "
                       "not both", self.doc.key_position_of(("inputs",)))
        if "input" in root:
            name = self.reader.namer.auto_name("InputLayer") \
                if not isinstance(root["input"], dict) or "name" not in root["input"] \
                else root["input"]["name"]
            spec = self._input_spec(name, root["input"], ("input",), "input")
            if spec:
                inputs.append(spec)
        elif isinstance(root.get("inputs"), dict):
            for key, raw in root["inputs"].items():
                spec = self._input_spec(key, raw, ("inputs", key), "inputs")
                if spec:
                    inputs.append(spec)
        return inputs

    def input_from_item(self, layer: LayerSpec) -> InputSpec | None:
        """An `- Input: {shape: ...}` / `- InputLayer:` item, as an input."""
        kw = layer.kwargs
        batch_shape = kw.get("batch_shape") or kw.get("batch_input_shape")
        shape, batch = kw.get("shape") or kw.get("input_shape"), kw.get("batch_size")
        if isinstance(batch_shape, list) and batch_shape:
            shape, batch = batch_shape[1:], batch_shape[0]
        if not _valid_shape(shape):
            self.error("NL001", f"{layer.written_class or 'InputLayer'} needs `shape:` (the "
                       "per-sample shape, batch excluded)", layer.position,
                       fix="write e.g. `- Input: {shape: [10, 64]}`")
            return None
        return InputSpec(name=layer.name, shape=tuple(shape),
                         batch_size=batch if _is_size(batch) else None,
                         dtype=kw.get("dtype") or "float32", position=layer.position,
                         shape_position=layer.kwarg_position(
                             next((k for k in ("shape", "input_shape", "batch_shape",
                                               "batch_input_shape") if k in kw), "shape")),
                         origin="batch_input_shape" if "batch_input_shape" in kw
                         else "input-layer")

    def input_from_first_layer(self, layer: LayerSpec) -> tuple[InputSpec | None, LayerSpec]:
        """Keras 2's `input_shape=`/`input_dim=`/`batch_input_shape=` on a first layer."""
        kw = dict(layer.kwargs)
        owns_input_dim = layer_owns_input_dim(layer.class_name)
        for key in FIRST_LAYER_INPUT_KWARGS:
            if key == "input_dim" and owns_input_dim:
                continue
            if key not in kw:
                continue
            value = kw.pop(key)
            batch = kw.pop("batch_size", None)
            shape = [value] if key == "input_dim" else value
            if key == "batch_input_shape" and isinstance(value, list) and value:
                batch, shape = value[0], value[1:]
            if not _valid_shape(shape):
                self.error("NL001", f"{key} must be a list of sizes, got {value!r}",
                           layer.kwarg_position(key), layer=layer.name)
                return None, layer
            spec = InputSpec(name=self.reader.namer.auto_name("InputLayer"), shape=tuple(shape),
                             batch_size=batch if _is_size(batch) else None,
                             position=layer.kwarg_position(key),
                             shape_position=layer.kwarg_position(key), origin=key)
            for other in FIRST_LAYER_INPUT_KWARGS:
                if other != key and other in kw and not (other == "input_dim" and owns_input_dim):
                    kw.pop(other)
            # with no `from:`, the layer takes the input its own arguments declare
            return spec, replace(layer, kwargs=kw, inbound=layer.inbound or (spec.name,))
        return None, layer

    def deferred_input(self, layer: LayerSpec, root: dict) -> tuple[InputSpec, LayerSpec]:
        """The input of a Sequential model written without an input shape, which Keras
        builds when `fit` first sees the data: the per-sample shape of `data: x` when
        declared, else unknown (origin "deferred": inference gives it the rank the first
        layer takes, with sizes None)."""
        shape, origin, where = (), "deferred", layer.position
        data = root.get("data")
        entry = data.get("x") if isinstance(data, dict) else None
        if isinstance(entry, dict) and _valid_shape(entry.get("shape")) and \
                len(entry["shape"]) >= 2:
            shape, origin = tuple(entry["shape"][1:]), "data"
            where = self.doc.position_of(("data", "x", "shape"))
        spec = InputSpec(name=self.reader.namer.auto_name("InputLayer"), shape=shape,
                         position=layer.position, shape_position=where, origin=origin)
        return spec, replace(layer, inbound=(spec.name,))

    # -- layers ---------------------------------------------------------------------------
    def layers(self, root: dict, inputs: list[InputSpec]) -> list[LayerSpec]:
        items = root.get("layers")
        if not isinstance(items, list):
            return []
        out: list[LayerSpec] = []
        previous: str | None = inputs[-1].name if len(inputs) == 1 else None
        calls = CallReader(self.reader)
        for index, item in enumerate(items):
            # without `from:`, a layer takes the item above: given to the reader, so the
            # LayerSpec is made once (a replace() cost ~24,000 instructions a layer)
            above = () if previous is None else (previous,)
            if is_call_item(item):
                layer = calls.read(item, ("layers", index), index, above, inputs, out)
            else:
                layer = self.reader.read(item, ("layers", index), index, above)
            if layer is None:  # already a finding; the next item keeps the chain
                continue
            if layer.class_name == "InputLayer":
                spec = self.input_from_item(layer)
                if spec:
                    inputs.append(spec)
                    previous = spec.name
                continue
            if not out and not inputs:
                spec, layer = self.input_from_first_layer(layer)
                if spec is None and not layer.inbound and _sequential(root):
                    spec, layer = self.deferred_input(layer, root)
                if spec:
                    inputs.append(spec)
                    previous = spec.name
            if not layer.inbound:  # no `from:` and nothing above it
                self._no_inbound(layer, inputs)
            out.append(layer)
            calls.defines(layer)
            previous = layer.name
        return out

    def _no_inbound(self, layer: LayerSpec, inputs: list[InputSpec]) -> None:
        if not inputs:
            self.error("NL001", "the model has no input shape", layer.position,
                       fix="add `input: {shape: [...]}` at the top (per-sample shape, batch "
                       "excluded), or `input_shape:` on the first layer", layer=layer.name)
        elif len(inputs) > 1:
            names = ", ".join(i.name for i in inputs)
            self.error("NL004", f"'{layer.name}' has no `from:` and the model has several "
                       f"inputs ({names})", layer.position,
                       fix=f"add `from: {inputs[0].name}` (or a list) to this item",
                       layer=layer.name)

    # -- sections -------------------------------------------------------------------------
    def sections(self, root: dict) -> dict[str, Section]:
        """`compile:`, `data:`, `train:` (those written as mappings), each with the positions
        under it, found in one pass over the file's positions for all of them (a filtering
        comprehension per section cost ~21,000 instructions a file more)."""
        found: dict[str, dict] = {key: {} for key in SECTIONS if isinstance(root.get(key), dict)}
        if not found:
            return {}
        for path, position in self.doc.positions.items():
            if path:
                positions = found.get(path[0])
                if positions is not None:
                    positions[path[1:]] = position
        out = {}
        for key, positions in found.items():
            values, renamed = _rename_legacy_section(key, root[key])
            out[key] = Section(values=values, positions=positions,
                               position=self.doc.key_position_of((key,)), legacy=tuple(renamed))
        return out


def _rename_legacy_section(key: str, values: dict) -> tuple[dict, list]:
    """`nb_epoch` -> `epochs` in train:, `lr` -> `learning_rate` in the optimizer."""
    renamed = []
    values = dict(values)
    if key == "train":
        for old, new in legacy.LEGACY_TRAIN_KWARGS.items():
            if old in values:
                values.setdefault(new, values.pop(old))
                renamed.append((old, new, (old,)))
    if key == "compile" and isinstance(values.get("optimizer"), dict) \
            and len(values["optimizer"]) == 1:
        (opt_name, opt_kw), = values["optimizer"].items()
        if isinstance(opt_kw, dict):
            opt_kw = dict(opt_kw)
            for old, new in legacy.LEGACY_OPTIMIZER_KWARGS.items():
                if old in opt_kw:
                    opt_kw.setdefault(new, opt_kw.pop(old))
                    renamed.append((old, new, ("optimizer", opt_name, old)))
            values["optimizer"] = {opt_name: opt_kw}
    return values, renamed


def _sequential(root: dict) -> bool:
    """Written as a Sequential model: no `inputs:`/`outputs:`, no item with `from:`."""
    items = root.get("layers")
    return "inputs" not in root and "outputs" not in root and \
        not any(_has_from(item) for item in (items if isinstance(items, list) else []))


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _valid_shape(shape: Any) -> bool:
    return isinstance(shape, list) and all(d is None or _is_size(d) for d in shape)


def build_model(doc: Document, path: str) -> tuple[ModelSpec | None, list[Finding]]:
    """The ModelSpec of a document, with the NL001-NL004 findings met on the way."""
    root = doc.value
    builder = Builder(doc, path)
    if not isinstance(root, dict):
        builder.error("NL001", "a model file is a mapping with at least `layers:`",
                      doc.position_of(()) or Position(1, 1),
                      fix="start from an example: `netlint explain NL001`")
        return None, builder.findings
    inputs = builder.declared_inputs(root)
    layers = builder.layers(root, inputs)
    if not inputs and not any(f.code == "NL001" and "no input" in f.message
                              for f in builder.findings):
        builder.error("NL001", "the model has no input shape", doc.key_position_of(("layers",)),
                      fix="add `input: {shape: [...]}` (per-sample shape, batch excluded)")
    outputs = _outputs(root, layers, inputs, builder, doc)
    _check_references(layers, inputs, builder)
    items = root.get("layers")  # anything at all: the schema has already said if not a list
    sequential = ("inputs" not in root and "outputs" not in root and len(inputs) == 1
                  and not any(_has_from(item) for item in
                              (items if isinstance(items, list) else [])))
    sections = builder.sections(root)
    name = root.get("name") if isinstance(root.get("name"), str) else None
    if name is not None and "/" in name:  # Keras: "cannot contain character `/`"
        builder.error("NL001", f"the model name {name!r} contains '/', which Keras refuses "
                      "in a name", doc.position_of(("name",)),
                      fix=f"write name: {name.replace('/', '_')}")
    model = ModelSpec(
        path=path, name=name,
        inputs=tuple(inputs), layers=tuple(layers), outputs=tuple(outputs),
        sequential=sequential, compile=sections.get("compile"),
        data=sections.get("data"), train=sections.get("train"),
        description=root.get("description") if isinstance(root.get("description"), str)
        else None, positions=doc.positions)
    return model, builder.findings


def _has_from(item: Any) -> bool:
    return isinstance(item, dict) and "from" in item


def _outputs(root: dict, layers: list, inputs: list, builder: Builder, doc: Document) -> list:
    raw = root.get("outputs")
    if raw is None:
        return [layers[-1].name] if layers else []
    names = raw if isinstance(raw, list) else [raw]
    if not names:
        builder.error("NL004", "`outputs:` is empty: a Keras model needs at least one output",
                      doc.position_of(("outputs",)),
                      fix=f"name the output layer: `outputs: [{layers[-1].name}]`" if layers
                      else None)
        return []
    known = {layer.name for layer in layers} | {i.name for i in inputs}
    out = []
    for index, name in enumerate(names):
        if not isinstance(name, str):
            continue
        if name not in known:
            where = doc.position_of(("outputs", index) if isinstance(raw, list) else ("outputs",))
            builder.error("NL004", f"`outputs:` names '{name}', which is no layer or input",
                          where, fix=did_you_mean(name, known))
            continue
        out.append(name)
    return out


def _check_references(layers: list, inputs: list, builder: Builder) -> None:
    """Every `from:` names something; names are unique; the graph has no cycle."""
    names: dict[str, Any] = {i.name: i for i in inputs}
    duplicated = False
    for layer in layers:
        if layer.name in names:
            duplicated = True
            builder.error("NL001", f"two layers (or a layer and an input) are named "
                          f"'{layer.name}'", layer.position, fix="Keras needs unique names: "
                          "rename one", layer=layer.name)
        names[layer.name] = layer
    for layer in layers:
        for ref in layer.inbound:
            if ref not in names:
                builder.error("NL004", f"'{layer.name}' takes `from: {ref}`, which is no layer "
                              "or input", layer.from_position or layer.position,
                              fix=did_you_mean(ref, names), layer=layer.name)
    # with a name written twice, `from:` cannot say which is meant: any "cycle" found
    # would be the two layers' names meeting, not the model's
    cycle = None if duplicated else find_cycle(layers)
    if cycle:
        first = next(layer for layer in layers if layer.name == cycle[0])
        builder.error("NL004", "the layers form a cycle: " + " -> ".join(cycle + [cycle[0]]),
                      first.position, fix="a Keras model is acyclic; fix the `from:` entries",
                      layer=first.name)


def find_cycle(layers: list) -> list | None:
    if _feeds_forward(layers):
        return None
    by_name = {layer.name: layer for layer in layers}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start, layer in by_name.items():
        if state.get(start):
            continue
        stack = [(start, iter(layer.depends_on))]
        path = [start]
        state[start] = 1
        while stack:
            node, refs = stack[-1]
            ref = next(refs, None)
            if ref is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif ref in by_name and state.get(ref) == 1:
                return path[path.index(ref):]
            elif ref in by_name and not state.get(ref):
                state[ref] = 1
                stack.append((ref, iter(by_name[ref].depends_on)))
                path.append(ref)
    return None


def _feeds_forward(layers: list) -> bool:
    """True when names are unique and every layer takes only from layers above it (or
    from inputs): then there can be no cycle, and the search is skipped (~11,000
    instructions a file saved: this pass costs a fraction of the search)."""
    names = {layer.name for layer in layers}
    above: set = set()
    for layer in layers:
        for ref in layer.inbound:
            if ref in names and ref not in above:
                return False
        if layer.name in above:
            return False
        above.add(layer.name)
    return True
