"""Activation layers against real Keras: arguments, PReLU's alpha, Softmax's axis."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import (
    compare_layer,
    compare_layer_and_run,
    netlint_layer,
)

from netlint.layers.base import ShapeError

# --- activations ---------------------------------------------------------------------------

shapes = st.lists(st.sampled_from([1, 2, 3, None]), min_size=0, max_size=3).map(tuple)
numbers = st.sampled_from([None, -1.0, 0.0, 0.5, 6])


@settings(max_examples=150, deadline=None)
@given(shape=shapes, max_value=numbers, negative_slope=numbers, threshold=numbers)
def test_relu(shape, max_value, negative_slope, threshold):
    compare_layer_and_run("ReLU", {"max_value": max_value, "negative_slope": negative_slope,
                                   "threshold": threshold}, [shape])


@settings(max_examples=60, deadline=None)
@given(shape=shapes, negative_slope=numbers)
def test_leaky_relu(shape, negative_slope):
    compare_layer_and_run("LeakyReLU", {"negative_slope": negative_slope}, [shape])


@settings(max_examples=30, deadline=None)
@given(shape=shapes, alpha=st.sampled_from([0.5, 1.0, -2.0]))
def test_elu(shape, alpha):
    compare_layer_and_run("ELU", {"alpha": alpha}, [shape])


shared_axes = st.one_of(st.none(), st.integers(-3, 4),
                        st.lists(st.integers(-3, 4), max_size=3),
                        st.lists(st.integers(-3, 4), max_size=2).map(tuple))


@settings(max_examples=250, deadline=None)
@given(shape=shapes, shared_axes=shared_axes, trainable=st.booleans())
def test_prelu(shape, shared_axes, trainable):
    compare_layer_and_run("PReLU", {"shared_axes": shared_axes, "trainable": trainable},
                          [shape])


# Several axes as a tuple: Keras keeps a list as a TrackedList, which the numpy
# backend's logsumexp rejects (JAX takes it); a YAML list means the same as a tuple.
softmax_axes = st.one_of(st.integers(-4, 3), st.lists(st.integers(-4, 3), max_size=1),
                         st.lists(st.integers(-4, 3), max_size=3).map(tuple))


@settings(max_examples=250, deadline=None)
@given(shape=shapes, axis=softmax_axes)
def test_softmax(shape, axis):
    compare_layer_and_run("Softmax", {"axis": axis}, [shape])


@pytest.mark.parametrize("class_name, kwargs, shape", [
    ("ReLU", {}, (10, 32)),
    ("ReLU", {"max_value": 6}, (10,)),
    ("ReLU", {"max_value": -1}, (10,)),
    ("ReLU", {"negative_slope": None}, (10,)),
    ("ReLU", {"threshold": -0.5}, (10,)),
    ("LeakyReLU", {"negative_slope": -0.1}, (10,)),
    ("PReLU", {}, (10, 32)),
    ("PReLU", {}, (None, 32)),
    ("PReLU", {"shared_axes": [1, 2]}, (None, None, 3)),
    ("PReLU", {"shared_axes": 1}, (None, 3)),
    ("PReLU", {"shared_axes": [4]}, (5, 3)),
    ("Softmax", {}, (10,)),
    ("Softmax", {"axis": 1}, (5, 3)),
    ("Softmax", {"axis": 3}, (5,)),
    ("Softmax", {"axis": (1, 2)}, (5, 4, 3)),
    ("Softmax", {"axis": (1, -2)}, (5, 4, 3)),
    ("Softmax", {"axis": []}, (5,)),
])
def test_activation_cases(class_name, kwargs, shape):
    compare_layer_and_run(class_name, kwargs, [shape])


@pytest.mark.parametrize("class_name, kwargs", [
    ("ReLU", {"max_value": -1}), ("ReLU", {"negative_slope": None}), ("ReLU", {"threshold": -1}),
    ("ReLU", {"max_value": 6, "negative_slope": 0.1, "threshold": 0.5}),
    ("LeakyReLU", {"negative_slope": -0.1}), ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {"alpha": 0.5}), ("PReLU", {"shared_axes": [1, 2]}),
])
def test_arguments(class_name, kwargs):
    # what Keras checks when the layer is made: compare_layer sees those refusals as is
    compare_layer(class_name, kwargs, [(4, 3)])


def test_prelu_alpha():
    got = netlint_layer("PReLU", {"shared_axes": [1, 2]}, [(28, 28, 16)])
    assert got.trainable == 16


def test_messages():
    with pytest.raises(ShapeError, match=r"Softmax axis 3 is out of range for input "
                                         r"\(None, 5\)"):
        netlint_layer("Softmax", {"axis": 3}, [(5,)])
    with pytest.raises(ShapeError, match=r"ReLU needs `max_value` of 0 or more, got -1"):
        netlint_layer("ReLU", {"max_value": -1}, [(5,)])
