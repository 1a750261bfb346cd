"""What the training script feeds the model: arrays, label encodings, batch and epochs.

Decided once, from the inferred model and the `data:`/`compile:`/`train:`
sections, so the code writers only translate decisions into text.
"""

from __future__ import annotations

from netlint.codegen.emitter import ExportError, quoted
from netlint.model.graph import InputSpec, LayerSpec, ModelSpec
from netlint.layers.inference import InferredModel, infer_shapes
from netlint.layers import registry
from netlint.layers.base import is_embedding
from netlint.plumbing.records import record, replace
from netlint.loader.layer_items import to_snake_case

# A free (None) axis needs some length in synthetic data; long enough for the usual
# kernels and pools, short enough to train fast.
FREE_AXIS_LENGTH = 32
DEFAULT_EPOCHS = 10
DEFAULT_BATCH_SIZE = 32
DEFAULT_VALIDATION_SPLIT = 0.2

_LOSS_ENCODING = {
    "sparse_categorical_crossentropy": "integer",
    "categorical_crossentropy": "one-hot",
    "categorical_focal_crossentropy": "one-hot",
    "categorical_hinge": "one-hot",
    "binary_crossentropy": "multi-hot",
    "bce": "multi-hot",
    "binary_focal_crossentropy": "multi-hot",
    "hinge": "multi-hot",
    "squared_hinge": "multi-hot",
}
ENCODING_LOSS = {"integer": "sparse_categorical_crossentropy",
                 "one-hot": "categorical_crossentropy",
                 "multi-hot": "binary_crossentropy", "continuous": "mse"}
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8")


@record(frozen=True)
class ArrayPlan:
    """One array the script feeds: a model input or the labels of one output tensor."""

    name: str  # input name, or output layer name
    shape: tuple | None  # per-sample shape with free axes filled in (None: unknown)
    dtype: str
    kind: str  # inputs: "float" | "ids" | "bool"; labels: a data encoding
    entry: dict | None  # the `data:` entry that describes it
    entry_key: str  # where that entry is (or would be): "x", "y" or the name
    high: int | None = None  # ids: vocabulary size; labels: number of classes
    activation: str | None = None  # labels: the output activation


@record(frozen=True)
class TrainingPlan:
    inputs: tuple
    labels: tuple
    losses: tuple  # per output tensor: the loss as the file writes it (or the default)
    default_compile: bool  # no `compile:` loss: we chose it from the output activation
    epochs: int
    batch_size: int
    validation_split: float
    fixed_batch: int | None  # a model input with a fixed batch size (stateful RNNs)
    stateful: bool
    shuffle: bool


def _section(model: ModelSpec, name: str) -> dict:
    section = getattr(model, name)
    return section.values if section is not None else {}


def _entry(data: dict, key: str, fallback: str | None) -> tuple[dict | None, str]:
    if isinstance(data.get(key), dict):
        return data[key], key
    if fallback and isinstance(data.get(fallback), dict):
        return data[fallback], fallback
    return None, fallback or key


def _concrete_input_shape(shape: tuple, entry: dict | None) -> tuple:
    """Free axes filled from the data entry's shape when it gives them, else a default."""
    declared = entry.get("shape") if entry else None
    per_sample = declared[1:] if isinstance(declared, list) and \
        len(declared) == len(shape) + 1 else None
    out = []
    for axis, size in enumerate(shape):
        if size is None:
            given = per_sample[axis] if per_sample else None
            size = given if isinstance(given, int) and given > 0 else FREE_AXIS_LENGTH
        out.append(size)
    return tuple(out)


def concrete_model(inferred: InferredModel, data: dict) -> InferredModel:
    """The model re-inferred with every free input axis given a length."""
    model = inferred.model
    single = len(model.inputs) == 1
    inputs = tuple(replace(i, shape=_concrete_input_shape(
        i.shape, _entry(data, i.name, "x" if single else None)[0])) for i in model.inputs)
    return infer_shapes(replace(model, inputs=inputs))


