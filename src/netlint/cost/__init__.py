"""What a model costs before it is trained: multiply-adds per sample, the memory a
training step holds (weights, gradients, optimizer state, activations) and the bytes
of its weights. Imported lazily: `netlint check` loads it only for NL606 when a
memory budget is set or a size is beyond any machine.

`model_cost(inferred, batch_size=..., policy=..., optimizer=...)` is the one entry;
every figure is an exact Python integer, or None where a size it needs is unknown.
"""

from __future__ import annotations

from netlint.cost.totals import LayerCost, ModelCost, model_cost

__all__ = ["LayerCost", "ModelCost", "model_cost"]
