"""Text and categorical preprocessing: TextVectorization, StringLookup, IntegerLookup,
Hashing and HashedCrossing.

Keras builds these only with TensorFlow installed (their lookup tables and hashes are
TensorFlow ops); netlint needs neither. None of them has a Keras weight: a vocabulary
lives in a lookup table and TF-IDF weights in a tf.Variable that Keras does not track,
so every parameter count is 0.

An encoded output's last axis is the vocabulary size: the terms of `vocabulary` plus
the OOV indices (and the mask, in "int" mode), or `max_tokens` with pad_to_max_tokens.
Without a vocabulary it is what adapt() will learn, unknown here as it is to Keras
when it builds the layer. A vocabulary file is not read, so its size stays unknown.

Shapes follow each class's compute_output_shape. Several declare one shape and compute
another: multi-hot and count encode over axis 1 but declare the last axis (as
CategoryEncoding does), Hashing declares one-hot without the axis it adds, and
TextVectorization squeezes an axis of 1 before splitting but declares it. As elsewhere,
netlint refuses what Keras builds but cannot run to the shape it declares, and says
which input works. Sparse and ragged outputs need Keras's TensorFlow backend; netlint
follows the numpy and JAX backends there, as for Resizing's "area".
"""

from __future__ import annotations

from collections import Counter

from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.base import (
    REQUIRED,
    Inferred,
    LayerCall,
    ShapeError,
    format_shape,
    register,
)
from netlint.layers.conv_utils import single_input
from netlint.layers.encoding import encoded_shape

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

FAMILY = "text"

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Keras 2's names, which IndexLookup and TextVectorization still read (Hashing does not)
_MODE_ALIASES = {"binary": "multi_hot", "tf-idf": "tf_idf"}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mode(call: LayerCall, allowed: tuple = _MODES, aliases: dict = _MODE_ALIASES) -> str:
    mode = call.kwargs.get("output_mode")
    mode = aliases.get(mode, mode) if isinstance(mode, str) else mode
    if mode not in allowed:
        raise _refuse(call, "output_mode", "one of " + ", ".join(map(repr, allowed)))
    return mode


def _tensorflow_backend_only(call: LayerCall, *names: str) -> None:
    for name in names:
        if call.kwargs.get(name):
            raise ShapeError(f"{call.class_name} {name}=True needs Keras's TensorFlow backend "
                             f"(netlint follows the numpy and JAX backends)", kind="value",
                             fix=f"drop `{name}: true`")


def _salt(call: LayerCall) -> None:
    salt = call.kwargs.get("salt")
    if salt is not None and not _int(salt) and not (
            isinstance(salt, (list, tuple)) and len(salt) == 2):
        raise _refuse(call, "salt", "an integer or a list of two integers")


def _fits(declared: tuple, computed: tuple) -> bool:
    return len(declared) == len(computed) and all(
        a is None or b is None or a == b for a, b in zip(declared, computed))


def _as_declared(call: LayerCall, shape: tuple, declared: tuple, computed: tuple, *,
                 why: str, fix: str | None = None, rank: int | None = None) -> Inferred:
    """The declared shape, where a batch can come out of the layer that way."""
    if not _fits(declared, computed):
        raise ShapeError(
            f"{call.class_name} on {format_shape(shape)}: Keras declares "
            f"{format_shape(declared)} but computes {format_shape(computed)} ({why})",
            kind="rank" if len(declared) != len(computed) else "size",
            expected_rank=rank, fix=fix)
    return Inferred(declared)


# -- StringLookup and IntegerLookup (Keras's IndexLookup) ---------------------------

def _declared(shape: tuple, mode: str, depth: int | None) -> tuple:
    """IndexLookup.compute_output_shape."""
    if mode == "int":
        return shape
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def _computed(shape: tuple, mode: str, depth: int | None) -> tuple:
    """numerical_utils.encode_categorical_inputs on a batch of that shape; tf_idf is
    count times the IDF weights."""
    if mode == "int":
        return shape
    return encoded_shape(shape, "count" if mode == "tf_idf" else mode, depth)


def _terms(call: LayerCall, vocabulary: list, integer: bool) -> None:
    ok = (lambda t: _number(t)) if integer else (lambda t: isinstance(t, str))
    if not all(ok(term) for term in vocabulary):
        need = "numbers" if integer else "strings"
        raise ShapeError(f"{call.class_name} `vocabulary` must be a list of {need}, got "
                         f"{vocabulary!r}", kind="value")


