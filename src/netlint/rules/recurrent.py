"""NL2xx: recurrent layers (units, sequence length, statefulness, cuDNN, masking)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from netlint.findings import Finding
from netlint.inference import DEFERRED
from netlint.layers.base import is_embedding
from netlint.rules.engine import Context, rule
from netlint.rules.facts import (
    RnnView,
    format_shape,
    has_recurrent,
    rnn_views,
    upstream,
)

# The LSTM/GRU settings Keras 3 needs to run the fused cuDNN kernel, and their defaults.
_CUDNN_DEFAULTS = {
    "activation": "tanh", "recurrent_activation": "sigmoid", "recurrent_dropout": 0.0,
    "unroll": False, "use_bias": True, "reset_after": True,
}


@rule("NL201", "units-equal-timesteps", "info",
      "an RNN's units equal its number of timesteps (they are unrelated)", needs=has_recurrent)
def units_equal_timesteps(ctx: Context) -> Iterator[Finding]:
    """Seed 002: "3 time-steps so 3 output units". units is the state size, nothing more."""
    for rnn in rnn_views(ctx):
        shape = rnn.input_shape
        units = rnn.kwargs.get("units")
        if not shape or len(shape) != 3 or shape[1] is None or shape[1] <= 1:
            continue
        if units != shape[1]:
            continue
        message = (f"{rnn.title} has units: {units} and its input has {shape[1]} timesteps: "
                   f"units is the size of the state (and of the output), not the number of "
                   f"steps; the layer runs {shape[1]} steps whatever units is")
        yield ctx.report(message, rnn.position("units"), fix="choose units for capacity "
                         "(16-256 is usual); it need not match the sequence length",
                         layer=rnn.node.name)


def _original_steps(ctx: Context, rnn: RnnView) -> int | None:
    """The time length of the model input behind an RNN, before strides/pooling."""
    node = rnn.node
    while node is not None and not node.is_input and len(node.inbound) == 1:
        node = ctx.inferred.nodes.get(node.inbound[0])
    if node is not None and node.is_input and node.output_shape and len(node.output_shape) == 3:
        return node.output_shape[1]
    return None


@rule("NL202", "long-unbroken-sequence", "warning",
      "the timesteps that reach an RNN are very long (after strides and pooling)",
      options={"warn_steps": 500, "error_steps": 2000}, needs=has_recurrent)
def long_unbroken_sequence(ctx: Context) -> Iterator[Finding]:
    """Seed 002: 7000-point spectra into an LSTM. Gradients fade over so many steps and each
    batch runs them one after another; shorten the sequence before the RNN."""
    warn_steps = int(ctx.options.get("warn_steps", 500))
    error_steps = int(ctx.options.get("error_steps", 2000))
    long_rnns = [rnn for rnn in rnn_views(ctx) if rnn.input_shape
                 and len(rnn.input_shape) == 3 and (rnn.input_shape[1] or 0) > warn_steps]
    if not long_rnns:
        return  # the common case: skip the walk over the graph below
    names = {rnn.node.name for rnn in long_rnns}
    below_another = upstream(ctx.inferred, lambda node: node.name in names)
    for rnn in long_rnns:
        if below_another[rnn.node.name]:
            continue  # a stack over the same long sequence: said once, at its first RNN
        shape = rnn.input_shape
        steps = shape[1]
        original = _original_steps(ctx, rnn)
        reduced = (f" (strides/pooling already brought {original} steps down to {steps})"
                   if original and original > steps else "")
        message = (f"{rnn.title} runs over {steps} timesteps one after another{reduced}: "
                   f"gradients fade long before the start of the sequence and every batch "
                   f"takes {steps} sequential steps")
        factor = math.ceil(steps / max(1, warn_steps // 2))
        fix = (f"shorten it about {factor}x first (Conv1D with strides and MaxPooling1D, "
               f"{steps} -> ~{steps // factor} steps), or cut the sequences into chunks of "
               f"<= {warn_steps} steps (stateful: true carries the state across chunks)")
        severity = "error" if steps > error_steps else "warning"
        yield ctx.report(message, rnn.position(), fix=fix, layer=rnn.node.name,
                         severity=severity)


def _train_batch(ctx: Context) -> tuple[int | None, object]:
    train = ctx.model.train
    value = train.get("batch_size") if train is not None else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, train.position_of("batch_size")
    return None, None


@rule("NL203", "stateful-without-fixed-batch", "error",
      "`stateful: true` without a fixed batch size, or a sample count it does not divide",
      needs=has_recurrent)
def stateful_without_fixed_batch(ctx: Context) -> Iterator[Finding]:
    """A stateful RNN keeps one state per row of a fixed batch, carried to the next batch.

    Keras needs that batch size when it builds the layer, and every batch must
    have exactly that many samples (so the sample count must divide evenly).
    """
    for rnn in rnn_views(ctx, include_conv=True):
        if not rnn.kwargs.get("stateful"):
            continue
        batch = rnn.input_shape[0] if rnn.input_shape else None
        where = rnn.position("stateful")
        if batch is None:
            yield ctx.report(
                f"{rnn.title} is stateful but the batch size is not fixed: Keras keeps one "
                f"state per sample of a fixed batch and refuses to build it", where,
                fix="give the input a batch_size (input: {shape: [...], batch_size: 32}) and "
                "feed batches of exactly that size, unshuffled", layer=rnn.node.name)
            continue
        yield from _stateful_batches(ctx, rnn, batch)


def _stateful_batches(ctx: Context, rnn: RnnView, batch: int) -> Iterator[Finding]:
    train_batch, train_where = _train_batch(ctx)
    if train_batch is not None and train_batch != batch:
        yield ctx.report(f"{rnn.title} is stateful with batch size {batch}, but "
                         f"train.batch_size is {train_batch}", train_where,
                         fix=f"set train.batch_size: {batch}", layer=rnn.node.name)
    data = ctx.data.for_input(ctx.model, ctx.model.inputs[0].name) \
        if ctx.data is not None and len(ctx.model.inputs) == 1 else None
    samples = data.samples if data is not None else None
    if samples and samples % batch:
        keep = samples - samples % batch
        yield ctx.report(
            f"{data.label} has {samples} samples, not a multiple of the batch size {batch} "
            f"that stateful {rnn.title} needs: the last batch of {samples % batch} breaks it",
            data.where_shape, fix=f"use {keep} samples, or a batch size that divides {samples}",
            layer=rnn.node.name)


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


@rule("NL204", "cudnn-ineligible", "info",
      "an LSTM/GRU setting that takes it off the fast cuDNN kernel on GPUs",
      needs=has_recurrent)
def cudnn_ineligible(ctx: Context) -> Iterator[Finding]:
    """Keras 3 runs LSTM/GRU on cuDNN only with its default activations, no recurrent
    dropout, no unroll, with biases (and reset_after for GRU); otherwise it loops, often
    several times slower. Seed 002: "use CuDNNLSTM ... 10x faster"."""
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


def _masks(node) -> bool:
    return node.class_name == "Masking" or (
        is_embedding(node.class_name) and bool(node.kwargs.get("mask_zero")))


def _any_length(rnn: RnnView) -> bool:
    """The RNN reads sequences of any length (its time axis is None)."""
    shape = rnn.input_shape
    return bool(shape) and len(shape) == 3 and shape[1] is None


def _padded_inputs(ctx: Context) -> dict[str, str]:
    """input name -> label of its data entry, for inputs whose data is declared padded."""
    if ctx.data is None:
        return {}
    out = {}
    for spec in ctx.model.inputs:
        data = ctx.data.for_input(ctx.model, spec.name)
        if data is not None and data.padded:
            out[spec.name] = data.label
    return out


@rule("NL205", "variable-length-without-mask", "info",
      "variable-length or padded sequences reach an RNN with no Masking/mask_zero before it",
      needs=has_recurrent)
def variable_length_without_mask(ctx: Context) -> Iterator[Finding]:
    """Padded steps are read as real data unless a mask says to skip them (seed 003)."""
    rnns = rnn_views(ctx)
    if not rnns:
        return
    padded_inputs = _padded_inputs(ctx)
    # with no input shape written, a None time axis is unknown, not declared any-length
    deferred = any(spec.origin == DEFERRED for spec in ctx.model.inputs)
    if not padded_inputs and (deferred or not any(_any_length(rnn) for rnn in rnns)):
        # the common case, nothing to report: skip the three walks over the graph below
        # (~65,000 instructions on a file with two LSTMs)
        return
    rnn_names = {view.node.name for view in rnns}
    below_rnn = upstream(ctx.inferred, lambda node: node.name in rnn_names)
    masked = upstream(ctx.inferred, _masks)
    behind_padded = {label: upstream(ctx.inferred, lambda node, n=name: node.name == n)
                     for name, label in padded_inputs.items()}
    for rnn in rnns:
        if below_rnn[rnn.node.name] or masked[rnn.node.name]:
            continue  # the first RNN of a stack says it for all; a mask covers them
        shape = rnn.input_shape
        variable = _any_length(rnn) and not deferred
        padded = next((label for label, reach in behind_padded.items()
                       if reach[rnn.node.name]), None)
        if not (variable or padded):
            continue
        why = f"{padded} is padded" if padded else \
            f"its input {format_shape(shape)} has sequences of any length"
        message = (f"{rnn.title} reads the padding as real steps: {why}, and nothing before "
                   f"it masks the padded steps")
        fix = ("add `- Masking: {mask_value: 0.0}` before it, or mask_zero: true on the "
               "Embedding (if all sequences in a batch have one length, ignore this)")
        yield ctx.report(message, rnn.position(), fix=fix, layer=rnn.node.name)
