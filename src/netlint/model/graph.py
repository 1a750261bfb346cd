"""The in-memory model: what the spec says, as plain immutable records (netlint.plumbing.records).

Every stage after `loader/` reads these and nothing else; positions travel with
each node so that any later finding can point at the YAML that caused it.
"""

from __future__ import annotations

from netlint.plumbing.records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Shape = tuple  # a tensor shape, batch first: (None, 10, 32); None = unknown size


@record(frozen=True, order=True)
class Position:
    """A span in the model file, 1-based lines and columns (as editors count)."""

    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@record(frozen=True)
class InputSpec:
    """One model input: `input:`, an entry of `inputs:`, or a first layer's input_shape."""

    name: str
    shape: tuple  # per-sample shape, batch excluded; None entries = any size
    batch_size: int | None = None
    dtype: str = "float32"
    axes: tuple | None = None
    sparse: bool = False
    position: Position | None = None
    # where the shape was written (for rules that talk about the shape itself)
    shape_position: Position | None = None
    # how it was written: "input", "inputs", "input-layer" (an `- Input:` item), or the
    # Keras 2 first-layer argument it came from: "input_shape", "input_dim", "batch_input_shape"
    origin: str = "input"


@record(frozen=True)
class LayerSpec:
    """One layer as written: Keras class, its kwargs, and what it consumes."""

    name: str  # explicit `name:` or Keras's default (`lstm`, `lstm_1`, ...)
    class_name: str  # Keras 3 class name (legacy spellings already normalised)
    kwargs: dict  # as written (normalised names), without `name`
    inbound: tuple  # names of inputs/layers it consumes, in order
    position: Position | None = None  # the layer item (the class-name key)
    kwarg_positions: dict = field(default_factory=dict)  # kwarg -> Position of its value
    wrapped: LayerSpec | None = None  # TimeDistributed's/Bidirectional's layer, RNN's cell
    backward: LayerSpec | None = None  # Bidirectional's `backward_layer:`, read like `layer:`
    written_class: str | None = None  # the spelling in the file when it was a legacy name
    legacy_kwargs: dict = field(default_factory=dict)  # old kwarg -> new kwarg name
    explicit_name: bool = False
    index: int = 0  # position in the `layers:` list
    from_position: Position | None = None  # the `from:` value, when written
    cells: tuple = ()  # StackedRNNCells' `cells:`, each read like a wrapper's `layer:`
    # a `- call: encoder` item: the layer it calls again, with that layer's weights. The
    # spec then repeats the layer's class and arguments; `name` is this call's output.
    shares: str | None = None

    @property
    def depends_on(self) -> tuple:
        """What must be built before this node: its inputs, and the layer a call reuses."""
        return self.inbound if self.shares is None else self.inbound + (self.shares,)

    def kwarg_position(self, key: str) -> Position | None:
        return self.kwarg_positions.get(key, self.position)


@record(frozen=True)
class Section:
    """A free-form section (`compile`, `data`, `train`) with its positions."""

    values: dict
    positions: dict  # path tuple -> Position
    position: Position | None = None
    # Keras 1/2 names met in this section: (old, new, path of the old key), for NL901
    legacy: tuple = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def position_of(self, *path: Any) -> Position | None:
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.position


@record(frozen=True)
class ModelSpec:
    """A whole model file, validated and normalised."""

    path: str
    name: str | None
    inputs: tuple  # of InputSpec
    layers: tuple  # of LayerSpec, in file order
    outputs: tuple  # of names
    sequential: bool  # written as a plain stack (Keras Sequential)
    compile: Section | None = None
    data: Section | None = None
    train: Section | None = None
    description: str | None = None
    positions: dict = field(default_factory=dict)  # path tuple -> Position, whole file

    def layer(self, name: str) -> LayerSpec | None:
        for layer in self.layers:
            if layer.name == name:
                return layer
        return None

    def input(self, name: str) -> InputSpec | None:
        for inp in self.inputs:
            if inp.name == name:
                return inp
        return None