def _vocabulary_size(call: LayerCall, args: dict, mode: str, integer: bool) -> int | None:
    """IndexLookup.set_vocabulary's checks, and the size it records: None for a
    vocabulary that adapt() or a file gives."""
    vocabulary, idf = args["vocabulary"], args["idf_weights"]
    if mode == "tf_idf" and vocabulary is not None and idf is None:
        raise ShapeError(f"{call.class_name} output_mode='tf_idf' with a `vocabulary` needs "
                         f"its `idf_weights` too", kind="value")
    if vocabulary is None:
        return None
    if isinstance(vocabulary, str):
        if mode == "tf_idf":
            raise ShapeError(f"{call.class_name} output_mode='tf_idf' cannot read its "
                             f"vocabulary from a file", kind="value")
        return None
    if not isinstance(vocabulary, (list, tuple)):
        raise _refuse(call, "vocabulary", "a list of terms or a file path")
    vocabulary = list(vocabulary)
    _terms(call, vocabulary, integer)
    if not vocabulary:
        raise ShapeError(f"{call.class_name} cannot take an empty `vocabulary`", kind="value")
    mask, oov, oovs = args["mask_token"], args["oov_token"], args["num_oov_indices"]
    mask_slot = 1 if mask is not None and mode == "int" else 0
    start = mask_slot + oovs
    special = [mask] * mask_slot + [oov] * oovs
    # the vocabulary may begin with the special terms, in exactly this order
    terms = vocabulary[start:] if vocabulary[:start] == special else vocabulary
    repeated = sorted(repr(t) for t, n in Counter(terms).items() if n > 1)
    if repeated:
        raise ShapeError(f"{call.class_name} `vocabulary` repeats {', '.join(repeated)}",
                         kind="value")
    if mask is not None and mask in terms:
        raise ShapeError(f"{call.class_name} `vocabulary` holds the mask token {mask!r} "
                         f"other than first", kind="value",
                         fix=f"leave {mask!r} out of the vocabulary (Keras adds it)")
    # the OOV token counts as a term unless the layer maps indices back to terms
    if args["invert"] and oov is not None and oov in terms:
        raise ShapeError(f"{call.class_name} `vocabulary` holds the OOV token {oov!r} other "
                         f"than at its start", kind="value",
                         fix=f"leave {oov!r} out of the vocabulary (Keras adds it)")
    size = start + len(terms)
    max_tokens = args["max_tokens"]
    if max_tokens is not None and size > max_tokens:
        raise ShapeError(f"{call.class_name} vocabulary of {size} terms ({len(terms)} given "
                         f"+ {start} OOV/mask) exceeds max_tokens={max_tokens}", kind="value")
    if mode == "tf_idf":
        if not (isinstance(idf, (list, tuple)) and all(map(_number, idf))):
            raise _refuse(call, "idf_weights", "a list of numbers")
        if len(idf) != len(vocabulary):
            raise ShapeError(f"{call.class_name} `idf_weights` has {len(idf)} values for a "
                             f"vocabulary of {len(vocabulary)}", kind="value")
    return size


def _index_lookup(call: LayerCall, args: dict, mode: str, integer: bool) -> int | None:
    """IndexLookup.__init__'s checks, on the arguments it gets (TextVectorization hands
    its own to a StringLookup); the depth of an encoded output."""
    max_tokens, oovs = args["max_tokens"], args["num_oov_indices"]
    if max_tokens is not None and (not _number(max_tokens) or max_tokens <= 1):
        raise _refuse(call, "max_tokens", "an integer above 1, or null")
    if args["pad_to_max_tokens"] and max_tokens is None:
        raise ShapeError(f"{call.class_name} pad_to_max_tokens=True needs `max_tokens`",
                         kind="value")
    if not _int(oovs) or oovs < 0:
        raise _refuse(call, "num_oov_indices", "an integer >= 0")
    if args["oov_method"] not in ("floormod", "farmhash"):
        raise _refuse(call, "oov_method", "'floormod' or 'farmhash'")
    if args["salt"] is not None and integer and args["oov_method"] != "farmhash":
        raise ShapeError(f"{call.class_name} `salt` needs oov_method='farmhash'", kind="value")
    if args["invert"] and mode != "int":
        raise ShapeError(f"{call.class_name} invert=True needs output_mode='int', got "
                         f"{mode!r}", kind="value")
    if args["idf_weights"] is not None and mode != "tf_idf":
        raise ShapeError(f"{call.class_name} `idf_weights` needs output_mode='tf_idf', got "
                         f"{mode!r}", kind="value")
    size = _vocabulary_size(call, args, mode, integer)
    if not args["pad_to_max_tokens"] or mode == "int":
        return size
    if not _int(max_tokens):  # it becomes the size of an axis
        raise _refuse(call, "max_tokens", "an integer with pad_to_max_tokens=True")
    return max_tokens


