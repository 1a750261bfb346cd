"""netlint.model.data: facts about `data:` entries, from declarations or .npy/.npz files.

Files are small temporary arrays, except the bounded-memory tests, which shrink
the chunk and scan sizes so that a few-MB file stands for a huge one.
"""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from netlint.model import data_files as data_module
from netlint.model.data import read_data
from netlint.loader import load, load_text


def model_with(data_yaml: str, folder: Path | None = None, name: str = "model.yaml"):
    """A small model whose `data:` section is `data_yaml`; written to `folder` if given."""
    text = ("input: {shape: [4]}\nlayers:\n  - Dense: {units: 3, activation: softmax}\n"
            "data:\n" + data_yaml)
    if folder is None:
        return load_text(text, "<string>").model
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load(path).model


def entry(info, name="x"):
    assert info is not None and name in info.entries, info
    return info.entries[name]


# -- declared facts ------------------------------------------------------------------

def test_no_data_section_is_none():
    model = load_text("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n").model
    assert read_data(model) is None


def test_declared_entry_keeps_every_fact_and_its_positions():
    info = read_data(model_with(
        "  x: {shape: [100, 4], axes: [samples, features], range: [-2, 3]}\n"
        "  y: {shape: [100], encoding: integer, classes: 3}\n"))
    x, y = entry(info), entry(info, "y")
    assert (x.shape, x.axes, x.value_range) == ((100, 4), ("samples", "features"), (-2.0, 3.0))
    assert (x.samples, x.sample_shape) == (100, (4,))
    assert (y.encoding, y.classes, y.class_count) == ("integer", 3, 3)
    assert (x.shape_position.line, x.shape_position.column) == (5, 14)
    assert x.range_position.line == 5 and x.where_range == x.range_position
    assert info.problems == ()


def test_declared_range_with_nan_or_inf_is_kept_apart():
    x = entry(read_data(model_with("  x: {shape: [10, 4], range: [0, .inf]}\n")))
    assert x.declared_range is None and x.declared_nonfinite == (math.inf,)


def test_entries_are_matched_to_inputs_and_outputs():
    text = ("inputs:\n  a: {shape: [4]}\n  b: {shape: [2]}\nlayers:\n"
            "  - Concatenate: {name: c}\n    from: [a, b]\n  - Dense: {units: 1, name: out}\n"
            "outputs: [out]\ndata:\n  a: {shape: [10, 4]}\n  b: {shape: [10, 2]}\n"
            "  y: {shape: [10, 1]}\n")
    model = load_text(text).model
    info = read_data(model)
    assert info.for_input(model, "a").shape == (10, 4)
    assert info.for_input(model, "b").shape == (10, 2)
    assert info.for_output(model, "out").shape == (10, 1)


# -- .npy and .npz files --------------------------------------------------------------

def test_npy_header_gives_shape_and_dtype(tmp_path):
    np.save(tmp_path / "x.npy", np.arange(24, dtype=np.int16).reshape(6, 4))
    x = entry(read_data(model_with("  x: {path: x.npy}\n", tmp_path)))
    assert (x.shape, x.dtype) == ((6, 4), "int16")
    assert x.value_range == (0.0, 23.0) and x.stats.integral and not x.stats.sampled
    assert x.observed_encoding == "integral"


def test_relative_paths_resolve_against_the_model_folder(tmp_path, monkeypatch):
    (tmp_path / "models" / "data").mkdir(parents=True)
    np.save(tmp_path / "models" / "data" / "x.npy", np.zeros((3, 4), dtype=np.float32))
    monkeypatch.chdir(tmp_path)  # somewhere else than the model's folder
    info = read_data(model_with("  x: {path: data/x.npy}\n", tmp_path / "models"))
    assert entry(info).shape == (3, 4) and info.problems == ()


def test_values_nan_inf_and_range(tmp_path):
    values = np.array([[1.0, -2.5], [np.nan, 7.0], [np.inf, 0.5]])
    np.save(tmp_path / "x.npy", values)
    stats = entry(read_data(model_with("  x: {path: x.npy}\n", tmp_path))).stats
    assert (stats.minimum, stats.maximum) == (-2.5, 7.0)
    assert (stats.nan_count, stats.inf_count, stats.integral) == (1, 1, False)


def test_one_hot_multi_hot_and_binary_labels_are_recognised(tmp_path):
    np.save(tmp_path / "one.npy", np.eye(5, dtype=np.float32)[[0, 3, 1, 4]])
    np.save(tmp_path / "multi.npy", np.array([[1, 0, 1], [0, 1, 0]], dtype=np.uint8))
    np.save(tmp_path / "bin.npy", np.array([0, 1, 1, 0], dtype=bool))
    info = read_data(model_with("  one: {path: one.npy}\n  multi: {path: multi.npy}\n"
                                "  bin: {path: bin.npy}\n", tmp_path))
    assert entry(info, "one").observed_encoding == "one-hot"
    assert entry(info, "one").label_encoding == "one-hot"
    assert entry(info, "multi").observed_encoding == "multi-hot"
    assert entry(info, "bin").observed_encoding == "binary"
    assert entry(info, "bin").label_encoding is None  # 0/1 alone decides no encoding


def test_integer_labels_from_a_file_count_their_classes(tmp_path):
    np.save(tmp_path / "y.npy", np.array([0, 4, 2, 9], dtype=np.int64))
    y = entry(read_data(model_with("  y: {path: y.npy, encoding: integer}\n", tmp_path)), "y")
    assert y.class_count == 10


