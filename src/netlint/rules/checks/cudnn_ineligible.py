"""Keras 3 runs LSTM/GRU on cuDNN only with its default activations, no recurrent
dropout, no unroll, with biases (and reset_after for GRU); otherwise it loops, often
several times slower. Seed 002: "use CuDNNLSTM ... 10x faster".
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import RnnView, has_recurrent, rnn_views

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


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
    for rnn in rnn_views(ctx):
        if rnn.class_name not in ("LSTM", "GRU") or rnn.kwargs.get("use_cudnn") is False:
            continue
        blockers = _cudnn_blockers(rnn)
        if not blockers:
            continue
        reasons = ", ".join(reason for _, reason in blockers)
        keys = ", ".join(key for key, _ in blockers)
        message = (f"{rnn.title} cannot use the fused cuDNN kernel on a GPU because of "
                   f"{reasons}; it falls back to a step-by-step loop")
        fix = (f"if speed matters, keep the defaults for {keys}"
               + ("; put Dropout before/after the layer instead of recurrent_dropout"
                  if any(k == "recurrent_dropout" for k, _ in blockers) else ""))
        yield ctx.report(message, rnn.position(blockers[0][0]), fix=fix, layer=rnn.node.name)
