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
from netlint.model.findings import Finding
from netlint.rules.facts import file_specs

TYPE_CHECKING = False
if TYPE_CHECKING:
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
                         layer=spec.name, severity="info" if kept else None)
