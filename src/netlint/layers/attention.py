"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention.

Keras builds these from the query, value and key shapes but checks little of
how they fit together: `Attention` on a query of width 8 and a key of width 16
builds, and fails on its first batch. netlint refuses what no batch can get
through (and what would come out in another shape than Keras declared), so
the error points at the layer instead of at `fit`.
"""

from __future__ import annotations

from netlint.errors import NetlintError
from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register


def _qvk(call: LayerCall) -> tuple:
    """(query, value, key) from [query, value] or [query, value, key]."""
    shapes = call.input_shapes
    if not 2 <= len(shapes) <= 3:
        raise ShapeError(f"{call.class_name} takes [query, value] or [query, value, key], "
                         f"got {len(shapes)} input(s)", kind="inputs")
    query, value = shapes[0], shapes[1]
    return query, value, shapes[2] if len(shapes) == 3 else value


def _names(query: tuple, value: tuple, key: tuple) -> str:
    text = f"query {format_shape(query)}, value {format_shape(value)}"
    return text if key is value else f"{text}, key {format_shape(key)}"


def _fits(a: object, b: object) -> bool:
    return a is None or b is None or a == b


def _known(class_name: str, dim: int | None, what: str, shape: tuple) -> int:
    if dim is None:
        raise ShapeError(f"{class_name} needs a known last axis on the {what} to build its "
                         f"weights, got {format_shape(shape)}", kind="size")
    return dim


# --- the shapes Keras computes on a real batch ----------------------------------------------
# Sizes are ints, None (not known: assumed to fit) or BATCH, the batch size when
# no input fixes it: it may be anything, so it fits no other size but 1.

BATCH = "batch"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class _NoFit(NetlintError):
    """A tensor Keras would compute cannot be formed on any batch."""


def _mark_batch(*shapes: tuple) -> tuple:
    if any(s[0] is not None for s in shapes):
        return shapes
    return tuple((BATCH,) + s[1:] for s in shapes)


def _merge(a: object, b: object) -> object:
    """Two sizes numpy broadcasts together (1 stretches), or _NoFit."""
    if a is None or b is None:
        known = b if a is None else a
        return None if known in (None, 1) else known
    if a == b or b == 1:
        return a
    if a == 1:
        return b
    raise _NoFit


def _broadcast(a: tuple, b: tuple) -> tuple:
    """numpy's broadcast of two shapes, aligned from the right."""
    if len(a) < len(b):
        a, b = b, a
    head = a[:len(a) - len(b)]
    return head + tuple(_merge(x, y) for x, y in zip(a[len(a) - len(b):], b))


def _matmul(a: tuple, b: tuple) -> tuple:
    if not _fits(a[-1], b[-2]):  # the contracted axes must be equal: no stretching
        raise _NoFit
    return _broadcast(a[:-2], b[:-2]) + (a[-2], b[-1])


def _einsum(equation: str, *shapes: tuple) -> tuple:
    """The shape numpy's einsum gives these operands (1 stretches under a label)."""
    operands, output = equation.split("->")
    sizes: dict = {}
    for spec, shape in zip(operands.split(","), shapes):
        if len(spec) != len(shape):
            raise _NoFit
        for label, dim in zip(spec, shape):
            sizes[label] = _merge(sizes[label], dim) if label in sizes else dim
    if len(set(output)) != len(output):
        raise _NoFit
    return tuple(sizes[label] for label in output)


def _comes_out_as(computed: tuple | None, declared: tuple) -> bool:
    return computed is not None and len(computed) == len(declared) and all(
        _fits(c, d) for c, d in zip(computed, declared))


# --- Attention, AdditiveAttention ---------------------------------------------------------


def _scores(query: tuple, key: tuple, additive: bool, scale: tuple | None) -> tuple:
    """Keras's score tensor, (..., Tq, Tv): a matmul, or tanh(query + key) summed."""
    if not additive:
        return _matmul(query, key[:-2] + (key[-1], key[-2]))
    summed = _broadcast(query[:-1] + (1, query[-1]), key[:-2] + (1,) + key[-2:])
    if scale is not None:
        summed = _broadcast(scale, summed)
    return summed[:-1]


