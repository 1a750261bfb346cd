"""netlint's cost model (netlint.cost) against real Keras on JAX and XLA's own counts.

Each model below is built in real Keras (tests/keras_model.py) in ONE subprocess on the
JAX backend (this test process runs Keras on numpy), which reports:

- FLOPs: `jax.jit(forward).lower(...).compile().cost_analysis()["flops"]` of the
  inference forward pass at a batch of 2, halved. netlint counts only the products of
  matmuls and convolutions (FLOPs = 2 x MACs); XLA also counts every elementwise op (bias
  adds, activations, the LSTM's gate arithmetic, normalization, softmax, pooling's
  comparisons and sums). So models written with neither bias nor activation
  (`*-products`) must match EXACTLY, and for the rest netlint must be at most XLA's
  count and within each model's stated share of it (the elementwise part it leaves out).
  XLA counts a `lax.scan` loop body once, not once per timestep, so the recurrent models
  here are written with `unroll: true` (the same arithmetic, laid out in full); netlint
  ignores `unroll`.
- Weight bytes: the bytes of `model.weights` (shape x dtype size): EQUAL.
- Optimizer state: the bytes of `optimizer.variables` after
  `optimizer.build(model.trainable_variables)`, for every optimizer netlint models: EQUAL.
- Activation memory: XLA's `compiled.memory_analysis()` of a gradient step is a buffer
  plan, not a count of what autodiff keeps: XLA fuses elementwise chains (their
  intermediates never exist), reuses buffers, and its temp size has a fixed part that
  does not depend on the batch. Its absolute temp + output did not track netlint's
  estimate at all at small batches (the fixed part dominates), so what is tested is the
  growth with the batch size: (temp(64) - temp(32)) / 32, the bytes one more sample
  costs, must be within a factor of 3 of netlint's per-sample activation bytes (see
  MEMORY_FACTOR for the spread measured).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# name -> (model text, how much of XLA's forward FLOPs netlint may leave out: 0 = exact)
MODELS = {
    "dense-products": ("""
input: {shape: [32]}
layers:
  - Dense: {units: 64, use_bias: false}
  - Dense: {units: 10, use_bias: false}
""", 0.0),
    "dense": ("""
input: {shape: [20, 32]}
layers:
  - Dense: {units: 64, activation: relu}
  - Dense: {units: 10, activation: softmax}
""", 0.08),
    "conv2d-products": ("""
input: {shape: [28, 28, 3]}
layers:
  - Conv2D: {filters: 16, kernel_size: 3, use_bias: false}
  - Conv2D: {filters: 8, kernel_size: 5, strides: 2, padding: same, use_bias: false}
  - DepthwiseConv2D: {kernel_size: 3, depth_multiplier: 2, use_bias: false}
  - SeparableConv2D: {filters: 4, kernel_size: 3, use_bias: false}
""", 0.0),
    "conv1d-pooling": ("""
input: {shape: [100, 8]}
layers:
  - Conv1D: {filters: 16, kernel_size: 5, activation: relu}
  - MaxPooling1D: {pool_size: 2}
  - Conv1D: {filters: 16, kernel_size: 3, activation: relu}
  - GlobalAveragePooling1D: {}
  - Dense: {units: 4}
""", 0.10),
    "mnist-convnet": ((ROOT / "examples/mnist-convnet.yaml").read_text(), 0.05),
    "lstm": ("""
input: {shape: [6, 8]}
layers:
  - LSTM: {units: 64, unroll: true}
""", 0.08),
    "gru": ("""
input: {shape: [6, 8]}
layers:
  - GRU: {units: 32, unroll: true, return_sequences: true}
""", 0.12),
    "simple-rnn": ("""
input: {shape: [6, 8]}
layers:
  - SimpleRNN: {units: 32, unroll: true}
""", 0.06),
    "bidirectional": ("""
input: {shape: [5, 6]}
layers:
  - Bidirectional: {layer: {LSTM: {units: 16, unroll: true, return_sequences: true}}}
  - TimeDistributed: {layer: {Dense: {units: 3}}}
""", 0.15),
    "embedding-lstm": ("""
input: {shape: [6], dtype: int32}
layers:
  - Embedding: {input_dim: 100, output_dim: 16}
  - LSTM: {units: 32, unroll: true}
  - Dense: {units: 1, activation: sigmoid}
""", 0.10),
    "stacked-lstm": (None, 0.08),  # examples/stacked-lstm.yaml, 20 steps (filled below)
    "transformer": ("""
