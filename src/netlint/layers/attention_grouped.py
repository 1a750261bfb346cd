"""GroupQueryAttention: attention whose key/value heads are shared by groups of query heads.

Called like MultiHeadAttention, on [query, value] or [query, value, key]. Keras
builds its four projections as EinsumDense layers ("bqm,muh->bquh" and the like)
on whatever input it gets, so a rank-4 query builds kernels from its third axis;
only (batch, steps, features) inputs get through a batch, and netlint refuses the
rest. The output always has the query's shape: Keras requires query and value of
the same width, and projects back to it.
"""

from __future__ import annotations

from netlint.layers.attention import _einsum, _mark_batch, _names, _NoFit, _qvk
from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register
from netlint.layers.core_extra import analyze_einsum

NAME = "GroupQueryAttention"


def _count(call: LayerCall, name: str, low: int = 1) -> int:
    value = call.kwargs.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        need = "a positive integer" if low else "an integer >= 0"
        raise ShapeError(f"{NAME} needs `{name}` as {need}, got {value!r}", kind="value")
    return value


def _check_arguments(call: LayerCall) -> tuple:
    """(head_dim, query heads, key/value heads), refused where Keras's __init__ refuses."""
    head_dim = _count(call, "head_dim")
    # no query heads at all builds and runs in Keras (the output is the bias alone)
    heads, kv_heads = _count(call, "num_query_heads", 0), _count(call, "num_key_value_heads")
    if heads % kv_heads:
        raise ShapeError(f"{NAME} needs num_query_heads ({heads}) divisible by "
                         f"num_key_value_heads ({kv_heads})", kind="value")
    window = call.kwargs.get("sliding_window")
    if window is not None and (not isinstance(window, int) or window <= 0):
        raise ShapeError(f"{NAME} needs `sliding_window` as None or a positive integer, got "
                         f"{window!r}", kind="value")
    dropout = call.kwargs.get("dropout")
    # its Dropout sub-layer, made at build, takes a rate in [0, 1]
    if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
        raise ShapeError(f"{NAME} needs `dropout` in [0, 1], got {dropout!r}", kind="value")
    if call.kwargs.get("flash_attention") and dropout > 0:
        raise ShapeError(f"{NAME} cannot use dropout with flash_attention", kind="value")
    return head_dim, heads, kv_heads


def _projection(name: str, equation: str, shape: tuple, heads: int, head_dim: int,
                bias: str | None) -> list:
    """One EinsumDense sub-layer's weights, built on `shape` as Keras builds them."""
    kernel, bias_shape, _ = analyze_einsum(equation, bias, shape, (None, heads, head_dim),
                                           class_name=f"{NAME} {name}")
    weights = [Weight(f"{name}/kernel", kernel)]
    if bias_shape is not None:
        weights.append(Weight(f"{name}/bias", bias_shape))
    return weights


def _weights(call: LayerCall, shapes: tuple, head_dim: int, heads: int, kv_heads: int
             ) -> tuple:
    query, value, key = shapes
    use_bias = call.kwargs.get("use_bias")
    q_bias, kv_bias = ("uh", "vh") if use_bias else (None, None)
    weights = _projection("query", "bqm,muh->bquh", query, heads, head_dim, q_bias)
    weights += _projection("key", "bkm,mvh->bkvh", key, kv_heads, head_dim, kv_bias)
    if call.kwargs.get("use_gate"):
        weights += _projection("gate", "bqm,muh->bquh", query, heads, head_dim, q_bias)
    weights += _projection("value", "bkm,mvh->bkvh", value, kv_heads, head_dim, kv_bias)
    width = query[-1]
    if width is None:
        raise ShapeError(f"{NAME} needs a known last axis on the query to build its output "
                         f"projection, got {format_shape(query)}", kind="size")
    weights.append(Weight("attention_output/kernel", (heads, head_dim, width)))
    if use_bias:
        weights.append(Weight("attention_output/bias", (width,)))
    return tuple(weights)


def _declared(shapes: tuple) -> tuple:
    """Keras's compute_output_shape: its two checks compare sizes as written, None included."""
    query, value, key = shapes
    names = _names(*shapes)
    if query[-1] != value[-1]:
        raise ShapeError(f"{NAME} needs query and value of the same last axis, got {names}",
                         kind="size", fix="project the value to the query's width first")
    if value[1:-1] != key[1:-1]:
        raise ShapeError(f"{NAME} needs value and key that match on every axis but the last, "
                         f"got {names}", kind="size")
    return query


def _runs(shapes: tuple, head_dim: int, heads: int) -> None:
    """Refuse what Keras builds but cannot run: its einsums name exactly three input axes."""
    names = _names(*shapes)
    if any(len(s) != 3 for s in shapes):
        raise ShapeError(f"{NAME} needs (batch, steps, features) inputs, got {names}: Keras "
                         "builds it, but its einsums take 3D inputs only", kind="rank",
                         expected_rank=3)
    query, value, key = _mark_batch(*shapes)
    try:
        q = _einsum("bqm,muh->bquh", query, (query[-1], heads, head_dim))
        k = _einsum("bkm,mvh->bkvh", key, (key[-1], heads, head_dim))  # heads repeated
        v = _einsum("bkm,mvh->bkvh", value, (value[-1], heads, head_dim))
        scores = _einsum("bquh,bkuh->buqk", q, k)
        _einsum("buqk,bkuh->bquh", scores, v)
    except _NoFit:
        raise ShapeError(f"{NAME} cannot attend with {names}: the batch sizes differ, so no "
                         "batch gets through", kind="size") from None


@register(NAME, family="attention", keras_class="GroupedQueryAttention", separate_inputs=True,
          owns_weights=False,
          positional=("head_dim", "num_query_heads", "num_key_value_heads"),
          min_inputs=2, max_inputs=3, params={
              "head_dim": REQUIRED, "num_query_heads": REQUIRED, "num_key_value_heads": REQUIRED,
              "dropout": 0.0, "use_bias": True, "sliding_window": None, "flash_attention": None,
              "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
              "use_gate": False, "seed": None,
          })
def group_query_attention(call: LayerCall) -> Inferred:
    """Grouped-query attention (query, value[, key]); the output has the query's shape."""
    head_dim, heads, kv_heads = _check_arguments(call)
    shapes = _qvk(call)
    weights = _weights(call, shapes, head_dim, heads, kv_heads)
    declared = _declared(shapes)
    _runs(shapes, head_dim, heads)
    return Inferred(declared, weights)