def _embedding_vocab(inferred: InferredModel, start: str) -> int | None:
    """The smallest Embedding vocabulary fed (directly or not) by an input."""
    sizes, seen, queue = [], {start}, [start]
    while queue:
        for node in inferred.consumers(queue.pop(0)):
            layer = node.spec
            while layer is not None and not is_embedding(layer.class_name):
                layer = layer.wrapped
            if layer is not None:
                size = layer.kwargs.get("input_dim")
                if isinstance(size, int) and not isinstance(size, bool) and size > 0:
                    sizes.append(size)
            elif node.name not in seen:
                seen.add(node.name)
                queue.append(node.name)
    return min(sizes) if sizes else None


def input_plans(inferred: InferredModel, concrete: InferredModel, data: dict) -> tuple:
    model = inferred.model
    single = len(model.inputs) == 1
    plans = []
    for inp in model.inputs:
        entry, key = _entry(data, inp.name, "x" if single else None)
        vocab = _embedding_vocab(inferred, inp.name)
        kind = "bool" if inp.dtype == "bool" else \
            "ids" if vocab or inp.dtype in INT_DTYPES else "float"
        plans.append(ArrayPlan(inp.name, concrete[inp.name].output_shape[1:], inp.dtype, kind,
                               entry, key, high=vocab or (10 if kind == "ids" else None)))
    return tuple(plans)


def output_activation(spec: LayerSpec | None) -> str | None:
    """The activation that produces a model output, looking inside wrappers."""
    while spec is not None:
        if spec.class_name == "Softmax":
            return "softmax"
        if "activation" in spec.kwargs:
            value = spec.kwargs["activation"]
            return value if isinstance(value, str) else None
        if spec.wrapped is None:
            default = registry.get(spec.class_name).params.get("activation")
            return default if isinstance(default, str) else None
        spec = spec.wrapped
    return None


def _loss_for(loss: object, output: str, index: int, outputs: tuple) -> object:
    """The loss of one output tensor, from a single loss, a list or a per-output mapping."""
    if isinstance(loss, list):
        return loss[index] if index < len(loss) else None
    if isinstance(loss, dict) and any(k in outputs for k in loss):
        return loss.get(output)
    return loss


def loss_name(loss: object) -> str | None:
    """`categorical_crossentropy` for 'categorical_crossentropy' and
    {CategoricalCrossentropy: {...}} alike."""
    if isinstance(loss, dict) and len(loss) == 1:
        loss = next(iter(loss))
    if not isinstance(loss, str):
        return None
    return loss if loss.islower() else to_snake_case(loss)


def label_encoding(entry: dict | None, loss: object, activation: str | None) -> str:
    """How labels are written: the loss decides (synthetic labels must suit it), then
    the data entry's `encoding`, then the output activation."""
    if loss is not None:
        return _LOSS_ENCODING.get(loss_name(loss) or "", "continuous")
    if entry and entry.get("encoding") in ENCODING_LOSS:
        return entry["encoding"]
    return {"softmax": "one-hot", "sigmoid": "multi-hot"}.get(activation or "", "continuous")


def label_plans(inferred: InferredModel, concrete: InferredModel, data: dict,
                loss: object) -> tuple:
    """One ArrayPlan per output tensor, and the loss each gets."""
    model = inferred.model
    tensors = []
    for out in model.outputs:
        node = concrete.nodes.get(out)
        shapes = node.output_shapes if node is not None and node.output_shapes else (None,)
        tensors += [(out, shape) for shape in shapes]
    single = len(tensors) == 1
    plans, losses = [], []
    for index, (out, shape) in enumerate(tensors):
        entry, key = _entry(data, out, "y" if single else None)
        node = inferred.nodes.get(out)
        activation = output_activation(node.spec if node else None)
        own_loss = _loss_for(loss, out, index, model.outputs)
        encoding = label_encoding(entry, own_loss, activation)
        per_sample = None if shape is None else _label_shape(tuple(shape[1:]), out, entry, key,
                                                               node)
        classes = per_sample[-1] if per_sample else None
        if encoding == "integer" and entry and isinstance(entry.get("classes"), int):
            classes = entry["classes"]
        plans.append(ArrayPlan(out, per_sample, "float32", encoding, entry, key,
                               high=classes, activation=activation))
        losses.append(own_loss if own_loss is not None else ENCODING_LOSS[encoding])
    return tuple(plans), tuple(losses)


