"""What each layer argument means, in one line: the descriptions editors show.

Keyed by argument name, because an argument means the same thing in every Keras
layer that takes it (`units`, `padding`, `kernel_initializer`, ...). Arguments
not listed here get a generic line naming the layer, so every property in the schema
says something. No text here states a default: the default differs between layers
(LSTM's activation is tanh, Dense's none), so `schema_arguments.kwarg_description`
appends `(default: ...)` from the registry itself, and `NONE_MEANS` says what Keras
does with a null default. A test holds every description to the registry.
"""

from __future__ import annotations

KWARG_DOCS: dict[str, str] = {
    # every layer
    "name": "layer name; other layers' `from:` and `outputs:` refer to it",
    "dtype": "dtype (policy) of the layer's computations and weights",
    "trainable": "false freezes the weights: they count as non-trainable parameters",
    "autocast": "cast inputs to the layer's compute dtype (mixed precision)",
    "activity_regularizer": "penalty on the layer's output, added to the loss",
    "input_shape": "Keras 2 style: the model input (per-sample shape, batch excluded), on "
                   "the first layer only; prefer `input: {shape: [...]}` at the top",
    "input_dim": "Keras 2 style: a 1-D model input of this size, on the first layer only "
                 "(for Embedding: the vocabulary size)",
    "batch_input_shape": "Keras 2 style: the model input with the batch size first, "
                         "[batch, ...shape]; on the first layer only",
    "batch_size": "a fixed batch size for the model input (stateful RNNs need one)",
    # sizes
    "units": "size of the output (for RNNs: the state size, unrelated to the number of "
             "timesteps)",
    "filters": "number of convolution filters: the channels of the output",
    "kernel_size": "size of the convolution window: one int, or one per spatial axis",
    "strides": "step between windows: one int, or one per spatial axis",
    "dilation_rate": "spacing between kernel taps (dilated / atrous convolution)",
    "padding": "how the input's edges are padded: 'valid', 'same' or 'causal'",
    "data_format": "where the channels axis is: 'channels_last' or 'channels_first'",
    "groups": "number of groups the channels are split into (grouped convolution / "
              "GroupNormalization)",
    "depth_multiplier": "depthwise kernels per input channel",
    "output_padding": "extra size added to one side of each spatial axis of a transposed "
                      "convolution",
    "pool_size": "size of the pooling window: one int, or one per spatial axis",
    "output_size": "output length per pooled axis, whatever the input length",
    "keepdims": "keep the pooled axes as size 1 instead of dropping them",
    "size": "how many times each step / row / column is repeated",
    "interpolation": "how UpSampling2D fills the new pixels",
    "cropping": "how many steps to cut from each side: one int, a pair, or a pair per axis",
    "target_shape": "the new per-sample shape (batch excluded); one entry may be -1",
    "dims": "the new order of the non-batch axes, counted from 1 ([2, 1] swaps two axes)",
    "n": "how many times the vector is repeated (the new time axis)",
    "axis": "the axis (or axes) the layer works on; -1 is the last",
    "axes": "the axis of each input that the dot product sums over",
    "normalize": "L2-normalise both inputs first (the dot product is then a cosine)",
    # activations
    "activation": "activation function applied to the output",
    "recurrent_activation": "activation of an RNN's gates (sigmoid keeps the fast cuDNN "
                            "kernel)",
    "negative_slope": "slope of the function below zero",
    "max_value": "upper bound of the output (ReLU6 is max_value: 6)",
    "threshold": "values below this are set to zero (or scaled by negative_slope)",
    "alpha": "scale of the negative part",
    "shared_axes": "axes that share one learned slope",
    # weights
    "use_bias": "add a learned bias vector",
    "kernel_initializer": "how the kernel (input weights) starts",
    "recurrent_initializer": "how the recurrent weights start",
    "bias_initializer": "how the bias starts",
    "depthwise_initializer": "how the depthwise kernels start",
    "pointwise_initializer": "how the 1x1 pointwise kernel starts",
    "embeddings_initializer": "how the embedding vectors start",
    "alpha_initializer": "how the learned slopes start",
    "beta_initializer": "how the learned offset (beta) starts",
    "gamma_initializer": "how the learned scale (gamma) starts",
    "moving_mean_initializer": "how the moving mean starts",
    "moving_variance_initializer": "how the moving variance starts",
    "unit_forget_bias": "start the forget gate's bias at 1 (helps early training)",
    "lora_rank": "rank of a LoRA update (low-rank fine-tuning); null: none",
    "lora_alpha": "scale of the LoRA update",
    "quantization_config": "quantization settings; null: none",
    "weights": "initial weight values (Keras 2 style); netlint does not read them",
    # RNNs
    "return_sequences": "true: output every timestep (batch, steps, units), as the next RNN "
                        "needs; false: only the last (batch, units)",
    "return_state": "also return the final state(s) as extra outputs",
    "go_backwards": "read the sequence backwards (and return the outputs reversed)",
    "stateful": "carry the state from batch to batch; needs a fixed batch size",
    "unroll": "unroll the loop over timesteps: faster for short sequences, more memory",
    "use_cudnn": "'auto' uses the fused cuDNN kernel on a GPU when the settings allow it",
    "zero_output_for_mask": "output zeros (instead of the last output) at masked steps",
    "reset_after": "GRU: apply the reset gate after the matrix product (the cuDNN form)",
    "dropout": "fraction of the inputs dropped at each step while training",
    "recurrent_dropout": "fraction of the recurrent state dropped while training (> 0 turns "
                         "off the fused cuDNN kernel)",
    "seed": "random seed for the layer's dropout / noise",
    # wrappers
    "layer": "the layer this wrapper applies, written like a `layers:` item",
    "backward_layer": "the layer for the backward direction, written like a `layers:` item",
    "merge_mode": "how the forward and backward outputs combine; null returns both",
    "power_iterations": "power-iteration steps per training step",
    # dropout / noise
    "rate": "fraction of the inputs to drop while training (0 to 1)",
    "noise_shape": "shape of the dropout mask (1 on an axis shares the mask along it)",
    "stddev": "standard deviation of the added noise",
    # embedding / masking
    "output_dim": "size of each embedding vector",
    "mask_zero": "treat id 0 as padding: later RNNs skip those steps (vocabulary size then "
                 "counts 0)",
    "mask_value": "timesteps whose features all equal this value are skipped by later RNNs",
    # normalization
    "momentum": "how slowly the moving statistics follow each batch's",
    "epsilon": "small value added to the variance to avoid dividing by zero",
    "center": "learn an offset (beta)",
    "scale": "learn a scale (gamma)",
    "renorm": "batch renormalization",
    "renorm_clipping": "limits for the renormalization corrections",
    "renorm_momentum": "momentum of the renormalization statistics",
    "synchronized": "synchronise the batch statistics across devices",
    "rms_scaling": "scale by the root mean square only (no centring)",
    # attention
    "num_heads": "number of attention heads",
    "key_dim": "size of each head for query and key",
    "value_dim": "size of each head for value",
    "output_shape": "size of the output's last axis",
    "attention_axes": "axes attention runs over",
    "use_scale": "learn a scale for the attention scores",
    "score_mode": "how scores are computed: 'dot' or 'concat'",
    "use_gate": "gate the attention output",
    "flash_attention": "use flash attention when the backend supports it",
    "sliding_window": "limit attention to this many neighbouring positions",
    # the Input layer
    "shape": "per-sample shape, batch excluded; null entries: any size",
    "batch_shape": "the input shape with the batch size first",
    "sparse": "the input is a sparse tensor",
    "ragged": "the input is a ragged tensor",
    "input_tensor": "an existing tensor to use as the input (not expressible in a file)",
    "optional": "the input may be None",
}

