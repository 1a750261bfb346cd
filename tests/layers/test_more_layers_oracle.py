"""ActivityRegularization, EinsumDense, ReversibleEmbedding, GroupQueryAttention, the
spectrograms and CLAHE against real Keras: shapes, parameter counts, refusals.

Most are checked built and run (compare_layer_and_run): Keras builds an EinsumDense
whose einsum cannot make the shape it declares, a MelSpectrogram whose frame count
is one off, a GroupQueryAttention on 4D inputs, and netlint refuses those.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_oracle import compare_layer, compare_layer_and_run, netlint_layer

from netlint.layers.base import ShapeError

size = st.sampled_from([1, 2, 3, None])

# --- ActivityRegularization -------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {}, {"l1": 0.01}, {"l1": 0.01, "l2": 0.1}, {"l2": 0}, {"l1": None}, {"l1": -1.0},
    {"l2": float("inf")}, {"activity_regularizer": "l2"}, {"trainable": False},
])
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4), ()])
def test_activity_regularization(kwargs, shape):
    compare_layer("ActivityRegularization", kwargs, [shape])


# --- EinsumDense ------------------------------------------------------------------------

EQUATIONS = [
    "ab,bc->ac", "abc,cd->abd", "abc,cde->abde", "abc,bcd->ad", "...b,bc->...c",
    "...bc,cd->...bd", "ab...,bc->ac...", "abc...,cd->abd...", "ab,bc->ca", "ab,cb->ac",
    "abc,dc->abd", "abcd,cde->abe", "ab,b->a", "abc,c->ab", "ab,bc->ac...", "abc,bd->adc",
    "aab,bc->ac", "...ab,bc->...ac", "ab,bcd->acd", "abc,cd->ad", "ab,ab->ab", "abc,cd->abdc",
    "ab,bc->ad", "ab,bd->ac", "ab.bc->ac", "abc,cd->abd->x",
]

OUTPUT_SHAPES = [4, (4,), (None, 4), (5, 4), (3, 4), (2, 3, 4), (None, None, 4), (4, None),
                 (2, 4), (None,), ()]


@st.composite
def einsum_case(draw):
    """(kwargs, per-sample input shape): the equation's own ranks more often than not."""
    equation = draw(st.sampled_from(EQUATIONS))
    spec, out = equation.partition(",")[0], equation.partition("->")[2]
    letters, out_letters = spec.replace("...", ""), out.replace("...", "")
    if draw(st.integers(0, 2)):  # fitting: one axis per letter (a few more under ...)
        extra = draw(st.integers(0, 2)) if "..." in spec else 0
        shape = tuple(draw(size) for _ in range(len(letters) + extra - 1))
    else:
        shape = draw(st.lists(size, min_size=0, max_size=3).map(tuple))
    if draw(st.integers(0, 2)) and out_letters:  # one entry per output letter but the batch
        output = tuple(None if letter in letters else draw(st.integers(1, 4))
                       for letter in out_letters[1:])
    else:
        output = draw(st.sampled_from(OUTPUT_SHAPES))
    kwargs = draw(st.fixed_dictionaries({"equation": st.just(equation),
                                         "output_shape": st.just(output)}, optional={
        "bias_axes": st.sampled_from([out_letters[-1:] or "c", "c", "d", "b", "cd", "a", "x",
                                      ""]),
        "lora_rank": st.sampled_from([1, 2]),
        "activation": st.sampled_from(["relu", "softmax"]),
    }))
    return kwargs, shape


@settings(max_examples=400, deadline=None)
@given(case=einsum_case(), batch_size=st.sampled_from([None, None, 4]))
def test_einsum_dense(case, batch_size):
    kwargs, shape = case
    compare_layer_and_run("EinsumDense", kwargs, [shape], batch_size=batch_size)


