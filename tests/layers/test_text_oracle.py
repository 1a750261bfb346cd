"""Text preprocessing layers (TextVectorization, StringLookup, IntegerLookup, Hashing,
HashedCrossing) against real Keras: shapes, parameter counts, refusals.

Keras builds these only with TensorFlow installed, so the oracle tests skip without it
(`pip install -e '.[test-tf]'`); the model-file test at the end needs no TensorFlow.
Each case is built on symbolic inputs and run on a batch, as compare_layer_and_run
does: several of these layers declare a shape they do not compute, and netlint
refuses those. Keras's inputs here are strings or int64 ids (keras_oracle makes float
inputs), and the batches are TensorFlow tensors (the numpy backend's arrays of strings
are not tensors to Keras).
"""

import warnings

import keras
import pytest
from keras_oracle import LayerAnswer, keras_counts, netlint_layer

from netlint.api import infer
from netlint.layers.base import ShapeError
from netlint.loader import load_text

NEEDS_TF = "the text layers need TensorFlow for Keras to build them: " \
           "pip install -e '.[test-tf]'"
RUN_BATCH = 5
FILLS = (1, 2, 3)
VOCABULARY = ["news", "sport", "music"]


@pytest.fixture
def tf():
    return pytest.importorskip("tensorflow", reason=NEEDS_TF)


# Batches hold a term of the vocabulary (with num_oov_indices=0 an unknown one fails),
# or an index within it where the layer inverts.
VALUES = {"TextVectorization": "Sport news,  music", "StringLookup": "news",
          "IntegerLookup": 4, "Hashing": "news", "HashedCrossing": 4}


def _inputs(input_shapes, make):
    tensors = [make(tuple(s)) for s in input_shapes]
    return tensors if len(tensors) > 1 else tensors[0]


def keras_build(class_name, kwargs, input_shapes, dtype, batch_size=None):
    """Keras's answer on symbolic inputs, or None where it refuses."""
    keras.backend.clear_session(free_memory=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = getattr(keras.layers, class_name)(**kwargs)
            out = layer(_inputs(input_shapes, lambda s: keras.Input(
                shape=s, batch_size=batch_size, dtype=dtype)))
    except Exception:  # noqa: BLE001 - Keras raises many kinds
        return None
    return LayerAnswer((tuple(out.shape),), *keras_counts(layer))


def keras_runs(tf, class_name, kwargs, input_shapes, dtype, declared, fill, batch_size=None):
    """Whether a batch gets through Keras and comes out as `declared`."""
    batch = batch_size or RUN_BATCH
    value = 1 if kwargs.get("invert") else VALUES[class_name]
    value = value if isinstance(value, int) == (dtype == "int64") else 4
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = getattr(keras.layers, class_name)(**kwargs)
            out = layer(_inputs(input_shapes, lambda s: tf.fill(
                (batch,) + tuple(fill if n is None else n for n in s),
                tf.constant(value, dtype=dtype))))
    except Exception:  # noqa: BLE001
        return False
    ran = tuple(out.shape)
    return len(ran) == len(declared) and all(d in (None, r) for r, d in zip(ran, declared))


def compare(tf, class_name, kwargs, input_shapes, dtype="string", batch_size=None,
            adapted=None):
    """netlint and Keras agree, built and run. A layer without a vocabulary runs only
    after adapt(): `adapted` is its kwargs with a vocabulary, which Keras runs in its
    place (where that gives another size, the ranks still tell)."""
    expected = keras_build(class_name, kwargs, input_shapes, dtype, batch_size)
    unknown = any(None in s for s in input_shapes)
    runs = adapted is None

    def ran(fill):
        if expected is None:
            return False
        declared = expected.output_shapes[0]
        if not runs:  # the vocabulary's size is unknown to the layer built without it
            declared = declared[:-1] + (None,)
        return keras_runs(tf, class_name, adapted or kwargs, input_shapes, dtype, declared,
                          fill, batch_size)

    try:
        got = netlint_layer(class_name, kwargs, input_shapes, batch_size=batch_size)
    except ShapeError as error:
        assert not any(ran(f) for f in (FILLS if unknown else FILLS[:1])), \
            f"netlint refused {class_name}({kwargs}) on {input_shapes} " \
            f"({error.message}) but Keras builds it as {expected} and runs it"
        return
    assert expected is not None, f"Keras refuses {class_name}({kwargs}) on {input_shapes} " \
                                 f"but netlint gave {got}"
    assert got == expected, f"{class_name}({kwargs}) on {input_shapes}: netlint {got} != " \
                            f"Keras {expected}"
    assert unknown or ran(None), \
        f"netlint accepted {class_name}({kwargs}) on {input_shapes}, which Keras builds " \
        f"as {expected} but cannot run to that shape"


SHAPES = [(), (1,), (3,), (None,), (3, 1), (2, 3), (2, None)]
MODES = ["int", "one_hot", "multi_hot", "count", "binary"]


# -- StringLookup and IntegerLookup --------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("extra", [
    {}, {"mask_token": ""}, {"num_oov_indices": 0}, {"num_oov_indices": 3, "mask_token": "?"},
    {"vocabulary": ["[UNK]"] + VOCABULARY}, {"vocabulary": ["", "[UNK]", "news"],
                                             "mask_token": ""},
    {"max_tokens": 9, "pad_to_max_tokens": True}, {"max_tokens": 4},
], ids=repr)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("batch", [None, 1])
def test_string_lookup(tf, mode, extra, shape, batch):
    compare(tf, "StringLookup", {"vocabulary": VOCABULARY, "output_mode": mode, **extra},
            [shape], batch_size=batch)


