"""Merge layers against real Keras: shapes, broadcasting, refusals."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import (
    compare_layer_and_run,
    netlint_layer,
)

from netlint.layers.base import ShapeError

# --- shapes that are often compatible, sometimes not ---------------------------------------

dims = st.sampled_from([1, 2, 3, 4, None])


@st.composite
def related_shapes(draw, count=st.integers(2, 4), min_rank=1, max_rank=3):
    """Several per-sample shapes derived from one base, so that many cases merge."""
    base = draw(st.lists(st.integers(1, 4), min_size=min_rank, max_size=max_rank))
    shapes = []
    for _ in range(draw(count)):
        shape = list(base)
        if len(shape) > 1 and draw(st.integers(0, 4)) == 0:
            shape = shape[draw(st.integers(1, len(shape) - 1)):]  # lower rank
        for i in range(len(shape)):
            if draw(st.integers(0, 3)) == 0:
                shape[i] = draw(dims)
        shapes.append(tuple(shape))
    return shapes


ELEMENTWISE = ["Add", "Multiply", "Average", "Maximum", "Minimum"]


batch_sizes = st.sampled_from([None, None, 4])


@settings(max_examples=250, deadline=None)
@given(class_name=st.sampled_from(ELEMENTWISE), shapes=related_shapes(), batch_size=batch_sizes)
def test_elementwise(class_name, shapes, batch_size):
    compare_layer_and_run(class_name, {}, shapes, batch_size=batch_size)


@settings(max_examples=100, deadline=None)
@given(shapes=related_shapes(count=st.integers(1, 3)))
def test_subtract(shapes):
    compare_layer_and_run("Subtract", {}, shapes)


@pytest.mark.parametrize("class_name", ELEMENTWISE + ["Subtract"])
@pytest.mark.parametrize("shapes", [
    [(32,), (32,)], [(32,), (16,)], [(3, 4), (4,)], [(4, 3), (4,)], [(1, 4), (3, 1)],
    [(None, 4), (3, 4)], [(None,), (1,)], [(3, 4), (3, 4), (3, 4)], [(5,)], [(2, 3), ()],
])
def test_elementwise_cases(class_name, shapes):
    compare_layer_and_run(class_name, {}, shapes)


@pytest.mark.parametrize("class_name", ["Add", "Concatenate", "Subtract"])
def test_known_batch(class_name):
    compare_layer_and_run(class_name, {}, [(3, 4), (3, 4)], batch_size=5)


@settings(max_examples=250, deadline=None)
@given(axis=st.integers(-4, 3), shapes=related_shapes(count=st.integers(1, 3)),
       batch_size=batch_sizes)
def test_concatenate(axis, shapes, batch_size):
    compare_layer_and_run("Concatenate", {"axis": axis}, shapes, batch_size=batch_size)


@pytest.mark.parametrize("axis, shapes", [
    (-1, [(10, 32), (4,)]), (-1, [(10, 32), (10, 4)]), (1, [(10, 32), (4, 32)]),
    (1, [(None, 32), (4, 32)]), (2, [(3, None), (3,)]), (2, [(3,), (3,)]),
    (-3, [(2, 3), (2, 3)]), (-4, [(2, 3), (2, 3)]), (0, [(2, 3), (2, 3)]),
])
def test_concatenate_cases(axis, shapes):
    compare_layer_and_run("Concatenate", {"axis": axis}, shapes)


def test_concatenate_on_batch_axis():
    compare_layer_and_run("Concatenate", {"axis": 0}, [(2, 3), (2, 3)], batch_size=4)


axes = st.one_of(st.integers(-4, 3), st.tuples(st.integers(-4, 3), st.integers(-4, 3)))


@settings(max_examples=300, deadline=None)
@given(axes=axes, normalize=st.booleans(),
       shape1=st.lists(st.sampled_from([2, 3, None]), min_size=1, max_size=3).map(tuple),
       shape2=st.lists(st.sampled_from([2, 3, None]), min_size=1, max_size=3).map(tuple))
def test_dot(axes, normalize, shape1, shape2):
    compare_layer_and_run("Dot", {"axes": axes, "normalize": normalize}, [shape1, shape2])


@pytest.mark.parametrize("axes, shapes", [
    (1, [(8,), (8,)]), (-1, [(5, 8), (7, 8)]), ((1, 2), [(3, 5), (2, 3)]),
    ((2, 2), [(4, 8), (5, 8)]), (0, [(8,), (8,)]), (-2, [(8,), (8,)]), (-3, [(8,), (8,)]),
    (1, [(8,), (4,)]), (1, [(None,), (4,)]), (1, [(8,), (8,), (8,)]), (1, [(8,)]),
    ([2, 1], [(4, 3), (3, 6)]), ((1, -1), [(3, 4), (4, 3)]),
])
def test_dot_cases(axes, shapes):
    compare_layer_and_run("Dot", {"axes": axes}, shapes)


def test_messages():
    with pytest.raises(ShapeError, match=r"Concatenate needs inputs that match except on "
                                         r"axis -1, got \(None, 10, 32\) and \(None, 4\)"):
        netlint_layer("Concatenate", {}, [(10, 32), (4,)])
    with pytest.raises(ShapeError, match=r"Add needs inputs of the same shape .*, got "
                                         r"\(None, 32\) and \(None, 16\)"):
        netlint_layer("Add", {}, [(32,), (16,)])
    with pytest.raises(ShapeError, match=r"Subtract takes exactly 2 inputs, got 3"):
        netlint_layer("Subtract", {}, [(3,), (3,), (3,)])
