"""Core layers against real Keras: shapes and parameter counts."""

import pytest
from hypothesis import given, settings, strategies as st

from keras_oracle import compare_layer

shapes = st.lists(st.integers(1, 9), min_size=1, max_size=4).map(tuple)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, units=st.integers(1, 20), use_bias=st.booleans(),
       trainable=st.booleans())
def test_dense(shape, units, use_bias, trainable):
    compare_layer("Dense", {"units": units, "use_bias": use_bias, "trainable": trainable},
                  [shape])


@settings(max_examples=20, deadline=None)
@given(length=st.integers(1, 12), vocab=st.integers(1, 50), dim=st.integers(1, 16))
def test_embedding(length, vocab, dim):
    compare_layer("Embedding", {"input_dim": vocab, "output_dim": dim}, [(length,)])


@pytest.mark.parametrize("class_name, kwargs", [
    ("Activation", {"activation": "relu"}),
    ("Dropout", {"rate": 0.3}),
    ("GaussianNoise", {"stddev": 0.1}),
    ("GaussianDropout", {"rate": 0.1}),
    ("AlphaDropout", {"rate": 0.1}),
    ("Masking", {}),
    ("Identity", {}),
])
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4)])
def test_shape_preserving(class_name, kwargs, shape):
    compare_layer(class_name, kwargs, [shape])


@pytest.mark.parametrize("class_name, rank", [
    ("SpatialDropout1D", 3), ("SpatialDropout2D", 4), ("SpatialDropout3D", 5)])
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_spatial_dropout(class_name, rank, shape):
    compare_layer(class_name, {"rate": 0.2}, [shape])