@pytest.mark.parametrize("kwargs, shape", [
    ({"equation": "ab,bc->ac", "output_shape": 64, "bias_axes": "c"}, (32,)),
    ({"equation": "abc,cd->abd", "output_shape": (None, 64), "bias_axes": "d"}, (32, 128)),
    ({"equation": "abc,cde->abde", "output_shape": (None, 4, 16), "bias_axes": "de"}, (7, 8)),
    ({"equation": "...b,bc->...c", "output_shape": 64, "bias_axes": "c"}, (32, 128)),
    ({"equation": "...b,bc->...c", "output_shape": 4}, (2, 5, 3)),  # elided axes reversed
    ({"equation": "...b,bc->...c", "output_shape": 4}, (5, 5, 3)),  # ... which then fit
    ({"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"}, (3, 5, 2)),
    ({"equation": "abc,cd->abd", "output_shape": (None, 4)}, (None, 3)),
    ({"equation": "abc,cd->abd", "output_shape": (6, 4)}, (5, 3)),
    ({"equation": "abc,bcd->abd", "output_shape": (None, 4)}, (None, 3)),
    ({"equation": "ab,bc->ac", "output_shape": 4}, (5, 3)),
    ({"equation": "ab,bc->ac", "output_shape": 4, "lora_rank": 2}, (3,)),
    ({"equation": "ab,bc->ac", "output_shape": 4, "lora_rank": 2,
      "kernel_constraint": "max_norm"}, (3,)),
    ({"equation": "ab,bc->ac", "output_shape": 4, "trainable": False}, (3,)),
    ({"equation": "ab,bc->ac", "output_shape": [4.5]}, (3,)),
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": ["c"]}, (3,)),
    ({"equation": 3, "output_shape": 4}, (3,)),
])
def test_einsum_dense_cases(kwargs, shape):
    compare_layer_and_run("EinsumDense", kwargs, [shape])


def test_einsum_dense_weights():
    got = netlint_layer("EinsumDense", {"equation": "abc,cde->abde", "output_shape": (None, 4, 16),
                                        "bias_axes": "de"}, [(7, 8)])
    # Keras keeps the None of output_shape even where the input knows the size (7)
    assert got.output_shapes == ((None, None, 4, 16),)
    assert got.trainable == 8 * 4 * 16 + 4 * 16


def test_einsum_dense_messages():
    with pytest.raises(ShapeError, match=r"takes an input of rank 2 .* but got \(None, 5, 3\)"):
        netlint_layer("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4}, [(5, 3)])
    with pytest.raises(ShapeError, match=r"declares \(None, 5, 2, 4\)"):
        netlint_layer("EinsumDense", {"equation": "...b,bc->...c", "output_shape": 4},
                      [(2, 5, 3)])


# --- ReversibleEmbedding ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 5), max_size=3).map(tuple), vocab=st.integers(1, 50),
       dim=st.integers(1, 16), tie=st.booleans(), trainable=st.booleans(),
       lora=st.sampled_from([None, None, 2]))
def test_reversible_embedding(shape, vocab, dim, tie, trainable, lora):
    compare_layer("ReversibleEmbedding", {"input_dim": vocab, "output_dim": dim,
                                          "tie_weights": tie, "trainable": trainable,
                                          "lora_rank": lora}, [shape])


@pytest.mark.parametrize("kwargs", [
    {"input_dim": 10, "output_dim": 4, "tie_weights": False, "logit_soft_cap": 30.0,
     "reverse_dtype": "float32"},
    {"input_dim": 0, "output_dim": 4}, {"input_dim": 10, "output_dim": -1},
    {"input_dim": 10, "output_dim": True}, {"input_dim": 10.0, "output_dim": 4},
    {"input_dim": 10, "output_dim": 4, "weights": [[0.0] * 4] * 10},
    {"input_dim": 10, "output_dim": 4, "lora_rank": 2, "embeddings_constraint": "non_neg"},
])
def test_reversible_embedding_cases(kwargs):
    compare_layer("ReversibleEmbedding", kwargs, [(5,)])


def test_reversible_embedding_untied_weights():
    tied = netlint_layer("ReversibleEmbedding", {"input_dim": 10, "output_dim": 4}, [(5,)])
    untied = netlint_layer("ReversibleEmbedding", {"input_dim": 10, "output_dim": 4,
                                                   "tie_weights": False}, [(5,)])
    assert (tied.trainable, untied.trainable) == (40, 80)


# --- GroupQueryAttention ----------------------------------------------------------------


