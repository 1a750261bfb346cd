"""A Lambda, custom layer or keras.ops node -> an item that declares what it makes.

netlint cannot read the code of any of them (layers.declared). The saved model
records what each made: the shape of the tensor, where each layer that consumes
it is called (graph.FlatGraph.shapes), so the item declares that, per sample, as
`output_shape`. A custom layer's parameter count is the size of its weights,
read from a `.keras` file's weights with h5py. A JSON config holds no weights:
for the two classes Keras's own applications define (ConvNeXt's LayerScale,
InceptionResNetV2's CustomScaleLayer) the count follows from their config as
Keras's source builds them; for any other class it is left out (0) with a note.
"""

from __future__ import annotations

from netlint.importer.layers import ConvertedLayer, Report
from netlint.importer.values import custom_object, dtype_name, is_serialized_object, tidy
from netlint.layers.base import BASE_PARAMS
from netlint.layers.declared import CUSTOM_NAME, OPS_PREFIX, PARAMS_KEY, SHAPE_KEY
from netlint.layers.registry import get
from netlint.loader import legacy
from netlint.loader.layer_items import to_snake_case

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netlint.importer.graph import FlatGraph, LayerCall

LAMBDA, CUSTOM, OPS = "Lambda", "custom", "ops"
# Layer classes keras.applications define but keras.layers does not export: their
# parameter count from the config, as Keras's source builds their weights.
APPLICATION_LAYERS = {
    ("applications.convnext", "LayerScale"): lambda config: config.get("projection_dim"),
    ("applications.inception_resnet_v2", "CustomScaleLayer"): lambda config: 0,
}
# keras.ops whose output has the broadcast shape of their tensor inputs: what an ops node
# that no layer consumes (a model output) makes
ELEMENTWISE_OPS = frozenset({
    "Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Power", "Maximum", "Minimum",
    "Negative", "Abs", "Square", "Sqrt", "Exp", "Log", "Relu", "Relu6", "Sigmoid",
    "HardSigmoid", "Silu", "HardSilu", "Tanh", "Gelu", "Softplus", "Clip", "Cast"})


def declared_kind(layer: dict) -> str | None:
    """LAMBDA, OPS or CUSTOM when netlint must take the layer's output on trust."""
    cls = str(layer.get("class_name"))
    if str(layer.get("module", "")).startswith("keras.src.ops"):
        return OPS
    if cls == "Lambda":
        return LAMBDA
    if custom_object(layer):
        return CUSTOM
    # a keras.layers class netlint does not know is netlint's gap, not a custom layer: it
    # stays a problem ("does not know the layer class"); Keras 2 records no module
    module = layer.get("module")
    if get(legacy.LEGACY_LAYERS.get(cls, cls)) is None and not str(module).startswith(
            "keras.layers"):
        return CUSTOM
    return None


class WeightSizes:
    """The parameter count of each layer a `.keras` file stores weights for, read once,
    on the first question (most models have no custom layer to ask about)."""

    def __init__(self, archive: str | None):
        self.archive = archive
        self._sizes: dict | bool | None = None  # False: unreadable

    def count(self, saved_as: str) -> int | None:
        """The size of every weight in the group `saved_as` (graph._saved_path), sublayers
        included; None without a readable .keras."""
        if self.archive is None or not saved_as:
            return None
        if self._sizes is None:
            self._sizes = _read_sizes(self.archive)
        if self._sizes is False:
            return None
        inside = f"{saved_as}/"
        return sum(size for path, size in self._sizes.items() if path.startswith(inside))


def _read_sizes(archive: str) -> dict | bool:
    """Dataset path -> size in the archive's model.weights.h5, through h5py (a Keras
    dependency: installed wherever the .keras file was made); False without it or when
    the file cannot be read: the count then comes from the config, or a note says so.
    h5py reads the datasets' shapes only, never their values."""
    try:
        import zipfile

        import h5py  # type: ignore[import-not-found]

        sizes: dict = {}
        with zipfile.ZipFile(archive) as zipped:
            if zipped.getinfo("model.weights.h5").compress_type != zipfile.ZIP_STORED:
                return False  # Keras stores it; h5py's seeks would decompress it again
            with zipped.open("model.weights.h5") as handle:
                h5py.File(handle, "r").visititems(
                    lambda name, item: sizes.__setitem__(name, item.size)
                    if isinstance(item, h5py.Dataset) else None)
        return sizes
    except Exception:  # noqa: BLE001 - no weights to read is a note, never a failure
        return False