def _check_attention(call: LayerCall, shapes: tuple, additive: bool, scale: tuple | None
                     ) -> None:
    query, value, key = shapes
    names = _names(*shapes)
    if any(len(s) < 2 for s in shapes):
        raise ShapeError(f"{call.class_name} needs inputs of at least 2D, got {names}",
                         kind="rank", expected_rank=3)
    marked_q, marked_v, marked_k = _mark_batch(query, value, key)
    # dot scores are a matmul (widths equal); additive ones add query and key (1 stretches)
    if not (_fits(query[-1], key[-1]) or additive and 1 in (query[-1], key[-1])):
        raise ShapeError(f"{call.class_name} needs query and key of the same last axis, got "
                         f"{names}", kind="size")
    if not _fits(marked_k[-2], marked_v[-2]):
        raise ShapeError(f"{call.class_name} needs value and key of the same length (axis -2), "
                         f"got {names}", kind="size")
    try:
        out = _matmul(_scores(marked_q, marked_k, additive, scale), marked_v)
    except _NoFit:
        out = None
    # the matmuls broadcast the leading axes; Keras declares the query's
    if not _comes_out_as(out, marked_q[:-1] + (value[-1],)):
        raise ShapeError(f"{call.class_name} needs query, value and key with the same "
                         f"leading axes, got {names}", kind="rank")


def _score_mode(call: LayerCall) -> str:
    if call["score_mode"] not in ("dot", "concat"):
        raise ShapeError(f"{call.class_name} needs score_mode 'dot' or 'concat', got "
                         f"{call['score_mode']!r}", kind="value")
    return call["score_mode"]


@register("Attention", family="attention", min_inputs=2, max_inputs=3, params={
    "use_scale": False, "score_mode": "dot", "dropout": 0.0, "seed": None,
})
def attention(call: LayerCall) -> Inferred:
    """Dot-product (Luong) attention of a query over [value, key]: (batch, Tq, value dim)."""
    concat = _score_mode(call) == "concat"
    shapes = _qvk(call)
    _check_attention(call, shapes, concat, None)
    weights = []
    if call["use_scale"]:
        weights.append(Weight("scale", ()))
    if concat:
        weights.append(Weight("concat_score_weight", ()))
    return Inferred(shapes[0][:-1] + (shapes[1][-1],), tuple(weights))


# score_mode and seed reach Attention.__init__ through **kwargs: accepted (and
# score_mode checked) though the additive scores ignore it
@register("AdditiveAttention", family="attention", min_inputs=2, max_inputs=3, params={
    "use_scale": True, "dropout": 0.0, "score_mode": "dot", "seed": None,
})
def additive_attention(call: LayerCall) -> Inferred:
    """Additive (Bahdanau) attention of a query over [value, key]: (batch, Tq, value dim)."""
    _score_mode(call)
    shapes = _qvk(call)
    query = shapes[0]
    scale = (_known("AdditiveAttention", query[-1], "query", query),) \
        if call["use_scale"] else None
    _check_attention(call, shapes, True, scale)
    weights = (Weight("scale", scale),) if scale else ()
    return Inferred(query[:-1] + (shapes[1][-1],), weights)


# --- MultiHeadAttention -------------------------------------------------------------------


def _positive(call: LayerCall, name: str, optional: bool = False) -> int | None:
    value = call.kwargs.get(name)
    if optional and value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ShapeError(f"{call.class_name} needs `{name}` as a positive integer, got "
                         f"{value!r}", kind="value")
    return value


def _mha_output_shape(call: LayerCall, query: tuple) -> tuple:
    wanted = call.kwargs.get("output_shape")
    if not wanted:  # Keras treats 0, () and None alike: the query's width
        return (query[-1],)
    wanted = (wanted,) if isinstance(wanted, int) else tuple(wanted)
    # sizes of 0 are Keras's too: an empty kernel, an empty output
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in wanted):
        raise ShapeError(f"MultiHeadAttention needs `output_shape` of whole numbers, got "
                         f"{call['output_shape']!r}", kind="value")
    return wanted


