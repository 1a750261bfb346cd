"""Keras 1/2 spellings and their Keras 3 names.

Code pasted from old tutorials and Q&A answers (`Convolution2D(32, 3, 3)`,
`LSTM(..., dropout_W=0.2)`, `Adam(lr=0.2)`, `nb_epoch=20`) is understood: the
loader rewrites it to Keras 3 and remembers the old spelling, so NL901/NL902
can say what to write instead.
"""

from __future__ import annotations

# old class name -> Keras 3 class name
LEGACY_LAYERS = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "AtrousConvolution1D": "Conv1D",
    "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose",
    "Deconv2D": "Conv2DTranspose",
    "Deconv3D": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    "CuDNNLSTM": "LSTM",
    "CuDNNGRU": "GRU",
    "MaxoutDense": "Dense",
    "ThresholdedReLU": "ReLU",
}

# Keras 1 positional forms: Convolution2D(32, 3, 3) is filters, rows, cols.
LEGACY_POSITIONAL = {
    "Convolution1D": ("filters", "filter_length"),
    "Convolution2D": ("filters", "nb_row", "nb_col"),
    "Convolution3D": ("filters", "kernel_dim1", "kernel_dim2", "kernel_dim3"),
    "AtrousConvolution1D": ("filters", "filter_length"),
    "AtrousConvolution2D": ("filters", "nb_row", "nb_col"),
    "Deconvolution2D": ("filters", "nb_row", "nb_col"),
    "SeparableConvolution2D": ("filters", "nb_row", "nb_col"),
}

# Arguments that several old kernel-size spellings combine into.
KERNEL_PARTS = {
    ("nb_row", "nb_col"): "kernel_size",
    ("kernel_dim1", "kernel_dim2", "kernel_dim3"): "kernel_size",
}

# old kwarg -> Keras 3 kwarg, for any layer that has the new one
LEGACY_KWARGS = {
    "output_dim": "units",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "pool_length": "pool_size",
    "stride": "strides",
    "atrous_rate": "dilation_rate",
    "dim_ordering": "data_format",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "W_regularizer": "kernel_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "U_constraint": "recurrent_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "p": "rate",
}

# old kwarg -> Keras 3 kwarg for one class only (ReLU never took `alpha`)
LEGACY_CLASS_KWARGS = {
    "LeakyReLU": {"alpha": "negative_slope"},
}

# old kwarg Keras 3 dropped outright, with what to do instead
REMOVED_KWARGS = {
    "input_length": "Keras 3 takes the sequence length from the input shape; remove it",
    "consume_less": "Keras 3 picks the implementation itself; remove it",
    "implementation": "Keras 3 picks the implementation itself; remove it",
    "forget_bias_init": "use unit_forget_bias: true (the default)",
}

# dim_ordering values
DATA_FORMAT_VALUES = {"th": "channels_first", "tf": "channels_last"}

# old names in compile/optimizer/train sections
LEGACY_OPTIMIZER_KWARGS = {"lr": "learning_rate"}
LEGACY_TRAIN_KWARGS = {"nb_epoch": "epochs", "samples_per_epoch": "steps_per_epoch",
                       "nb_val_samples": "validation_steps"}
