"""Seed 001's `Convolution2D(32, 3, 3)`, seed 002's CuDNNLSTM: the Keras 3 class is
named differently (or, for CuDNN*, merged into LSTM/GRU). An error where Keras 3
has no such name (CuDNNLSTM); an info where it keeps the old name as an alias
(Convolution2D), as netlint.vocabulary records from Keras itself.

The loader (loader/legacy.py) already rewrote the old spellings and remembered
where they were (`LayerSpec.written_class`, `LayerSpec.legacy_kwargs`,
`Section.legacy`, `InputSpec.origin`); this rule only says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint import vocabulary
from netlint.fixes.yaml_edits import replace
from netlint.model.findings import Autofix, Finding
from netlint.rules.facts import file_specs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.graph import LayerSpec
    from netlint.rules.engine import Context


LAYER_NOTES = {
    "CuDNNLSTM": "Keras 3's LSTM picks the cuDNN kernel itself when its settings allow",
    "CuDNNGRU": "Keras 3's GRU picks the cuDNN kernel itself when its settings allow",
    "MaxoutDense": "Keras 3 has no maxout layer; Dense is the nearest",
    "ThresholdedReLU": "ReLU takes the threshold as `threshold:`",
}


def check(ctx: Context) -> Iterator[Finding]:
    for spec in file_specs(ctx):
        if not spec.written_class or spec.written_class == spec.class_name:
            continue
        note = LAYER_NOTES.get(spec.written_class)
        fix = f"write {spec.class_name}" + (f" ({note})" if note else "")
        kept = vocabulary.accepts("layer", spec.written_class)
        still = " (Keras 3 still takes it as an alias)" if kept else ""
        yield ctx.report(f"'{spec.written_class}' is the Keras 1/2 name of "
                         f"{spec.class_name}{still}", spec.position, fix=fix,
                         layer=spec.name, severity="info" if kept else None,
                         autofix=_renamed(ctx, spec))


def _renamed(ctx: Context, spec: LayerSpec) -> Autofix | None:
    """The class name written as Keras 3 spells it. Safe only where the new name takes the
    arguments as written, so: arguments by name, none of them renamed by the loader
    (`Convolution2D: [32, 3, 3]` means filters, rows, columns to Keras 1 but filters,
    kernel size, strides to Conv2D), and a class Keras 3 really merged (not Dense for
    MaxoutDense)."""
    if ctx.document is None or spec.legacy_kwargs or spec.written_class in _NOT_THE_SAME \
            or spec.position is None or not _named_arguments(ctx, spec):
        return None
    return Autofix((replace(spec.position, spec.class_name),))


# Keras 3 has a nearest class, not the same one: the fix is the user's choice
_NOT_THE_SAME = {"MaxoutDense"}


def _named_arguments(ctx: Context, spec: LayerSpec) -> bool:
    """The arguments are a mapping, or there are none (`- Convolution1D`, `- CuDNNLSTM:`)."""
    path = _item_path(ctx, spec)
    if path is None:
        return False
    written = ctx.document.value
    for step in path:
        written = written.get(step) if isinstance(written, dict) else \
            written[step] if isinstance(written, list) and isinstance(step, int) and \
            step < len(written) else None
    return written is None or isinstance(written, dict)


def _item_path(ctx: Context, spec: LayerSpec) -> tuple | None:
    """Where the arguments of `spec` are written, from the position of its class key."""
    for path, where in ctx.document.key_positions.items():
        if where == spec.position and path and path[-1] == spec.written_class:
            return path
    return None
