"""Keras 1/2 spellings are reported at the severity Keras 3 implies: an error where
Keras 3 refuses the name, an info where it still takes it. Keras decides, here and in
netlint.vocabulary (whose staleness test regenerates the verdicts)."""

from __future__ import annotations

import keras
import pytest

from netlint.api import check
from netlint.loader import legacy


@pytest.mark.parametrize("old", sorted(legacy.LEGACY_LAYERS))
def test_a_keras_1_layer_name_is_an_error_unless_keras_3_still_has_it(old):
    text = "input: {shape: [16, 16, 3]}\nlayers:\n" \
           f"  - {old}: {{{_first_arguments(legacy.LEGACY_LAYERS[old])}}}\n"
    (finding,) = [f for f in check(text) if f.code == "NL902"]
    kept = isinstance(getattr(keras.layers, old, None), type)
    assert finding.severity == ("info" if kept else "error"), finding.text()


def _first_arguments(class_name: str) -> str:
    return {"Dense": "units: 2", "LSTM": "units: 2", "GRU": "units: 2", "ReLU": ""}.get(
        class_name, "filters: 2, kernel_size: 3")


@pytest.mark.parametrize("text, old, keras_takes_it", [
    ("  - LSTM: {units: 2, dropout_W: 0.1}\n", "dropout_W",
     lambda: keras.layers.LSTM(2, dropout_W=0.1)),
    ("  - LSTM: {units: 2, implementation: 2}\n", "implementation",
     lambda: keras.layers.LSTM(2, implementation=2)),
    ("  - LeakyReLU: {alpha: 0.1}\n", "alpha", lambda: keras.layers.LeakyReLU(alpha=0.1)),
    ("  - Dense: {output_dim: 2}\n", "output_dim", lambda: keras.layers.Dense(output_dim=2)),
])
def test_a_keras_1_argument_is_an_error_unless_keras_3_still_takes_it(text, old,
                                                                     keras_takes_it):
    try:
        keras_takes_it()
        takes = True
    except (TypeError, ValueError):
        takes = False
    findings = [f for f in check("input: {shape: [8, 3]}\nlayers:\n" + text)
                if f.code == "NL901"]
    assert findings and all(f.severity == ("info" if takes else "error") for f in findings)
