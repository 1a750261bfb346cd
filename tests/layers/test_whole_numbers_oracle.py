"""A float where the registry's argument is whole (`Dense: {units: 8.0}`): netlint and
real Keras give the same verdict, argument by argument.

The arguments come from the registry itself: every argument whose Keras default is
whole, or whose name layers.whole_numbers knows as whole, of every class, including
those where Keras takes a float (BatchNormalization's axis, Reshape's target_shape)
and the seed of a dropout of rate 0, which Keras never reads. Each case writes the
argument's whole value of a working layer as a float; Keras builds the layer and
runs it on a batch, training and not, and a failure anywhere is a refusal that
netlint must make too. JAX's caches are cleared before each case: JAX (which the
numpy backend convolves with) caches a convolution by its arguments, and (1.0, 1.0)
strides would hit the cache of a (1, 1) one that ran before, and run.
"""

import warnings

import jax
import keras
import numpy as np
import pytest
from keras_oracle import LayerAnswer, keras_counts, make_keras_layer, netlint_layer

from netlint.api import infer
from netlint.layers.base import REQUIRED, ShapeError
from netlint.layers.registry import all_defs
from netlint.layers.whole_numbers import (
    ANY_NUMBER,
    FLOATS_TAKEN,
    RANDOM_WHEN_ABOVE_ZERO,
    WHOLE_NAMES,
    is_whole_default,
)
from netlint.loader import load_text