_LOOKUP_ARGS = ("max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary",
                "idf_weights", "invert", "pad_to_max_tokens", "oov_method", "salt")


def _lookup(call: LayerCall, integer: bool) -> Inferred:
    # IndexLookup hands only `name` to Layer and refuses any keyword left over
    # (it drops `trainable` and `dtype`)
    for key, default in (("autocast", True), ("activity_regularizer", None)):
        if call.kwargs.get(key, default) != default:
            raise ShapeError(f"{call.class_name} takes no `{key}` argument", kind="value")
    _tensorflow_backend_only(call, "sparse")
    if integer and call.kwargs.get("vocabulary_dtype") != "int64":
        raise _refuse(call, "vocabulary_dtype", "'int64'")
    _salt(call)
    mode = _mode(call)
    args = {key: call.kwargs.get(key) for key in _LOOKUP_ARGS}
    depth = _index_lookup(call, args, mode, integer)
    shape = single_input(call)
    return _as_declared(call, shape, _declared(shape, mode, depth),
                        _computed(shape, mode, depth),
                        why=f"output_mode={mode!r} encodes over axis 1",
                        fix="feed it (batch, terms) of rank 2, e.g. Reshape or Flatten first",
                        rank=2)


_LOOKUP_DOC = """output_mode "int" keeps the input's shape; "one_hot" adds an axis of the
vocabulary size (replacing a last axis of 1); "multi_hot", "count" and "tf_idf" replace
the last axis with it."""


@register("StringLookup", family=FAMILY,
          positional=("max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary"),
          params={
              "max_tokens": None, "num_oov_indices": 1, "mask_token": None,
              "oov_token": "[UNK]", "vocabulary": None, "idf_weights": None, "invert": False,
              "output_mode": "int", "pad_to_max_tokens": False, "sparse": False,
              "encoding": "utf-8", "name": None, "salt": None,
              # IndexLookup's, reached through **kwargs
              "oov_method": "floormod"},
          doc="Maps strings to vocabulary indices, or encodes them one-/multi-hot.\n\n"
              + _LOOKUP_DOC)
def string_lookup(call: LayerCall) -> Inferred:
    return _lookup(call, integer=False)


@register("IntegerLookup", family=FAMILY,
          positional=("max_tokens", "num_oov_indices", "mask_token", "oov_token", "vocabulary",
                      "vocabulary_dtype"),
          params={
              "max_tokens": None, "num_oov_indices": 1, "mask_token": None, "oov_token": -1,
              "vocabulary": None, "vocabulary_dtype": "int64", "idf_weights": None,
              "invert": False, "output_mode": "int", "sparse": False,
              "pad_to_max_tokens": False, "oov_method": "floormod", "salt": None,
              "name": None},
          doc="Maps integers to vocabulary indices, or encodes them one-/multi-hot.\n\n"
              + _LOOKUP_DOC)
def integer_lookup(call: LayerCall) -> Inferred:
    return _lookup(call, integer=True)


# -- TextVectorization ---------------------------------------------------------------

_ONE_STRING = "give it one string per sample: input shape [] (keras.Input(shape=(), " \
              "dtype='string'))"


@register("TextVectorization", family=FAMILY,
          positional=("max_tokens", "standardize", "split", "ngrams", "output_mode",
                      "output_sequence_length"),
          params={
              "max_tokens": None, "standardize": "lower_and_strip_punctuation",
              "split": "whitespace", "ngrams": None, "output_mode": "int",
              "output_sequence_length": None, "pad_to_max_tokens": False, "vocabulary": None,
              "idf_weights": None, "sparse": False, "ragged": False, "encoding": "utf-8",
              "name": None})
