"""Window pooling layers say their window and step: `MaxPooling2D(pool_size=(2, 2), ...)`."""

from __future__ import annotations

import pytest

from netlint.api import load_text
from netlint.drawing import DiagramOptions, build
from netlint.drawing.labels import call_text
from netlint.layers.inference import infer_shapes


def _dot(layers: str, shape: str = "[28, 28, 3]", view: str = "graph") -> str:
    loaded = load_text(f"input: {{shape: {shape}}}\nlayers:\n{layers}")
    assert loaded.model is not None, [f.text() for f in loaded.findings]
    return build(infer_shapes(loaded.model), DiagramOptions(view=view)).source


@pytest.mark.parametrize("layer,expected", [
    ("MaxPooling2D: {}", "MaxPooling2D(pool_size=(2, 2), strides=(2, 2))"),
    ("MaxPooling2D: {pool_size: 3, strides: 1}", "MaxPooling2D(pool_size=3, strides=1)"),
    ("MaxPool2D: {pool_size: [3, 2]}", "MaxPool2D(pool_size=(3, 2), strides=(3, 2))"),
    ("AveragePooling2D: {pool_size: 2, strides: [1, 2], padding: same}",
     "AveragePooling2D(pool_size=2, strides=(1, 2))"),
    ("MaxPooling3D: {}", "MaxPooling3D(pool_size=(2, 2, 2), strides=(2, 2, 2))"),
])
def test_window_pooling_shows_pool_size_and_strides(layer, expected):
    shape = "[8, 8, 8, 3]" if "3D" in layer else "[28, 28, 3]"
    assert expected in _dot(f"  - {layer}\n", shape)


@pytest.mark.parametrize("view", ["graph", "unrolled"])
def test_one_d_pooling_in_both_views(view):
    source = _dot("  - Conv1D: {filters: 4, kernel_size: 3}\n"
                  "  - AveragePooling1D: {pool_size: 4}\n"
                  "  - LSTM: {units: 2}\n", "[40, 3]", view)
    assert "AveragePooling1D(pool_size=4, strides=4)" in source
    assert "Conv1D(4, 3)" in source  # other layers read as before


def test_a_wrapped_pooling_shows_its_window_too():
    source = _dot("  - TimeDistributed: {layer: {MaxPooling1D: {pool_size: 3}}}\n"
                  "  - LSTM: {units: 2}\n", "[10, 9, 2]", "unrolled")
    assert "TimeDistributed(MaxPooling1D(pool_size=3, strides=3))" in source
    assert "label=<MaxPooling1D(pool_size=3, strides=3)>" in source  # the per-step cells


def test_other_layers_keep_their_labels():
    assert call_text("Conv2D", {"filters": 8, "kernel_size": 3, "strides": 2}) == \
        "Conv2D(8, 3)"
    assert call_text("GlobalMaxPooling2D", {}) == "GlobalMaxPooling2D()"
    assert call_text("AdaptiveAveragePooling1D", {"output_size": 4}) == \
        "AdaptiveAveragePooling1D(4)"
    assert call_text("Dense", {"units": 3}) == "Dense(3)"
