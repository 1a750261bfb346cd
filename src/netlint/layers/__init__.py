"""Every Keras 3 layer netlint knows, one registered entry per class (its arguments
and defaults as Keras has them, output shapes, weights, refusals), grouped by family;
`inference.py` runs them over a whole model, `shared_calls.py` over a `call:` item."""
