"""The label and data faults of issue 17 read from .npy files, which cards cannot hold:
class ids counted from the file's values (NL303), token ids (NL313), and the input and
target scales (NL501, NL502). One mistake, one finding.
"""

from __future__ import annotations

import numpy as np

from netlint.api import check
from netlint.rules.config import Config

DENSE_HEAD = """\
input: {{shape: [20]}}
layers:
  - Dense: {{units: 16, activation: relu}}
  - Dense: {{units: {units}, activation: {act}}}
compile: {{loss: {loss}, optimizer: adam}}
data:
  y: {{path: y.npy}}
"""


def lint_file(tmp_path, text: str) -> list:
    model = tmp_path / "model.yaml"
    model.write_text(text, encoding="utf-8")
    return check(model, Config(isolated=True))


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_integer_ids_from_a_file_make_a_ten_class_problem(tmp_path):
    np.save(tmp_path / "y.npy", np.arange(1000, dtype=np.int64) % 10)
    found = lint_file(tmp_path, DENSE_HEAD.format(units=1, act="sigmoid",
                                                  loss="binary_crossentropy"))
    assert codes(found) == ["NL303"]
    assert found[0].fix == "set units: 10, activation: softmax, " \
        "loss: sparse_categorical_crossentropy"
    assert "(class ids [0, 9])" in found[0].message


def test_float_file_of_whole_numbers_is_not_read_as_ids_under_mse(tmp_path):
    np.save(tmp_path / "y.npy", (np.arange(1000) % 10).astype(np.float32))
    assert codes(lint_file(tmp_path, DENSE_HEAD.format(units=1, act="linear",
                                                       loss="mse"))) == []


def test_binary_ids_from_a_file_fit_one_sigmoid_unit(tmp_path):
    np.save(tmp_path / "y.npy", np.arange(1000, dtype=np.int64) % 2)
    assert codes(lint_file(tmp_path, DENSE_HEAD.format(units=1, act="sigmoid",
                                                       loss="binary_crossentropy"))) == []


def test_token_ids_from_a_file_reach_past_the_embedding(tmp_path):
    np.save(tmp_path / "x.npy", (np.arange(20000, dtype=np.int32) % 10000 + 1).reshape(1000, 20))
    found = lint_file(tmp_path, """\
input: {shape: [20], dtype: int32}
layers:
  - Embedding: {input_dim: 10000, output_dim: 8}
  - GlobalAveragePooling1D
  - Dense: {units: 1, activation: sigmoid}
compile: {loss: binary_crossentropy, optimizer: adam}
data:
  x: {path: x.npy}
""")
    assert codes(found) == ["NL313"]
    assert found[0].fix == "set input_dim: 10001 (the largest id + 1)"
    assert (found[0].position.line, found[0].position.column) == (3, 28)


def test_scales_of_inputs_and_targets_from_files(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "a.npy", (rng.random((200, 8)) * 5000).astype(np.float32))
    np.save(tmp_path / "price.npy", (rng.random((200, 1)) * 3000 + 1000).astype(np.float32))
    found = lint_file(tmp_path, """\
inputs:
  a: {shape: [8]}
  b: {shape: [3]}
layers:
  - Concatenate: {}
    from: [a, b]
  - Dense: {units: 16, activation: relu}
  - Dense: {units: 1, name: price}
outputs: [price]
compile: {loss: {price: mse}, optimizer: adam}
data:
  a: {path: a.npy}
  b: {shape: [200, 3], range: [0, 1]}
  price: {path: price.npy}
""")
    assert codes(found) == ["NL501", "NL502"]
    assert "data a (a.npy)" in found[0].message and "data price (price.npy)" in found[1].message
