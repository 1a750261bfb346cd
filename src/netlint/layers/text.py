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

from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, format_shape
from netlint.layers.registry import register
from netlint.layers.conv_utils import single_input
from netlint.layers.encoding import encoded_shape
from netlint.layers.index_lookup import computed_shape, declared_shape, index_lookup
from netlint.layers.index_lookup import is_real_number as _number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FAMILY = "text"

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Keras 2's names, which IndexLookup and TextVectorization still read (Hashing does not)
_MODE_ALIASES = {"binary": "multi_hot", "tf-idf": "tf_idf"}


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
    depth = index_lookup(call, args, mode, integer)
    shape = single_input(call)
    return _as_declared(call, shape, declared_shape(shape, mode, depth),
                        computed_shape(shape, mode, depth),
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
    split, mode, length = _vectorization_args(call)
    args = {key: call.kwargs.get(key) for key in
            ("max_tokens", "vocabulary", "idf_weights", "pad_to_max_tokens")}
    # the StringLookup it makes: "" is its mask (padding), one OOV index
    args.update(mask_token="", oov_token="[UNK]", num_oov_indices=1, invert=False,
                oov_method="floormod", salt=None)
    depth = index_lookup(call, args, mode, integer=False)
    shape = single_input(call)
    if mode == "int":
        return _vectorized_ids(call, shape, split, length)
    return _vectorized_encoding(call, shape, split, mode, depth)


def _vectorization_args(call: LayerCall) -> tuple:
    """TextVectorization.__init__'s checks of its own arguments: (split, output_mode,
    output_sequence_length)."""
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
    return split, mode, length


def _split_input(shape: tuple) -> None:
    """A split needs strings of rank 1 or (batch, 1)."""
    if len(shape) >= 2 and shape[-1] not in (1, None):
        raise ShapeError(
            f"TextVectorization splits strings of rank 1 or (batch, 1), got "
            f"{format_shape(shape)}", kind="rank", expected_rank=1, fix=_ONE_STRING)


def _vectorized_ids(call: LayerCall, shape: tuple, split: Any, length: Any) -> Inferred:
    """output_mode "int": (batch, output_sequence_length) of token ids."""
    rank = len(shape)
    declared = (shape[0], length)
    if split is not None:
        # it squeezes a last axis of 1, splits, and pads the tokens to the length
        _split_input(shape)
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


def _vectorized_encoding(call: LayerCall, shape: tuple, split: Any, mode: str,
                         depth: int | None) -> Inferred:
    """The encoded modes: (batch, vocabulary size) for one string per sample."""
    rank = len(shape)
    if split is not None:
        if mode == "one_hot":
            raise ShapeError("TextVectorization output_mode='one_hot' cannot encode split "
                             "strings: Keras fails on the first batch", kind="value",
                             fix="use output_mode 'multi_hot' or 'count', or split: null")
        _split_input(shape)
        # the split tokens are an axis of unknown length that the encoding folds
        declared = declared_shape(shape + (None,), mode, depth)
        computed = computed_shape(
            shape[:1] + shape[1:-1] + (None,) if rank >= 2 else shape + (None,), mode, depth)
        return _as_declared(call, shape, declared, computed, fix=_ONE_STRING, rank=1,
                            why="it squeezes the last axis of 1 before splitting")
    declared = declared_shape(shape + (1,) if rank <= 1 else shape, mode, depth)
    return _as_declared(call, shape, declared, computed_shape(shape, mode, depth), rank=2,
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