@pytest.mark.parametrize("shape", SHAPES)
def test_string_lookup_tf_idf(tf, shape):
    compare(tf, "StringLookup", {"vocabulary": VOCABULARY, "output_mode": "tf_idf",
                                 "idf_weights": [0.5, 1.0, 2.0]}, [shape])
    compare(tf, "StringLookup", {"vocabulary": VOCABULARY, "output_mode": "tf-idf",
                                 "idf_weights": [0.5, 1.0, 2.0], "max_tokens": 6,
                                 "pad_to_max_tokens": True}, [shape])


@pytest.mark.parametrize("mode", MODES + ["tf_idf"])
@pytest.mark.parametrize("extra", [{}, {"max_tokens": 7, "pad_to_max_tokens": True}], ids=repr)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_lookups_before_adapt(tf, mode, extra, shape):
    """No vocabulary: an encoding's size is what adapt() will learn (None). Keras builds
    these but runs none of them before adapt()."""
    for class_name, dtype, vocabulary in (("StringLookup", "string", VOCABULARY),
                                          ("IntegerLookup", "int64", [4, 5, 2])):
        kwargs = {"output_mode": mode, **extra}
        adapted = {**kwargs, "vocabulary": vocabulary}
        if mode == "tf_idf":
            adapted["idf_weights"] = [1.0] * len(vocabulary)
        compare(tf, class_name, kwargs, [shape], dtype=dtype, adapted=adapted)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("extra", [
    {}, {"mask_token": 0}, {"num_oov_indices": 2}, {"vocabulary": [-1, 4, 5]},
    {"vocabulary": [0, -1, 4], "mask_token": 0}, {"max_tokens": 8, "pad_to_max_tokens": True},
    {"oov_method": "farmhash", "salt": 7},
], ids=repr)
@pytest.mark.parametrize("shape", SHAPES)
def test_integer_lookup(tf, mode, extra, shape):
    compare(tf, "IntegerLookup", {"vocabulary": [4, 5, 2], "output_mode": mode, **extra},
            [shape], dtype="int64")


