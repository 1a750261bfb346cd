"""Which layers a string input (`dtype: string`) may feed directly.

Keras builds any layer on a string tensor (the symbolic build looks at shapes), but
only a few run on one: the text layers, which read strings and give numbers, and
the layers that only move values about. Any other layer fails on the first batch
("dtype='string' is not a valid dtype", "Cast string to float is not supported").
A model on strings runs on Keras's TensorFlow backend only (the JAX and numpy
backends hold no string arrays), so that backend gives the verdicts: Keras 3.15 on
TensorFlow 2.21 (tests/layers/test_string_inputs.py asks it).
"""

from __future__ import annotations

from netlint.layers.base import ShapeError
from netlint.layers.registry import get

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.graph import LayerSpec, ModelSpec

STRING = "string"
READS_STRINGS = frozenset({"TextVectorization", "StringLookup", "Hashing", "HashedCrossing"})
MOVES_VALUES = frozenset({
    "Identity", "Reshape", "Flatten", "Permute", "Concatenate", "RepeatVector", "UpSampling1D",
    "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D"})


def takes_strings(class_name: str) -> bool:
    """A string tensor can feed it: a text layer, a layer that only moves values, or one
    whose computation the file declares (a Lambda, a custom layer: taken on trust)."""
    definition = get(class_name)
    return class_name in READS_STRINGS or class_name in MOVES_VALUES or \
        definition is None or definition.family == "declared"


def string_input_error(spec: LayerSpec, model: ModelSpec) -> ShapeError | None:
    """The refusal of a layer fed a string input of the model directly (None when it
    takes strings, or no input of it is a string). For inference to record as the
    layer's error, which NL105 reports at the layer with the fix."""
    if takes_strings(spec.class_name):
        return None
    strings = [i.name for i in model.inputs if i.dtype == STRING and i.name in spec.inbound]
    if not strings:
        return None
    return ShapeError(f"{spec.class_name} cannot compute on strings, and input "
                      f"'{strings[0]}' has dtype string: Keras builds it, then fails on "
                      f"the first batch", kind="value",
                      fix="turn the text into numbers first: a TextVectorization, "
                          "StringLookup or Hashing layer between the input and this one")
