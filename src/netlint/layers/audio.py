"""Audio layers: MelSpectrogram and STFTSpectrogram.

MelSpectrogram takes (batch, samples) and gives (batch, num_mel_bins, frames).
Keras declares 1 + (samples + 1) // sequence_stride frames, but its centred
STFT computes 1 + samples // sequence_stride (one sample fewer for an odd
fft_length): where the two differ (always at a stride of 1) the layer that
follows was built for a frame count no batch has, and netlint refuses it.

STFTSpectrogram is a strided 1D convolution by fixed sine and cosine kernels,
which are (trainable) weights: (frame_length, 1, fft_length // 2 + 1) each.
"""

from __future__ import annotations

import math

from netlint.layers.argument_checks import is_whole as _int
from netlint.layers.base import Inferred, LayerCall, ShapeError, Weight, format_shape
from netlint.layers.registry import register
from netlint.layers.conv_utils import normalize_data_format, single_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FAMILY = "preprocessing"


def _positive(call: LayerCall, name: str, *, optional: bool = False) -> int | None:
    value = call.kwargs.get(name)
    if optional and value is None:
        return None
    if not _int(value) or value < 1:
        raise ShapeError(f"{call.class_name} needs `{name}` as a positive integer, got "
                         f"{value!r}", kind="value")
    return value


def _number(call: LayerCall, name: str) -> None:
    value = call.kwargs.get(name)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ShapeError(f"{call.class_name} needs `{name}` as a number, got {value!r}",
                         kind="value")


# --- MelSpectrogram ---------------------------------------------------------------------

# the backends' stft takes these window names, or None (no window)
_STFT_WINDOWS = ("hann", "hamming")


def _mel_arguments(call: LayerCall) -> tuple:
    """(fft_length, sequence_stride), refused where Keras's __init__ or stft refuses."""
    fft = _positive(call, "fft_length")
    stride = _positive(call, "sequence_stride")
    length = _positive(call, "sequence_length", optional=True) or fft
    if fft < length:
        raise ShapeError(f"MelSpectrogram needs fft_length ({fft}) >= sequence_length "
                         f"({length})", kind="value")
    bins = call.kwargs.get("num_mel_bins")
    # 0 bins run (an empty spectrogram) unless power_to_db takes the max of nothing
    low = 1 if call.kwargs.get("power_to_db") else 0
    if not _int(bins) or bins < low:
        raise ShapeError(f"MelSpectrogram needs `num_mel_bins` as an integer >= {low}"
                         f"{' with power_to_db' if low else ''}, got {bins!r}", kind="value")
    _number(call, "sampling_rate")
    window = call.kwargs.get("window")
    if window is not None and window not in _STFT_WINDOWS:
        raise ShapeError(f"MelSpectrogram `window` must be 'hann', 'hamming' or null, got "
                         f"{window!r}: Keras builds it, and its stft refuses it on the first "
                         "batch", kind="value")
    return fft, stride


