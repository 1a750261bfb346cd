"""Pooling layers against real Keras: shapes and refusals (none has weights).

Built and, where every length is known, run (compare_layer_and_run): a layer
Keras builds but cannot run counts as refused.
"""

import pytest
from hypothesis import given, settings, strategies as st

from keras_oracle import compare_layer_and_run, netlint_layer
from netlint.layers.base import ShapeError

DATA_FORMATS = st.sampled_from([None, "channels_last", "channels_first"])


def per_axis(rank, low, high):
    return st.one_of(st.integers(low, high),
                     st.lists(st.integers(low, high), min_size=rank, max_size=rank))


@st.composite
def pool_input(draw, rank, data_format, max_len=10):
    """Per-sample shape, any channel count (None too), sometimes the wrong rank."""
    length = st.one_of(st.integers(1, max_len), st.integers(1, max_len), st.none())
    spatial = draw(st.lists(length, min_size=rank, max_size=rank))
    channels = draw(st.one_of(st.integers(1, 5), st.none()))
    shape = [channels] + spatial if data_format == "channels_first" else spatial + [channels]
    off = draw(st.sampled_from([0, 0, 0, 0, 0, -1, 1]))
    if off < 0:
        shape = shape[1:]
    elif off > 0:
        shape = shape + [draw(st.integers(1, 3))]
    return tuple(shape)


@settings(max_examples=500, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), kind=st.sampled_from(["Max", "Average"]),
       padding=st.sampled_from(["valid", "same"]), data_format=DATA_FORMATS)
def test_pooling(data, rank, kind, padding, data_format):
    kwargs = {"pool_size": data.draw(per_axis(rank, 1, 4)), "padding": padding}
    strides = data.draw(st.one_of(st.none(), per_axis(rank, 1, 3)))
    if strides is not None:
        kwargs["strides"] = strides
    if data_format is not None:
        kwargs["data_format"] = data_format
    shape = data.draw(pool_input(rank, data_format, max_len=10 if rank < 3 else 6))
    compare_layer_and_run(f"{kind}Pooling{rank}D", kwargs, [shape])


@settings(max_examples=250, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), kind=st.sampled_from(["Max", "Average"]),
       keepdims=st.booleans(), data_format=DATA_FORMATS)
def test_global_pooling(data, rank, kind, keepdims, data_format):
    kwargs = {"keepdims": keepdims}
    if data_format is not None:
        kwargs["data_format"] = data_format
    shape = data.draw(pool_input(rank, data_format, max_len=8))
    compare_layer_and_run(f"Global{kind}Pooling{rank}D", kwargs, [shape])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), kind=st.sampled_from(["Max", "Average"]),
       data_format=st.sampled_from([None, "channels_last", "channels_first"]))
def test_adaptive_pooling(data, rank, kind, data_format):
    kwargs = {"output_size": data.draw(per_axis(rank, 1, 5))}
    if data_format is not None:
        kwargs["data_format"] = data_format
    length = st.one_of(st.integers(1, 8), st.none())
    spatial = data.draw(st.lists(length, min_size=rank, max_size=rank))
    channels = data.draw(st.integers(1, 4))
    shape = [channels] + spatial if data_format == "channels_first" else spatial + [channels]
    compare_layer_and_run(f"Adaptive{kind}Pooling{rank}D", kwargs, [tuple(shape)])


