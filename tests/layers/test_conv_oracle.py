"""Convolution layers against real Keras: shapes, parameter counts, refusals.

Keras builds each layer on symbolic inputs and, where every length is known,
runs it on a batch too (compare_layer_and_run): a layer Keras builds but
cannot run counts as refused.
"""

import pytest
from hypothesis import given, settings, strategies as st

from keras_oracle import compare_layer_and_run, netlint_layer
from netlint.layers.base import ShapeError

DATA_FORMATS = st.sampled_from([None, "channels_last", "channels_first"])


def per_axis(rank, low, high):
    """An int, or a list with one int per spatial axis (as YAML writes it)."""
    return st.one_of(st.integers(low, high),
                     st.lists(st.integers(low, high), min_size=rank, max_size=rank))


def sometimes(draw, odds=6):
    """True about once in `odds` draws: for the rarer, usually refused, variants."""
    return draw(st.integers(1, odds)) == 1


@st.composite
def conv_input(draw, rank, data_format, *, max_len=10, channels=None):
    """Per-sample input shape: mostly the right rank, sometimes one axis off or unknown."""
    length = st.one_of(st.integers(1, max_len), st.integers(1, max_len), st.none())
    spatial = draw(st.lists(length, min_size=rank, max_size=rank))
    if channels is None or sometimes(draw, 8):
        channels = None if sometimes(draw, 8) else draw(st.integers(1, 6))
    shape = [channels] + spatial if data_format == "channels_first" else spatial + [channels]
    if sometimes(draw, 8):
        shape = shape[1:] if draw(st.booleans()) else shape + [draw(st.integers(1, 4))]
    return tuple(shape)


@st.composite
def window_kwargs(draw, rank, paddings=("valid", "same")):
    """Kernel, strides, dilation, padding, data_format, use_bias.

    Keras refuses strides > 1 together with dilation > 1 for Conv and
    ConvTranspose, so mostly one of them varies; now and then both do.
    """
    style = draw(st.sampled_from(["strided", "strided", "dilated", "dilated", "both"]))
    data_format = draw(DATA_FORMATS)
    kwargs = {
        "kernel_size": draw(per_axis(rank, 1, 4)),
        "strides": draw(per_axis(rank, 1, 3)) if style != "dilated" else 1,
        "dilation_rate": draw(per_axis(rank, 1, 3)) if style != "strided" else 1,
        "padding": draw(st.sampled_from(paddings)),
        "use_bias": draw(st.booleans()),
    }
    if data_format is not None:
        kwargs["data_format"] = data_format
    return kwargs, data_format


RANK_MAX = {1: 12, 2: 9, 3: 6}


@settings(max_examples=400, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), groups=st.sampled_from([1, 1, 2, 3]))
def test_conv(data, rank, groups):
    # causal is Conv1D's alone (Keras refuses it in 2D/3D: see test_conv_cases)
    paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
    kwargs, data_format = data.draw(window_kwargs(rank, paddings))
    # filters and channels are mostly multiples of groups, as Keras requires
    filters = groups * data.draw(st.integers(1, 3)) + (1 if sometimes(data.draw) else 0)
    kwargs.update(filters=filters, groups=groups)
    channels = groups * data.draw(st.integers(1, 3))
    shape = data.draw(conv_input(rank, data_format, max_len=RANK_MAX[rank], channels=channels))
    compare_layer_and_run(f"Conv{rank}D", kwargs, [shape])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), filters=st.integers(1, 6),
       padding=st.sampled_from(["valid", "same"]))
def test_conv_transpose(data, rank, filters, padding):
    kwargs, data_format = data.draw(window_kwargs(rank, (padding,)))
    kwargs["filters"] = filters
    if data.draw(st.booleans()):
        # Keras needs output_padding < strides on each axis; sometimes break that
        strides = kwargs["strides"]
        strides = [strides] * rank if isinstance(strides, int) else strides
        high = 2 if sometimes(data.draw) else None
        kwargs["output_padding"] = [data.draw(st.integers(0, high or s - 1)) for s in strides]
    shape = data.draw(conv_input(rank, data_format, max_len=RANK_MAX[rank] - 2))
    compare_layer_and_run(f"Conv{rank}DTranspose", kwargs, [shape])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2]), multiplier=st.integers(1, 3))
def test_depthwise(data, rank, multiplier):
    kwargs, data_format = data.draw(window_kwargs(rank))
    kwargs["depth_multiplier"] = multiplier
    shape = data.draw(conv_input(rank, data_format, max_len=RANK_MAX[rank]))
    compare_layer_and_run(f"DepthwiseConv{rank}D", kwargs, [shape])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rank=st.sampled_from([1, 2]), multiplier=st.integers(1, 3),
       filters=st.integers(1, 6))
def test_separable(data, rank, multiplier, filters):
    kwargs, data_format = data.draw(window_kwargs(rank))
    kwargs.update(depth_multiplier=multiplier, filters=filters)
    shape = data.draw(conv_input(rank, data_format, max_len=RANK_MAX[rank]))
    compare_layer_and_run(f"SeparableConv{rank}D", kwargs, [shape])


