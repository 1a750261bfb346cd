"""Reshaping layers against real Keras: shapes and refusals (none has weights).

Built and, where every length is known, run (compare_layer_and_run): a layer
Keras builds but cannot run counts as refused.
"""

from math import prod

import pytest
from hypothesis import given, settings, strategies as st

from keras_oracle import compare_layer_and_run, netlint_layer
from netlint.layers.base import ShapeError

DATA_FORMATS = st.sampled_from([None, "channels_last", "channels_first"])
LENGTH = st.one_of(st.integers(1, 7), st.integers(1, 7), st.integers(1, 7), st.none())


def with_format(kwargs, data_format):
    return kwargs if data_format is None else {**kwargs, "data_format": data_format}


@st.composite
def spatial_shape(draw, rank, max_len=9):
    """A per-sample shape for a layer with `rank` spatial axes, sometimes one axis off."""
    length = st.one_of(st.integers(1, max_len), st.integers(1, max_len), st.none())
    shape = draw(st.lists(length, min_size=rank, max_size=rank)) + [draw(st.integers(1, 4))]
    off = draw(st.sampled_from([0, 0, 0, 0, 0, -1, 1]))
    return tuple(shape[1:] if off < 0 else shape + [2] if off > 0 else shape)


@settings(max_examples=120, deadline=None)
@given(shape=st.lists(LENGTH, max_size=4).map(tuple), data_format=DATA_FORMATS)
def test_flatten(shape, data_format):
    compare_layer_and_run("Flatten", with_format({}, data_format), [shape])


@st.composite
def reshape_case(draw):
    """An input shape and a target: a real regrouping of its elements, or a guess."""
    shape = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    if draw(st.booleans()):
        dims = draw(st.permutations(shape))
        cut = draw(st.integers(1, len(dims)))
        target = [prod(dims[:cut])] + dims[cut:]
    else:
        target = draw(st.lists(st.integers(0, 12), min_size=1, max_size=3))
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    if draw(st.integers(0, 5)) == 0:
        shape[draw(st.integers(0, len(shape) - 1))] = None
    return tuple(shape), target


@settings(max_examples=400, deadline=None)
@given(case=reshape_case())
def test_reshape(case):
    shape, target = case
    compare_layer_and_run("Reshape", {"target_shape": target}, [shape])


@settings(max_examples=120, deadline=None)
@given(data=st.data(), n=st.integers(1, 4), extra=st.sampled_from([0, 0, 0, -1, 1]))
def test_permute(data, n, extra):
    dims = data.draw(st.permutations(list(range(1, n + 1))))
    shape = data.draw(st.lists(LENGTH, min_size=n + extra, max_size=n + extra))
    compare_layer_and_run("Permute", {"dims": dims}, [tuple(shape)])


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 6), shape=st.lists(LENGTH, min_size=0, max_size=3).map(tuple))
def test_repeat_vector(n, shape):
    compare_layer_and_run("RepeatVector", {"n": n}, [shape])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), data_format=DATA_FORMATS)
def test_up_sampling(data, rank, data_format):
    if rank == 1:
        kwargs = {"size": data.draw(st.integers(1, 4))}  # UpSampling1D has no data_format
    else:
        kwargs = with_format({"size": data.draw(per_axis(rank, 1, 4))}, data_format)
    if rank == 2:
        kwargs["interpolation"] = data.draw(st.sampled_from(["nearest", "bilinear", "bicubic"]))
    shape = data.draw(spatial_shape(rank))
    compare_layer_and_run(f"UpSampling{rank}D", kwargs, [shape])


def per_axis(rank, low, high):
    return st.one_of(st.integers(low, high),
                     st.lists(st.integers(low, high), min_size=rank, max_size=rank))


def sides(rank, low, high):
    """ZeroPadding/Cropping's forms: n, one n per axis, or (before, after) per axis."""
    pair = st.one_of(st.integers(low, high), st.lists(st.integers(low, high), min_size=2,
                                                       max_size=2))
    if rank == 1:
        return pair
    return st.one_of(st.integers(low, high), st.lists(pair, min_size=rank, max_size=rank))


@settings(max_examples=250, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), data_format=DATA_FORMATS)
def test_zero_padding(data, rank, data_format):
    # Keras builds ZeroPadding2D/3D with a negative int (a smaller output) but
    # cannot run it; the pair forms it refuses outright
    padding = data.draw(st.one_of(sides(rank, 0, 3), st.integers(-4, -1)))
    kwargs = with_format({"padding": padding}, data_format)
    compare_layer_and_run(f"ZeroPadding{rank}D", kwargs, [data.draw(spatial_shape(rank))])


@settings(max_examples=250, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), data_format=DATA_FORMATS)
def test_cropping(data, rank, data_format):
    kwargs = {"cropping": data.draw(sides(rank, 0, 3))}
    if rank > 1:  # Cropping1D has no data_format
        kwargs = with_format(kwargs, data_format)
    compare_layer_and_run(f"Cropping{rank}D", kwargs, [data.draw(spatial_shape(rank))])