@pytest.mark.parametrize("class_name, vocabulary", [
    ("StringLookup", VOCABULARY), ("IntegerLookup", [4, 5, 2])])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_lookup_invert(tf, class_name, vocabulary, shape):
    compare(tf, class_name, {"vocabulary": vocabulary, "invert": True}, [shape], dtype="int64")


@pytest.mark.parametrize("kwargs", [
    {"max_tokens": 1}, {"max_tokens": 0}, {"pad_to_max_tokens": True},
    {"num_oov_indices": -1}, {"num_oov_indices": 1.5}, {"oov_method": "modulo"},
    {"output_mode": "x"}, {"invert": True, "output_mode": "one_hot"},
    {"sparse": True}, {"sparse": True, "output_mode": "multi_hot"},
    {"idf_weights": [1.0, 2.0, 3.0]}, {"vocabulary": []}, {"vocabulary": ["a", "b", "a"]},
    {"max_tokens": 3}, {"max_tokens": 4, "output_mode": "count"},
    {"vocabulary": ["a", "m"], "mask_token": "m"},
    {"vocabulary": ["m", "[UNK]", "a"], "mask_token": "m"},
    {"vocabulary": ["a", "[UNK]"], "output_mode": "one_hot"},
    {"vocabulary": ["a", "[UNK]"], "invert": True},
    {"output_mode": "tf_idf"}, {"output_mode": "tf_idf", "idf_weights": [1.0]},
    {"output_mode": "tf_idf", "idf_weights": [1.0, 2.0, 3.0, 4.0]},
    {"salt": 3}, {"salt": [1, 2]}, {"salt": [1, 2, 3]}, {"autocast": False},
    {"trainable": False}, {"dtype": "float64"}, {"vocabulary": [1, 2]},
    {"vocabulary": [["a", "b"]]}, {"encoding": "latin-1"},
], ids=repr)
def test_string_lookup_arguments(tf, kwargs):
    kwargs = {"vocabulary": VOCABULARY, **kwargs}
    dtype = "int64" if kwargs.get("invert") else "string"
    compare(tf, "StringLookup", kwargs, [(3,)], dtype=dtype)


@pytest.mark.parametrize("kwargs", [
    {"vocabulary_dtype": "int32"}, {"vocabulary_dtype": "int64"}, {"max_tokens": 1},
    {"num_oov_indices": -2}, {"salt": 3}, {"salt": 3, "oov_method": "farmhash"},
    {"sparse": True, "output_mode": "count"}, {"vocabulary": ["a"]}, {"vocabulary": [4, 4]},
    {"vocabulary": [4, 5], "mask_token": 5}, {"vocabulary": [4, 5, 6, 7], "max_tokens": 4},
    {"vocabulary": [4, 5], "oov_token": 5, "invert": True},
], ids=repr)
def test_integer_lookup_arguments(tf, kwargs):
    compare(tf, "IntegerLookup", {"vocabulary": [4, 5, 2], **kwargs}, [(3,)], dtype="int64")


def test_vocabulary_file(tf, tmp_path):
    """netlint reads no vocabulary file: "int" keeps the input's shape; an encoding's
    size is left unknown, where Keras knows it."""
    path = tmp_path / "vocabulary.txt"
    path.write_text("news\nsport\n")
    compare(tf, "StringLookup", {"vocabulary": str(path)}, [(3,)])
    got = netlint_layer("StringLookup", {"vocabulary": str(path), "output_mode": "count"},
                        [(3,)])
    assert got.output_shapes == ((None, None),)
    with pytest.raises(ShapeError):
        netlint_layer("StringLookup", {"vocabulary": str(path), "output_mode": "tf_idf"},
                      [(3,)])


# -- TextVectorization ---------------------------------------------------------------

TEXT_SHAPES = [(), (1,), (3,), (None,), (2, 1), (2, 3)]


