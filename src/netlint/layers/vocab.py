"""Names Keras 3 accepts as strings: activations, initializers, losses, ...

Read off Keras 3.15's own registries; the test suite checks these lists against
the installed Keras so they cannot drift silently.
"""

ACTIVATIONS = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
    "tanh_shrink", "threshold",
)

INITIALIZERS = (
    "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
    "lecun_normal", "lecun_uniform", "normal", "one", "ones", "orthogonal", "random_normal",
    "random_uniform", "truncated_normal", "uniform", "variance_scaling", "zero", "zeros",
    "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "VarianceScaling", "Zeros",
)

REGULARIZERS = ("l1", "l2", "l1l2", "orthogonal_regularizer", "L1", "L2", "L1L2",
                "OrthogonalRegularizer")

CONSTRAINTS = ("max_norm", "min_max_norm", "non_neg", "unit_norm", "MaxNorm", "MinMaxNorm",
               "NonNeg", "UnitNorm")

LOSSES = (
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "categorical_hinge", "circle", "cosine_similarity",
    "ctc", "dice", "hinge", "huber", "kl_divergence", "kld", "log_cosh", "mae", "mape",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "mse", "msle", "poisson",
    "sparse_categorical_crossentropy", "squared_hinge", "tversky", "bce",
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "CategoricalHinge", "Circle", "CosineSimilarity", "CTC",
    "Dice", "Hinge", "Huber", "KLDivergence", "LogCosh", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
    "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky",
)

OPTIMIZERS = ("adadelta", "adafactor", "adagrad", "adam", "adamax", "adamw", "ftrl", "lion",
              "muon", "nadam", "rmsprop", "sgd")
# Class spellings (`{Adam: {learning_rate: 0.001}}`) -> the registry's lowercase key.
OPTIMIZER_CLASSES = {
    "Adadelta": "adadelta", "Adafactor": "adafactor", "Adagrad": "adagrad", "Adam": "adam",
    "Adamax": "adamax", "AdamW": "adamw", "Ftrl": "ftrl", "Lion": "lion", "Muon": "muon",
    "Nadam": "nadam", "RMSprop": "rmsprop", "SGD": "sgd",
}

METRICS = (
    "accuracy", "auc", "binary_accuracy", "binary_crossentropy", "categorical_accuracy",
    "categorical_crossentropy", "categorical_hinge", "cosine_similarity", "f1_score",
    "hinge", "kl_divergence", "log_cosh_error", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "mse", "msle", "poisson", "precision", "r2_score", "recall", "root_mean_squared_error",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy", "squared_hinge", "top_k_categorical_accuracy",
    "AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "F1Score", "MeanAbsoluteError",
    "MeanSquaredError", "Precision", "Recall", "RootMeanSquaredError", "R2Score",
    "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
)

PADDINGS = ("valid", "same")
CAUSAL_PADDINGS = ("valid", "same", "causal")
DATA_FORMATS = ("channels_last", "channels_first")
DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool", "mixed_float16", "mixed_bfloat16")
AXIS_WORDS = ("samples", "batch", "time", "features", "channels", "height", "width", "depth",
              "tokens")
ENCODINGS = ("one-hot", "integer", "multi-hot", "continuous")