# What a null default means, where it means more than "none" (the registry's None).
NONE_MEANS: dict[str, str] = {
    "name": "Keras's, e.g. lstm, lstm_1",
    "dtype": "the global policy, float32",
    "activation": "none, i.e. linear",
    "strides": "pool_size",
    "data_format": "Keras's image_data_format, channels_last",
    "lora_alpha": "lora_rank",
    "value_dim": "key_dim",
    "output_shape": "the query's last axis",
    "attention_axes": "all axes but batch, heads and features",
    "backward_layer": "a copy of `layer` with go_backwards",
}

# One line per value where Keras's documentation gives one (yaml-language-server shows
# them beside the completion and on hover): keyed by vocabulary kind, then value.
ENUM_DOCS: dict[str, dict[str, str]] = {
    "padding": {
        "valid": "no padding: the output shrinks by the window size minus one",
        "same": "pad evenly so that the output keeps the input's length (at stride 1)",
        "causal": "pad the past only, so no output sees a later step (Conv1D; temporal "
                  "models)",
    },
    "data_format": {
        "channels_last": "inputs are (batch, ..., channels): Keras's default",
        "channels_first": "inputs are (batch, channels, ...)",
    },
}

# Shared endings: `kernel_regularizer`, `bias_constraint`, ...
SUFFIX_DOCS = {
    "_initializer": "how the {weights} weights start",
    "_regularizer": "penalty on the {weights} weights, added to the loss",
    "_constraint": "constraint applied to the {weights} weights after each update",
}


# Arguments one layer gives a meaning of its own (Lambda's output_shape is a declaration,
# MultiHeadAttention's a size).
LAYER_KWARG_DOCS: dict[tuple[str, str], str] = {
    ("Lambda", "output_shape"): "what the code returns, per sample (batch excluded): netlint "
                                "cannot run it and takes this on trust (NL113); a list of "
                                "shapes for several outputs",
    ("Lambda", "function"): "the Python code: a model file cannot hold it (`netlint export` "
                            "refuses the model), so it is usually left out",
    ("Lambda", "mask"): "the mask the code's output carries (Keras: a function or a tensor)",
    ("Lambda", "arguments"): "extra keyword arguments Keras passes to the code",
}
# What the editor schema says of the two declared forms that are not Keras classes.
CUSTOM_LAYER_DOC = "a layer class Keras does not ship (a custom layer): netlint cannot see " \
                   "its code, so it needs output_shape (what it makes, per sample) and takes " \
                   "it on trust (NL113); params: its parameter count; other arguments are " \
                   "kept as written. A misspelt Keras class lands here too."
OPS_NODE_DOC = "a keras.ops function applied to Keras tensors (`x + 3.0` is ops.add), which " \
               "Keras records as a node, not a layer: netlint takes its output_shape on trust " \
               "(NL113)"
DECLARED_DOCS = {
    "output_shape": "what the layer makes, per sample (batch excluded), as Keras's Lambda "
                    "reads it; a list of shapes for several outputs",
    "params": "its parameter count (the size of its weights; default 0), counted trainable "
              "unless `trainable: false`",
}


def describe(name: str, layer: str = "") -> str | None:
    """The one-line meaning of an argument, or None when netlint has none to give."""
    if (layer, name) in LAYER_KWARG_DOCS:
        return LAYER_KWARG_DOCS[(layer, name)]
    if name in KWARG_DOCS:
        return KWARG_DOCS[name]
    for suffix, text in SUFFIX_DOCS.items():
        if name.endswith(suffix):
            return text.format(weights=name[: -len(suffix)].replace("_", " "))
    return None
