"""Attention layers against real Keras: shapes, weights, refusals."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import (
    compare_layer_and_run,
    netlint_layer,
)

from netlint.layers.base import ShapeError

# --- Attention, AdditiveAttention ---------------------------------------------------------

size = st.sampled_from([1, 2, 3, None])


@st.composite
def qvk(draw, max_lead=1):
    """[query, value] or [query, value, key] around one (lead, Tq, Tv, dim), often fitting."""
    lead = draw(st.lists(st.sampled_from([1, 2]), max_size=max_lead))
    tq, tv, dim, vdim = (draw(st.integers(1, 3)) for _ in range(4))

    def vary(shape):
        shape = list(shape)
        if draw(st.integers(0, 5)) == 0 and shape:
            shape.pop(0)
        for i in range(len(shape)):
            if draw(st.integers(0, 4)) == 0:
                shape[i] = draw(size)
        return tuple(shape)

    shapes = [vary(lead + [tq, dim]), vary(lead + [tv, vdim])]
    if draw(st.booleans()):
        shapes.append(vary(lead + [tv, dim]))
    return shapes


@settings(max_examples=300, deadline=None)
@given(shapes=qvk(max_lead=2), use_scale=st.booleans(),
       score_mode=st.sampled_from(["dot", "concat"]), batch_size=st.sampled_from([None, None, 4]))
def test_attention(shapes, use_scale, score_mode, batch_size):
    compare_layer_and_run("Attention", {"use_scale": use_scale, "score_mode": score_mode},
                          shapes, batch_size=batch_size)


@settings(max_examples=250, deadline=None)
@given(shapes=qvk(max_lead=2), use_scale=st.booleans(),
       batch_size=st.sampled_from([None, None, 4]))
def test_additive_attention(shapes, use_scale, batch_size):
    compare_layer_and_run("AdditiveAttention", {"use_scale": use_scale}, shapes,
                          batch_size=batch_size)


@pytest.mark.parametrize("class_name", ["Attention", "AdditiveAttention"])
@pytest.mark.parametrize("shapes", [
    [(5, 8), (7, 8)], [(5, 8), (7, 16)], [(5, 8), (7, 16), (7, 8)], [(5, 8), (7, 16), (6, 8)],
    [(5, 8), (7, 16), (7, 4)], [(5, 1), (7, 8)], [(8,), (8,)], [(5, 8)], [(5, 8)] * 4,
    [(2, 5, 8), (2, 7, 8)], [(2, 5, 8), (3, 7, 8)], [(1, 5, 8), (3, 7, 8)], [(5, 8), (2, 7, 8)],
    [(None, 8), (7, 8)], [(5, None), (7, 8)],
])
def test_attention_cases(class_name, shapes):
    compare_layer_and_run(class_name, {}, shapes)


@pytest.mark.parametrize("class_name", ["Attention", "AdditiveAttention"])
@pytest.mark.parametrize("score_mode", ["dot", "concat", "cosine"])
def test_score_mode(class_name, score_mode):
    # AdditiveAttention takes score_mode through **kwargs: checked, then ignored
    compare_layer_and_run(class_name, {"score_mode": score_mode}, [(5, 8), (7, 8)])


# --- MultiHeadAttention -------------------------------------------------------------------

mha_kwargs = st.fixed_dictionaries({
    "num_heads": st.integers(1, 3), "key_dim": st.integers(1, 4),
}, optional={
    "value_dim": st.sampled_from([None, 2, 5]), "use_bias": st.booleans(),
    "output_shape": st.sampled_from([None, 3, (2, 3), [4]]),
    "use_gate": st.booleans(), "dropout": st.sampled_from([0.0, 0.1]),
    "attention_axes": st.sampled_from([None, 1, 2, -2, -3, (1, 2), (1, -2), 0, 3, -1,
                                       (2, 3), (1, 1), ()]),
    "sliding_window": st.sampled_from([None, 2]),
})


@settings(max_examples=500, deadline=None)
@given(kwargs=mha_kwargs, shapes=qvk(max_lead=2), batch_size=st.sampled_from([None, None, 4]))
def test_multi_head_attention(kwargs, shapes, batch_size):
    compare_layer_and_run("MultiHeadAttention", kwargs, shapes, batch_size=batch_size)


@pytest.mark.parametrize("kwargs", [
    {"num_heads": 2, "key_dim": 3},
    {"num_heads": 4, "key_dim": 8, "value_dim": 5, "use_bias": False},
    {"num_heads": 2, "key_dim": 3, "output_shape": (2, 3)},
    {"num_heads": 2, "key_dim": 3, "output_shape": [4, 0]},
    {"num_heads": 2, "key_dim": 3, "output_shape": [4, None]},
    {"num_heads": 2, "key_dim": 3, "use_gate": True},
    {"num_heads": 2, "key_dim": 3, "attention_axes": (2,)},
    {"num_heads": 2, "key_dim": 3, "attention_axes": 2, "dropout": 0.1},
    {"num_heads": 2, "key_dim": 3, "dropout": 0.1, "flash_attention": True},
    {"num_heads": 0, "key_dim": 3},
    {"num_heads": 2, "key_dim": 3, "value_dim": -1},
])
@pytest.mark.parametrize("shapes", [
    [(5, 8), (7, 16)], [(5, 8), (7, 16), (7, 4)], [(5, 8), (7, 16), (6, 4)], [(8,), (16,)],
    [(5, 8), (2, 7, 16)], [(2, 5, 8), (2, 7, 16)], [(2, 5, 8), (3, 7, 16)],
    [(None, 8), (None, 16)], [(5, None), (7, 16)], [(5, 8), (None, 16), (7, 16)],
    [(5, 8)],  # (a fourth tensor would be Keras's query_mask argument, not an input)
])
def test_multi_head_attention_cases(kwargs, shapes):
    compare_layer_and_run("MultiHeadAttention", kwargs, shapes)


def test_multi_head_attention_known_batch():
    compare_layer_and_run("MultiHeadAttention", {"num_heads": 2, "key_dim": 3},
                          [(5, 8), (7, 16)], batch_size=4)


def test_multi_head_attention_weights():
    got = netlint_layer("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 5},
                        [(5, 8), (7, 16)])
    # query 8*2*3+2*3, key 16*2*3+2*3, value 16*2*5+2*5, output 2*5*8+8
    assert got.trainable == 54 + 102 + 170 + 88


def test_messages():
    with pytest.raises(ShapeError, match=r"Attention needs query and key of the same last "
                                         r"axis, got query \(None, 5, 8\), value "
                                         r"\(None, 7, 16\)"):
        netlint_layer("Attention", {}, [(5, 8), (7, 16)])
    with pytest.raises(ShapeError, match=r"MultiHeadAttention needs value and key that match"):
        netlint_layer("MultiHeadAttention", {"num_heads": 2, "key_dim": 3},
                      [(5, 8), (7, 16), (6, 4)])