def text_vectorization(call: LayerCall) -> Inferred:
    """Splits strings into tokens and maps them to vocabulary indices or encodings.

    output_mode "int" gives (batch, output_sequence_length); the others give (batch,
    vocabulary size) for one string per sample."""
    _tensorflow_backend_only(call, "sparse", "ragged")
    if call.kwargs.get("standardize") not in (None, "lower_and_strip_punctuation", "lower",
                                              "strip_punctuation"):
        raise _refuse(call, "standardize", "'lower_and_strip_punctuation', 'lower', "
                                           "'strip_punctuation' or null")
    split = call.kwargs.get("split")
    if split not in (None, "whitespace", "character"):
        raise _refuse(call, "split", "'whitespace', 'character' or null")
    mode = _mode(call)
    ngrams = call.kwargs.get("ngrams")
    # Keras's constructor wants a tuple; a list is YAML's spelling of one (and
    # TextVectorization.from_config reads a list as the tuple)
    if not (ngrams is None or isinstance(ngrams, int) or (
            isinstance(ngrams, (list, tuple)) and all(isinstance(n, int) for n in ngrams))):
        raise _refuse(call, "ngrams", "an integer, a list of integers, or null")
    length = call.kwargs.get("output_sequence_length")
    if mode != "int" and length is not None:
        raise ShapeError(f"TextVectorization output_sequence_length needs output_mode='int', "
                         f"got {mode!r}", kind="value")
    # bool passes, as Keras's isinstance(..., int) lets it
    if length is not None and (not isinstance(length, int) or length < 0):
        raise _refuse(call, "output_sequence_length", "an integer >= 0, or null")
    args = {key: call.kwargs.get(key) for key in
            ("max_tokens", "vocabulary", "idf_weights", "pad_to_max_tokens")}
    # the StringLookup it makes: "" is its mask (padding), one OOV index
    args.update(mask_token="", oov_token="[UNK]", num_oov_indices=1, invert=False,
                oov_method="floormod", salt=None)
    depth = _index_lookup(call, args, mode, integer=False)
    shape = single_input(call)
    rank = len(shape)
    if mode == "int":
        declared = (shape[0], length)
        if split is not None:
            # it squeezes a last axis of 1, splits, and pads the tokens to the length
            if rank >= 2 and shape[-1] not in (1, None):
                raise ShapeError(
                    f"TextVectorization splits strings of rank 1 or (batch, 1), got "
                    f"{format_shape(shape)}", kind="rank", expected_rank=1, fix=_ONE_STRING)
            computed = shape[:-1] + (length,) if rank >= 2 else (shape[0], length)
            return _as_declared(call, shape, declared, computed, fix=_ONE_STRING, rank=1,
                                why="each string of the axes before the last becomes a "
                                    "row of tokens")
        # split=None: each string is a token; it pads or trims the last axis (of a
        # rank-1 input, the batch)
        computed = shape[:-1] + (length,) if rank >= 2 else (length,)
        return _as_declared(call, shape, declared, computed, rank=2,
                            fix="with split: null give it (batch, tokens) of rank 2",
                            why="with split=null it pads or trims the last axis")
    if split is not None:
        if mode == "one_hot":
            raise ShapeError("TextVectorization output_mode='one_hot' cannot encode split "
                             "strings: Keras fails on the first batch", kind="value",
                             fix="use output_mode 'multi_hot' or 'count', or split: null")
        if rank >= 2 and shape[-1] not in (1, None):
            raise ShapeError(
                f"TextVectorization splits strings of rank 1 or (batch, 1), got "
                f"{format_shape(shape)}", kind="rank", expected_rank=1, fix=_ONE_STRING)
        # the split tokens are an axis of unknown length that the encoding folds
        declared = _declared(shape + (None,), mode, depth)
        computed = _computed(shape[:1] + shape[1:-1] + (None,) if rank >= 2 else shape + (None,),
                             mode, depth)
        return _as_declared(call, shape, declared, computed, fix=_ONE_STRING, rank=1,
                            why="it squeezes the last axis of 1 before splitting")
    declared = _declared(shape + (1,) if rank <= 1 else shape, mode, depth)
    return _as_declared(call, shape, declared, _computed(shape, mode, depth), rank=2,
                        fix="with split: null give it (batch, tokens) of rank 2",
                        why=f"output_mode={mode!r} encodes over axis 1")