@st.composite
def qvk(draw):
    """[query, value] or [query, value, key], often fitting, sometimes 4D or mismatched."""
    lead = draw(st.sampled_from([[], [], [], [2]]))
    tq, tv, dim = (draw(st.integers(1, 3)) for _ in range(3))

    def vary(shape):
        shape = list(shape)
        if draw(st.integers(0, 9)) == 0 and shape:
            shape.pop(0)
        for i in range(len(shape)):
            if draw(st.integers(0, 7)) == 0:
                shape[i] = draw(size)
        return tuple(shape)

    shapes = [vary(lead + [tq, dim]), vary(lead + [tv, dim])]
    if draw(st.booleans()):
        shapes.append(vary(lead + [tv, draw(st.sampled_from([dim, 4]))]))
    return shapes


gqa_kwargs = st.fixed_dictionaries({
    "head_dim": st.sampled_from([1, 2, 3]), "num_query_heads": st.sampled_from([1, 2, 4]),
    "num_key_value_heads": st.sampled_from([1, 2]),
}, optional={
    "use_bias": st.booleans(), "use_gate": st.booleans(),
    "dropout": st.sampled_from([0.0, 0.1]), "sliding_window": st.sampled_from([None, 2]),
})


@settings(max_examples=300, deadline=None)
@given(kwargs=gqa_kwargs, shapes=qvk(), batch_size=st.sampled_from([None, None, 4]))
def test_group_query_attention(kwargs, shapes, batch_size):
    compare_layer_and_run("GroupQueryAttention", kwargs, shapes, batch_size=batch_size)


GQA = {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}


@pytest.mark.parametrize("kwargs", [
    GQA, {**GQA, "use_gate": True, "use_bias": False}, {**GQA, "num_key_value_heads": 3},
    {**GQA, "num_query_heads": 0}, {**GQA, "head_dim": 0}, {**GQA, "num_key_value_heads": 0},
    {**GQA, "sliding_window": 0}, {**GQA, "dropout": 1.5},
])
@pytest.mark.parametrize("shapes", [
    [(5, 8), (7, 8)], [(5, 8), (7, 8), (7, 6)], [(5, 8), (7, 8), (6, 6)], [(5, 8), (7, 6)],
    [(2, 5, 8), (2, 7, 8)], [(8,), (8,)], [(None, 8), (None, 8)], [(5, None), (7, None)],
    [(5, 8)],
])
def test_group_query_attention_cases(kwargs, shapes):
    compare_layer_and_run("GroupQueryAttention", kwargs, shapes)


@pytest.mark.parametrize("kwargs", [{**GQA, "flash_attention": True},
                                    {**GQA, "flash_attention": True, "dropout": 0.1}])
def test_group_query_attention_flash(kwargs):
    # flash attention needs a GPU backend: Keras builds it here but cannot run it
    compare_layer("GroupQueryAttention", kwargs, [(5, 8), (7, 8)])


def test_group_query_attention_weights():
    got = netlint_layer("GroupQueryAttention", GQA, [(5, 8), (7, 8), (7, 6)])
    # query 8*4*4+4*4, key 6*2*4+2*4, value 8*2*4+2*4, output 4*4*8+8
    assert got.trainable == 144 + 56 + 72 + 136


# --- MelSpectrogram, STFTSpectrogram ----------------------------------------------------

mel_kwargs = st.fixed_dictionaries({}, optional={
    "fft_length": st.sampled_from([8, 7, 4, 1, 16, 0]),
    "sequence_stride": st.sampled_from([1, 2, 3, 4, 5, 9, 0]),
    "sequence_length": st.sampled_from([None, 4, 8, 3]),
    "num_mel_bins": st.sampled_from([1, 3, 0, 8, -1]),
    "window": st.sampled_from(["hann", "hamming", None, "boxcar"]),
    "power_to_db": st.booleans(), "max_freq": st.sampled_from([None, 4000]),
})


@settings(max_examples=250, deadline=None)
@given(kwargs=mel_kwargs, shape=st.sampled_from([(20,), (16,), (15,), (1,), (2,), (None,), (7,),
                                                 (30,), (5, 2), ()]),
       batch_size=st.sampled_from([None, None, 3]))
