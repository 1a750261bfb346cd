"""Normalization layers against real Keras: weights (trainable and not), refusals."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import (
    compare_layer,
    compare_layer_and_run,
    netlint_layer,
)

from netlint.layers.base import ShapeError

# --- shapes and axes -------------------------------------------------------------------------

shapes = st.lists(st.sampled_from([1, 2, 3, 4, None]), min_size=0, max_size=3).map(tuple)
axis = st.integers(-4, 3)
axes = st.one_of(axis, st.lists(st.integers(-4, 3), max_size=3),
                 st.lists(st.integers(-4, 3), max_size=2).map(tuple))


@settings(max_examples=250, deadline=None)
@given(shape=shapes, axis=axis, center=st.booleans(), scale=st.booleans(),
       renorm=st.booleans(), trainable=st.booleans(), batch_size=st.sampled_from([None, 4]))
def test_batch_normalization(shape, axis, center, scale, renorm, trainable, batch_size):
    compare_layer_and_run("BatchNormalization", {
        "axis": axis, "center": center, "scale": scale, "renorm": renorm,
        "trainable": trainable}, [shape], batch_size=batch_size)


@settings(max_examples=250, deadline=None)
@given(shape=shapes, axis=axes, center=st.booleans(), scale=st.booleans(),
       rms_scaling=st.booleans())
def test_layer_normalization(shape, axis, center, scale, rms_scaling):
    compare_layer_and_run("LayerNormalization", {
        "axis": axis, "center": center, "scale": scale, "rms_scaling": rms_scaling}, [shape])


@settings(max_examples=150, deadline=None)
@given(shape=shapes, axis=axes)
def test_rms_normalization(shape, axis):
    compare_layer_and_run("RMSNormalization", {"axis": axis}, [shape])


@settings(max_examples=250, deadline=None)
@given(shape=st.lists(st.sampled_from([1, 2, 4, 6, None]), min_size=0, max_size=3).map(tuple),
       groups=st.sampled_from([1, 2, 3, 4, 32, -1]), axis=axis, center=st.booleans(),
       scale=st.booleans())
def test_group_normalization(shape, groups, axis, center, scale):
    compare_layer_and_run("GroupNormalization", {
        "groups": groups, "axis": axis, "center": center, "scale": scale}, [shape])


@settings(max_examples=150, deadline=None)
@given(shape=shapes, axis=axes)
def test_unit_normalization(shape, axis):
    compare_layer_and_run("UnitNormalization", {"axis": axis}, [shape])


@pytest.mark.parametrize("class_name, kwargs, shape", [
    ("BatchNormalization", {}, (10, 32)),
    ("BatchNormalization", {"axis": 1}, (8, 8, 3)),
    ("BatchNormalization", {"axis": [1]}, (8, 3)),
    ("BatchNormalization", {}, (None,)),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 3, "rmin": 0.3}},
     (4,)),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 1, "rmin": 2}}, (4,)),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"dmax": -1}}, (4,)),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"other": 1}}, (4,)),
    ("LayerNormalization", {"axis": [1, 2]}, (5, 4, 3)),
    ("LayerNormalization", {"axis": [-1, 1]}, (5, 4, 3)),
    ("LayerNormalization", {"axis": [2, -1]}, (5, 4, 3)),
    ("LayerNormalization", {"axis": []}, (5, 4)),
    ("LayerNormalization", {"center": False, "scale": False}, (None, None)),
    ("LayerNormalization", {"axis": "last"}, (5, 4)),
    ("GroupNormalization", {}, (10, 64)),
    ("GroupNormalization", {"groups": 3}, (10, 64)),
    ("GroupNormalization", {"groups": 0}, (10, 64)),
    ("GroupNormalization", {"groups": 4, "axis": [1]}, (8, 8)),
    ("UnitNormalization", {"axis": [1, 2]}, (5, 4, 3)),
    ("RMSNormalization", {}, (5, 4)),
])
def test_normalization_cases(class_name, kwargs, shape):
    compare_layer_and_run(class_name, kwargs, [shape])


@pytest.mark.parametrize("layer, shape", [
    (("Dense", {"units": 8}), (4,)),
    (("Dense", {"units": 8, "trainable": False}), (4,)),
    (("Conv2D", {"filters": 6, "kernel_size": 3}), (8, 8, 3)),
    (("Conv2DTranspose", {"filters": 6, "kernel_size": 3}), (8, 8, 3)),
    (("Embedding", {"input_dim": 50, "output_dim": 6}), (7,)),
    (("LSTM", {"units": 4}), (5, 3)),
    (("BatchNormalization", {}), (4,)),
    (("Dense", {"units": 8}), (None,)),
])
@pytest.mark.parametrize("trainable", [True, False])
def test_spectral_normalization(layer, shape, trainable):
    # compare_layer builds the wrapped layer for both sides
    compare_layer("SpectralNormalization", {"trainable": trainable}, [shape], wrapped=layer)


def test_spectral_normalization_iterations():
    compare_layer("SpectralNormalization", {"power_iterations": 0}, [(4,)],
                  wrapped=("Dense", {"units": 3}))


def test_batch_normalization_statistics_are_frozen():
    got = netlint_layer("BatchNormalization", {}, [(10, 32)])
    assert (got.trainable, got.non_trainable) == (64, 64)


def test_messages():
    with pytest.raises(ShapeError, match=r"GroupNormalization needs the channels on axis -1 "
                                         r"to divide into 3 groups, got \(None, 10, 64\)"):
        netlint_layer("GroupNormalization", {"groups": 3}, [(10, 64)])
    with pytest.raises(ShapeError, match=r"BatchNormalization needs a known size on axis -1"):
        netlint_layer("BatchNormalization", {}, [(None,)])
