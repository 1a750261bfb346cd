"""What makes the training script fast on a GPU: its precision and its RNN kernels.

Precision: `--mixed-precision` at export, else a dtype policy the model file gives
its layers, else "auto": the script asks the backend for its GPUs when it starts
and picks mixed_bfloat16 (compute capability 8.0 and up), mixed_float16 (older
GPUs; Keras scales the loss) or float32 (no GPU). It prints what it chose and why.

RNN kernels: the LSTM/GRU layers that cannot run the fused cuDNN kernel get a
comment where they are built and a line printed at start-up. The conditions are
rule NL204's (rules/checks/cudnn_ineligible.py), imported rather than repeated,
plus `use_cudnn: false`, which that rule leaves alone because the file asks for it.
"""

from __future__ import annotations

from netlint.codegen.emitter import INDENT, Seq, comment, literal, quoted, render
from netlint.layers.inference import InferredModel
from netlint.plumbing.records import record
from netlint.rules.checks.cudnn_ineligible import _cudnn_blockers
from netlint.rules.facts import recurrent_layers
from netlint.rules.sequence_facts import mask_source, mask_words

MIXED_POLICIES = {"float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}
CUDNN_CLASSES = ("LSTM", "GRU")
ALL_BACKENDS = ("jax", "tensorflow", "torch")
MASK_BACKENDS = ("jax", "torch")  # their lstm()/gru() refuse any mask (NL204)
MASK_REASON = "a mask"


@record(frozen=True)
class Precision:
    """The script's dtype policy: "auto" (chosen at run time) or a fixed policy, and why."""

    policy: str  # "auto" | "float32" | "mixed_float16" | "mixed_bfloat16"
    reason: str  # for a fixed policy: who fixed it (our words plus quoted())

    @property
    def mixed(self) -> bool:
        """Whether the script may compute in 16 bits (outputs then stay float32)."""
        return self.policy != "float32"


@record(frozen=True)
class SlowRnn:
    """An LSTM/GRU layer the script builds that runs the step-by-step loop on a GPU."""

    layer: str  # the layer the script builds (the Bidirectional that holds it, if any)
    rnn: str  # the LSTM/GRU's own name
    class_name: str
    reasons: tuple  # (text, backends it holds on)


# -- precision ------------------------------------------------------------------------

def _layer_dtypes(model: object) -> list[tuple[str, str]]:
    """(layer name, dtype) for every layer, wrapped ones included, whose dtype the file sets."""
    found = []
    pending = list(model.layers)  # type: ignore[attr-defined]
    while pending:
        spec = pending.pop(0)
        if spec is None:
            continue
        dtype = spec.kwargs.get("dtype")
        if isinstance(dtype, str) and spec.shares is None:
            found.append((spec.name, dtype))
        pending += [spec.wrapped, spec.backward, *spec.cells]
    return found


def choose_precision(model: object, mixed_precision: str | None) -> Precision:
    """The export-time part of the decision: fixed by the flag or the file, else auto."""
    if mixed_precision is not None:
        return Precision(MIXED_POLICIES[mixed_precision],
                         f"set by --mixed-precision {mixed_precision} at export")
    dtypes = _layer_dtypes(model)
    mixed = [(name, dtype) for name, dtype in dtypes if dtype.startswith("mixed_")]
    if mixed:
        name, dtype = mixed[0]
        return Precision(dtype, f"set by the model file (dtype {quoted(dtype)} on layer "
                                f"{quoted(name)})")
    own = [(name, dtype) for name, dtype in dtypes if dtype != "float32"]
    if own:
        name, dtype = own[0]
        return Precision("float32", f"the model file gives its layers their own dtypes "
                                    f"({quoted(dtype)} on layer {quoted(name)})")
    return Precision("auto", "")


def precision_settings(precision: Precision) -> list[str]:
    if precision.policy == "auto":
        return comment("The precision is chosen from the device when the script starts (see "
                       "choose_precision): bfloat16 on recent GPUs, float16 on older ones, "
                       "float32 on a CPU. Export with --mixed-precision to fix it.", "")
    lines = comment("Fixed at export; the output layers compute in float32 either way.", "")
    lines += render(literal(precision.policy), "", "MIXED_PRECISION_POLICY = ")
    return lines + render(literal(precision.reason), "", "PRECISION_REASON = ")


def precision_main(precision: Precision) -> list[str]:
    """main()'s lines that set the global dtype policy (before the model is built)."""
    if precision.policy == "auto":
        return [f"{INDENT}policy, reason = choose_precision()",
                f"{INDENT}keras.mixed_precision.set_global_policy(policy)",
                f'{INDENT}print(f"Precision: {{policy}}, chosen at start-up: {{reason}}")']
    return [f"{INDENT}keras.mixed_precision.set_global_policy(MIXED_PRECISION_POLICY)",
            f'{INDENT}print(f"Precision: {{MIXED_PRECISION_POLICY}}, {{PRECISION_REASON}}")']


FIND_GPUS = '''\
def capability(value):
    """A compute capability as (major, minor), from "8.0" or (8, 0); None if unknown."""
    try:
        parts = str(value).split(".") if isinstance(value, str) else list(value)
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except (TypeError, ValueError, IndexError):
        return None


def find_gpus():
    """The GPUs the backend will train on, as (name, compute capability) pairs."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return [(str(device.device_kind), capability(getattr(device, "compute_capability",
                                                                None)))
                for device in jax.devices() if device.platform == "gpu"]
    if backend == "tensorflow":
        import tensorflow as tf

        return [(gpu.name, capability(tf.config.experimental.get_device_details(gpu)
                                      .get("compute_capability")))
                for gpu in tf.config.list_physical_devices("GPU")]
    if backend == "torch":
        import torch

        if not torch.cuda.is_available():
            return []
        return [(torch.cuda.get_device_name(index),
                 capability(torch.cuda.get_device_capability(index)))
                for index in range(torch.cuda.device_count())]
    return []


def choose_precision():
    """The dtype policy for the devices found, and why: (policy, reason).

    Tensor cores run bfloat16 at full speed from compute capability 8.0 (Ampere) on,
    and bfloat16 needs no loss scaling. Older GPUs compute in float16, for which
    compile() wraps the optimizer in a LossScaleOptimizer so that small gradients do
    not underflow. A CPU gains nothing from 16 bits: float32. Either way the weights
    stay float32, and so do the output layers.
    """
    gpus = find_gpus()
    if not gpus:
        return "float32", "no GPU found, and 16-bit compute is no faster on a CPU"
    unknown = [name for name, found in gpus if found is None]
    if unknown:
        return "float32", f"the GPU {unknown[0]} reports no compute capability"
    name, (major, minor) = min(gpus, key=lambda gpu: gpu[1])
    if (major, minor) >= (8, 0):
        return "mixed_bfloat16", (f"the GPU {name} has compute capability {major}.{minor} "
                                  "(8.0 or more): bfloat16 tensor cores, no loss scaling")
    return "mixed_float16", (f"the GPU {name} has compute capability {major}.{minor} "
                             "(below 8.0, no fast bfloat16): float16, the loss scaled by "
                             "Keras")
'''


# -- RNN kernels ----------------------------------------------------------------------

def _escaped(text: str) -> str:
    """Text from the file (a value, a layer name) made safe for a comment."""
    return quoted(text)[1:-1]


def slow_rnns(inferred: InferredModel) -> list[SlowRnn]:
    """The LSTM/GRU layers off the cuDNN path, in model order, with every reason."""
    found: dict[str, SlowRnn] = {}
    for rnn in recurrent_layers(inferred):
        if rnn.class_name not in CUDNN_CLASSES:
            continue
        layer = rnn.node.spec.shares or rnn.node.name
        if rnn.kwargs.get("use_cudnn") is False:
            reasons = [("use_cudnn: false", ALL_BACKENDS)]
        else:
            reasons = [(text, ALL_BACKENDS) for _, text in _cudnn_blockers(rnn)]
            # as NL204: the mask matters only where nothing else keeps the layer off cuDNN
            source = None if reasons else mask_source(inferred, rnn.node)
            if source is not None:
                reasons.append((f"{MASK_REASON} ({mask_words(source)}) on the JAX or PyTorch "
                                "backend", MASK_BACKENDS))
        if not reasons:
            continue
        old = found.get(layer)
        known = old.reasons if old else ()
        found[layer] = SlowRnn(layer, rnn.spec.name, rnn.class_name,
                               known + tuple(r for r in reasons if r not in known))
    return list(found.values())


def rnn_notes(slow: list[SlowRnn]) -> dict[str, list[str]]:
    """Comment lines (text) per layer the script builds."""
    notes = {}
    for rnn in slow:
        why = "; ".join(_escaped(text) for text, _ in rnn.reasons)
        masked = rnn.reasons[0][0].startswith(MASK_REASON)
        advice = ("TensorFlow keeps cuDNN for right-padded sequences; drop the mask if the "
                  "sequences are not padded" if masked else "Keep Keras's defaults for a fast "
                  "RNN")
        notes[rnn.layer] = [f"GPU: {quoted(rnn.rnn)} ({rnn.class_name}) cannot use the fused "
                            f"cuDNN kernel because of {why}; it runs the generic step-by-step "
                            f"loop, often several times slower on a GPU. {advice} (netlint "
                            "reports this as NL204)."]
    return notes


REPORT_RNNS = '''\
def report_slow_rnns():
    """Say which LSTM/GRU layers will run the step-by-step loop on a GPU, and why."""
    backend = keras.backend.backend()
    for layer, reason, backends in SLOW_RNNS:
        if backend in backends:
            print(f"cuDNN: layer {layer!r} runs the step-by-step loop on a GPU, not the "
                  f"fused cuDNN kernel: {reason}")
'''


def rnn_settings(slow: list[SlowRnn]) -> list[str]:
    if not slow:
        return []
    rows = tuple(Seq("tuple", (literal(rnn.rnn), literal(text), literal(backends)))
                 for rnn in slow for text, backends in rnn.reasons)
    lines = comment("LSTM/GRU layers off the fused cuDNN kernel (netlint NL204): (layer, "
                    "why, on which backends). report_slow_rnns() prints them at start-up.", "")
    return lines + render(Seq("list", rows), "", "SLOW_RNNS = ")