def _frames(samples: int | None, fft: int, stride: int) -> int | None:
    if samples is None:
        return None
    declared = (samples + stride + 1) // stride
    computed = (samples + 2 * (fft // 2) - fft) // stride + 1
    if declared != computed:
        raise ShapeError(
            f"MelSpectrogram declares {declared} frames for {samples} samples but computes "
            f"{computed} (sequence_stride={stride}, fft_length={fft}): Keras builds the next "
            "layer for a frame count no batch has", kind="size",
            fix="change the number of samples or sequence_stride so that sequence_stride "
                "does not divide samples + 1")
    return declared


@register("MelSpectrogram", family=FAMILY, params={
    "fft_length": 2048, "sequence_stride": 512, "sequence_length": None, "window": "hann",
    "sampling_rate": 16000, "num_mel_bins": 128, "min_freq": 20.0, "max_freq": None,
    "power_to_db": True, "top_db": 80.0, "mag_exp": 2.0, "min_power": 1e-10, "ref_power": 1.0,
})
def mel_spectrogram(call: LayerCall) -> Inferred:
    """Audio (batch, samples) -> mel spectrogram (batch, num_mel_bins, frames).

    A rank-1 tensor is one clip to Keras: its only axis, netlint's batch axis, is
    the samples, and the output is (num_mel_bins, frames)."""
    fft, stride = _mel_arguments(call)
    shape = single_input(call)
    bins = call["num_mel_bins"]
    if len(shape) == 1:
        return Inferred((bins, _frames(shape[0], fft, stride)))
    if len(shape) != 2:
        raise ShapeError(f"MelSpectrogram needs (batch, samples) audio but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=2,
                         fix="give mono audio as (batch, samples); Keras's declared shape "
                             "ignores any further axis")
    return Inferred((shape[0], bins, _frames(shape[1], fft, stride)))


# --- STFTSpectrogram --------------------------------------------------------------------

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
# scipy.signal.get_window's names that need no parameter (scipy 1.17), which the layer
# checks in __init__; a `_periodic` or `_symmetric` suffix is taken too
_SCIPY_WINDOWS = (
    "barthann", "brthan", "bth", "bartlett", "bart", "brt", "blackman", "black", "blk",
    "blackmanharris", "blackharr", "bkh", "bohman", "bman", "bmn", "boxcar", "box", "ones",
    "rect", "rectangular", "cosine", "halfcosine", "exponential", "poisson", "flattop", "flat",
    "flt", "hamming", "hamm", "ham", "hann", "han", "lanczos", "sinc", "nuttall", "nutl", "nut",
    "parzen", "parz", "par", "taylor", "taylorwin", "triangle", "triang", "tri", "tukey", "tuk",
)


def _scipy_window(call: LayerCall, frame_length: int) -> None:
    window = call.kwargs.get("window")
    if window is None:
        return
    if isinstance(window, str):
        suffix = next((s for s in ("_symmetric", "_periodic") if window.endswith(s)), "")
        if window.removesuffix(suffix) in _SCIPY_WINDOWS:
            return
    elif isinstance(window, (list, tuple)) and len(window) == frame_length and all(
            isinstance(v, (int, float)) for v in window):
        return
    raise ShapeError(f"STFTSpectrogram `window` must be a scipy window name that takes no "
                     f"parameter (such as 'hann'), {frame_length} numbers, or null; got "
                     f"{window!r}", kind="value")


def _one_of(call: LayerCall, name: str, allowed: tuple) -> Any:
    value = call.kwargs.get(name)
    if value not in allowed:
        raise ShapeError(f"STFTSpectrogram `{name}` must be one of "
                         f"{', '.join(map(repr, allowed))}, got {value!r}", kind="value")
    return value


def _stft_arguments(call: LayerCall) -> tuple:
    """(frame_length, frame_step, fft_length), as Keras's __init__ settles them."""
    frame_length = _positive(call, "frame_length")
    step = call.kwargs.get("frame_step")
    if step is not None and (not _int(step) or not 1 <= step <= frame_length):
        raise ShapeError(f"STFTSpectrogram needs `frame_step` in [1, frame_length="
                         f"{frame_length}], got {step!r}", kind="value")
    fft = _positive(call, "fft_length", optional=True)
    if fft is not None and fft < frame_length:
        raise ShapeError(f"STFTSpectrogram needs fft_length ({fft}) >= frame_length "
                         f"({frame_length})", kind="value")
    _one_of(call, "mode", _MODES)
    _one_of(call, "scaling", (None, "density", "spectrum"))
    _one_of(call, "padding", ("valid", "same"))
    _scipy_window(call, frame_length)
    step = step or frame_length // 2
    if step < 1:  # the default half frame of a 1-sample frame: a stride of 0
        raise ShapeError("STFTSpectrogram with frame_length 1 needs `frame_step: 1`",
                         kind="value")
    return frame_length, step, fft or 2 ** math.ceil(math.log2(frame_length))


def _time_steps(call: LayerCall, length: int | None, frame_length: int, step: int) -> Any:
    if length is None:
        return None
    if call["padding"] == "same":
        return (length - 1) // step + 1
    steps = (length - frame_length) // step + 1
    if steps <= 0:
        raise ShapeError(f"STFTSpectrogram frame_length {frame_length} is longer than the "
                         f"{length} samples it gets (input {format_shape(call.shape)}, "
                         "padding='valid')", kind="size",
                         fix="use padding='same', a shorter frame, or a longer input")
    return steps


def _stft_weights(call: LayerCall, frame_length: int, bins: int) -> tuple:
    shape = (frame_length, 1, bins)
    mode = call["mode"]
    weights = () if mode == "imag" else (Weight("real_kernel", shape),)
    return weights + (() if mode == "real" else (Weight("imag_kernel", shape),))


@register("STFTSpectrogram", family=FAMILY, params={
    "mode": "log", "frame_length": 256, "frame_step": None, "fft_length": None,
    "window": "hann", "periodic": False, "scaling": "density", "padding": "valid",
    "expand_dims": False, "data_format": None,
})
def stft_spectrogram(call: LayerCall) -> Inferred:
    """Audio (batch, samples, channels) -> spectrogram (batch, frames, bins x channels)."""
    frame_length, step, fft = _stft_arguments(call)
    data_format = normalize_data_format(call.kwargs.get("data_format"), "STFTSpectrogram")
    first = data_format == "channels_first"
    shape = single_input(call)
    if len(shape) != 3:
        layout = "(batch, channels, samples)" if first else "(batch, samples, channels)"
        raise ShapeError(f"STFTSpectrogram needs a 3D input {layout} but got "
                         f"{format_shape(shape)}", kind="rank", expected_rank=3)
    channels, length = (shape[1], shape[2]) if first else (shape[2], shape[1])
    if channels is None:
        raise ShapeError(f"STFTSpectrogram needs a known channels axis, got "
                         f"{format_shape(shape)}", kind="size")
    bins = fft // 2 + 1
    if call["mode"] == "psd" and bins == 1:  # Keras pads the one bin's power to two
        raise ShapeError("STFTSpectrogram mode 'psd' with fft_length 1 computes 2 bins where "
                         "Keras declares 1", kind="value")
    freq = bins * 2 if call["mode"] == "stft" else bins
    steps = _time_steps(call, length, frame_length, step)
    if call.kwargs.get("expand_dims"):
        out = (shape[0], channels, steps, freq) if first else (shape[0], steps, freq, channels)
    else:
        out = (shape[0], freq * channels, steps) if first else (shape[0], steps, freq * channels)
    return Inferred(out, _stft_weights(call, frame_length, bins))
