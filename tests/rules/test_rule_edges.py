"""Rule behaviour that needs data files next to the model (.npy/.npz values, labels read
from a file), which a rule card's text cannot carry. A model alone and the findings it
raises is a case in the rule's card (rules/NLxxx.yaml, `cases:`; tests/rules/test_cards.py
runs them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from netlint.pipeline import lint_loaded
from netlint.rules.config import Config
from netlint.loader import load, load_text


def lint(text: str, options: dict | None = None, folder: Path | None = None) -> list:
    config = Config(options=options or {}, isolated=True)
    if folder is None:
        return lint_loaded(load_text(text, "m.yaml"), config).findings
    path = folder / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return lint_loaded(load(path), config).findings


def only(findings: list, code: str) -> list:
    return [f for f in findings if f.code == code]


def test_nl303_labels_read_from_files(tmp_path):
    np.save(tmp_path / "onehot.npy", np.eye(4, dtype=np.float32)[[0, 1, 3, 2, 1]])
    text = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 4, activation: softmax}\n"
            "compile: {loss: sparse_categorical_crossentropy, optimizer: adam}\n"
            "data:\n  y: {path: onehot.npy}\n")
    found = only(lint(text, folder=tmp_path), "NL303")
    assert len(found) == 1 and "one-hot" in found[0].message


def test_nl307_multi_hot_rows_found_in_the_file(tmp_path):
    np.save(tmp_path / "y.npy", np.array([[1, 1, 0], [0, 1, 0]], dtype=np.int8))
    text = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 3, activation: softmax}\n"
            "compile: {loss: categorical_crossentropy, optimizer: adam}\n"
            "data:\n  y: {path: y.npy}\n")
    assert len(only(lint(text, folder=tmp_path), "NL307")) == 1


def test_nl311_class_ids_scaled_to_fractions_in_the_file(tmp_path):
    head = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 7, activation: softmax}\n"
            "compile: {loss: sparse_categorical_crossentropy, optimizer: adam}\ndata:\n")
    np.save(tmp_path / "scaled.npy", np.array([0.0, 1 / 6, 0.5, 1.0]))
    scaled = only(lint(head + "  y: {path: scaled.npy}\n", folder=tmp_path), "NL311")
    assert len(scaled) == 1 and "fractions" in scaled[0].message


def test_nl501_from_file_values_and_embedding_ids_exempt(tmp_path):
    np.save(tmp_path / "x.npy", np.array([[0, 4000.0], [1, 2]]))
    dense = ("input: {shape: [2]}\nlayers:\n  - Dense: {units: 1}\n"
             "data:\n  x: {path: x.npy}\n")
    found = only(lint(dense, folder=tmp_path), "NL501")
    assert len(found) == 1 and "[0, 4000]" in found[0].message
    assert not only(lint(dense, {"NL501": {"max_abs": 5000.0}}, folder=tmp_path), "NL501")
    tokens = ("input: {shape: [2]}\nlayers:\n  - Embedding: {input_dim: 5000, output_dim: 4}\n"
              "data:\n  x: {path: x.npy}\n")
    assert not only(lint(tokens, folder=tmp_path), "NL501")


def test_nl503_and_nl504_from_real_files(tmp_path):
    np.save(tmp_path / "x.npy", np.array([[1.0, np.nan], [2.0, 3.0]]))
    text = ("input: {shape: [2]}\nlayers:\n  - Dense: {units: 1}\n"
            "data:\n  x: {path: x.npy}\n  y: {path: y.npy}\n")
    found = lint(text, folder=tmp_path)
    assert len(only(found, "NL504")) == 1 and "1 NaN" in only(found, "NL504")[0].message
    assert len(only(found, "NL503")) == 1 and "'y.npy'" in only(found, "NL503")[0].message


def test_raw_pixels_and_class_ids_read_from_files(tmp_path):
    (tmp_path / "data").mkdir()
    rng = np.random.default_rng(0)
    np.save(tmp_path / "data" / "x.npy", rng.integers(0, 256, (64, 8, 8, 1), dtype=np.uint8))
    np.save(tmp_path / "data" / "y.npy", rng.integers(0, 10, 64))
    text = ("input: {shape: [8, 8, 1]}\nlayers:\n"
            "  - Conv2D: {filters: 4, kernel_size: 3, activation: relu}\n  - Flatten\n"
            "  - Dense: {units: 10, activation: softmax}\n"
            "compile: {loss: categorical_crossentropy, optimizer: adam}\n"
            "data:\n  x: {path: data/x.npy}\n  y: {path: data/y.npy}\n")
    found = lint(text, folder=tmp_path)
    assert sorted(f.code for f in found) == ["NL303", "NL501"]  # not NL311 too: one cause
    assert (only(found, "NL501")[0].line, only(found, "NL501")[0].column) == (8, 13)
