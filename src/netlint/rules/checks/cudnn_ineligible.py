"""Keras 3 runs LSTM/GRU on cuDNN only with its default activations, no recurrent
dropout, no unroll, with biases (and reset_after for GRU); otherwise it loops, often
several times slower. Seed 002: "use CuDNNLSTM ... 10x faster".

A mask (Masking, or mask_zero on an Embedding) does the same on the JAX and PyTorch
backends: their lstm()/gru() raise NotImplementedError for any mask and the layer
falls back to its loop (keras/src/backend/jax/rnn.py, torch/rnn.py). TensorFlow keeps
cuDNN for strictly right-padded masks and fails on others (tensorflow/rnn.py,
_assert_valid_mask). Said once per mask, for the layers it would otherwise leave fast.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import RnnView, has_recurrent, rnn_views
from netlint.rules.sequence_facts import mask_source, mask_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


# The LSTM/GRU settings Keras 3 needs to run the fused cuDNN kernel, and their defaults.
_CUDNN_DEFAULTS = {
    "activation": "tanh", "recurrent_activation": "sigmoid", "recurrent_dropout": 0.0,
    "unroll": False, "use_bias": True, "reset_after": True,
}


def _cudnn_blockers(rnn: RnnView) -> list[tuple[str, str]]:
    """(kwarg, reason) for each setting that keeps Keras off the cuDNN kernel."""
    kwargs, out = rnn.kwargs, []
    for key in ("activation", "recurrent_activation"):
        value = kwargs.get(key)
        if isinstance(value, str) and value.lower() != _CUDNN_DEFAULTS[key]:
            out.append((key, f"{key}: {value} (cuDNN needs {_CUDNN_DEFAULTS[key]})"))
    dropout = kwargs.get("recurrent_dropout") or 0
    if isinstance(dropout, (int, float)) and dropout > 0:
        out.append(("recurrent_dropout", f"recurrent_dropout: {dropout} (cuDNN needs 0)"))
    if kwargs.get("unroll") is True:
        out.append(("unroll", "unroll: true"))
    if kwargs.get("use_bias") is False:
        out.append(("use_bias", "use_bias: false"))
    if rnn.class_name == "GRU" and kwargs.get("reset_after") is False:
        out.append(("reset_after", "reset_after: false"))
    return out


def _mask_finding(ctx: Context, source, rnns: list[RnnView]) -> Finding:
    names = ", ".join(rnn.title for rnn in rnns)
    message = (f"{mask_words(source)} reaches {names}: with a mask, Keras 3 on the JAX and "
               f"PyTorch backends leaves the fused cuDNN kernel and runs the step-by-step "
               f"loop on a GPU; TensorFlow keeps cuDNN only for right-padded sequences")
    fix = ("if the sequences are not padded, drop the mask; if they are, accept the slower "
           "loop (use_cudnn: false says so), or use the TensorFlow backend and pad at the "
           "end (pad_sequences(..., padding='post')), the only mask its cuDNN kernel takes")
    spec = source.spec
    where = spec.kwarg_positions.get("mask_zero") or spec.position
    return ctx.report(message, where, fix=fix, layer=source.name)


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    masked: dict[str, list[RnnView]] = {}
    for rnn in rnn_views(ctx):
        if rnn.class_name not in ("LSTM", "GRU") or rnn.kwargs.get("use_cudnn") is False:
            continue
        blockers = _cudnn_blockers(rnn)
        if not blockers:
            # the mask matters only where nothing else keeps the layer off cuDNN
            source = mask_source(ctx.inferred, rnn.node)
            if source is not None:
                masked.setdefault(source.name, []).append(rnn)
            continue
        reasons = ", ".join(reason for _, reason in blockers)
        keys = ", ".join(key for key, _ in blockers)
        message = (f"{rnn.title} cannot use the fused cuDNN kernel on a GPU because of "
                   f"{reasons}; it falls back to a step-by-step loop")
        fix = (f"if speed matters, keep the defaults for {keys}"
               + ("; put Dropout before/after the layer instead of recurrent_dropout"
                  if any(k == "recurrent_dropout" for k, _ in blockers) else ""))
        yield ctx.report(message, rnn.position(blockers[0][0]), fix=fix, layer=rnn.node.name)
    for name, rnns in masked.items():
        yield _mask_finding(ctx, ctx.inferred.nodes[name], rnns)
