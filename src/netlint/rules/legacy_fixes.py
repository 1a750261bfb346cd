"""The edits that write a Keras 1/2 spelling as Keras 3 spells it (NL901's fixes). All
safe: the file then says what netlint already read it as, in the names Keras 3 takes.
Offered only where the edit is a pure renaming or move: where the loader changed a
value on the way (`nb_row` + `nb_col` -> `kernel_size`), the fix stays in words."""

from __future__ import annotations

from netlint.fixes.entries import add_top_level_before, remove_entry
from netlint.fixes.layer_edits import arguments_path
from netlint.fixes.yaml_edits import rename_key, value_at
from netlint.model.findings import Autofix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.graph import InputSpec, LayerSpec, Section
    from netlint.rules.engine import Context


def renamed_argument(ctx: Context, spec: LayerSpec, olds: list, target: str) -> Autofix | None:
    """`output_dim: 8` -> `units: 8`: one old name, its value kept as written."""
    doc = ctx.document
    if doc is None or len(olds) != 1:
        return None
    path = arguments_path(doc, spec)
    written = value_at(doc, path) if path is not None else None
    if not isinstance(written, dict) or target in written or olds[0] not in written \
            or written[olds[0]] != spec.kwargs.get(target):
        return None
    edit = rename_key(doc, path + (olds[0],), target)
    return None if edit is None else Autofix((edit,))


def renamed_section_key(ctx: Context, section: Section, path: tuple, new: str
                        ) -> Autofix | None:
    """`nb_epoch: 10` -> `epochs: 10` in train:, `lr` -> `learning_rate` in an optimizer."""
    doc = ctx.document
    if doc is None:
        return None
    name = next((key for key in ("compile", "train")
                 if getattr(ctx.model, key) is section), None)
    full = (name,) + tuple(path) if name else None
    parent = value_at(doc, full[:-1]) if full else None
    if not isinstance(parent, dict) or new in parent:
        return None
    edit = rename_key(doc, full, new)
    return None if edit is None else Autofix((edit,))


def moved_input(ctx: Context, spec: InputSpec, line: str) -> Autofix | None:
    """A first layer's `input_shape: [20, 1]` (or input_dim, batch_input_shape) moved to
    `input: {shape: [20, 1]}` above `layers:`."""
    doc = ctx.document
    layer = carrier(ctx, spec)
    if doc is None or layer is None:
        return None
    path = arguments_path(doc, layer)
    written = value_at(doc, path) if path is not None else None
    if not isinstance(written, dict) or "batch_size" in written or "input" in doc.value:
        return None
    removed = remove_entry(doc, path + (spec.origin,))
    added = add_top_level_before(doc, "layers", line)
    if removed is None or added is None:
        return None
    return Autofix((added, removed))


def carrier(ctx: Context, spec: InputSpec) -> LayerSpec | None:
    """The (non-input) first layer whose `input_shape`/`input_dim`/`batch_input_shape`
    made the input `spec`, if one did."""
    if spec.shape_position is None:
        return None
    for layer in ctx.model.layers:
        if layer.class_name not in ("Input", "InputLayer") \
                and layer.kwarg_positions.get(spec.origin) == spec.shape_position:
            return layer
    return None
