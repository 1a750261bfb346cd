"""NL1xx: shapes and layouts inside the model (the data-vs-model ones are in shapes_data).

Each rule reads the inferred graph. Where a layer failed to infer, the engine
reports NL105 for it unless a rule here has explained the same layer at
error level (NL103, NL104, NL110): the specific message wins.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint.findings import Finding
from netlint.inference import LayerResult
from netlint.layers.base import owns_input_dim
from netlint.layers.registry import get as layer_def

# importing these registers NL102, NL106, NL107 and NL111, NL112
from netlint.rules import shapes_data, shapes_maps  # noqa: F401
from netlint.rules.engine import Context, rule
from netlint.rules.facts import (
    dense_head,
    format_shape,
    has_recurrent,
    model_input_behind,
    plural,
    real_source,
    rnn_views,
    spatial_rank,
    title,
)
from netlint.rules.shapes_data import labels_per_sample

# -- NL101 ------------------------------------------------------------------------------

@rule("NL101", "rnn-single-timestep", "warning",
      "a recurrent layer gets a single timestep, so it never recurs", needs=has_recurrent)
def rnn_single_timestep(ctx: Context) -> Iterator[Finding]:
    """An RNN fed `(1, n)` runs one step: it is a dense layer with extra weights.

    Almost always the window was written as one step of n features instead of n
    steps of one feature. Stateful RNNs fed one step per batch on purpose are left
    alone; a time axis squeezed to 1 inside the model is NL111's.
    """
    for rnn in rnn_views(ctx):
        shape = rnn.input_shape
        if not shape or len(shape) != 3 or shape[1] != 1 or rnn.kwargs.get("stateful"):
            continue
        source = model_input_behind(ctx.inferred, rnn.node)
        if source is None:
            continue
        spec = ctx.model.input(source.name)
        features = shape[2]
        message = (f"{rnn.title} gets 1 timestep of {plural(features, 'feature')} (input "
                   f"{format_shape(shape)}): it never recurs")
        if features and features > 1:
            fix = (f"if these are {features} steps of one feature, use input shape "
                   f"({features}, 1) and reshape the data with x.reshape(-1, {features}, 1)")
        else:
            fix = "give each sample more than one timestep, or use a Dense layer"
        where = spec.shape_position if spec and spec.shape_position else rnn.position()
        yield ctx.report(message, where, fix=fix, layer=rnn.node.name)


# -- NL103 ------------------------------------------------------------------------------

def _channels_first_looking(shape: tuple, axes: tuple | None, sizes: list,
                            min_spatial: int) -> bool:
    if axes and len(axes) == len(shape):
        if axes[0] == "channels":
            return True
        if "channels" in axes:
            return False
    first, rest = shape[0], shape[1:]
    return first in sizes and all(d is not None and d >= min_spatial for d in rest)


def _describe_channels_last(per_sample: tuple) -> str:
    """How channels_last reads a shape: `1 row x 28 columns with 28 channels`."""
    spatial, channels = per_sample[:-1], per_sample[-1]
    if len(spatial) == 1:
        axes = plural(spatial[0], "step")
    elif len(spatial) == 2:
        axes = f"{plural(spatial[0], 'row')} x {plural(spatial[1], 'column')}"
    else:
        axes = " x ".join(str(d) for d in spatial) + " positions"
    return f"{axes} with {plural(channels, 'channel')}"


def _first_failure(ctx: Context, start: LayerResult) -> LayerResult | None:
    """`start`, or the first layer after it (in one chain) whose kernel or window fails."""
    node: LayerResult | None = start
    while node is not None:
        if node.error is not None:
            return node if node.error.kind in ("size", "rank") else None
        consumers = ctx.inferred.consumers(node.name)
        node = consumers[0] if len(consumers) == 1 else None
    return None


@rule("NL103", "channels-first-input", "warning",
      "a conv input laid out channels-first, while Keras reads channels_last",
      options={"channel_sizes": [1, 3, 4], "min_spatial": 8})
def channels_first_input(ctx: Context) -> Iterator[Finding]:
    """`(1, 28, 28)` or `(3, 224, 224)` into a channels_last Conv2D, `(1, 740)` into Conv1D.

    Keras reads the last axis as channels, so the image becomes 1 row of 28
    columns with 28 channels. When a kernel then no longer fits, Keras refuses the
    model and this is reported as an error (instead of the generic NL105).
    """
    sizes = list(ctx.options.get("channel_sizes", [1, 3, 4]))
    min_spatial = int(ctx.options.get("min_spatial", 8))
    seen: set = set()
    for node in ctx.inferred.layers:
        rank = spatial_rank(node.class_name)
        if rank is None:
            continue  # the cheap test first: most layers have no spatial axes (~4,500
            # instructions a file less than looking each up in the registry)
        definition = layer_def(node.class_name)
        if definition is None or definition.family not in ("conv", "pooling"):
            continue
        if str(node.kwargs.get("data_format") or "channels_last").lower() != "channels_last":
            continue
        source = model_input_behind(ctx.inferred, node)
        if source is None or source.name in seen:
            continue
        spec = ctx.model.input(source.name)
        per_sample = tuple(spec.shape) if spec else tuple(source.output_shape[1:])
        if len(per_sample) != rank + 1 or not _channels_first_looking(
                per_sample, spec.axes if spec else None, sizes, min_spatial):
            continue
        seen.add(source.name)
        yield _channels_first_finding(ctx, node, spec, source, per_sample, rank)


def _channels_first_finding(ctx: Context, node: LayerResult, spec, source: LayerResult,
                            per_sample: tuple, rank: int) -> Finding:
    moved = per_sample[1:] + per_sample[:1]
    order = (0,) + tuple(range(2, rank + 2)) + (1,)
    message = (f"{title(node)} reads input {format_shape(source.output_shape)} as "
               f"channels_last: {_describe_channels_last(per_sample)}; the shape looks "
               f"channels-first (PyTorch/Theano order)")
    fix = (f"use input shape {format_shape(moved)} and move the channels last in the data "
           f"with np.transpose(x, {order})")
    failed = _first_failure(ctx, node)
    where = spec.shape_position if spec and spec.shape_position else node.spec.position
    if failed is not None:
        who = "it" if failed is node else title(failed)
        message += f"; {who} then fails: {failed.error.message}"
        return ctx.report(message, where, fix=fix, layer=failed.name, severity="error")
    return ctx.report(message, where, fix=fix, layer=node.name)


# -- NL104 ------------------------------------------------------------------------------

_SEQUENCE_LAYOUT = {"conv": "(None, steps, channels)", "pooling": "(None, steps, channels)"}


def _needs_sequence(node: LayerResult) -> str | None:
    """The layout a sequence-taking layer wants, or None if it takes no sequence."""
    definition = layer_def(node.class_name)
    if definition is None:
        return None
    if definition.recurrent or node.class_name == "Bidirectional":
        return "(None, timesteps, features)"
    if node.class_name == "TimeDistributed":
        return "(None, timesteps, ...)"
    if spatial_rank(node.class_name) == 1:
        return _SEQUENCE_LAYOUT.get(definition.family, "(None, steps, features)")
    return None


def _last_step_rnn(node: LayerResult | None) -> tuple[str, bool] | None:
    """(name, wrapped) when `node` is an RNN that returns only its last step."""
    if node is None or node.spec is None:
        return None
    spec, wrapped = node.spec, False
    if node.class_name == "Bidirectional" and spec.wrapped is not None:
        spec, wrapped = spec.wrapped, True
    definition = layer_def(spec.class_name)
    if definition is None or not definition.recurrent:
        return None
    if spec.kwargs.get("return_sequences", False):
        return None
    return node.name, wrapped


@rule("NL104", "stacked-rnn-missing-return-sequences", "error",
      "a layer that needs a sequence follows an RNN that returns only its last step")
def stacked_rnn_missing_return_sequences(ctx: Context) -> Iterator[Finding]:
    """`LSTM(32)` then `LSTM(32)`: the first hands on (None, 32), the second needs steps.

    Covers any sequence consumer (RNN, Conv1D, 1D pooling, TimeDistributed) after
    an RNN with return_sequences false, looking through dropout and normalisation.
    """
    for node in ctx.inferred.errors:
        if node.error.kind != "rank" or len(node.input_shapes) != 1:
            continue
        layout = _needs_sequence(node)
        source = real_source(ctx.inferred, node)
        rnn = _last_step_rnn(source)
        if layout is None or rnn is None:
            continue
        name, wrapped = rnn
        batch = node.input_shapes[0][0]
        if batch is not None:
            layout = layout.replace("None", str(batch), 1)
        message = (f"{title(node)} needs a sequence {layout} but '{name}' gives "
                   f"{format_shape(node.input_shapes[0])}")
        fix = (f"set return_sequences: true on the layer inside '{name}'" if wrapped
               else f"set return_sequences: true on '{name}'")
        yield ctx.report(message, node.spec.position, fix=fix, layer=node.name)


# -- NL108 ------------------------------------------------------------------------------

_INPUT_KWARGS = ("input_shape", "input_dim")


@rule("NL108", "input-shape-on-inner-layer", "warning",
      "`input_shape`/`input_dim` on a layer that is not first: Keras ignores it")
def input_shape_on_inner_layer(ctx: Context) -> Iterator[Finding]:
    """Only the first layer's input_shape makes the model input; later ones are dropped.

    Writing one on a later layer usually means the author thinks it sets what
    the layer receives (seed 001: `Dense(1, input_shape=(7,))` after Dense(150)).
    """
    for layer in ctx.model.layers:
        node = ctx.inferred.nodes.get(layer.name)
        for key in _INPUT_KWARGS:
            if key not in layer.kwargs or (key == "input_dim" and owns_input_dim(layer.class_name)):
                continue
            value = layer.kwargs[key]
            written = format_shape(tuple(value) if isinstance(value, list) else (value,))
            gets = ""
            if node is not None and len(node.input_shapes) == 1:
                gets = f"; it takes {format_shape(node.input_shapes[0])}"
                if len(node.inbound) == 1:
                    gets += f" from '{node.inbound[0]}'"
            message = (f"{layer.class_name} '{layer.name}' has {key} {written} but is not the "
                       f"model's first layer: Keras ignores it{gets}")
            yield ctx.report(message, layer.kwarg_position(key), fix=f"remove {key}",
                             layer=layer.name)


# -- NL109 / NL110: a Dense head on an axis that should be gone -------------------------

def _from_feature_map(ctx: Context, dense: LayerResult) -> LayerResult | None:
    """The conv/pool layer whose map a Dense reads, if that is what it reads."""
    source = real_source(ctx.inferred, dense)
    if source is None or source.is_input:
        return None
    definition = layer_def(source.class_name)
    if definition is None or definition.family not in ("conv", "pooling") \
            or spatial_rank(source.class_name) is None:
        return None
    return source


def _sequence_rnn(node: LayerResult | None) -> str | None:
    """The name of an RNN (bare or in Bidirectional) that hands on its whole sequence."""
    if node is None or node.spec is None:
        return None
    spec = node.spec.wrapped if node.class_name == "Bidirectional" else node.spec
    definition = layer_def(spec.class_name) if spec is not None else None
    if definition is None or not definition.recurrent:
        return None
    return node.name if spec.kwargs.get("return_sequences") else None


@rule("NL109", "dense-on-sequence", "info",
      "Dense on a sequence acts per timestep; the output keeps the time axis")
def dense_on_sequence(ctx: Context) -> Iterator[Finding]:
    """A Dense head on (None, steps, features) gives one prediction per step.

    Right for sequence tagging, wrong when one prediction per sequence is meant.
    Info when nothing says which; a warning when the labels are one per sample.
    """
    for output in ctx.model.outputs:
        dense = dense_head(ctx.inferred, output)
        if dense is None or len(dense.input_shapes[0]) != 3 or _from_feature_map(ctx, dense):
            continue
        out_shape = ctx.inferred.nodes[output].output_shape
        per_sample = labels_per_sample(ctx, output)
        if per_sample is False:
            continue  # labels per timestep: per-timestep outputs are what is wanted
        shape = dense.input_shapes[0]
        message = (f"Dense '{dense.name}' acts on each of the {shape[1]} timesteps of "
                   f"{format_shape(shape)} separately, so the model outputs "
                   f"{format_shape(out_shape)}, one prediction per step")
        rnn = _sequence_rnn(real_source(ctx.inferred, dense))
        if rnn is not None:
            fix = f"for one prediction per sequence, drop return_sequences on '{rnn}'"
        else:
            fix = ("for one prediction per sequence, add GlobalAveragePooling1D (or Flatten) "
                   f"before '{dense.name}'; for one per step, TimeDistributed(Dense) says so")
        severity = "warning" if per_sample else None
        yield ctx.report(message, dense.spec.position, fix=fix, layer=dense.name,
                         severity=severity)


@rule("NL110", "missing-flatten", "error",
      "a Dense head on a conv/pool feature map with no Flatten or global pooling")
def missing_flatten(ctx: Context) -> Iterator[Finding]:
    """Dense on (None, 5, 5, 64) acts at every position: the output keeps the 5 x 5.

    An error when the labels are one per sample; a warning for a 2D/3D map when
    there are no labels to say (per-pixel heads end in a 1x1 Conv, not a Dense).
    """
    for output in ctx.model.outputs:
        dense = dense_head(ctx.inferred, output)
        source = _from_feature_map(ctx, dense) if dense is not None else None
        if source is None:
            continue
        shape = dense.input_shapes[0]
        out_shape = ctx.inferred.nodes[output].output_shape
        per_sample = labels_per_sample(ctx, output)
        if per_sample is False or (per_sample is None and len(shape) < 4):
            continue  # per-position labels (segmentation-like), or a 1D map with no labels
        flat = 1
        for d in shape[1:]:
            flat = flat * d if d is not None and flat is not None else None
        spatial = spatial_rank(source.class_name)
        message = (f"Dense '{dense.name}' is applied to the feature map {format_shape(shape)} "
                   f"of '{source.name}' with no Flatten: it acts at each position, so the "
                   f"model outputs {format_shape(out_shape)}, not one prediction per sample")
        fix = (f"add `- Flatten` (to {format_shape((shape[0], flat))}) or "
               f"GlobalAveragePooling{spatial}D (to {format_shape((shape[0], shape[-1]))}) "
               f"before '{dense.name}'")
        severity = "error" if per_sample else "warning"
        yield ctx.report(message, dense.spec.position, fix=fix, layer=dense.name,
                         severity=severity)
