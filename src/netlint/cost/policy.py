"""Dtype policies: how many bytes a layer computes in and keeps its variables in.

Keras's `mixed_float16` / `mixed_bfloat16` compute (and so keep activations) in 16 bits
and keep variables, their gradients and the optimizer's slots in float32. A layer's own
`dtype:` wins over the policy the model is costed under, as Keras's per-layer policy
does over the global one.
"""

from __future__ import annotations

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
_COMPUTE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8,
                  "mixed_float16": 2, "mixed_bfloat16": 2}
_VARIABLE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8,
                   "mixed_float16": 4, "mixed_bfloat16": 4}


def compute_bytes(layer_dtype: object, policy: str) -> int:
    """Bytes per activation element of a layer under `policy` (its own dtype first)."""
    if isinstance(layer_dtype, str) and layer_dtype in _COMPUTE_BYTES:
        return _COMPUTE_BYTES[layer_dtype]
    return _COMPUTE_BYTES.get(policy, 4)


def variable_bytes(layer_dtype: object, policy: str) -> int:
    """Bytes per variable element: float32 under either mixed policy."""
    if isinstance(layer_dtype, str) and layer_dtype in _VARIABLE_BYTES:
        return _VARIABLE_BYTES[layer_dtype]
    return _VARIABLE_BYTES.get(policy, 4)


def model_policy(layers: tuple) -> str:
    """The policy a model file asks for: the mixed policy every layer that names a dtype
    names (a file written for mixed precision sets it on its layers), else float32."""
    named = {node.kwargs.get("dtype") for node in layers
             if isinstance(node.kwargs.get("dtype"), str)}
    if len(named) == 1 and next(iter(named)) in POLICIES:
        return next(iter(named))
    return "float32"
