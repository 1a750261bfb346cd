"""The output head as the rules about it see it: activation, width, loss and labels.

Each of those rules looks at one output at a time through a `Head`. A rule
stays silent when a fact it needs is unknown (say, an output that ends in a
merge): false alarms cost more than a missed hint.
"""

from __future__ import annotations

from netlint.model.data import DataEntry
from netlint.model.graph import Position
from netlint.layers.inference import LayerResult
from netlint.plumbing.records import record
from netlint.rules.compile_facts import LossFact, file_losses
from netlint.rules.facts import ActivationFact, output_activation, output_units

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context

# activations that give log-probabilities, which cross-entropy reads as logits
LOG_ACTIVATIONS = frozenset({"log_softmax", "log_sigmoid"})


@record(frozen=True)
class Head:
    output: str
    node: LayerResult
    units: int | None  # size of the output's last axis
    activation: ActivationFact | None
    loss: LossFact | None
    labels: DataEntry | None

    @property
    def act(self) -> str | None:
        return self.activation.name if self.activation else None

    @property
    def where_activation(self) -> Position | None:
        return self.activation.position if self.activation else self.node.spec.position

    @property
    def layer_name(self) -> str:
        return self.activation.node.name if self.activation else self.output


def heads(ctx: Context) -> tuple[Head, ...]:
    """One Head per model output that inferred (its shape known).

    A dozen rules ask; the answer is computed once per file (the context's `shared`)
    and shared by them: they read it, never change it."""
    cached = ctx.shared.get("heads")
    if cached is None:
        cached = ctx.shared["heads"] = tuple(_heads(ctx))
    return cached


def _heads(ctx: Context) -> list[Head]:
    loss_of = {fact.output: fact for fact in file_losses(ctx)}
    out = []
    for output in ctx.model.outputs:
        node = ctx.inferred.nodes.get(output)
        if node is None or node.is_input or node.output_shape is None:
            continue
        labels = ctx.data.for_output(ctx.model, output) if ctx.data is not None else None
        out.append(Head(output, node, output_units(ctx.inferred, output),
                        output_activation(ctx.inferred, output), loss_of.get(output), labels))
    return out