# -- Hashing and HashedCrossing ----------------------------------------------------

def _bins(call: LayerCall, mode: str, low: int) -> int:
    bins = call.kwargs.get("num_bins")
    # ids are hashed into int(num_bins) buckets, but an encoding's axis needs an integer
    if not (_int(bins) or (mode == "int" and _number(bins))) or int(bins) < low:
        raise _refuse(call, "num_bins", "a positive integer" if low else "an integer >= 0")
    return bins


@register("Hashing", family=FAMILY, positional=("num_bins", "mask_value", "salt", "output_mode",
                                                "sparse"),
          params={"num_bins": REQUIRED, "mask_value": None, "salt": None, "output_mode": "int",
                  "sparse": False})
def hashing(call: LayerCall) -> Inferred:
    """Hashes values into `num_bins` bins: their ids, or one-/multi-hot vectors of them."""
    mode = _mode(call, ("int", "one_hot", "multi_hot", "count"), {})
    bins = _bins(call, mode, 1)
    if mode == "int" and call.kwargs.get("dtype") not in (None, "int32", "int64"):
        raise _refuse(call, "dtype", "'int32' or 'int64' with output_mode='int'")
    if call.kwargs.get("sparse") and mode == "int":
        raise ShapeError("Hashing sparse=True needs output_mode one_hot, multi_hot or count",
                         kind="value")
    # it builds, and then the numpy and JAX backends cannot take the sparse tensor
    _tensorflow_backend_only(call, "sparse")
    _salt(call)
    shape = single_input(call)
    if mode == "int":
        return Inferred(shape)
    declared = shape[:-1] + (bins,)
    computed = encoded_shape(shape, mode, bins)
    if mode == "one_hot" and len(shape) > 1 and shape[-1] is None:
        computed = declared  # an unknown last axis may be the 1 that it squeezes
    fix = ("give it a last axis of 1, e.g. Reshape to (..., 1)" if mode == "one_hot" else
           "feed it (batch, values) of rank 2, e.g. Reshape or Flatten first")
    return _as_declared(call, shape, declared, computed, fix=fix, why=(
        "it one-hot encodes every value, adding an axis" if mode == "one_hot" else
        f"output_mode={mode!r} encodes over axis 1"))


@register("HashedCrossing", family=FAMILY, positional=("num_bins", "output_mode", "sparse"),
          params={"num_bins": REQUIRED, "output_mode": "int", "sparse": False, "name": None,
                  "dtype": None}, min_inputs=2, max_inputs=2)
def hashed_crossing(call: LayerCall) -> Inferred:
    """Hashes the cross of two categorical features into `num_bins` bins (or one-hot)."""
    mode = _mode(call, ("int", "one_hot"), {})
    bins = _bins(call, mode, 0)
    _tensorflow_backend_only(call, "sparse")
    shapes = call.input_shapes
    if len(shapes) != 2:
        raise ShapeError(f"HashedCrossing takes exactly 2 inputs, got {len(shapes)}",
                         kind="inputs")
    first, second = shapes
    listed = f"{format_shape(first)} and {format_shape(second)}"
    if first[-1] != second[-1]:  # Keras compares these two sizes as they are, None too
        raise ShapeError(f"HashedCrossing needs inputs of one shape, got {listed}",
                         kind="size")
    if len(first) > 2 or (len(first) == 2 and first[-1] not in (1, None)):
        raise ShapeError(f"HashedCrossing takes inputs of shape (batch,) or (batch, 1), got "
                         f"{listed}", kind="rank", expected_rank=2,
                         fix="Reshape each input to [1]")
    if not _fits(first, second):
        raise ShapeError(f"HashedCrossing needs inputs of one shape, got {listed}",
                         kind="size")
    if mode == "int":
        return Inferred(first)
    declared = first + (bins,) if first[-1] != 1 else first[:-1] + (bins,)
    return _as_declared(call, first, declared, (first[0], bins),
                        why="one value per sample, one-hot encoded", rank=2,
                        fix="give it inputs of shape [1], as Keras's examples do")
