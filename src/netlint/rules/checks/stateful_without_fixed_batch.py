"""A stateful RNN keeps one state per row of a fixed batch, carried to the next batch.

Keras needs that batch size when it builds the layer, and every batch must
have exactly that many samples (so the sample count must divide evenly).
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.rules.facts import RnnView, has_recurrent, rnn_views

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context


def _train_batch(ctx: Context) -> tuple[int | None, object]:
    train = ctx.model.train
    value = train.get("batch_size") if train is not None else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, train.position_of("batch_size")
    return None, None


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


needs = has_recurrent


def check(ctx: Context) -> Iterator[Finding]:
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