BATCH = 3
IMAGE = (9, 7, 3)
# A working layer of each class with a whole argument: (kwargs, input shapes, wrapped).
BASES = {
    "AdaptiveAveragePooling1D": ({"output_size": 2}, [(9, 3)]),
    "AdaptiveAveragePooling2D": ({"output_size": 2}, [IMAGE]),
    "AdaptiveAveragePooling3D": ({"output_size": 2}, [(5, 9, 7, 3)]),
    "AdaptiveMaxPooling1D": ({"output_size": 2}, [(9, 3)]),
    "AdaptiveMaxPooling2D": ({"output_size": 2}, [IMAGE]),
    "AdaptiveMaxPooling3D": ({"output_size": 2}, [(5, 9, 7, 3)]),
    "AveragePooling1D": ({"pool_size": 2, "strides": 1}, [(9, 3)]),
    "AveragePooling2D": ({"pool_size": 2, "strides": 1}, [IMAGE]),
    "AveragePooling3D": ({"pool_size": 2, "strides": 1}, [(5, 9, 7, 3)]),
    "MaxPooling1D": ({"pool_size": 2, "strides": 1}, [(9, 3)]),
    "MaxPooling2D": ({"pool_size": 2, "strides": 1}, [IMAGE]),
    "MaxPooling3D": ({"pool_size": 2, "strides": 1}, [(5, 9, 7, 3)]),
    "Conv1D": ({"filters": 4, "kernel_size": 3, "lora_rank": 2}, [(9, 2)]),
    "Conv2D": ({"filters": 4, "kernel_size": 3}, [(9, 7, 2)]),
    "Conv3D": ({"filters": 4, "kernel_size": 3}, [(5, 9, 7, 2)]),
    "Conv1DTranspose": ({"filters": 4, "kernel_size": 3, "output_padding": 0}, [(9, 2)]),
    "Conv2DTranspose": ({"filters": 4, "kernel_size": 3}, [(9, 7, 2)]),
    "Conv3DTranspose": ({"filters": 4, "kernel_size": 3}, [(5, 9, 7, 2)]),
    "ConvLSTM1D": ({"filters": 4, "kernel_size": 3, "seed": 1}, [(3, 9, 2)]),
    "ConvLSTM2D": ({"filters": 4, "kernel_size": 3}, [(3, 9, 7, 2)]),
    "ConvLSTM3D": ({"filters": 4, "kernel_size": 3}, [(3, 5, 9, 7, 2)]),
    "DepthwiseConv1D": ({"kernel_size": 3}, [(9, 2)]),
    "DepthwiseConv2D": ({"kernel_size": 3}, [(9, 7, 2)]),
    "SeparableConv1D": ({"filters": 4, "kernel_size": 3}, [(9, 2)]),
    "SeparableConv2D": ({"filters": 4, "kernel_size": 3}, [(9, 7, 2)]),
    "Cropping1D": ({}, [(9, 3)]), "Cropping2D": ({}, [IMAGE]),
    "Cropping3D": ({}, [(5, 9, 7, 3)]),
    "ZeroPadding1D": ({}, [(9, 3)]), "ZeroPadding2D": ({}, [IMAGE]),
    "ZeroPadding3D": ({}, [(5, 9, 7, 3)]),
    "UpSampling1D": ({}, [(9, 3)]), "UpSampling2D": ({}, [IMAGE]),
    "UpSampling3D": ({}, [(5, 9, 7, 3)]),
    "Dense": ({"units": 4, "lora_rank": 2}, [(7,)]),
    "EinsumDense": ({"equation": "ab,bc->ac", "output_shape": 4}, [(7,)]),
    "Embedding": ({"input_dim": 10, "output_dim": 4}, [(7,)]),
    "ReversibleEmbedding": ({"input_dim": 10, "output_dim": 4}, [(7,)]),
    "GRU": ({"units": 4, "seed": 1}, [(9, 3)]), "LSTM": ({"units": 4}, [(9, 3)]),
    "SimpleRNN": ({"units": 4}, [(9, 3)]),
    # a cell is checked inside RNN, which loops it (see CELLS)
    "LSTMCell": ({"units": 4, "seed": 1}, [(9, 3)]), "GRUCell": ({"units": 4}, [(9, 3)]),
    "SimpleRNNCell": ({"units": 4}, [(9, 3)]),
    "MultiHeadAttention": ({"num_heads": 2, "key_dim": 4, "value_dim": 4, "dropout": 0.5,
                            "sliding_window": 2, "attention_axes": [1]}, [(9, 3), (9, 3)]),
    "GroupQueryAttention": ({"head_dim": 4, "num_query_heads": 2, "num_key_value_heads": 1,
                             "dropout": 0.5}, [(9, 3), (9, 3)]),
    "Attention": ({"dropout": 0.5}, [(9, 3), (9, 3)]),
    "AdditiveAttention": ({"dropout": 0.5}, [(9, 3), (9, 3)]),
    "BatchNormalization": ({}, [(9, 3)]), "LayerNormalization": ({}, [(9, 3)]),
    "RMSNormalization": ({}, [(9, 3)]), "UnitNormalization": ({}, [(9, 3)]),
    "GroupNormalization": ({"groups": 2}, [(9, 4)]),
    "SpectralNormalization": ({"layer": "Dense"}, [(7,)], ("Dense", {"units": 4})),
    "Softmax": ({}, [(9, 3)]), "Normalization": ({"mean": 0.0, "variance": 1.0}, [(9, 3)]),
    "Concatenate": ({}, [(9, 3), (9, 3)]), "Dot": ({"axes": 1}, [(7,), (7,)]),
    "PReLU": ({"shared_axes": [1]}, [(9, 3)]),
    "Permute": ({"dims": [2, 1]}, [(9, 3)]), "RepeatVector": ({"n": 3}, [(7,)]),
    "Reshape": ({"target_shape": [3, 3]}, [(9,)]),
    "Dropout": ({"rate": 0.5, "seed": 1, "noise_shape": [None, 1]}, [(9, 3)]),
    "AlphaDropout": ({"rate": 0.5, "seed": 1, "noise_shape": [None, 1]}, [(9, 3)]),
    "GaussianDropout": ({"rate": 0.5, "seed": 1}, [(7,)]),
    "GaussianNoise": ({"stddev": 0.5, "seed": 1}, [(7,)]),
    "SpatialDropout1D": ({"rate": 0.5, "seed": 1}, [(9, 3)]),
    "SpatialDropout2D": ({"rate": 0.5, "seed": 1}, [IMAGE]),
    "SpatialDropout3D": ({"rate": 0.5, "seed": 1}, [(5, 9, 7, 3)]),
    "CategoryEncoding": ({"num_tokens": 4}, [(7,)]),
    "Discretization": ({"bin_boundaries": [0.5]}, [(7,)]),
    "CenterCrop": ({"height": 4, "width": 4}, [IMAGE]),
    "RandomCrop": ({"height": 4, "width": 4, "seed": 1}, [IMAGE]),
    "Resizing": ({"height": 4, "width": 4}, [IMAGE]),
    "MaxNumBoundingBoxes": ({"max_number": 3}, [IMAGE]),
    "MelSpectrogram": ({"fft_length": 64, "sequence_stride": 16, "sequence_length": 32,
                        "num_mel_bins": 8}, [(256,)]),
    "STFTSpectrogram": ({"frame_length": 32, "frame_step": 16, "fft_length": 32}, [(256, 1)]),
    "RandomPosterization": ({"factor": 2}, [IMAGE]),
    "RandomShear": ({"x_factor": 0.1}, [IMAGE]),
    "RandomRotation": ({"factor": 0.1}, [IMAGE]), "RandomZoom": ({"height_factor": 0.1}, [IMAGE]),
    "RandomTranslation": ({"height_factor": 0.1, "width_factor": 0.1}, [IMAGE]),
    **{name: ({"factor": 0.1}, [IMAGE]) for name in (
        "RandomContrast", "RandomBrightness", "RandomHue", "RandomSaturation",
        "RandomSharpness", "RandomColorDegeneration")},
    **{name: ({}, [IMAGE]) for name in (
        "AugMix", "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
        "Equalization", "MixUp", "RandAugment", "RandomColorJitter", "RandomElasticTransform",
        "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomInvert",
        "RandomPerspective", "Solarization")},
}
CELLS = ("LSTMCell", "GRUCell", "SimpleRNNCell")
# Keras builds these with TensorFlow only: tests/layers/test_text_oracle.py asks it.
TEXT_LAYERS = {"TextVectorization", "StringLookup", "IntegerLookup", "Hashing",
               "HashedCrossing"}
