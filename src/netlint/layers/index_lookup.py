"""Keras's IndexLookup, the vocabulary behind StringLookup, IntegerLookup and the
StringLookup that TextVectorization builds: its argument checks, the vocabulary size
an encoded output's last axis takes, and the shapes it declares and computes.

Apart from text.py because three classes share it and none of the registrations is
needed to read it: text.py registers the classes, this module knows their vocabulary.
"""

from __future__ import annotations

from collections import Counter

from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.argument_checks import refuse as _refuse
from netlint.layers.base import LayerCall, ShapeError
from netlint.layers.encoding import encoded_shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def is_real_number(value: Any) -> bool:
    """An int or a float, not a bool (unlike argument_checks.is_number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def declared_shape(shape: tuple, mode: str, depth: int | None) -> tuple:
    """IndexLookup.compute_output_shape."""
    if mode == "int":
        return shape
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def computed_shape(shape: tuple, mode: str, depth: int | None) -> tuple:
    """numerical_utils.encode_categorical_inputs on a batch of that shape; tf_idf is
    count times the IDF weights."""
    if mode == "int":
        return shape
    return encoded_shape(shape, "count" if mode == "tf_idf" else mode, depth)


def _terms(call: LayerCall, vocabulary: list, integer: bool) -> None:
    ok = (lambda t: is_real_number(t)) if integer else (lambda t: isinstance(t, str))
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
        if not (isinstance(idf, (list, tuple)) and all(map(is_real_number, idf))):
            raise _refuse(call, "idf_weights", "a list of numbers")
        if len(idf) != len(vocabulary):
            raise ShapeError(f"{call.class_name} `idf_weights` has {len(idf)} values for a "
                             f"vocabulary of {len(vocabulary)}", kind="value")
    return size


def index_lookup(call: LayerCall, args: dict, mode: str, integer: bool) -> int | None:
    """IndexLookup.__init__'s checks, on the arguments it gets (TextVectorization hands
    its own to a StringLookup); the depth of an encoded output."""
    max_tokens, oovs = args["max_tokens"], args["num_oov_indices"]
    if max_tokens is not None and (not is_real_number(max_tokens) or max_tokens <= 1):
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