def declared_layer(call: LayerCall, graph: FlatGraph, weights: WeightSizes, where: str,
                   report: Report) -> ConvertedLayer:
    """The item of a layer `declared_kind` names, or the class as-is (unknown) with a
    problem when the file cannot say what it makes."""
    kind, cls = declared_kind(call.raw), str(call.class_name)
    config = call.config if isinstance(call.config, dict) else {}
    written = f"{OPS_PREFIX}{to_snake_case(cls)}" if kind == OPS else cls
    if kind == CUSTOM and (not CUSTOM_NAME.match(cls) or get(cls) is not None):
        report.problems.append(f"{where}: custom layer class {cls!r} cannot be written: it "
                               "has the name of a Keras layer, or is no Python identifier")
        return ConvertedLayer(cls, {}, False)
    shapes = _recorded(call, graph) or _fallback(kind, cls, call, config, graph)
    if shapes is None:
        report.problems.append(f"{where}: netlint cannot know what it makes, and the config "
                               "records no shape for it (Keras 3 records one where a layer "
                               "consumes it, Keras 2 none); write its output_shape by hand")
        return ConvertedLayer(written, {}, False)
    kwargs: dict[str, Any] = {SHAPE_KEY: shapes[0] if len(shapes) == 1 else shapes}
    if kind == CUSTOM:
        count = _count(call, cls, config, weights, report)
        if count:
            kwargs[PARAMS_KEY] = count
        kwargs.update(_custom_arguments(config, where, report))
    report.notes.append(_note(kind, cls, written))
    return ConvertedLayer(written, kwargs, True)


def _recorded(call: LayerCall, graph: FlatGraph) -> list | None:
    """Per-sample shapes of the layer's outputs, as their consumers recorded them."""
    found = graph.first_call_shapes(call.name)
    if not found or sorted(found) != list(range(len(found))) or \
            any(not found[i] for i in found):
        return None
    return [list(found[i][1:]) for i in range(len(found))]


def _fallback(kind: str | None, cls: str, call: LayerCall, config: dict,
              graph: FlatGraph) -> list | None:
    """What a model output makes: a Lambda's own output_shape, an elementwise op's
    broadcast inputs."""
    if kind == LAMBDA and isinstance(config.get(SHAPE_KEY), list):
        value = config[SHAPE_KEY]
        return [list(v) for v in value] if value and all(isinstance(v, list) for v in value) \
            else [list(value)]
    if kind != OPS or cls not in ELEMENTWISE_OPS:
        return None
    inputs = [graph.shapes.get(ref) for ref in call.inbound]
    if not inputs or any(shape is None for shape in inputs):
        return None
    rank = max(len(shape) for shape in inputs)
    padded = [[1] * (rank - len(shape)) + list(shape) for shape in inputs]
    out = []
    for sizes in zip(*padded):
        known = {s for s in sizes if s != 1}
        out.append(None if None in known else max(known, default=1) if len(known) <= 1
                   else None)
    return [out[1:]] if rank else None


def _count(call: LayerCall, cls: str, config: dict, weights: WeightSizes,
           report: Report) -> int | None:
    count = weights.count(call.saved_as)
    if count is not None:
        return count
    module = str(call.raw.get("module") or "")
    for (home, name), formula in APPLICATION_LAYERS.items():
        if name == cls and module.endswith(home):
            value = formula(config)
            return value if isinstance(value, int) else None
    report.notes.append(f"custom layer class {cls}: a JSON config holds no weights, so its "
                        "parameter count is left out (0); import the .keras file, or add "
                        "`params:` by hand")
    return None


def _custom_arguments(config: dict, where: str, report: Report) -> dict:
    """The class's own arguments, as the config holds them (netlint cannot check them)."""
    kept: dict[str, Any] = {}
    for key, value in config.items():
        if key == "name" or value is None or (key in BASE_PARAMS and BASE_PARAMS[key] == value):
            continue  # the defaults of every layer (trainable, autocast) say nothing
        if key == "dtype":
            value = dtype_name(value)
            if value in (None, "float32"):
                continue
        if key in (SHAPE_KEY, PARAMS_KEY):
            report.problems.append(f"{where}: its own argument {key!r} clashes with netlint's "
                                   "declaration of the same name; left out")
        elif is_serialized_object(value):
            report.notes.append(f"{where}: argument {key} (a {value.get('class_name')} "
                                "object) is left out")
        else:
            kept[key] = tidy(value)
    return kept


def _note(kind: str | None, cls: str, written: str) -> str:
    if kind == LAMBDA:
        return "Lambda layers are written without their Python code, declaring the output " \
               "shape Keras recorded, which netlint takes on trust (NL113)"
    if kind == OPS:
        return f"keras.ops {cls} nodes (such as `x + 3.0` on a tensor) are written {written}, " \
               "declaring the output shape Keras recorded (NL113); their constant operands " \
               "are not written"
    return f"custom layer class {cls} is written with the output shape Keras recorded (and " \
           "its parameter count where the file has its weights), which netlint takes on trust " \
           "(NL113)"