def test_fortran_order_file_reads_the_same_range(tmp_path):
    values = np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) - 5)
    np.save(tmp_path / "x.npy", values)
    x = entry(read_data(model_with("  x: {path: x.npy}\n", tmp_path)))
    assert x.shape == (3, 4) and x.value_range == (-5.0, 6.0)


def test_npz_member_by_key_by_name_or_alone(tmp_path):
    np.savez_compressed(tmp_path / "d.npz", x=np.ones((5, 4)), y=np.arange(5))
    np.savez(tmp_path / "one.npz", anything=np.full((2, 4), 3.0))
    info = read_data(model_with(
        "  x: {path: d.npz}\n  y: {path: d.npz}\n  other: {path: d.npz, key: y}\n"
        "  single: {path: one.npz}\n", tmp_path))
    assert entry(info).shape == (5, 4) and entry(info).value_range == (1.0, 1.0)
    assert entry(info, "y").value_range == (0.0, 4.0)
    assert entry(info, "other").shape == (5,)
    assert entry(info, "single").value_range == (3.0, 3.0)
    assert info.problems == ()


def test_npz_without_a_clear_member_is_a_problem(tmp_path):
    np.savez(tmp_path / "d.npz", a=np.ones(3), b=np.zeros(3))
    info = read_data(model_with("  x: {path: d.npz}\n  y: {path: d.npz, key: c}\n", tmp_path))
    messages = [p.message for p in info.problems]
    assert len(messages) == 2
    assert "which one is meant" in messages[0] and "there is no 'c'" in messages[1]


# -- problems, never exceptions ------------------------------------------------------

@pytest.mark.parametrize("name, content, words", [
    ("missing.npy", None, "there is no file"),
    ("garbage.npy", b"not a numpy file at all", "cannot read"),
    ("truncated.npy", b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8'", "cannot read"),
    ("table.csv", b"1,2,3\n", "reads .npy and .npz"),
    ("broken.npz", b"PK\x03\x04 not really a zip", "cannot read"),
])
def test_unreadable_files_are_problems(tmp_path, name, content, words):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    info = read_data(model_with(f"  x: {{path: {name}}}\n", tmp_path))
    assert len(info.problems) == 1 and words in info.problems[0].message
    assert info.problems[0].position.line == 5
    assert entry(info).stats is None


def test_pickled_objects_are_never_loaded(tmp_path):
    np.save(tmp_path / "x.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    info = read_data(model_with("  x: {path: x.npy}\n", tmp_path))
    assert "never unpickles" in info.problems[0].message


def test_a_folder_is_not_opened(tmp_path):
    (tmp_path / "x.npy").mkdir()
    info = read_data(model_with("  x: {path: x.npy}\n", tmp_path))
    assert "not a regular file" in info.problems[0].message


def test_declared_shape_that_disagrees_with_the_file(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((10, 4)))
    info = read_data(model_with("  x: {path: x.npy, shape: [10, 5]}\n", tmp_path))
    assert entry(info).shape == (10, 4)
    assert "declares shape (10, 5) but the file holds (10, 4)" in info.problems[0].message


def test_other_format_with_a_declared_shape_is_only_an_info(tmp_path):
    (tmp_path / "x.csv").write_text("1,2\n")
    info = read_data(model_with("  x: {path: x.csv, shape: [1, 4]}\n", tmp_path))
    assert info.problems[0].severity == "info"


# -- bounded memory ------------------------------------------------------------------

def _peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture
def big_file(tmp_path):
    """32 MiB of float64 with known extremes near the start, middle and end."""
    values = np.linspace(-1.0, 1.0, 4 << 20)
    values[10], values[len(values) // 2], values[-3] = -50.0, 99.0, 42.0
    np.save(tmp_path / "big.npy", values.reshape(-1, 8))
    return tmp_path


def test_whole_scan_stays_in_chunk_sized_memory(big_file, monkeypatch):
    monkeypatch.setattr(data_module, "CHUNK_ELEMENTS", 1 << 16)  # 512 KiB per chunk
    model = model_with("  x: {path: big.npy}\n", big_file)
    result = {}
    peak = _peak_bytes(lambda: result.update(info=read_data(model)))
    stats = entry(result["info"]).stats
    assert (stats.minimum, stats.maximum, stats.sampled) == (-50.0, 99.0, False)
    assert stats.count == 4 << 20
    assert peak < 8 << 20, f"peak {peak} bytes for a 32 MiB file"


def test_large_file_is_sampled_within_the_scan_budget(big_file, monkeypatch):
    monkeypatch.setattr(data_module, "CHUNK_ELEMENTS", 1 << 14)
    monkeypatch.setattr(data_module, "SCAN_BYTES", 2 << 20)
    stats = entry(read_data(model_with("  x: {path: big.npy}\n", big_file))).stats
    assert stats.sampled and stats.count <= (2 << 20) // 8
    assert -50.0 <= stats.minimum and stats.maximum <= 99.0  # part of the range, never more


def test_npz_stream_is_read_in_chunks_and_stops_at_the_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "CHUNK_ELEMENTS", 1 << 12)
    monkeypatch.setattr(data_module, "SCAN_BYTES", 1 << 18)
    values = np.zeros((1 << 16, 8))  # 4 MiB, compressed to almost nothing
    values[3, 2] = -50.0
    np.savez_compressed(tmp_path / "big.npz", x=values)
    model = model_with("  x: {path: big.npz}\n", tmp_path)
    result = {}
    peak = _peak_bytes(lambda: result.update(info=read_data(model)))
    stats = entry(result["info"]).stats
    assert stats.sampled and stats.count == (1 << 18) // 8 and stats.minimum == -50.0
    assert peak < 1 << 20