@pytest.mark.parametrize("class_name, kwargs, shape", [
    # defaults
    ("Flatten", {}, ()),
    ("UpSampling1D", {}, (4, 3)),
    ("UpSampling2D", {}, (4, 4, 3)),
    ("UpSampling3D", {}, (2, 3, 4, 3)),
    ("ZeroPadding1D", {}, (4, 3)),
    ("ZeroPadding2D", {}, (4, 4, 3)),
    ("ZeroPadding3D", {}, (2, 3, 4, 3)),
    ("Cropping1D", {}, (4, 3)),
    ("Cropping2D", {}, (4, 4, 3)),
    ("Cropping3D", {}, (3, 3, 4, 3)),
    # Reshape: counts, the -1, and what Keras refuses
    ("Reshape", {"target_shape": [4, 125]}, (100, 5)),
    ("Reshape", {"target_shape": [4, 126]}, (100, 5)),
    ("Reshape", {"target_shape": [-1, 7]}, (100, 5)),
    ("Reshape", {"target_shape": [-1, -1]}, (100, 5)),
    ("Reshape", {"target_shape": [-2, 250]}, (100, 5)),
    ("Reshape", {"target_shape": [0, -1]}, (3, 4)),
    ("Reshape", {"target_shape": [-1, 4]}, (None, 4)),
    ("Reshape", {"target_shape": [3, 5]}, (None, 4)),  # unknown length: Keras trusts it
    ("Reshape", {"target_shape": [None, 4]}, (3, 4)),
    ("Reshape", {"target_shape": 12}, (3, 4)),
    ("Reshape", {"target_shape": []}, (1,)),
    # Permute and RepeatVector arguments
    ("Permute", {"dims": [1, 3]}, (2, 3)),
    ("Permute", {"dims": [0, 1]}, (2, 3)),
    ("Permute", {"dims": [2, 1]}, (2, 3, 4)),
    ("RepeatVector", {"n": 0}, (3,)),
    ("RepeatVector", {"n": True}, (3,)),
    ("UpSampling1D", {"size": 0}, (4, 3)),
    ("UpSampling1D", {"size": True}, (4, 3)),
    ("UpSampling2D", {"size": 0}, (4, 4, 3)),
    ("UpSampling2D", {"interpolation": "lanczos5"}, (4, 4, 3)),
    ("UpSampling2D", {"interpolation": "Bilinear"}, (4, 4, 3)),
    ("UpSampling2D", {"interpolation": "cubic"}, (4, 4, 3)),  # built, cannot run
    ("UpSampling3D", {"size": [2, 2]}, (2, 3, 4, 3)),
    # padding: Keras builds negative ints (even to a zero length) but cannot run them
    ("ZeroPadding2D", {"padding": -1}, (5, 5, 3)),
    ("ZeroPadding2D", {"padding": -3}, (6, 6, 3)),
    ("ZeroPadding2D", {"padding": -3}, (5, 5, 3)),
    ("ZeroPadding2D", {"padding": -3}, (None, 6, 3)),
    ("ZeroPadding3D", {"padding": -1, "data_format": "channels_first"}, (3, 5, 5, 5)),
    ("ZeroPadding1D", {"padding": -1}, (5, 3)),
    ("ZeroPadding2D", {"padding": [[1, -1], [0, 0]]}, (5, 5, 3)),
    ("ZeroPadding2D", {"padding": [1, 2, 3]}, (5, 5, 3)),
    ("ZeroPadding1D", {"padding": [1, 2, 3]}, (5, 3)),
    # cropping too much, or negative
    ("Cropping1D", {"cropping": [2, 2]}, (4, 3)),
    ("Cropping1D", {"cropping": [2, 1]}, (4, 3)),
    ("Cropping2D", {"cropping": -1}, (5, 5, 3)),
    ("Cropping2D", {"cropping": [[0, 5], [0, 0]]}, (5, 5, 3)),
    ("Cropping2D", {"cropping": 2, "data_format": "channels_first"}, (3, 5, None)),
    ("Cropping3D", {"cropping": 1}, (2, 5, 5, 3)),
    ("Cropping3D", {"cropping": -1}, (5, 5, 5, 3)),
    # data_format spellings
    ("UpSampling2D", {"data_format": "CHANNELS_FIRST"}, (3, 4, 4)),
    ("ZeroPadding1D", {"data_format": "channels_middle"}, (4, 3)),
    ("Flatten", {"data_format": "nhwc"}, (4, 3)),
])
def test_reshaping_cases(class_name, kwargs, shape):
    compare_layer_and_run(class_name, kwargs, [shape])


def test_batch_size_passes_through():
    compare_layer_and_run("Reshape", {"target_shape": [-1]}, [(4, 3)], batch_size=8)
    compare_layer_and_run("RepeatVector", {"n": 3}, [(4,)], batch_size=8)


def refusal(class_name, kwargs, shape) -> ShapeError:
    with pytest.raises(ShapeError) as info:
        netlint_layer(class_name, kwargs, [shape])
    return info.value


def test_reshape_messages_show_the_counts():
    error = refusal("Reshape", {"target_shape": [4, 126]}, (100, 5))
    assert error.message == ("Reshape (4, 126) needs 4 x 126 = 504 elements but gets "
                             "100 x 5 = 500 from (None, 100, 5)")
    assert error.kind == "size"
    error = refusal("Reshape", {"target_shape": [-1, 7]}, (100, 5))
    assert "100 x 5 = 500 elements" in error.message and "divide by 7" in error.message
    assert refusal("Reshape", {"target_shape": [-1, -1]}, (100, 5)).kind == "value"


def test_rank_and_crop_messages():
    error = refusal("RepeatVector", {"n": 3}, (4, 3))
    assert error.message == "RepeatVector needs a 2D input (batch, features) but got (None, 4, 3)"
    assert (error.kind, error.expected_rank) == ("rank", 2)
    error = refusal("Cropping1D", {"cropping": [2, 2]}, (4, 3))
    assert error.message.startswith("Cropping1D cropping (2, 2) removes 4 of the 4 steps")

