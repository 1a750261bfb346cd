"""The checks every class's inference shares, whatever its own rules: the registry runs
each class's inference function inside `checked`.

Before it: a float where Keras needs a whole number (layers.whole_numbers). After it:
a layer that computes in strings (`dtype: string`) and builds weights, which Keras
cannot make ("data type 'string' not understood"); a weightless one (Identity,
Reshape) Keras builds in strings, and so does netlint. `string` is a dtype for the
model's text inputs, which the text layers (TextVectorization, StringLookup, Hashing)
turn into numbers.
"""

from __future__ import annotations

from netlint.layers.base import Inferred, LayerCall, ShapeError
from netlint.layers.whole_numbers import check_whole_numbers

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

STRING = "string"


def checked(infer: Callable, whole: tuple) -> Callable:
    """`infer` with the shared checks around it; `whole` are the class's whole-number
    arguments (LayerDef.whole_numbers)."""
    def infer_checked(call: LayerCall) -> Inferred:
        if whole:
            check_whole_numbers(call, whole)
        result = infer(call)
        if result.weights and call.kwargs.get("dtype") == STRING:
            raise ShapeError(f"{call.class_name} cannot compute in strings (`dtype: string`): "
                             f"Keras cannot make its weights of dtype string", kind="value",
                             fix="drop `dtype: string` from the layer: `string` is the dtype "
                                 "of a text input, which a TextVectorization, StringLookup "
                                 "or Hashing layer turns into numbers")
        return result

    infer_checked.__doc__ = infer.__doc__
    infer_checked.__wrapped__ = infer  # type: ignore[attr-defined]
    return infer_checked
