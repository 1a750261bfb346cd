"""netlint.cost's own promises: exact integers for any size, None for what is unknown,
wrappers and shared layers counted as Keras runs them, and the defaults read from the
model file. (Its figures against real Keras and XLA: tests/test_cost_oracle.py.)"""

from __future__ import annotations

import time

import pytest

from netlint.cost import model_cost
from netlint.cost.optimizer import optimizer_state
from netlint.cost.text import amount_text, budget_bytes
from netlint.pipeline import lint


def cost(text: str, **options):
    linted = lint(text)
    assert linted.inferred is not None, [f.text() for f in linted.findings]
    return model_cost(linted.inferred, **options)


def test_enormous_sizes_are_exact_integers_and_fast():
    units = 10 ** 30
    started = time.perf_counter()
    result = cost(f"input: {{shape: [8]}}\nlayers:\n  - Dense: {{units: {units}}}\n"
                  f"  - Dense: {{units: {units}}}\n")
    first, second = result.layers
    assert first.macs == 8 * units and second.macs == units * units  # the kernels' sizes
    assert result.weight_bytes == 4 * (8 * units + units + units * units + units)
    assert isinstance(result.step_bytes, int)
    assert amount_text(result.flops).startswith("about 10^")
    assert time.perf_counter() - started < 0.5


def test_unknown_sizes_give_unknown_costs():
    result = cost("input: {shape: [null, 8]}\nlayers:\n  - LSTM: {units: 4}\n")
    assert result.macs is None and result.activation_bytes is None
    assert result.weight_bytes is not None  # its weights do not depend on the length
    assert result.step_bytes is None


def test_bidirectional_is_two_directions():
    single = cost("input: {shape: [10, 8]}\nlayers:\n  - LSTM: {units: 16}\n")
    both = cost("input: {shape: [10, 8]}\nlayers:\n"
                "  - Bidirectional: {layer: {LSTM: {units: 16}}}\n")
    assert both.macs == 2 * single.macs and both.weight_bytes == 2 * single.weight_bytes


def test_time_distributed_is_its_layer_at_every_step():
    wrapped = cost("input: {shape: [7, 5]}\nlayers:\n"
                   "  - TimeDistributed: {layer: {Dense: {units: 3}}}\n")
    once = cost("input: {shape: [5]}\nlayers:\n  - Dense: {units: 3}\n")
    assert wrapped.macs == 7 * once.macs and wrapped.weight_bytes == once.weight_bytes


def test_recurrent_cost_grows_with_the_steps():
    short, long = (cost(f"input: {{shape: [{steps}, 8]}}\nlayers:\n  - GRU: {{units: 16}}\n")
                   for steps in (10, 30))
    assert long.macs == 3 * short.macs


def test_attention_has_quadratic_terms():
    def attention(steps):
        return cost(f"input: {{shape: [{steps}, 16]}}\nlayers:\n"
                    "  - MultiHeadAttention: {num_heads: 2, key_dim: 8}\n"
                    "    from: [input_layer, input_layer]\n").macs
    # linear projections plus a T^2 part: the second difference is constant and positive
    first, second, third = attention(10), attention(20), attention(30)
    assert (third - second) - (second - first) > 0
    assert (third - second) - (second - first) == (attention(40) - third) - (third - second)


def test_a_shared_layer_computes_per_call_and_weighs_once():
    one = cost("input: {shape: [6]}\nlayers:\n  - Dense: {units: 4, name: shared}\n")
    two = cost("inputs:\n  a: {shape: [6]}\n  b: {shape: [6]}\nlayers:\n"
               "  - Dense: {units: 4, name: shared}\n    from: a\n"
               "  - call: shared\n    name: again\n    from: b\n"
               "  - Concatenate: {}\n    from: [shared, again]\n")
    assert two.macs == 2 * one.macs and two.weight_bytes == one.weight_bytes


def test_defaults_come_from_the_model_file():
    text = ("input: {shape: [4]}\nlayers:\n  - Dense: {units: 2, dtype: mixed_bfloat16}\n"
            "compile: {loss: mse, optimizer: {SGD: {momentum: 0.9}}}\n"
            "train: {batch_size: 7}\n")
    result = cost(text)
    assert (result.batch_size, result.policy, result.optimizer.name,
            result.optimizer.slots) == (7, "mixed_bfloat16", "sgd", 1)
    assert cost(text, batch_size=3, policy="float32").batch_size == 3


def test_mixed_precision_halves_activations_not_weights():
    text = "input: {shape: [32, 32, 3]}\nlayers:\n  - Conv2D: {filters: 8, kernel_size: 3}\n"
    full, mixed = cost(text, policy="float32"), cost(text, policy="mixed_float16")
    layers = [sum(layer.activation_bytes for layer in c.layers) for c in (full, mixed)]
    assert layers[0] == 2 * layers[1]  # the model's float32 inputs stay float32
    assert mixed.input_bytes == full.input_bytes
    assert mixed.weight_bytes == full.weight_bytes and mixed.macs == full.macs


@pytest.mark.parametrize("written, slots", [
    ("adam", 2), ({"Adam": {"amsgrad": True}}, 3), ("sgd", 0), ({"SGD": {"momentum": 0.5}}, 1),
    ({"RMSprop": {"centered": True}}, 2), ("adafactor", 1), ("muon", None), (None, 1),
])
def test_optimizer_slots(written, slots):
    assert optimizer_state(written).slots == slots


@pytest.mark.parametrize("written, size", [
    ("16GiB", 16 * 1024 ** 3), ("512 MB", 512 * 1024 ** 2), (1000, 1000), ("lots", None),
    ("-1G", None), (True, None),
])
def test_budget_sizes(written, size):
    assert budget_bytes(written) == size


def test_time_per_step_is_integer_arithmetic_for_any_size():
    from netlint.cost.columns import cost_footer, step_microseconds

    normal = cost("input: {shape: [64]}\nlayers:\n  - Dense: {units: 64}\n", batch_size=8)
    assert step_microseconds(normal, 1e-6) == normal.step_flops  # 10^6 FLOP/s: 1 µs each
    huge = cost(f"input: {{shape: [8]}}\nlayers:\n  - Dense: {{units: {10 ** 30}}}\n")
    footer = "\n".join(cost_footer(huge, 100.0))
    assert "Time per step at 100 TFLOP/s" in footer and " h" in footer