def _label_shape(shape: tuple, out: str, entry: dict | None, key: str,
                 node: object) -> tuple:
    """The labels' per-sample shape: the output's, an axis it leaves unknown even with
    every input length fixed (EinsumDense's `output_shape: [null, ...]`) taken from the
    data entry's `shape:`, or refused with that advice rather than guessed."""
    if None not in shape:
        return shape
    declared = entry.get("shape") if entry else None
    if isinstance(declared, list) and len(declared) == len(shape) + 1 and \
            all(_positive(d) for d in declared[1:]):
        return tuple(declared[1:])
    raise ExportError(
        f"output {quoted(out)} has an axis of unknown length, (None, "
        f"{', '.join('None' if d is None else str(d) for d in shape)}), so the labels' "
        f"shape is unknown; give it in the data entry (data.{key}.shape: "
        f"[num_samples, ...])", node.spec.position if node is not None and node.spec else None)


def _positive(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def fixed_batch(inp: InputSpec) -> int | None:
    """The input's fixed batch size, when it has one."""
    return _positive(inp.batch_size)


def _split(data: dict, train: dict) -> float:
    for value in (data.get("validation_split"), train.get("validation_split")):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
            return float(value)
    return DEFAULT_VALIDATION_SPLIT


def make_plan(inferred: InferredModel, *, epochs: int | None = None,
              batch_size: int | None = None, synthetic: bool = False) -> TrainingPlan:
    """Everything the script needs to know about feeding and training this model."""
    model = inferred.model
    data, train = _section(model, "data"), _section(model, "train")
    compile_ = _section(model, "compile")
    concrete = concrete_model(inferred, data)
    if synthetic:
        _check_free_axes(inferred, concrete)
    fixed = next((fixed_batch(i) for i in model.inputs if fixed_batch(i)), None)
    if fixed and batch_size and batch_size != fixed:
        raise ExportError(f"the model input has a fixed batch size of {fixed}; "
                          f"--batch-size {batch_size} cannot be used with it")
    stateful = any(_stateful(layer) for layer in model.layers)
    labels, losses = label_plans(inferred, concrete, data, compile_.get("loss"))
    shuffle = train.get("shuffle") if isinstance(train.get("shuffle"), bool) else True
    return TrainingPlan(
        inputs=input_plans(inferred, concrete, data), labels=labels, losses=losses,
        default_compile=compile_.get("loss") is None,
        epochs=epochs or _positive(train.get("epochs")) or DEFAULT_EPOCHS,
        batch_size=fixed or batch_size or _positive(train.get("batch_size"))
        or DEFAULT_BATCH_SIZE,
        validation_split=_split(data, train), fixed_batch=fixed, stateful=stateful,
        shuffle=shuffle and not stateful)


def _check_free_axes(inferred: InferredModel, concrete: InferredModel) -> None:
    """Synthetic data gives free axes a length; say so when a layer cannot take it."""
    broken = [n for n in concrete.errors if inferred.nodes[n.name].error is None]
    if broken:
        node = broken[0]
        raise ExportError(
            f"synthetic data gives the free (None) input axes {FREE_AXIS_LENGTH} steps, and "
            f"layer {quoted(node.name)} cannot take that: {node.error.message}; give the "
            "length in the data entry's `shape:` (e.g. data.x.shape)", node.spec.position
            if node.spec else None)


def _stateful(layer: LayerSpec | None) -> bool:
    while layer is not None:
        if layer.kwargs.get("stateful") is True:
            return True
        layer = layer.wrapped
    return False