@pytest.mark.parametrize("mode", MODES + ["tf_idf"])
@pytest.mark.parametrize("extra", [
    {}, {"split": None}, {"split": "character", "ngrams": 2}, {"ngrams": (1, 3)},
    {"max_tokens": 12, "pad_to_max_tokens": True}, {"standardize": None, "split": None},
    {"vocabulary": ["", "[UNK]", "news"]}, {"vocabulary": ["[UNK]", "news"]},
], ids=repr)
@pytest.mark.parametrize("shape", TEXT_SHAPES)
def test_text_vectorization(tf, mode, extra, shape):
    kwargs = {"vocabulary": VOCABULARY, "output_mode": mode, **extra}
    if mode in ("tf_idf",):
        kwargs["idf_weights"] = [1.0] * len(kwargs["vocabulary"])
    compare(tf, "TextVectorization", kwargs, [shape])


@pytest.mark.parametrize("length", [None, 0, 4])
@pytest.mark.parametrize("split", ["whitespace", None])
@pytest.mark.parametrize("shape", TEXT_SHAPES + [(2, 2, 1)])
@pytest.mark.parametrize("batch", [None, 2])
def test_text_vectorization_sequence_length(tf, length, split, shape, batch):
    compare(tf, "TextVectorization", {"vocabulary": VOCABULARY, "split": split,
                                      "output_sequence_length": length}, [shape],
            batch_size=batch)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(), (1,), (3,)])
def test_text_vectorization_before_adapt(tf, mode, shape):
    kwargs = {"max_tokens": 20, "output_mode": mode}
    compare(tf, "TextVectorization", kwargs, [shape],
            adapted={**kwargs, "vocabulary": VOCABULARY})


@pytest.mark.parametrize("kwargs", [
    {"standardize": "upper"}, {"standardize": "lower"}, {"standardize": "strip_punctuation"},
    {"split": "comma"}, {"ngrams": "2"}, {"ngrams": 3}, {"ngrams": (1, 2.5)},
    {"output_mode": "multi_hot", "output_sequence_length": 4},
    {"output_sequence_length": -1}, {"output_sequence_length": 2.5}, {"ragged": True},
    {"ragged": True, "output_mode": "count"}, {"sparse": True, "output_mode": "count"},
    {"vocabulary": ["", "[UNK]", "news"], "output_mode": "count"},
    {"vocabulary": ["news", ""]}, {"max_tokens": 4}, {"max_tokens": 4, "output_mode": "count"},
    {"max_tokens": 1}, {"output_mode": "tf_idf"}, {"idf_weights": [1.0, 1.0, 1.0]},
    {"output_mode": "x"}, {"dtype": "float32"}, {"trainable": False},
], ids=repr)
def test_text_vectorization_arguments(tf, kwargs):
    compare(tf, "TextVectorization", {"vocabulary": VOCABULARY, **kwargs}, [()])


# -- Hashing and HashedCrossing --------------------------------------------------------

@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("extra", [{}, {"mask_value": "news"}, {"salt": [3, 4]}], ids=repr)
@pytest.mark.parametrize("shape", SHAPES + [(2, 1)])
@pytest.mark.parametrize("batch", [None, 1])
def test_hashing(tf, mode, extra, shape, batch):
    compare(tf, "Hashing", {"num_bins": 5, "output_mode": mode, **extra}, [shape],
            batch_size=batch)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 1)])
def test_hashing_integers(tf, mode, shape):
    compare(tf, "Hashing", {"num_bins": 4, "output_mode": mode}, [shape], dtype="int64")


@pytest.mark.parametrize("kwargs", [
    {"num_bins": 0}, {"num_bins": -2}, {"num_bins": None}, {"num_bins": 2.5},
    {"num_bins": 3, "output_mode": "binary"}, {"num_bins": 3, "dtype": "float32"},
    {"num_bins": 3, "dtype": "int32"}, {"num_bins": 3, "output_mode": "count", "dtype": "int32"},
    {"num_bins": 3, "sparse": True}, {"num_bins": 3, "sparse": True, "output_mode": "count"},
    {"num_bins": 3, "salt": [1, 2, 3]}, {"num_bins": 3, "salt": 9}, {"num_bins": 1},
    {"num_bins": 1, "mask_value": "news"},
], ids=repr)
def test_hashing_arguments(tf, kwargs):
    compare(tf, "Hashing", kwargs, [(3,)])


