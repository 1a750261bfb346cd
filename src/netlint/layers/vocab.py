"""Names Keras 3 accepts as strings: activations, initializers, losses, ...

The Keras vocabularies come from `netlint.vocabulary` (generated from the
installed Keras, with a staleness test); the rest are netlint's own words.
"""

from netlint import vocabulary

ACTIVATIONS = vocabulary.names("activation")
INITIALIZERS = vocabulary.names("initializer")
REGULARIZERS = vocabulary.names("regularizer")
CONSTRAINTS = vocabulary.names("constraint")
LOSSES = vocabulary.names("loss")
METRICS = vocabulary.names("metric")
OPTIMIZERS = vocabulary.any_case_names("optimizer")  # Keras ignores their letter case
# Class spellings (`{Adam: {learning_rate: 0.001}}`) -> the registry's lowercase key.
OPTIMIZER_CLASSES = {name: name.lower() for name in vocabulary.classes("optimizer")}

DATA_FORMATS = ("channels_last", "channels_first")
# keras.Input and a layer's dtype policy take these. `string` is for text inputs (what
# TextVectorization, StringLookup and Hashing read); a layer with weights cannot compute
# in it, which inference refuses (layers.shared_checks).
DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool", "string", "mixed_float16", "mixed_bfloat16")
AXIS_WORDS = ("samples", "batch", "time", "features", "channels", "height", "width", "depth",
              "tokens")
ENCODINGS = ("one-hot", "integer", "multi-hot", "continuous")