# A whole value for arguments whose Keras default is not one.
FILL = {"seed": 1, "lora_rank": 2, "output_padding": 0, "value_dim": 4, "sliding_window": 2,
        "attention_axes": [1], "noise_shape": [None, 1], "shared_axes": [1], "strides": 1,
        "frame_step": 16, "fft_length": 32, "sequence_length": 32, "num_bins": 4,
        "output_shape": [4]}


def _whole_by_name_or_default(name, default):
    return name in WHOLE_NAMES or name in ANY_NUMBER or is_whole_default(default)


def _cases():
    """(class, argument, extra kwargs) for every whole argument of the registry."""
    cases = []
    for class_name, definition in sorted(all_defs().items()):
        if class_name != definition.name or definition.family == "declared":
            continue  # an alias, or a layer whose arguments are taken on trust
        for name, default in definition.params.items():
            if (_whole_by_name_or_default(name, default) or (class_name, name) in FLOATS_TAKEN) \
                    and class_name != "InputLayer":
                cases.append((class_name, name, {}))
                switch = RANDOM_WHEN_ABOVE_ZERO.get(class_name)
                if switch and name in ("seed", "noise_shape"):  # Keras never reads it then
                    cases.append((class_name, name, {switch: 0.0}))
    return cases


CASES = _cases()


def _floated(value):
    if isinstance(value, (list, tuple)):
        return [_floated(v) for v in value]
    return float(value) if is_whole_default(value) else value


def _case(class_name, name, extra):
    """(class, kwargs, input shapes, wrapped) of the case: a cell inside an RNN."""
    base = BASES[class_name]
    kwargs = {**base[0], **extra}
    default = all_defs()[class_name].params[name]
    value = kwargs.get(name, default)
    if value is None or value is REQUIRED:
        value = FILL[name]
    kwargs[name] = _floated(value)
    if class_name in CELLS:
        return "RNN", {"cell": class_name}, base[1], (class_name, kwargs)
    return class_name, kwargs, base[1], base[2] if len(base) > 2 else None


def _keras_layer(class_name, kwargs, wrapped):
    if class_name != "RNN":
        return make_keras_layer(class_name, kwargs, wrapped)
    return keras.layers.RNN(make_keras_layer(*wrapped))


def keras_verdict(class_name, kwargs, shapes, wrapped):
    """Keras's answer on symbolic inputs, or None where it refuses to build or to run a
    batch (training or not)."""
    keras.backend.clear_session(free_memory=False)
    jax.clear_caches()  # a (1, 1) convolution run before would take (1.0, 1.0) strides
    separate = class_name in ("MultiHeadAttention", "GroupQueryAttention")

    def call(layer, inputs, **options):
        return layer(*inputs, **options) if separate else \
            layer(inputs[0] if len(inputs) == 1 else inputs, **options)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = _keras_layer(class_name, kwargs, wrapped)
            out = call(layer, [keras.Input(shape=s) for s in shapes])
            for training in (False, True):
                batch = [np.random.rand(BATCH, *s).astype("float32") for s in shapes]
                call(_keras_layer(class_name, kwargs, wrapped), batch, training=training)
    except Exception:  # noqa: BLE001 - Keras raises many kinds
        return None
    outs = out if isinstance(out, (list, tuple)) else [out]
    return LayerAnswer(tuple(tuple(o.shape) for o in outs), *keras_counts(layer))


def test_every_class_with_a_whole_argument_has_a_working_layer():
    missing = sorted({c for c, _, _ in CASES if c not in BASES and c not in TEXT_LAYERS})
    assert not missing, f"add a working layer of {missing} to BASES"


@pytest.mark.parametrize("class_name, name, extra",
                         [c for c in CASES if c[0] not in TEXT_LAYERS],
                         ids=lambda v: v if isinstance(v, str) else repr(v))
def test_a_float_gets_the_verdict_keras_gives(class_name, name, extra):
    class_name, kwargs, shapes, wrapped = _case(class_name, name, extra)
    expected = keras_verdict(class_name, kwargs, shapes, wrapped)
    try:
        got = netlint_layer(class_name, kwargs, shapes, wrapped=wrapped)
    except ShapeError as error:
        assert expected is None, f"netlint refused {class_name}({kwargs}) ({error.message}) " \
                                 f"but Keras builds and runs it as {expected}"
        return
    assert expected is not None, f"Keras refuses {class_name}({kwargs}) but netlint " \
                                 f"gave {got}"
    assert got == expected