input: {shape: [16, 32]}
layers:
  - MultiHeadAttention: {num_heads: 4, key_dim: 8, name: attention}
    from: [input_layer, input_layer]
  - Add: {name: residual}
    from: [input_layer, attention]
  - LayerNormalization: {name: norm}
  - Dense: {units: 64, activation: relu, name: feed}
  - Dense: {units: 32, name: back}
  - Add: {name: residual_2}
    from: [norm, back]
  - LayerNormalization: {name: norm_2}
  - GlobalAveragePooling1D: {name: pool}
  - Dense: {units: 10, activation: softmax, name: head}
""", 0.15),
    "normalization": ("""
input: {shape: [8, 8, 4]}
layers:
  - Conv2D: {filters: 8, kernel_size: 3, use_bias: false}
  - BatchNormalization: {}
  - LayerNormalization: {}
  - Flatten: {}
  - Dense: {units: 2, use_bias: false}
""", 0.25),
    "conv-lstm": ("""
input: {shape: [4, 10, 3]}
layers:
  - ConvLSTM1D: {filters: 8, kernel_size: 3, unroll: true, return_sequences: true}
  - ConvLSTM1D: {filters: 4, kernel_size: 3, padding: same, unroll: true}
""", 0.05),
    "grouped-query-attention": ("""
input: {shape: [12, 16]}
layers:
  - GroupQueryAttention: {head_dim: 8, num_query_heads: 4, num_key_value_heads: 2}
    from: [input_layer, input_layer]
""", 0.10),
    "attention": ("""
input: {shape: [12, 16]}
layers:
  - Attention: {}
    from: [input_layer, input_layer]
  - AdditiveAttention: {}
    from: [attention, input_layer]
""", 0.20),  # the scores' scaling, softmax and AdditiveAttention's tanh are elementwise
    "einsum-dense-products": ("""
input: {shape: [12, 16]}
layers:
  - EinsumDense: {equation: "abc,cde->abde", output_shape: [12, 4, 8]}
  - EinsumDense: {equation: "abde,de->abd", output_shape: [12, 4]}
""", 0.0),
    "mixed-precision": ("""
input: {shape: [64]}
layers:
  - Dense: {units: 128, use_bias: false, dtype: mixed_float16}
  - Dense: {units: 8, use_bias: false, dtype: mixed_float16}