def _mha_attention_axes(call: LayerCall, rank: int) -> tuple:
    """Keras's attention axes on the projected (..., heads, channels) value of `rank` axes."""
    given = call.kwargs.get("attention_axes")
    if given is None:
        return tuple(range(1, rank - 2))
    axes = (given,) if isinstance(given, int) else tuple(given)
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise ShapeError(f"MultiHeadAttention needs integer attention_axes, got {given!r}",
                         kind="value")
    axes = tuple(a if a >= 0 else rank - 1 + a for a in axes)
    if any(not -rank <= a < rank for a in axes):
        raise ShapeError(f"MultiHeadAttention attention_axes {given!r} is out of range for "
                         f"inputs of rank {rank - 1}", kind="value")
    return tuple(a % rank for a in axes)


def _attention_equations(rank: int, axes: tuple) -> tuple:
    """Keras's _build_attention_equation: (key·query -> scores, scores·value -> output)."""
    letters = _LETTERS
    target = letters[:rank]
    batch = [i for i in range(rank) if i not in axes and i != rank - 1]
    source, extra = "", rank
    for i in range(rank):
        if i in batch or i == rank - 1:
            source += target[i]
        else:
            source, extra = source + letters[extra], extra + 1
    product = "".join([target[i] for i in batch] + [target[i] for i in axes]
                      + [source[i] for i in axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}"


def _window_fits(query: tuple, value: tuple, scores: tuple, n_axes: int,
                 broadcast: bool = False) -> bool:
    # the (1, T, S) sliding-window mask is widened to the scores' rank at axis
    # -2*len(axes)-1, then must line up with them (Softmax's own check); the fused
    # dot_product_attention path only broadcasts it, so a scores axis of 1 takes any size
    mask = [1, query[1], value[1]]
    while len(mask) < len(scores):
        at = -2 * n_axes - 1
        if not -len(mask) - 1 <= at <= len(mask):
            return False
        mask.insert(at + len(mask) + 1 if at < 0 else at, 1)
    fits = (None, 1) if broadcast else (None,)
    return all(m in (None, 1) or s in fits or s == m for m, s in zip(mask[::-1], scores[::-1]))


def _mha_projected(call: LayerCall, query: tuple, value: tuple, key: tuple) -> tuple:
    heads, key_dim = call["num_heads"], call["key_dim"]
    value_dim = call.get("value_dim", key_dim)
    return (query[:-1] + (heads, key_dim), key[:-1] + (heads, key_dim),
            value[:-1] + (heads, value_dim), query[:-1] + (heads, value_dim))


def _mha_attended(call: LayerCall, query: tuple, value: tuple, key: tuple) -> tuple:
    """The shape of the per-head attention output on a real batch, or _NoFit."""
    q, k, v, gate = _mha_projected(call, query, value, key)
    axes = _mha_attention_axes(call, len(v))
    fused = not call.get("dropout", 0.0) and len(q) == 4
    if fused:  # Keras's ops.dot_product_attention path, which ignores attention_axes
        scores = _einsum("btnh,bsnh->bnts", q, k)
    elif not axes:  # Softmax over no axis at all
        raise _NoFit("there is no axis to attend over: inputs need at least 3D")
    else:
        to_scores, to_output = _attention_equations(len(v), axes)
        scores = _einsum(to_scores, k, q)
    if call.kwargs.get("sliding_window") and \
            not _window_fits(query, value, scores, len(axes), broadcast=fused):
        raise _NoFit("the sliding_window mask (query length, value length) does not line up "
                     "with the attention scores")
    attended = _einsum("bnts,bsnh->btnh" if fused else to_output, scores, v)
    if call["use_gate"]:  # multiplied element-wise; the ranks already match here
        attended = _einsum(_elementwise(len(gate)), attended, gate)
    return attended


def _elementwise(rank: int) -> str:
    labels = _LETTERS[:rank]
    return f"{labels},{labels}->{labels}"


def _projection(free: int, bound: int, out: int) -> str:
    """Keras's _build_proj_equation: free axes kept, bound ones contracted, out ones made."""
    letters = _LETTERS[:free + bound + out]
    kept, contracted, made = letters[:free], letters[free:free + bound], letters[free + bound:]
    return f"{kept}{contracted},{contracted}{made}->{kept}{made}"


def _mha_value_key(query: tuple, value: tuple, key: tuple) -> None:
    if value[1:-1] != key[1:-1]:  # compared as written, None included, as Keras does
        raise ShapeError(f"MultiHeadAttention needs value and key that match on every axis but "
                         f"the last, got {_names(query, value, key)}", kind="size")


def _mha_runs(call: LayerCall, query: tuple, value: tuple, key: tuple, out: tuple) -> None:
    """Refuse what Keras builds but no batch gets through (or comes out reshaped)."""
    names = _names(query, value, key)
    _mha_attention_axes(call, len(value) + 1)  # Keras refuses out-of-range axes at build
    if len(query) != len(value):
        raise ShapeError(f"MultiHeadAttention needs query and value of the same rank, got "
                         f"{names}", kind="rank", expected_rank=len(value))
    query, value, key = _mark_batch(query, value, key)
    declared = query[:-1] + out
    why = "query and key must match on every axis not attended over"
    try:
        attended = _mha_attended(call, query, value, key)
        kernel = (call["num_heads"], call.get("value_dim", call["key_dim"])) + out
        result = _einsum(_projection(len(query) - 1, 2, len(out)), attended, kernel)
    except _NoFit as no_fit:
        result, why = None, str(no_fit) or why
    if not _comes_out_as(result, declared):
        raise ShapeError(f"MultiHeadAttention cannot attend {_axes_text(call)} with {names}: "
                         f"Keras builds it, but no batch gets through ({why})", kind="size")


def _axes_text(call: LayerCall) -> str:
    given = call.kwargs.get("attention_axes")
    return "over the default axes" if given is None else f"over axes {given!r}"


def _einsum_dense(name: str, kernel: tuple, bias: tuple, use_bias: bool) -> list:
    weights = [Weight(f"{name}/kernel", kernel)]
    if use_bias:
        weights.append(Weight(f"{name}/bias", bias))
    return weights


def _mha_weights(call: LayerCall, query: tuple, value: tuple, key: tuple, out: tuple) -> tuple:
    heads, key_dim = call["num_heads"], call["key_dim"]
    value_dim = call.get("value_dim", key_dim)
    q_dim = _known("MultiHeadAttention", query[-1], "query", query)
    k_dim = _known("MultiHeadAttention", key[-1], "key", key)
    v_dim = _known("MultiHeadAttention", value[-1], "value", value)
    use_bias = call["use_bias"]
    weights = (_einsum_dense("query", (q_dim, heads, key_dim), (heads, key_dim), use_bias)
               + _einsum_dense("key", (k_dim, heads, key_dim), (heads, key_dim), use_bias))
    if call["use_gate"]:
        weights += _einsum_dense("gate", (q_dim, heads, value_dim), (heads, value_dim), use_bias)
    weights += _einsum_dense("value", (v_dim, heads, value_dim), (heads, value_dim), use_bias)
    weights += _einsum_dense("attention_output", (heads, value_dim) + out, out, use_bias)
    return tuple(weights)


@register("MultiHeadAttention", family="attention", positional=("num_heads", "key_dim"),
          owns_weights=False,
          separate_inputs=True,
          min_inputs=2, max_inputs=3, params={
              "num_heads": REQUIRED, "key_dim": REQUIRED, "value_dim": None, "dropout": 0.0,
              "use_bias": True, "output_shape": None, "attention_axes": None,
              "sliding_window": None, "flash_attention": None,
              "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
              "use_gate": False, "seed": None,
          })
def multi_head_attention(call: LayerCall) -> Inferred:
    """Multi-head attention (query, value[, key]); output like the query, or `output_shape`."""
    _positive(call, "num_heads")
    _positive(call, "key_dim")
    _positive(call, "value_dim", optional=True)
    _positive(call, "sliding_window", optional=True)
    if call.kwargs.get("flash_attention") and call.get("dropout", 0.0) > 0:
        raise ShapeError("MultiHeadAttention cannot use dropout with flash_attention",
                         kind="value")
    query, value, key = _qvk(call)
    out = _mha_output_shape(call, query)
    _mha_value_key(query, value, key)  # in the order Keras's build checks them
    weights = _mha_weights(call, query, value, key, out)
    _mha_runs(call, query, value, key, out)
    return Inferred(query[:-1] + out, weights)
