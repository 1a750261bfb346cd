"""Per-layer costs and the totals of one training step, like torchinfo's footer.

A training step holds the weights, one gradient per trainable weight, the optimizer's
slots, and every activation the forward pass keeps, for each sample of the batch.
Its arithmetic is about three forward passes (the backward pass computes a gradient
for both the inputs and the weights of every product: twice the forward's).
"""

from __future__ import annotations

import math

from netlint.cost.activations import kept_elements
from netlint.cost.macs import piece_macs
from netlint.cost.optimizer import OptimizerState, optimizer_state
from netlint.cost.policy import compute_bytes, model_policy, variable_bytes
from netlint.cost.shapes import known, per_sample, piece_of, time_distributed_inner, whole
from netlint.plumbing.records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.layers.inference import InferredModel, LayerResult

DEFAULT_BATCH = 32  # what model.fit uses when no batch size is given
STEP_PASSES = 3  # forward + backward (two products per forward product)


@record(frozen=True)
class LayerCost:
    name: str
    class_name: str
    macs: int | None  # one sample's forward multiply-adds
    activation_bytes: int | None  # kept for the backward pass, one sample
    weight_bytes: int | None  # its own variables (0 for a call of a shared layer)
    trainable_bytes: int | None  # the part that gets gradients and optimizer slots
    # Adafactor's factored second moments of those (optimizer.FACTORED)
    factored_bytes: int | None = 0

    @property
    def flops(self) -> int | None:
        return None if self.macs is None else 2 * self.macs


@record(frozen=True)
class ModelCost:
    layers: tuple  # of LayerCost, in the inferred graph's order
    batch_size: int
    policy: str
    optimizer: OptimizerState
    input_bytes: int | None  # the model's inputs, one sample
    # name -> LayerCost, filled on the first `by_name` call (the table asks per row)
    index: dict = field(default_factory=dict, repr=False)

    def by_name(self) -> dict:
        if not self.index:
            self.index.update((layer.name, layer) for layer in self.layers)
        return self.index

    def _sum(self, attribute: str) -> int | None:
        values = [getattr(layer, attribute) for layer in self.layers]
        return None if None in values else sum(values)

    @property
    def macs(self) -> int | None:
        return self._sum("macs")

    @property
    def flops(self) -> int | None:
        return self._sum("flops")

    @property
    def weight_bytes(self) -> int | None:
        return self._sum("weight_bytes")

    @property
    def gradient_bytes(self) -> int | None:
        return self._sum("trainable_bytes")

    @property
    def optimizer_bytes(self) -> int | None:
        return self.optimizer.state_bytes(self.gradient_bytes, self._sum("factored_bytes"))

    @property
    def activation_bytes(self) -> int | None:
        """Kept for the backward pass over the whole batch, the inputs included."""
        kept = self._sum("activation_bytes")
        if kept is None or self.input_bytes is None:
            return None
        return (kept + self.input_bytes) * self.batch_size

    @property
    def step_flops(self) -> int | None:
        return None if self.flops is None else STEP_PASSES * self.flops * self.batch_size

    @property
    def step_bytes(self) -> int | None:
        parts = (self.weight_bytes, self.gradient_bytes, self.optimizer_bytes,
                 self.activation_bytes)
        return None if None in parts else sum(parts)


def _variable_bytes(node: LayerResult, policy: str, trainable: bool) -> int | None:
    if node.params_unknown or node.output_shapes is None:
        return None
    count = node.trainable_params if trainable else node.params
    return count * variable_bytes(node.kwargs.get("dtype"), policy)


def layer_cost(node: LayerResult, shared: LayerResult | None, policy: str) -> LayerCost:
    """One layer's cost; `shared`, for a call of a shared layer, is the layer it calls
    (its weights price the products; they are counted once, at the layer)."""
    from netlint.layers.declared import definition

    family = definition(node.class_name).family if node.spec is not None else ""
    macs = kept = None
    if node.output_shapes is not None:
        if shared is not None:
            node = _with_weights(node, shared)
        macs, kept = _compute(node, family)
    width = compute_bytes(node.kwargs.get("dtype"), policy)
    weights = 0 if shared is not None else _variable_bytes(node, policy, False)
    trainable = 0 if shared is not None else _variable_bytes(node, policy, True)
    factored = 0 if shared is not None else _factored_bytes(node, policy)
    return LayerCost(node.name, node.class_name, macs,
                     None if kept is None else kept * width, weights, trainable, factored)


def _factored_bytes(node: LayerResult, policy: str) -> int | None:
    """Adafactor's factored moments of the layer's trainable weights: for a weight of two
    axes or more a row (all but the last axis) and a column (all but the one before),
    in the weight's dtype; for one of fewer, two int32 placeholders."""
    if node.params_unknown or node.output_shapes is None:
        return None
    size = variable_bytes(node.kwargs.get("dtype"), policy)
    total = 0
    for weight in node.weights:
        if not weight.trainable:
            continue
        shape = tuple(weight.shape)
        if len(shape) < 2:
            total += 2 * 4
        else:
            total += (math.prod(shape[:-1]) + math.prod(shape[:-2] + shape[-1:])) * size
    return total


def _with_weights(node: LayerResult, shared: LayerResult) -> LayerResult:
    from netlint.plumbing.records import replace

    return replace(node, weights=shared.weights)


def _compute(node: LayerResult, family: str) -> tuple[int | None, int | None]:
    """(MACs, kept elements) of one sample; TimeDistributed's layer once per timestep."""
    if node.class_name == "TimeDistributed":
        found = time_distributed_inner(node)
        if found is None or found[1] is None:
            return None, None
        inner, steps = found
        from netlint.layers.declared import definition

        inner_family = definition(inner.class_name).family
        macs, kept = piece_macs(inner, inner_family), kept_elements(inner, inner_family)
        return (None if macs is None else macs * steps,
                None if kept is None else kept * steps)
    piece = piece_of(node)
    return piece_macs(piece, family), kept_elements(piece, family)


def _input_bytes(inferred: InferredModel) -> int | None:
    from netlint.layers.base import DTYPE_BYTES

    total = 0
    for node in inferred.inputs:
        spec = inferred.model.input(node.name)
        size = known(per_sample(node.output_shapes[0])) if node.output_shapes else None
        if size is None:
            return None
        total += size * DTYPE_BYTES.get(getattr(spec, "dtype", None), 4)
    return total


def model_cost(inferred: InferredModel, *, batch_size: int | None = None,
               policy: str | None = None, optimizer: object = "from-file") -> ModelCost:
    """The cost of one training step. Defaults from the model file: `train: batch_size`
    (else 32), the mixed policy its layers name (else float32), `compile: optimizer`
    (else Keras's compile default)."""
    model = inferred.model
    if batch_size is None:
        written = whole(model.train.get("batch_size")) if model.train is not None else None
        batch_size = written if written is not None and written > 0 else DEFAULT_BATCH
    policy = policy or model_policy(inferred.layers)
    if optimizer == "from-file":
        optimizer = model.compile.get("optimizer") if model.compile is not None else None
    layers = tuple(layer_cost(node, inferred.nodes.get(node.spec.shares)
                              if node.spec.shares is not None else None, policy)
                   for node in inferred.layers)
    return ModelCost(layers, batch_size, policy, optimizer_state(optimizer),
                     _input_bytes(inferred))