""", 0.40),  # XLA counts the casts: every float32 weight to float16, every forward pass
}
_STACKED = (ROOT / "examples/stacked-lstm.yaml").read_text()
# its 600 steps unrolled take XLA minutes to compile; 5 steps do the same per-step work
MODELS["stacked-lstm"] = (_STACKED.replace("shape: [600, 8]", "shape: [5, 8]")
                          .replace("return_sequences: true}",
                                           "return_sequences: true, unroll: true}")
                          .replace("LSTM: {units: 32}", "LSTM: {units: 32, unroll: true}"),
                          0.08)

OPTIMIZERS = ["sgd", {"SGD": {"momentum": 0.9}}, "adam", {"Adam": {"amsgrad": True}},
              "adamw", {"AdamW": {"amsgrad": True}}, "nadam", "adamax", "rmsprop",
              {"RMSprop": {"centered": True}}, {"RMSprop": {"momentum": 0.5}}, "adagrad",
              "adadelta", "ftrl", "lion", "lamb", {"Adam": {"use_ema": True}}, "adafactor"]
BATCHES = (32, 64)
# what one more sample costs XLA, over netlint's activation bytes per sample, must lie in
# [1 / MEMORY_FACTOR, MEMORY_FACTOR]
MEMORY_FACTOR = 3.0


# --- the Keras/XLA side, run as `python tests/test_cost_oracle.py` under JAX ----------

def _bytes(variables) -> int:
    import numpy as np

    return sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in variables)


def _optimizer(value):
    import keras

    name, kwargs = (value, {}) if isinstance(value, str) else next(iter(value.items()))
    if not kwargs and name in ("adam", "sgd", "rmsprop", "adagrad", "adadelta", "ftrl"):
        return keras.optimizers.get(name)  # by the name `compile(optimizer=...)` takes
    name = {"adamw": "AdamW", "nadam": "Nadam", "adamax": "Adamax", "lion": "Lion",
            "lamb": "Lamb", "adafactor": "Adafactor"}.get(name, name)
    return getattr(keras.optimizers, name)(**kwargs)


def _figures(text: str, memory: bool) -> dict:
    import jax
    import jax.numpy as jnp
    from keras_model import build_keras_model
    from netlint.loader import load_text

    spec = load_text(text).model
    _, model = build_keras_model(spec)
    trainable = [v.value for v in model.trainable_variables]
    frozen = [v.value for v in model.non_trainable_variables]
    inp = spec.inputs[0]

    def forward(tv, ntv, x):
        return model.stateless_call(tv, ntv, x, training=False)[0]

    def loss(tv, ntv, x):
        y, _ = model.stateless_call(tv, ntv, x, training=True)
        return jnp.sum(jnp.square(y.astype("float32")))

    def batch(size):
        return jnp.zeros((size,) + tuple(inp.shape), dtype=inp.dtype or "float32")

    if memory:  # a gradient step's buffer plan at two batch sizes (the slow part)
        temps = {}
        for size in BATCHES:
            plan = jax.jit(jax.grad(loss)).lower(trainable, frozen, batch(size)).compile()
            stats = plan.memory_analysis()
            temps[size] = stats.temp_size_in_bytes + stats.output_size_in_bytes
        return {"step_memory": temps}
    cost = jax.jit(forward).lower(trainable, frozen, batch(2)).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    states = []
    for value in OPTIMIZERS:
        optimizer = _optimizer(value)
        optimizer.build(model.trainable_variables)
        states.append(_bytes(optimizer.variables))
    return {"flops": cost["flops"] / 2, "weight_bytes": _bytes(model.weights),
            "trainable_bytes": _bytes(model.trainable_weights), "optimizer_bytes": states,
            "keras_params": model.count_params()}


def main() -> None:
    sys.path.insert(0, str(HERE))
    names = json.loads(sys.stdin.read())
    memory = sys.argv[1:] == ["memory"]
    json.dump({name: _figures(MODELS[name][0], memory) for name in names}, sys.stdout)


# --- the tests ---------------------------------------------------------------------

def _keras_side(*mode: str) -> dict:
    pytest.importorskip("jax")
    run = subprocess.run([sys.executable, __file__, *mode], input=json.dumps(list(MODELS)),
                         capture_output=True, text=True, timeout=300, check=False,
                         env={**os.environ, "KERAS_BACKEND": "jax",
                              "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT / "src")})
    if run.returncode != 0:
        pytest.fail(f"the Keras/XLA side failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def xla() -> dict:
    """Forward FLOPs, weight and optimizer bytes of every model, from one subprocess."""
    return _keras_side()


@pytest.fixture(scope="module")
def xla_memory() -> dict:
    """Gradient steps' buffer plans: two compiles a model, so the slow part."""
    return _keras_side("memory")


def ours(name: str, optimizer: object = "adam", batch_size: int = 32):
    from netlint.cost import model_cost
    from netlint.pipeline import lint

    linted = lint(MODELS[name][0])
    assert linted.inferred is not None and not linted.inferred.errors, name
    return model_cost(linted.inferred, batch_size=batch_size, optimizer=optimizer)


@pytest.mark.parametrize("name", list(MODELS))
def test_forward_flops(xla, name):
    share = MODELS[name][1]
    counted, theirs = ours(name).flops, xla[name]["flops"]
    if share == 0:
        assert counted == theirs, (name, counted, theirs)
    else:  # netlint leaves out XLA's elementwise ops, and at most `share` of the count
        assert theirs * (1 - share) <= counted <= theirs, (name, counted, theirs,
                                                           counted / theirs)


@pytest.mark.parametrize("name", list(MODELS))
def test_weight_bytes_equal_keras(xla, name):
    cost = ours(name)
    assert cost.weight_bytes == xla[name]["weight_bytes"]
    assert cost.gradient_bytes == xla[name]["trainable_bytes"]


@pytest.mark.parametrize("name", list(MODELS))
def test_optimizer_state_equals_keras(xla, name):
    for value, theirs in zip(OPTIMIZERS, xla[name]["optimizer_bytes"]):
        assert ours(name, optimizer=value).optimizer_bytes == theirs, value


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MODELS))
def test_activation_memory_grows_with_the_batch_as_xla_plans_it(xla_memory, name):
    small, large = BATCHES
    memory = xla_memory[name]["step_memory"]
    per_sample = (memory[str(large)] - memory[str(small)]) / (large - small)
    cost = ours(name, batch_size=1)
    ratio = per_sample / cost.activation_bytes
    assert 1 / MEMORY_FACTOR <= ratio <= MEMORY_FACTOR, (name, per_sample,
                                                        cost.activation_bytes, ratio)


if __name__ == "__main__":
    main()