@pytest.mark.parametrize("class_name, kwargs, shape", [
    # defaults and Keras 3's second names
    ("MaxPooling1D", {}, (9, 3)),
    ("MaxPooling2D", {}, (9, 9, 3)),
    ("MaxPooling3D", {}, (5, 5, 5, 3)),
    ("MaxPool1D", {}, (9, 3)),
    ("MaxPool2D", {"pool_size": 3}, (9, 9, 3)),
    ("MaxPool3D", {"strides": 1}, (4, 4, 4, 3)),
    ("AvgPool1D", {"pool_size": 3}, (9, 3)),
    ("AvgPool2D", {"pool_size": [2, 3], "padding": "same"}, (9, 9, 3)),
    ("AvgPool3D", {"pool_size": 2}, (5, 5, 5, 3)),
    ("GlobalMaxPool1D", {}, (9, 3)),
    ("GlobalMaxPool2D", {"keepdims": True}, (9, 9, 3)),
    ("GlobalMaxPool3D", {"data_format": "channels_first"}, (3, 4, 4, 4)),
    ("GlobalAvgPool1D", {"keepdims": True, "data_format": "channels_first"}, (3, 9)),
    ("GlobalAvgPool2D", {}, (9, 9, 3)),
    ("GlobalAvgPool3D", {"keepdims": True}, (4, 4, 4, 3)),
    # AveragePooling has no default pool_size
    ("AveragePooling2D", {}, (9, 9, 3)),
    # pooling compares padding as written (convolutions lower-case it)
    ("MaxPooling1D", {"padding": "SAME"}, (9, 3)),
    ("MaxPooling1D", {"padding": "causal"}, (9, 3)),
    # ... but data_format is lower-cased
    ("MaxPooling2D", {"data_format": "Channels_First"}, (3, 8, 8)),
    ("MaxPooling2D", {"data_format": "nchw"}, (3, 8, 8)),
    # a zero stride passes the constructor and fails when the shape is computed
    ("MaxPooling1D", {"strides": 0}, (9, 3)),
    ("MaxPooling1D", {"pool_size": 0}, (9, 3)),
    ("MaxPooling2D", {"pool_size": [2, 2, 2]}, (9, 9, 3)),
    # windows larger than the input
    ("MaxPooling1D", {"pool_size": 5}, (3, 8)),
    ("MaxPooling1D", {"pool_size": 5, "padding": "same"}, (3, 8)),
    ("AveragePooling2D", {"pool_size": [2, 7]}, (9, 6, 3)),
    ("MaxPooling1D", {"pool_size": 50}, (None, 8)),
    # wrong rank
    ("MaxPooling2D", {}, (28, 28)),
    ("GlobalAveragePooling1D", {}, (10,)),
    ("GlobalMaxPooling2D", {}, (4, 4, 4, 3)),
    # adaptive: Keras compares data_format as written; sizes may be larger than the input
    ("AdaptiveAveragePooling1D", {"output_size": 3, "data_format": "Channels_first"}, (10, 6)),
    ("AdaptiveMaxPooling2D", {"output_size": [20, 1]}, (10, 6, 3)),
    ("AdaptiveMaxPooling3D", {"output_size": [2, 2]}, (4, 4, 4, 3)),
    ("AdaptiveAveragePooling2D", {"output_size": -1}, (4, 4, 3)),
    # ... and builds these, which cannot run: a size of 0, and any rank
    ("AdaptiveAveragePooling1D", {"output_size": 0}, (4, 3)),
    ("AdaptiveMaxPooling2D", {"output_size": [2, 0]}, (4, 4, 3)),
    ("AdaptiveAveragePooling1D", {"output_size": 3}, (4, 5, 6)),
    ("AdaptiveMaxPooling2D", {"output_size": 2}, (4, 3)),
])
def test_pooling_cases(class_name, kwargs, shape):
    compare_layer_and_run(class_name, kwargs, [shape])


def test_batch_size_passes_through():
    compare_layer_and_run("MaxPooling2D", {}, [(8, 8, 3)], batch_size=4)
    compare_layer_and_run("GlobalAveragePooling1D", {"keepdims": True}, [(8, 3)], batch_size=4)


def refusal(class_name, kwargs, shape) -> ShapeError:
    with pytest.raises(ShapeError) as info:
        netlint_layer(class_name, kwargs, [shape])
    return info.value


def test_adaptive_pooling_refuses_the_wrong_rank():
    # Keras builds it on any rank, but the pooling op fails when the model runs
    error = refusal("AdaptiveAveragePooling1D", {"output_size": 3}, (4, 5, 6))
    assert (error.kind, error.expected_rank) == ("rank", 3)


def test_messages():
    error = refusal("MaxPooling1D", {"pool_size": 5}, (3, 8))
    assert error.message.startswith("MaxPooling1D pool_size 5 is larger than the 3 steps it gets")
    assert error.kind == "size"
    error = refusal("MaxPooling2D", {}, (28, 28))
    assert error.message == ("MaxPooling2D needs a 4D input (batch, height, width, channels) "
                             "but got (None, 28, 28)")
    assert error.expected_rank == 4
    assert refusal("MaxPooling1D", {"padding": "SAME"}, (9, 3)).kind == "value"