def test_mel_spectrogram(kwargs, shape, batch_size):
    compare_layer_and_run("MelSpectrogram", kwargs, [shape], batch_size=batch_size)


@pytest.mark.parametrize("kwargs, shape", [
    ({}, (16000,)), ({}, (16383,)), ({"sequence_stride": 1, "fft_length": 8}, (20,)),
    ({"fft_length": 512, "sequence_stride": 160, "num_mel_bins": 80}, (16000,)),
])
def test_mel_spectrogram_cases(kwargs, shape):
    compare_layer_and_run("MelSpectrogram", kwargs, [shape])


def test_mel_spectrogram_message():
    with pytest.raises(ShapeError, match=r"declares 33 frames for 16383 samples but computes 32"):
        netlint_layer("MelSpectrogram", {}, [(16383,)])


stft_kwargs = st.fixed_dictionaries({}, optional={
    "mode": st.sampled_from(["log", "magnitude", "psd", "real", "imag", "angle", "stft", "x"]),
    "frame_length": st.sampled_from([1, 2, 3, 4, 4, 5, 8, 8, 0]),
    "frame_step": st.sampled_from([None, None, 1, 2, 3, 9, 0]),
    "fft_length": st.sampled_from([None, None, 1, 2, 4, 5, 8, 16, 16]),
    "padding": st.sampled_from(["valid", "same", "same", "SAME"]), "expand_dims": st.booleans(),
    "data_format": st.sampled_from(["channels_last", "channels_first", None]),
    "window": st.sampled_from(["hann", "hann", None, "boxcar", "kaiser", "hann_periodic",
                               "nope", [1.0, 1.0, 1.0, 1.0]]),
    "scaling": st.sampled_from(["density", "spectrum", None, "x"]), "periodic": st.booleans(),
    "trainable": st.booleans(),
})


@settings(max_examples=400, deadline=None)
@given(kwargs=stft_kwargs, shape=st.sampled_from([(20, 1), (16, 2), (7, 3), (1, 1), (3, 2),
                                                  (None, 2), (2, None), (20,), (4, 20, 1),
                                                  (2, 9), (1, 12), (3, 8), (40, 2), (12, 1)]),
       batch_size=st.sampled_from([None, None, 3]))
def test_stft_spectrogram(kwargs, shape, batch_size):
    compare_layer_and_run("STFTSpectrogram", kwargs, [shape], batch_size=batch_size)


@pytest.mark.parametrize("kwargs", [
    {}, {"trainable": False}, {"mode": "stft", "expand_dims": True}, {"mode": "real"},
    {"mode": "imag", "data_format": "channels_first"}, {"frame_length": 400, "frame_step": 160},
    {"mode": "psd", "frame_length": 1, "frame_step": 1},
])
def test_stft_spectrogram_cases(kwargs):
    compare_layer_and_run("STFTSpectrogram", kwargs, [(1000, 2)])


# --- ContrastLimitedAdaptiveHistogramEqualization -----------------------------------------

clahe_kwargs = st.fixed_dictionaries({}, optional={
    "tile_grid_size": st.sampled_from([(8, 8), (2, 3), (1, 1), 2, (0, 2), (2,), (-1, 2)]),
    "clip_limit": st.sampled_from([4.0, 0, -1, 2, None]),
    "value_range": st.sampled_from([(0, 255), (0, 1), 5, (0, 1, 2)]),
    "data_format": st.sampled_from(["channels_last", "channels_first", None, "x"]),
    "factor": st.sampled_from([None, 0.5, 2, (0.1, 0.2), (-3, -2)]),
})


@settings(max_examples=150, deadline=None)
@given(kwargs=clahe_kwargs, shape=st.sampled_from([
    (4, 5, 3), (1, 1, 1), (None, 4, 3), (4, None, 1), (3, 4, 4, 3), (5, 5), (2, 3, 4, 5, 1),
    (6, 6, None), (2, 2, 2), (9, 3, 3)]), batch_size=st.sampled_from([None, None, 3]))
def test_clahe(kwargs, shape, batch_size):
    compare_layer_and_run("ContrastLimitedAdaptiveHistogramEqualization", kwargs, [shape],
                          batch_size=batch_size)
