"""The script's `build_model()`: the spec as a Keras 3 functional model.

Every layer gets its netlint name (`name=`), so the built model's layer names
match `netlint summary`. Python variables are ours (`input_0`, `x_3`,
`x_4_1` for the second output of layer 4, `layer_2` for a layer that `call:` items
call again), never derived from the file.
"""

from __future__ import annotations

from netlint.codegen.emitter import (
    INDENT,
    Call,
    ExportError,
    Seq,
    assign,
    call_kw,
    comment,
    literal,
    name,
    quoted,
    render,
)
from netlint.codegen.layer_code import layer_expr
from netlint.codegen.plan import fixed_batch
from netlint.model.graph import InputSpec
from netlint.layers.inference import InferredModel, dependency_order
from netlint.layers import registry

KERAS2_INPUT_ORIGINS = ("input_shape", "input_dim", "batch_input_shape")


def input_lines(inp: InputSpec, variable: str) -> list[str]:
    lines = []
    batch = fixed_batch(inp)
    if inp.origin in KERAS2_INPUT_ORIGINS:
        lines += comment(f"The model file gives the input Keras 2's way ({inp.origin} on the "
                         "first layer); Keras 3 takes it as keras.Input.")
    if batch:
        lines += comment(f"A fixed batch of {batch}: every batch fed to this model "
                         "must have exactly that many samples (stateful RNNs need it).")
    pairs = [("shape", literal(tuple(inp.shape)))]
    if batch:
        pairs.append(("batch_size", literal(batch)))
    if inp.dtype != "float32":
        pairs.append(("dtype", literal(inp.dtype)))
    if inp.sparse:
        pairs.append(("sparse", literal(True)))
    pairs.append(("name", literal(inp.name)))
    return lines + assign([variable], call_kw("keras.Input", pairs))


def _tensors(variables: list[str]) -> object:
    if len(variables) == 1:
        return name(variables[0])
    return Seq("list", tuple(name(v) for v in variables))


def _shared(model: object) -> set[str]:
    """The layers that `call:` items call again: built once, called once per node."""
    return {spec.shares for spec in model.layers if spec.shares is not None}


def _float32_output(spec: object, model: object) -> bool:
    """Whether the layer makes a model output under mixed precision. A shared layer's
    dtype is the layer's, so any of its calls being an output is enough."""
    if spec.shares is not None:
        return False  # the layer's own item decided
    names = {spec.name} | {s.name for s in model.layers if s.shares == spec.name}
    return any(name in model.outputs for name in names)


def build_model_function(inferred: InferredModel, mixed_precision: bool,
                         notes: dict | None = None) -> list[str]:
    """`build_model()`; `notes` are comment texts per layer name (the GPU notes), and
    under (possibly) mixed precision the output layers compute in float32."""
    model = inferred.model
    lines = ["def build_model():",
             f'{INDENT}"""The model of the netlint file, layer for layer, with its layer '
             'names."""']
    if not model.inputs:
        raise ExportError("the model has no input; give `input: {shape: [...]}`")
    variables: dict[str, list[str]] = {}
    for index, inp in enumerate(model.inputs):
        variables[inp.name] = [f"input_{index}"]
        lines += input_lines(inp, f"input_{index}")
    ordered = dependency_order(model)
    if len(ordered) != len(model.layers):
        raise ExportError("the layers reference something missing or form a cycle (NL004); "
                          "fix the `from:` entries first")
    shared, built = _shared(model), {}
    for index, spec in enumerate(ordered, start=1):
        lines += _node_lines(inferred, spec, index, variables,
                             (shared, built, mixed_precision, notes or {}))
    inputs = [v for inp in model.inputs for v in variables[inp.name]]
    outputs = [v for out in model.outputs for v in variables[out]]
    pairs = [("inputs", _tensors(inputs)), ("outputs", _tensors(outputs))]
    if model.name:
        pairs.append(("name", literal(model.name)))
    lines += render(call_kw("keras.Model", pairs), INDENT, "return ")
    return lines


def _node_lines(inferred: InferredModel, spec: object, index: int, variables: dict,
                state: tuple) -> list[str]:
    """One item: `x_3 = keras.layers.Dense(...)(x_2)`. A shared layer is first bound to
    `layer_3` and called on its own line, so each `call:` item calls that object again
    (`x_5 = layer_3(x_4)`): Keras numbers the nodes in this order, as keras_nodes does."""
    shared, built, mixed_precision, notes = state
    model = inferred.model
    lines: list[str] = []
    extra = None
    if spec.shares is None:
        for note in notes.get(spec.name, ()):
            lines += comment(note)
        if mixed_precision and _float32_output(spec, model):
            what = "is a model output" if spec.name in model.outputs else \
                "makes a model output (a call of it)"
            lines += comment(f"{quoted(spec.name)} {what}: it computes in float32 under "
                             "mixed precision, so the final activation and the loss keep "
                             "full precision.")
            extra = {"dtype": "float32"}
    node = inferred.nodes.get(spec.name)
    count = len(node.output_shapes) if node is not None and node.output_shapes else 1
    targets = [f"x_{index}"] if count == 1 else [f"x_{index}_{k}" for k in range(count)]
    sources = [v for ref in spec.inbound for v in variables[ref]]
    if not sources:
        raise ExportError(f"layer {quoted(spec.name)} takes no input", spec.position)
    if spec.shares is not None:
        layer = name(built[spec.shares])
    else:
        try:
            layer = layer_expr(spec, extra)
        except ExportError as problem:
            raise problem.located(spec.position, f"layer {quoted(spec.name)}") from None
        if spec.name in shared:
            built[spec.name] = f"layer_{index}"
            lines += assign([built[spec.name]], layer)
            layer = name(built[spec.name])
    separate = registry.get(spec.class_name).separate_inputs  # mha(query, value)
    arguments = tuple(name(v) for v in sources) if separate else (_tensors(sources),)
    lines += assign(targets, Call(layer, arguments))
    variables[spec.name] = targets
    return lines
