"""Normalization layers: Batch-, Layer-, Group-, Unit-, RMS- and SpectralNormalization.

All keep their input's shape; what differs is which axes their scale and
offset span. Keras builds those weights from the input shape, so the normalized
axes must be known, and BatchNormalization's moving statistics are weights
too (non-trainable ones, counted in the summary's total).
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.registry import get, infer_on, register
from netlint.plumbing.records import replace

_INIT = {"beta_initializer": "zeros", "gamma_initializer": "ones", "beta_regularizer": None,
         "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _axes(call: LayerCall, many: bool = True) -> list:
    """`axis` as a list of ints; a list or tuple only where Keras takes one."""
    axis = call["axis"]
    if _int(axis):
        return [axis]
    if many and isinstance(axis, (list, tuple)) and all(_int(a) for a in axis):
        return list(axis)
    need = "an integer or a list of integers" if many else "an integer"
    raise ShapeError(f"{call.class_name} needs `axis` as {need}, got {axis!r}", kind="value")


def _in_range(call: LayerCall, axes: list) -> None:
    shape = call.shape
    for axis in axes:
        if not -len(shape) <= axis < len(shape):
            raise ShapeError(f"{call.class_name} axis {axis} is out of range for input "
                             f"{format_shape(shape)}", kind="value")


def _sized(call: LayerCall, axes: list) -> tuple:
    """The sizes of `axes`, which must be known: Keras builds weights of that shape."""
    _in_range(call, axes)
    sizes = tuple(call.shape[a] for a in axes)
    if None in sizes:
        raise ShapeError(f"{call.class_name} needs a known size on axis "
                         f"{', '.join(str(a) for a in axes)} to build its weights, got "
                         f"{format_shape(call.shape)}", kind="size")
    return sizes


def _distinct(call: LayerCall, axes: list) -> None:
    # Keras builds with a repeated axis and fails on the first batch
    rank = len(call.shape)
    if len({a % rank for a in axes}) != len(axes):
        raise ShapeError(f"{call.class_name} names an axis twice in axis={call['axis']!r} "
                         f"for input {format_shape(call.shape)}", kind="value")


def _renorm_clipping(call: LayerCall) -> None:
    clipping = call.get("renorm_clipping", {})
    if not isinstance(clipping, dict) or set(clipping) - {"rmax", "rmin", "dmax"}:
        raise ShapeError(f"BatchNormalization needs renorm_clipping with keys rmax, rmin, "
                         f"dmax, got {clipping!r}", kind="value")
    rmax, rmin, dmax = (clipping.get(k) for k in ("rmax", "rmin", "dmax"))
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ShapeError(f"BatchNormalization needs rmax >= rmin in renorm_clipping, got "
                         f"{clipping!r}", kind="value")
    if dmax is not None and dmax < 0:
        raise ShapeError(f"BatchNormalization needs dmax >= 0 in renorm_clipping, got "
                         f"{clipping!r}", kind="value")


_BATCH_NORM = {
    "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
    "beta_initializer": "zeros", "gamma_initializer": "ones",
    "moving_mean_initializer": "zeros", "moving_variance_initializer": "ones",
    "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None,
    "gamma_constraint": None, "renorm": False, "renorm_clipping": None,
    "renorm_momentum": 0.99, "synchronized": False,
}


@register("BatchNormalization", family="normalization", positional=("axis",),
          params=_BATCH_NORM)
def batch_normalization(call: LayerCall) -> Inferred:
    """Normalizes each feature (on `axis`) over the batch; keeps moving statistics."""
    axis = call["axis"]
    if isinstance(axis, (int, float)):  # Keras stores int(axis): -1.0 is -1, True is 1
        call = replace(call, kwargs={**call.kwargs, "axis": int(axis)})
    (axis,) = _axes(call, many=False)
    if call["renorm"]:
        _renorm_clipping(call)
    shape = _sized(call, [axis])
    weights = [Weight("gamma", shape)] if call["scale"] else []
    if call["center"]:
        weights.append(Weight("beta", shape))
    # the statistics Keras tracks for inference: variables, but not trained
    stats = ["moving_mean", "moving_variance"]
    if call["renorm"]:
        stats += ["moving_stddev", "renorm_mean", "renorm_stddev"]
    weights += [Weight(name, shape, trainable=False) for name in stats]
    return Inferred(call.shape, tuple(weights))


# rms_scaling is not in the signature: Keras pops it from **kwargs (deprecated, accepted)
@register("LayerNormalization", family="normalization", positional=("axis",), params={
    "axis": -1, "epsilon": 0.001, "center": True, "scale": True, **_INIT, "rms_scaling": False,
})
def layer_normalization(call: LayerCall) -> Inferred:
    """Normalizes each sample over `axis`; gamma and beta span those axes."""
    axes = _axes(call)
    rms = call["rms_scaling"]
    names = (["gamma"] if call["scale"] or rms else []) + \
        (["beta"] if call["center"] and not rms else [])
    # Keras sorts a list of axes as written (so [-1, 1] stays in that order)
    _in_range(call, axes)
    shape = _sized(call, sorted(axes)) if names else ()
    _distinct(call, axes)
    return Inferred(call.shape, tuple(Weight(name, shape) for name in names))


@register("RMSNormalization", family="normalization", positional=("axis", "epsilon"),
          params={"axis": -1, "epsilon": 1e-06})
def rms_normalization(call: LayerCall) -> Inferred:
    """Scales each sample by its root mean square over `axis`; one `scale` weight."""
    axes = _axes(call)
    shape = _sized(call, sorted(axes))
    _distinct(call, axes)
    _scale_lines_up(call, shape)
    return Inferred(call.shape, (Weight("scale", shape),))


def _scale_lines_up(call: LayerCall, scale: tuple) -> None:
    # Keras multiplies by `scale` as it is, so numpy lines it up with the last axes:
    # only axes that end the shape (or sizes that happen to match) get through
    shape = call.shape
    for position, size in zip(range(len(shape) - 1, -1, -1), reversed(scale)):
        dim = shape[position]
        unknown = dim is None and position > 0  # an unknown batch size varies: no match
        if not (size == 1 or dim == size or unknown):
            raise ShapeError(f"RMSNormalization over axis {call['axis']!r} builds a scale of "
                             f"shape {format_shape(scale)} that does not line up with the last "
                             f"axes of {format_shape(shape)}", kind="value")


@register("GroupNormalization", family="normalization", positional=("groups", "axis"), params={
    "groups": 32, "axis": -1, "epsilon": 0.001, "center": True, "scale": True, **_INIT,
})
def group_normalization(call: LayerCall) -> Inferred:
    """Normalizes groups of channels (on `axis`) within each sample."""
    groups = call["groups"]
    if not _int(groups) or (groups <= 0 and groups != -1):
        raise ShapeError(f"GroupNormalization needs `groups` as a positive integer (or -1), "
                         f"got {groups!r}", kind="value")
    (axis,) = _axes(call, many=False)
    (channels,) = _sized(call, [axis])
    groups = channels if groups == -1 else groups
    if channels < groups or channels % groups:
        raise ShapeError(f"GroupNormalization needs the channels on axis {axis} to divide into "
                         f"{groups} groups, got {format_shape(call.shape)}", kind="size")
    names = (["gamma"] if call["scale"] else []) + (["beta"] if call["center"] else [])
    return Inferred(call.shape, tuple(Weight(name, (channels,)) for name in names))


@register("UnitNormalization", family="normalization", positional=("axis",),
          params={"axis": -1})
def unit_normalization(call: LayerCall) -> Inferred:
    """Scales each sample to unit L2 norm over `axis`; no weights."""
    axes = _axes(call)
    _in_range(call, axes)
    _distinct(call, axes)
    return Inferred(call.shape)


def _kernel_of(inner: LayerCall, result: Inferred) -> Weight:
    # Keras reads `layer.kernel` (or `.embeddings`): recurrent layers keep theirs on
    # the cell and wrappers on the inner layer, so neither has one to normalize
    definition = get(inner.class_name)
    if definition is not None and not (definition.recurrent or definition.wraps_layer):
        for weight in result.weights:
            if weight.name in ("kernel", "embeddings"):
                return weight
    raise ShapeError(f"SpectralNormalization needs a layer with a kernel (Dense, Conv, "
                     f"Embedding...), got {inner.class_name}", kind="value")


@register("SpectralNormalization", family="normalization", wraps_layer=True, owns_weights=False,
          positional=("layer",), params={"layer": REQUIRED, "power_iterations": 1})
def spectral_normalization(call: LayerCall) -> Inferred:
    """Wraps a layer and divides its kernel by its spectral norm while training."""
    if call.wrapped is None:
        raise ShapeError("SpectralNormalization needs a layer to wrap in `layer:`",
                         kind="value")
    iterations = call["power_iterations"]
    if not _int(iterations) or iterations <= 0:
        raise ShapeError(f"SpectralNormalization needs power_iterations above 0, got "
                         f"{iterations!r}", kind="value")
    inner = call.wrapped
    try:
        result = infer_on(inner, *call.input_shapes)
    except ShapeError as error:
        raise ShapeError(f"SpectralNormalization({inner.class_name}): {error.message}",
                         kind=error.kind, expected_rank=error.expected_rank,
                         fix=error.fix) from None
    kernel = _kernel_of(inner, result)
    weights = as_keras_freezes(inner.class_name, inner.kwargs, result.weights)
    return Inferred(result.output_shape, weights + (
        Weight("vector_u", (1, kernel.shape[-1]), trainable=False),))