@pytest.mark.parametrize("mode", ["int", "one_hot"])
@pytest.mark.parametrize("shapes", [
    [(), ()], [(1,), (1,)], [(3,), (3,)], [(None,), (None,)], [(1,), ()], [(), (1,)],
    [(None,), (1,)], [(2, 1), (2, 1)], [(3,), (2,)], [(), (), ()], [()],
], ids=repr)
@pytest.mark.parametrize("batch", [None, 1])
def test_hashed_crossing(tf, mode, shapes, batch):
    compare(tf, "HashedCrossing", {"num_bins": 6, "output_mode": mode}, shapes, dtype="int64",
            batch_size=batch)


@pytest.mark.parametrize("kwargs", [
    {"num_bins": 0}, {"num_bins": -1}, {"num_bins": 2.5}, {"num_bins": 4, "sparse": True},
    {"num_bins": 4, "output_mode": "multi_hot"}, {"num_bins": 4, "dtype": "float32"},
    {"num_bins": 4, "output_mode": "one_hot", "dtype": "int32"},
    {"num_bins": 4, "trainable": False},
], ids=repr)
def test_hashed_crossing_arguments(tf, kwargs):
    compare(tf, "HashedCrossing", kwargs, [(), ()], dtype="int64")


# -- a model file, with and without TensorFlow --------------------------------------------

MODEL = """\
netlint: 1
description: text, categorical and crossed features into one score
inputs:
  review: {shape: []}
  tags: {shape: [4]}
  user: {shape: [1]}
  item: {shape: [1], dtype: int64}
layers:
  - TextVectorization: {max_tokens: 100, output_sequence_length: 12, name: tokens}
    from: review
  - Embedding: {input_dim: 100, output_dim: 8, name: embedded}
  - GlobalAveragePooling1D: {name: pooled}
  - TextVectorization: {vocabulary: [good, bad], output_mode: tf_idf,
                        idf_weights: [0.5, 2.0], name: words}
    from: review
  - StringLookup: {vocabulary: [news, sport, music], output_mode: multi_hot, name: tag_bag}
    from: tags
  - Hashing: {num_bins: 16, output_mode: one_hot, name: user_bins}
    from: user
  - IntegerLookup: {vocabulary: [3, 7, 11], output_mode: one_hot, name: item_ids}
    from: item
  - Hashing: {num_bins: 1000, name: user_hash}
    from: user
  - HashedCrossing: {num_bins: 32, output_mode: one_hot, name: crossed}
    from: [user_hash, item]
  - Concatenate: {name: features}
    from: [pooled, words, tag_bag, user_bins, item_ids, crossed]
  - Dense: {units: 1, activation: sigmoid, name: score}
outputs: [score]
"""

EXPECTED = {
    "tokens": (None, 12), "embedded": (None, 12, 8), "pooled": (None, 8), "words": (None, 3),
    "tag_bag": (None, 4), "user_bins": (None, 16), "item_ids": (None, 4),
    "user_hash": (None, 1), "crossed": (None, 32), "features": (None, 67), "score": (None, 1),
}


def test_model_file_without_tensorflow():
    """The five layers in one model: netlint reads and infers it, TensorFlow or not."""
    loaded = load_text(MODEL)
    assert loaded.ok, [f.text() for f in loaded.findings]
    result = infer(loaded)
    assert not [f.text() for f in result.findings], "no finding expected"
    shapes = {node.name: node.output_shape for node in result.model.layers}
    assert shapes == EXPECTED
    assert sum(node.params for node in result.model.layers) == 100 * 8 + 68


def test_model_file_as_keras_builds_it(tf):
    from keras_model import compare_model_text

    assert compare_model_text(MODEL) == len(EXPECTED)
