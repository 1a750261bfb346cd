"""Rule behaviour the cards do not show: thresholds from options, data-dependent branches,
and the look-alikes each rule must leave alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netlint.rules.config import Config
from netlint.rules.engine import run_rules
from netlint.spec import load, load_text


def lint(text: str, options: dict | None = None, folder: Path | None = None) -> list:
    config = Config(options=options or {}, isolated=True)
    if folder is None:
        return run_rules(load_text(text, "m.yaml"), config)
    path = folder / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return run_rules(load(path), config)


def only(findings: list, code: str) -> list:
    return [f for f in findings if f.code == code]


def codes(findings: list) -> set:
    return {f.code for f in findings}


# -- NL1xx ----------------------------------------------------------------------------

def test_nl101_leaves_stateful_one_step_models_alone():
    text = ("input: {shape: [1, 4], batch_size: 8}\nlayers:\n"
            "  - LSTM: {units: 8, stateful: true}\n  - Dense: {units: 1}\n")
    assert not only(lint(text), "NL101")


def test_nl101_one_feature_gets_no_swap_advice():
    found = only(lint("input: {shape: [1, 1]}\nlayers:\n  - GRU: {units: 8}\n"), "NL101")
    assert len(found) == 1 and "1 timestep of 1 feature " in found[0].message
    assert "reshape" not in found[0].fix


def test_nl102_uses_sizes_when_no_axes_are_named_and_keeps_none_as_wildcard():
    text = ("input: {shape: [null, 8]}\nlayers:\n  - LSTM: {units: 4}\n"
            "data:\n  x: {shape: [50, 8, 30]}\n")
    found = only(lint(text), "NL102")
    assert len(found) == 1 and "np.transpose(x, (0, 2, 1))" in found[0].fix
    assert not only(lint(text), "NL107")


def test_nl102_declared_axes_disagree_even_when_sizes_match():
    text = ("input: {shape: [16, 16], axes: [time, features]}\nlayers:\n  - LSTM: {units: 4}\n"
            "data:\n  x: {shape: [50, 16, 16], axes: [samples, features, time]}\n")
    assert len(only(lint(text), "NL102")) == 1


def test_nl107_accepts_a_missing_or_extra_trailing_axis_of_one():
    base = "input: {shape: [20, 1]}\nlayers:\n  - LSTM: {units: 4}\ndata:\n  x: {shape: "
    assert not codes(lint(base + "[100, 20]}\n")) & {"NL102", "NL107"}
    found = only(lint(base + "[100, 21]}\n"), "NL107")
    assert len(found) == 1 and "(21,)" in found[0].message


def test_nl103_warning_when_the_kernel_still_fits_and_nothing_for_channels_first():
    text = ("input: {shape: [3, 64, 64]}\nlayers:\n"
            "  - Conv2D: {filters: 8, kernel_size: 3, padding: same, activation: relu}\n"
            "  - GlobalAveragePooling2D: {}\n  - Dense: {units: 2, activation: softmax}\n")
    found = only(lint(text), "NL103")
    assert [f.severity for f in found] == ["warning"]
    assert "(64, 64, 3)" in found[0].fix
    explicit = text.replace("padding: same,", "padding: same, data_format: channels_first,")
    explicit = explicit.replace("GlobalAveragePooling2D: {}",
                                "GlobalAveragePooling2D: {data_format: channels_first}")
    assert not only(lint(explicit), "NL103")


def test_nl103_options_change_what_looks_like_channels():
    text = ("input: {shape: [2, 64, 64]}\nlayers:\n"
            "  - Conv2D: {filters: 8, kernel_size: 3, padding: same, activation: relu}\n"
            "  - Flatten\n  - Dense: {units: 1, activation: sigmoid}\n")
    assert not only(lint(text), "NL103")
    assert only(lint(text, {"NL103": {"channel_sizes": [2]}}), "NL103")


def test_nl104_names_the_wrapped_layer_and_looks_through_dropout():
    text = ("input: {shape: [30, 4]}\nlayers:\n"
            "  - Bidirectional: {layer: {LSTM: {units: 8}}}\n  - Dropout: 0.2\n"
            "  - Conv1D: {filters: 4, kernel_size: 3}\n")
    found = only(lint(text), "NL104")
    assert len(found) == 1 and "inside 'bidirectional'" in found[0].fix
    assert "(None, steps, channels)" in found[0].message
    assert not only(lint(text), "NL105")


def test_nl109_is_a_warning_when_labels_are_one_per_sample():
    text = ("input: {shape: [10, 4]}\nlayers:\n  - LSTM: {units: 8, return_sequences: true}\n"
            "  - Dense: {units: 1}\ncompile: {loss: mse, optimizer: adam}\n"
            "data:\n  y: {shape: [100, 1]}\n")
    found = lint(text)
    assert [f.severity for f in only(found, "NL109")] == ["warning"]
    assert not only(found, "NL106")  # one root cause, one finding
    per_step = text.replace("[100, 1]", "[100, 10, 1]")
    assert not only(lint(per_step), "NL109")


def test_nl110_without_labels_warns_only_for_image_maps():
    head = "  - Dense: {units: 10, activation: softmax}\n"
    image = ("input: {shape: [28, 28, 1]}\nlayers:\n"
             "  - Conv2D: {filters: 4, kernel_size: 3, activation: relu}\n" + head)
    signal = ("input: {shape: [100, 1]}\nlayers:\n"
              "  - Conv1D: {filters: 4, kernel_size: 3, activation: relu}\n" + head)
    assert [f.severity for f in only(lint(image), "NL110")] == ["warning"]
    assert not only(lint(signal), "NL110")


def test_nl111_flags_a_time_axis_pooled_to_one_step_before_an_lstm():
    text = ("input: {shape: [64, 2]}\nlayers:\n  - MaxPooling1D: {pool_size: 64}\n"
            "  - LSTM: {units: 8}\n")
    found = lint(text)
    assert len(only(found, "NL111")) == 1 and not only(found, "NL101")


def test_nl112_leaves_models_with_a_permute_alone():
    text = ("input: {shape: [3, 32, 32]}\nlayers:\n"
            "  - Conv2D: {filters: 8, kernel_size: 3, data_format: channels_first, "
            "activation: relu}\n  - Permute: {dims: [2, 3, 1]}\n"
            "  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n")
    assert not only(lint(text), "NL112")


# -- NL2xx ----------------------------------------------------------------------------

def test_nl202_counts_steps_after_strides_and_thresholds_come_from_options():
    text = ("input: {shape: [2400, 1]}\nlayers:\n"
            "  - Conv1D: {filters: 8, kernel_size: 4, strides: 4, activation: relu}\n"
            "  - LSTM: {units: 8}\n")
    found = only(lint(text), "NL202")
    assert [f.severity for f in found] == ["warning"]
    assert "600 timesteps" in found[0].message and "2400 steps down to 600" in found[0].message
    assert not only(lint(text, {"NL202": {"warn_steps": 1000}}), "NL202")
    strict = only(lint(text, {"long-unbroken-sequence": {"error_steps": 599}}), "NL202")
    assert [f.severity for f in strict] == ["error"]


def test_nl203_sample_count_and_train_batch_must_match_the_fixed_batch():
    text = ("input: {shape: [10, 1], batch_size: 32}\nlayers:\n"
            "  - LSTM: {units: 8, stateful: true}\n  - Dense: {units: 1}\n"
            "data:\n  x: {shape: [1000, 10, 1]}\ntrain: {batch_size: 16}\n")
    messages = [f.message for f in only(lint(text), "NL203")]
    assert len(messages) == 2
    assert any("train.batch_size is 16" in m for m in messages)
    assert any("1000 samples, not a multiple of the batch size 32" in m for m in messages)


def test_nl204_lists_every_reason_and_respects_use_cudnn_false():
    text = ("input: {shape: [10, 4]}\nlayers:\n"
            "  - GRU: {units: 8, activation: relu, reset_after: false}\n")
    found = only(lint(text), "NL204")
    assert len(found) == 1 and "activation: relu" in found[0].message
    assert "reset_after: false" in found[0].message
    opted_out = text.replace("reset_after: false", "reset_after: false, use_cudnn: false")
    assert not only(lint(opted_out), "NL204")


def test_nl205_padded_data_and_masks_from_embeddings():
    text = ("input: {shape: [50]}\nlayers:\n  - Embedding: {input_dim: 100, output_dim: 8}\n"
            "  - LSTM: {units: 8, return_sequences: true}\n  - LSTM: {units: 8}\n"
            "data:\n  x: {shape: [10, 50], padded: true}\n")
    assert len(only(lint(text), "NL205")) == 1  # said once, for the first LSTM
    masked = text.replace("output_dim: 8}", "output_dim: 8, mask_zero: true}")
    assert not only(lint(masked), "NL205")


# -- NL3xx ----------------------------------------------------------------------------

def test_nl303_labels_read_from_files(tmp_path):
    np.save(tmp_path / "onehot.npy", np.eye(4, dtype=np.float32)[[0, 1, 3, 2, 1]])
    text = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 4, activation: softmax}\n"
            "compile: {loss: sparse_categorical_crossentropy, optimizer: adam}\n"
            "data:\n  y: {path: onehot.npy}\n")
    found = only(lint(text, folder=tmp_path), "NL303")
    assert len(found) == 1 and "one-hot" in found[0].message
    ids = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 4, activation: softmax}\n"
           "compile: {loss: categorical_crossentropy, optimizer: adam}\n"
           "data:\n  y: {shape: [5, 1]}\n")
    assert "sparse_categorical_crossentropy" in only(lint(ids), "NL303")[0].fix


def test_nl307_multi_hot_rows_found_in_the_file(tmp_path):
    np.save(tmp_path / "y.npy", np.array([[1, 1, 0], [0, 1, 0]], dtype=np.int8))
    text = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 3, activation: softmax}\n"
            "compile: {loss: categorical_crossentropy, optimizer: adam}\n"
            "data:\n  y: {path: y.npy}\n")
    assert len(only(lint(text, folder=tmp_path), "NL307")) == 1


def test_nl311_fractional_ids_and_ids_beyond_the_units(tmp_path):
    head = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 7, activation: softmax}\n"
            "compile: {loss: sparse_categorical_crossentropy, optimizer: adam}\ndata:\n")
    np.save(tmp_path / "scaled.npy", np.array([0.0, 1 / 6, 0.5, 1.0]))
    scaled = only(lint(head + "  y: {path: scaled.npy}\n", folder=tmp_path), "NL311")
    assert len(scaled) == 1 and "fractions" in scaled[0].message
    from_one = only(lint(head + "  y: {shape: [9], range: [1, 7]}\n"), "NL311")
    assert len(from_one) == 1 and "0..6" in from_one[0].message
    assert not only(lint(head + "  y: {shape: [9], range: [0, 6]}\n"), "NL311")


def test_nl309_and_nl310_follow_the_activation_through_reshape_and_wrappers():
    text = ("input: {shape: [10, 4]}\nlayers:\n  - LSTM: {units: 8, return_sequences: true}\n"
            "  - TimeDistributed: {layer: {Dense: {units: 3}}}\n"
            "compile: {loss: categorical_crossentropy, optimizer: adam}\n")
    assert len(only(lint(text), "NL309")) == 1
    logits = text.replace("loss: categorical_crossentropy",
                          "loss: {CategoricalCrossentropy: {from_logits: true}}")
    assert not codes(lint(logits)) & {"NL309", "NL310"}
    softmax = logits.replace("units: 3}", "units: 3, activation: softmax}")
    assert len(only(lint(softmax), "NL310")) == 1


def test_nl302_not_for_class_labels_under_a_regression_loss():
    text = ("input: {shape: [6]}\nlayers:\n  - Dense: {units: 3, activation: softmax}\n"
            "compile: {loss: mse, optimizer: adam, metrics: [accuracy]}\n"
            "data:\n  y: {shape: [9, 3], encoding: one-hot}\n")
    found = lint(text)
    assert not only(found, "NL302") and only(found, "NL308")


# -- NL4xx, NL5xx ---------------------------------------------------------------------

@pytest.mark.parametrize("optimizer, fires", [
    ("{Adam: {learning_rate: 0.02}}", True), ("{Adam: {learning_rate: 0.01}}", False),
    ("{SGD: {learning_rate: 0.5}}", False), ("{SGD: {learning_rate: 2.0}}", True),
    ("{RMSprop: {lr: 0.1}}", True), ("adam", False),
])
def test_nl401_thresholds(optimizer, fires):
    text = ("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n"
            f"compile: {{loss: mse, optimizer: {optimizer}}}\n")
    assert bool(only(lint(text), "NL401")) is fires


def test_nl401_threshold_from_options():
    text = ("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n"
            "compile: {loss: mse, optimizer: {Adam: {learning_rate: 0.02}}}\n")
    assert not only(lint(text, {"NL401": {"adaptive_max": 0.05}}), "NL401")


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


def test_nl502_only_under_scale_sensitive_losses():
    text = ("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n"
            "compile: {loss: LOSS, optimizer: adam}\n"
            "data:\n  y: {shape: [9, 1], range: [0, 900]}\n")
    assert only(lint(text.replace("LOSS", "huber")), "NL502")
    assert not only(lint(text.replace("LOSS", "mean_squared_logarithmic_error")), "NL502")


def test_nl503_and_nl504_from_real_files(tmp_path):
    np.save(tmp_path / "x.npy", np.array([[1.0, np.nan], [2.0, 3.0]]))
    text = ("input: {shape: [2]}\nlayers:\n  - Dense: {units: 1}\n"
            "data:\n  x: {path: x.npy}\n  y: {path: y.npy}\n")
    found = lint(text, folder=tmp_path)
    assert len(only(found, "NL504")) == 1 and "1 NaN" in only(found, "NL504")[0].message
    assert len(only(found, "NL503")) == 1 and "'y.npy'" in only(found, "NL503")[0].message


# -- NL6xx, NL9xx ---------------------------------------------------------------------

def test_nl601_leaves_bottlenecks_and_explicit_linear_alone():
    autoencoder = ("input: {shape: [784]}\nlayers:\n  - Dense: {units: 64, activation: relu}\n"
                   "  - Dense: {units: 8}\n  - Dense: {units: 64, activation: relu}\n")
    assert not only(lint(autoencoder), "NL601")
    explicit = ("input: {shape: [784]}\nlayers:\n  - Dense: {units: 64, activation: linear}\n"
                "  - Dense: {units: 10, activation: softmax}\n")
    assert not only(lint(explicit), "NL601")
    conv = ("input: {shape: [28, 28, 1]}\nlayers:\n  - Conv2D: {filters: 8, kernel_size: 3}\n"
            "  - Dropout: 0.1\n  - Conv2D: {filters: 8, kernel_size: 3, activation: relu}\n")
    assert len(only(lint(conv), "NL601")) == 1


@pytest.mark.parametrize("initializer, fires", [
    ("ones", True), ("{Constant: {value: 0.1}}", True),
    ("{RandomNormal: {stddev: 1.0}}", True), ("{RandomNormal: {stddev: 0.05}}", False),
    ("{RandomUniform: {minval: -3, maxval: 3}}", True), ("orthogonal", False),
])
def test_nl605_initializers(initializer, fires):
    text = ("input: {shape: [4]}\nlayers:\n"
            f"  - Dense: {{units: 8, activation: relu, kernel_initializer: {initializer}}}\n")
    assert bool(only(lint(text), "NL605")) is fires


@pytest.mark.parametrize("regularizer, fires", [
    ("l2", False), ("{L1L2: {l1: 0.0, l2: 0.2}}", True), ("{l1: {l1: 0.1}}", True),
    ("{L2: {l2: 0.01}}", False),
])
def test_nl603_regularizers(regularizer, fires):
    text = ("input: {shape: [4]}\nlayers:\n"
            f"  - Dense: {{units: 8, activation: relu, kernel_regularizer: {regularizer}}}\n")
    assert bool(only(lint(text), "NL603")) is fires


def test_nl901_first_layer_input_shape_is_info_and_sections_give_the_new_value():
    text = ("layers:\n  - Dense: {units: 8, input_shape: [4], activation: relu}\n"
            "  - Dense: {units: 1}\ncompile: {loss: mse, optimizer: {Adam: {lr: 0.001}}}\n"
            "train: {nb_epoch: 5}\n")
    found = only(lint(text), "NL901")
    by_severity = sorted((f.severity, f.fix) for f in found)
    assert by_severity == [
        ("error", "write epochs: 5"),  # Keras 3 refuses both (test_legacy_severity.py)
        ("error", "write learning_rate: 0.001"),
        ("info", "write `input: {shape: [4]}` at the top instead"),
    ]


def test_nl109_sparse_labels_per_position_fit_a_per_position_head():
    text = ("input: {shape: [32]}\nlayers:\n  - Dense: {units: 64, activation: relu}\n"
            "  - Reshape: {target_shape: [16, 4]}\n  - Dense: {units: 7, activation: softmax}\n"
            "compile: {loss: sparse_categorical_crossentropy, optimizer: adam}\n"
            "data:\n  y: {shape: [100, 16], encoding: integer, classes: 7}\n")
    assert not codes(lint(text)) & {"NL106", "NL109", "NL303"}


def test_nl111_wide_kernel_on_a_tiny_map_but_not_3x3_on_2x2():
    base = ("input: {shape: [8, 8, 3]}\nlayers:\n  - MaxPooling2D: {pool_size: 4}\n"
            "  - Conv2D: {filters: 4, kernel_size: K, padding: same, activation: relu}\n")
    assert not only(lint(base.replace("K", "3")), "NL111")
    assert len(only(lint(base.replace("K", "5")), "NL111")) == 1


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


@pytest.mark.parametrize("layers, severity", [
    ("  - Dense: {units: 8, activation: relu, kernel_initializer: zeros}\n"
     "  - Dense: {units: 1}\n", "warning"),  # hidden: the units never become different
    ("  - Dense: {units: 8, activation: relu}\n"
     "  - Dense: {units: 1, kernel_initializer: zeros}\n", "info"),  # a neutral head
])
def test_nl605_a_zero_kernel_is_a_warning_in_a_hidden_layer_and_an_info_in_the_head(
        layers, severity):
    (finding,) = only(lint("input: {shape: [4]}\nlayers:\n" + layers), "NL605")
    assert finding.severity == severity