@pytest.mark.parametrize("class_name, kwargs, shape", [
    # the defaults, and every Keras 3 second name
    ("Conv1D", {"filters": 8, "kernel_size": 3}, (20, 4)),
    ("Convolution1D", {"filters": 8, "kernel_size": 3}, (20, 4)),
    ("Convolution2D", {"filters": 8, "kernel_size": 3}, (9, 9, 3)),
    ("Convolution3D", {"filters": 2, "kernel_size": 2}, (4, 4, 4, 2)),
    ("Convolution1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, (5, 3)),
    ("Convolution2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, (5, 5, 3)),
    ("Convolution3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, (3, 3, 3, 2)),
    ("SeparableConvolution1D", {"filters": 4, "kernel_size": 3}, (10, 3)),
    ("SeparableConvolution2D", {"filters": 4, "kernel_size": 3}, (7, 7, 3)),
    ("DepthwiseConv1D", {"kernel_size": 3}, (10, 3)),
    ("DepthwiseConv2D", {"kernel_size": 3}, (7, 7, 3)),
    # spellings Keras normalises: upper-case padding and data_format
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "SAME"}, (10, 3)),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "Causal"}, (10, 3)),
    ("Conv2D", {"filters": 2, "kernel_size": 3, "data_format": "Channels_First"}, (3, 8, 8)),
    # causal is Conv1D's alone
    ("Conv1D", {"filters": 2, "kernel_size": 4, "padding": "causal", "dilation_rate": 2},
     (3, 3)),
    ("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (8, 8, 3)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (8, 3)),
    ("SeparableConv1D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (8, 3)),
    ("DepthwiseConv1D", {"kernel_size": 3, "padding": "causal"}, (8, 3)),
    # arguments Keras refuses when the layer is made
    ("Conv2D", {"filters": 0, "kernel_size": 3}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 0}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": [3, 3, 3]}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 0}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (9, 9, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "full"}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "data_format": "nhwc"}, (8, 8, 3)),
    ("Conv2D", {"filters": 3, "kernel_size": 3, "groups": 2}, (8, 8, 4)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 0}, (8, 8, 4)),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
     (5, 5, 3)),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2},
     (5, 5, 3)),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 0}, (8, 8, 3)),
    ("SeparableConv2D", {"filters": 0, "kernel_size": 3}, (8, 8, 3)),
    # ... and ones it accepts that a reader might not expect
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "dilation_rate": 2}, (9, 9, 3)),
    ("SeparableConv2D", {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
     (9, 9, 3)),
    ("Conv1D", {"filters": 2, "kernel_size": 30}, (None, 3)),  # unknown length: no check
    # inputs Keras refuses when the layer is built
    ("Conv1D", {"filters": 8, "kernel_size": 3}, (740,)),
    ("Conv1D", {"filters": 8, "kernel_size": 3}, (10, 4, 2)),
    ("Conv1D", {"filters": 8, "kernel_size": 3}, (10, None)),
    ("Conv2D", {"filters": 8, "kernel_size": 3}, (28, 28)),
    ("Conv3D", {"filters": 8, "kernel_size": 3}, (5, 5, 5)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2}, (8, 8, 3)),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3}, (8, 8, None)),
    ("DepthwiseConv2D", {"kernel_size": 3}, (8, 8, None)),
    ("SeparableConv2D", {"filters": 4, "kernel_size": 3}, (8, 8, None)),
    ("Conv2D", {"filters": 4, "kernel_size": 5}, (4, 9, 3)),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "dilation_rate": 3}, (6, 3)),
    # empty axes: 'same' keeps them empty, 'valid' refuses; Keras declares a shape
    # for a transpose of one but cannot run it
    ("Conv1D", {"filters": 2, "kernel_size": 2}, (0, 4)),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "padding": "same"}, (0, 4)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3}, (0, 4)),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3, "padding": "same",
                         "output_padding": 0}, (0, 4)),
    # LoRA: the kernel freezes and two low-rank factors train
    ("Conv2D", {"filters": 4, "kernel_size": 3, "lora_rank": 2}, (8, 8, 3)),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "lora_rank": 3, "lora_alpha": 6.0}, (8, 3)),
    ("Conv3D", {"filters": 4, "kernel_size": 2, "lora_rank": 1}, (4, 4, 4, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "lora_rank": 0}, (8, 8, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "lora_rank": -1}, (8, 8, 3)),
    # frozen layers count as non-trainable
    ("Conv2D", {"filters": 4, "kernel_size": 3, "trainable": False}, (8, 8, 3)),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3, "trainable": False}, (8, 3)),
])
def test_conv_cases(class_name, kwargs, shape):
    compare_layer_and_run(class_name, kwargs, [shape])


def test_batch_size_passes_through():
    compare_layer_and_run("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2}, [(9, 9, 3)],
                  batch_size=16)


def refusal(class_name, kwargs, shape) -> ShapeError:
    with pytest.raises(ShapeError) as info:
        netlint_layer(class_name, kwargs, [shape])
    return info.value


def test_rank_message_names_the_layout():
    error = refusal("Conv1D", {"filters": 8, "kernel_size": 3}, (740,))
    assert error.message == ("Conv1D needs a 3D input (batch, steps, channels) "
                             "but got (None, 740)")
    assert (error.kind, error.expected_rank) == ("rank", 3)
    assert "Reshape((740, 1))" in error.fix
    error = refusal("Conv2D", {"filters": 8, "kernel_size": 3, "data_format": "channels_first"},
                    (28, 28))
    assert "(batch, channels, height, width)" in error.message
    assert error.expected_rank == 4


def test_too_small_message_names_axis_and_window():
    error = refusal("Conv1D", {"filters": 4, "kernel_size": 3, "dilation_rate": 3}, (6, 3))
    assert error.kind == "size"
    assert error.message.startswith("Conv1D kernel_size 3 (dilated to span 7) is larger than "
                                    "the 6 steps it gets")
    error = refusal("Conv2D", {"filters": 4, "kernel_size": [2, 5]}, (9, 4, 3))
    assert "kernel_size 5 is larger than the 4 columns" in error.message


def test_argument_refusals_are_value_errors():
    assert refusal("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "causal"},
                   (8, 8, 3)).kind == "value"
    error = refusal("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2}, (8, 8, 3))
    assert error.kind == "size" and "3 input channels" in error.message