@pytest.mark.parametrize("class_name, kwargs, shapes", [
    ("Reshape", {"target_shape": [3, 3.5]}, [(9,)]),  # one unknown length: runs
    ("Reshape", {"target_shape": [-1, 3.0]}, [(9,)]),  # two: Keras cannot run it
    ("BatchNormalization", {"axis": 1.5}, [(9, 3)]),  # int(1.5) is axis 1
    ("RandomGaussianBlur", {"kernel_size": [4.5, 3.0], "factor": 1.0}, [IMAGE]),
    ("MaxNumBoundingBoxes", {"max_number": 2.5}, [IMAGE]),
], ids=repr)
def test_floats_that_are_no_whole_number_where_keras_takes_floats(class_name, kwargs, shapes):
    expected = keras_verdict(class_name, kwargs, shapes, None)
    try:
        got = netlint_layer(class_name, kwargs, shapes)
    except ShapeError as error:
        assert expected is None, f"netlint refused {kwargs} ({error.message}); Keras " \
                                 f"gave {expected}"
        return
    assert got == expected


def test_keras_takes_a_float_exactly_where_netlint_says_it_does():
    """Every exception in layers.whole_numbers names a class and argument it is about."""
    for class_name, name in FLOATS_TAKEN:
        assert name in all_defs()[class_name].params
        assert name not in all_defs()[class_name].whole_numbers
    for class_name, switch in RANDOM_WHEN_ABOVE_ZERO.items():
        assert {"seed", switch} <= set(all_defs()[class_name].params)


@pytest.mark.parametrize("item, fix", [
    ("Dense: {units: 8.0}", "write `units: 8`"),
    ("Conv1D: {filters: 4, kernel_size: [3.0]}", "write `kernel_size: [3]`"),
    ("Embedding: {input_dim: 10.5, output_dim: 4}",
     "write `input_dim` as a whole number (Keras does not round 10.5)"),
    ("TimeDistributed: {layer: {Dense: {units: 2.0}}}", "write `units: 2`"),
    ("RNN: {cell: [{LSTMCell: {units: 4}}, {GRUCell: {units: 3.0}}]}", "write `units: 3`"),
])
def test_the_finding_is_located_and_says_the_fix(item, fix):
    text = f"input: {{shape: [5, 3]}}\nlayers:\n  - {item}\n"
    found = infer(load_text(text)).findings  # the loader's and the NL105s, before rules
    findings = [f for f in found if f.code == "NL105"]
    assert len(findings) == 1, [f.text() for f in found]
    assert (findings[0].position.line, findings[0].position.column) == (3, 5)
    assert "takes whole numbers" in findings[0].message and findings[0].fix == fix


# -- the text layers, which Keras builds with TensorFlow only -------------------------

TEXT_BASES = {
    "TextVectorization": ({"vocabulary": ["news", "sport"], "max_tokens": 10, "ngrams": 2,
                           "output_sequence_length": 4}, [()], "string"),
    "StringLookup": ({"vocabulary": ["news", "sport"], "max_tokens": 10}, [(3,)], "string"),
    "IntegerLookup": ({"vocabulary": [4, 5, 2], "max_tokens": 10}, [(3,)], "int64"),
    "Hashing": ({"num_bins": 4}, [(3,)], "string"),
    "HashedCrossing": ({"num_bins": 4}, [(), ()], "int64"),
}


@pytest.mark.parametrize("class_name, name", [(c, n) for c, n, extra in CASES
                                              if c in TEXT_LAYERS and not extra])
@pytest.mark.parametrize("mode", ["int", "one_hot", "pad"])
def test_a_float_in_a_text_layer_gets_the_verdict_keras_gives(class_name, name, mode):
    pytest.importorskip("tensorflow", reason="the text layers need TensorFlow for Keras to "
                                             "build them: pip install -e '.[test-tf]'")
    from test_text_oracle import compare  # tests/layers, where pytest imports it from

    kwargs, shapes, dtype = TEXT_BASES[class_name]
    value = kwargs.get(name, all_defs()[class_name].params[name])
    kwargs = {**kwargs, name: _floated(value)}
    if mode != "int":
        kwargs["output_mode"] = "multi_hot" if class_name == "TextVectorization" else "one_hot"
        kwargs.pop("output_sequence_length", None)
    if mode == "pad" and "max_tokens" in kwargs:  # max_tokens becomes the output's size
        kwargs["pad_to_max_tokens"] = True
    compare(pytest.importorskip("tensorflow"), class_name, kwargs, shapes, dtype=dtype)
