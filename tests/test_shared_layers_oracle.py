"""Shared layers (`- call: encoder`) against real Keras: one layer object called on
several inputs, its weights built once at its first call.

Every shape and parameter count is Keras's (tests/keras_model.py builds each model
with a single Keras layer object per layer item and calls it again for each `call:`
item); only the loader's findings (codes, positions) are netlint's alone. Keras
refuses a call whose input does not fit the weights either at construction (Dense,
Conv1D, BatchNormalization check their input spec) or when a batch first runs
through it (LSTM, GRU, Bidirectional build the symbolic call and fail in the matmul):
both count as refusing, see keras_model.keras_runs.
"""

from __future__ import annotations

import pytest

from keras_model import (KerasRefused, build_keras_graph, build_keras_model, compare_model,
                         compare_model_text, keras_runs)
from netlint.api import check, infer
from netlint.loader import load_text
from netlint.plumbing.records import replace


def where(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, column), 1-based, of the `occurrence`-th `needle` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def inferred(text: str):
    loaded = load_text(text)
    assert loaded.ok, [f.text() for f in loaded.findings]
    return loaded, infer(loaded).model


def keras_totals(text: str) -> tuple[int, int, int]:
    """(count_params, trainable, non-trainable) of the keras.Model Keras builds."""
    _, model = build_keras_model(load_text(text).model)
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return model.count_params(), trainable, frozen


def assert_counts_once(text: str) -> None:
    """netlint's totals are Keras's model totals (a shared layer's weights once)."""
    _, ours = inferred(text)
    assert (ours.total_params, ours.trainable_params, ours.non_trainable_params) == \
        keras_totals(text)


SIAMESE = """\
inputs:
  left: {shape: [10, 8]}
  right: {shape: [12, 8]}
layers:
  - LSTM: {units: 16, name: encoder}
    from: left
  - call: encoder          # the same layer, the same weights
    from: right
    name: right_code
  - Subtract: {}
    from: [encoder, right_code]
  - Dense: {units: 1, activation: sigmoid}
outputs: [dense]
"""


def test_siamese_lstm_matches_keras():
    assert compare_model_text(SIAMESE) == 4  # encoder, its call, subtract, dense
    _, ours = inferred(SIAMESE)
    assert ours["right_code"].spec.shares == "encoder"
    assert ours["right_code"].params == 0  # its weights are encoder's
    assert_counts_once(SIAMESE)


def test_siamese_call_shape_is_keras_call_shape():
    loaded, ours = inferred(SIAMESE)
    built = build_keras_graph(loaded.model)
    assert set(built.calls) == {"right_code"}
    assert tuple(ours["right_code"].output_shape) == built.calls["right_code"][0]
    # one layer object, two nodes in Keras's graph: the layer's own call and this one
    assert len(built.objects["encoder"]._inbound_nodes) == 2


SHARED_EMBEDDING = """\
inputs:
  question: {shape: [20], dtype: int32}
  answer: {shape: [30], dtype: int32}
layers:
  - Embedding: {input_dim: 1000, output_dim: 16, name: words}
    from: question
  - GlobalAveragePooling1D: {name: q_pooled}
  - call: words
    from: answer
  - GlobalAveragePooling1D: {name: a_pooled}
  - Concatenate: {}
    from: [q_pooled, a_pooled]
  - Dense: {units: 2, activation: softmax}
"""


def test_shared_embedding_on_two_inputs_matches_keras():
    assert compare_model_text(SHARED_EMBEDDING) == 6
    _, ours = inferred(SHARED_EMBEDDING)
    assert ours["words_call_2"].spec.shares == "words"  # the default name of a call
    assert_counts_once(SHARED_EMBEDDING)


DENSE_THREE_TIMES = """\
inputs:
  a: {shape: [8]}
  b: {shape: [8]}
  c: {shape: [5, 8]}
layers:
  - Dense: {units: 4, name: proj}
    from: a
  - call: proj
    from: b
  - call: proj             # rank 3: Dense acts on the last axis, 8 as built
    from: c
    name: proj_c
  - Flatten: {}
  - Concatenate: {}
    from: [proj, proj_call_2, flatten]
  - Dense: {units: 1}
"""


def test_shared_dense_called_three_times_matches_keras():
    assert compare_model_text(DENSE_THREE_TIMES) == 6
    _, ours = inferred(DENSE_THREE_TIMES)
    assert [ours[n].spec.shares for n in ("proj", "proj_call_2", "proj_c")] == \
        [None, "proj", "proj"]
    assert_counts_once(DENSE_THREE_TIMES)


@pytest.mark.parametrize("length", [3, 25, None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_rnn_called_on_sequences_of_other_lengths_matches_keras(length, return_sequences):
    merge = "Concatenate: {axis: 1}" if return_sequences else "Add: {}"
    text = f"""\
inputs:
  left: {{shape: [10, 8]}}
  right: {{shape: [{'null' if length is None else length}, 8]}}
layers:
  - GRU: {{units: 6, return_sequences: {str(return_sequences).lower()}, name: rnn}}
    from: left
  - call: rnn
    from: right
  - {merge}
    from: [rnn, rnn_call_2]
"""
    assert compare_model_text(text) == 3
    assert_counts_once(text)


@pytest.mark.parametrize("layer", [
    "Bidirectional: {layer: {LSTM: {units: 5, return_sequences: true}}, name: shared}",
    "TimeDistributed: {layer: {Dense: {units: 3}}, name: shared}",
    "Conv1D: {filters: 4, kernel_size: 3, padding: same, name: shared}",
    "BatchNormalization: {name: shared}",
])
def test_shared_wrappers_and_convs_match_keras(layer):
    text = f"""\
inputs:
  left: {{shape: [7, 6]}}
  right: {{shape: [9, 6]}}
layers:
  - {layer}
    from: left
  - call: shared
    from: right
  - Concatenate: {{axis: 1}}
    from: [shared, shared_call_2]
"""
    assert compare_model_text(text) == 3
    assert_counts_once(text)


# --- a call whose input does not fit the weights: both refuse, at the call ---------------

INCOMPATIBLE = """\
inputs:
  left: {{shape: {left}}}
  right: {{shape: {right}}}
layers:
  - {layer}
    from: left
  - call: shared
    from: right
    name: second
  - Concatenate: {{}}
    from: [shared, second]
"""


def _refused_call(text: str):
    findings = [f for f in check(text) if f.severity == "error"]
    assert [f.code for f in findings] == ["NL105"], [f.text() for f in findings]
    assert (findings[0].line, findings[0].column) == where(text, "call: shared")
    assert findings[0].layer == "second"
    loaded, ours = load_text(text), infer(text).model
    assert [(n.name, n.error.kind) for n in ours.errors] == [("second", "shared")]
    return loaded.model


def test_dense_on_other_features_refused_by_both_at_construction():
    text = INCOMPATIBLE.format(left=[8], right=[5], layer="Dense: {units: 4, name: shared}")
    model = _refused_call(text)
    with pytest.raises(KerasRefused) as refused:  # Dense's input spec: axis -1 must be 8
        build_keras_graph(model)
    assert refused.value.layer == "second"
    compare_model_text(text)


def test_lstm_on_other_features_refused_by_both_keras_at_first_run():
    text = INCOMPATIBLE.format(left=[10, 8], right=[10, 4],
                               layer="LSTM: {units: 6, name: shared}")
    model = _refused_call(text)
    built = build_keras_graph(model)  # Keras builds the symbolic call ...
    assert built.calls["second"] == built.layers["shared"][0]  # as if it fitted
    assert keras_runs(built, model, ["right", "shared"]) is None
    assert keras_runs(built, model, ["second"]) is not None  # ... and cannot run it
    compare_model_text(text)


def test_rnn_called_on_a_rank_2_input_refused_by_both_keras_at_first_run():
    # netlint refuses the call for its rank (not its weights); Keras, whose RNN is built
    # already, builds the symbolic call and fails on the first batch (too many indices)
    text = INCOMPATIBLE.format(left=[6, 2], right=[2],
                               layer="RNN: {cell: {GRUCell: {units: 7}}, name: shared}")
    loaded, ours = load_text(text), infer(text).model
    assert [n.name for n in ours.errors] == ["second"]
    built = build_keras_graph(loaded.model)
    assert keras_runs(built, loaded.model, ["second"]) is not None
    compare_model_text(text)


CHAINED = """\
inputs:
  left: {shape: [6]}
  right: {shape: [6]}
layers:
  - Dense: {units: 5, activation: relu, name: hidden}
    from: left
  - Dense: {units: 3, name: code}
  - call: hidden
    from: right
  - call: code             # no `from:`: the item above, the call of hidden
  - Add: {}
    from: [code, code_call_2]
"""


def test_call_chained_without_from_matches_keras():
    assert compare_model_text(CHAINED) == 5
    _, ours = inferred(CHAINED)
    assert ours["code_call_2"].inbound == ("hidden_call_2",)
    assert_counts_once(CHAINED)


CALL_AS_OUTPUT = """\
inputs:
  left: {shape: [4, 3]}
  right: {shape: [7, 3]}
layers:
  - SimpleRNN: {units: 2, name: encoder}
    from: left
  - call: encoder
    from: right
    name: right_code
outputs: [encoder, right_code]
"""


def test_call_in_outputs_matches_keras():
    assert compare_model_text(CALL_AS_OUTPUT) == 2
    loaded, ours = inferred(CALL_AS_OUTPUT)
    _, model = build_keras_model(loaded.model)
    assert [tuple(s) for s in ours.output_shapes] == [tuple(t.shape) for t in model.outputs]
    assert_counts_once(CALL_AS_OUTPUT)


STACKED_AFTER_CALL = """\
inputs:
  left: {shape: [10, 8]}
  right: {shape: [12, 8]}
layers:
  - LSTM: {units: 16, name: encoder}
    from: left
  - call: encoder
    from: right
    name: right_code
  - LSTM: {units: 4, name: stacked}
    from: right_code
  - Dense: {units: 1}
outputs: [encoder, dense]
"""


def test_stacked_lstm_after_a_call_is_nl104_and_keras_refuses():
    findings = [f for f in check(STACKED_AFTER_CALL) if f.severity == "error"]
    assert [f.code for f in findings] == ["NL104"], [f.text() for f in findings]
    # NL104 points at the layer that needs the sequence (as for any stacked RNN), and
    # names the call that gives it the last step only, and the layer it shares
    assert (findings[0].line, findings[0].column) == where(STACKED_AFTER_CALL, "LSTM: {units: 4")
    assert "'right_code'" in findings[0].message and "encoder" in findings[0].fix
    with pytest.raises(KerasRefused) as refused:  # LSTM's input spec: ndim 3
        build_keras_graph(load_text(STACKED_AFTER_CALL).model)
    assert refused.value.layer == "stacked"
    compare_model_text(STACKED_AFTER_CALL)


# --- the comparison itself bites --------------------------------------------------------

def test_comparison_catches_weights_counted_twice_or_a_wrong_call_shape():
    loaded, ours = inferred(SIAMESE)
    twice = replace(ours, nodes={**ours.nodes, "right_code": replace(
        ours["right_code"], weights=ours["encoder"].weights)})
    twice = replace(twice, layers=tuple(twice.nodes[n.name] for n in ours.layers))
    with pytest.raises(AssertionError, match="totals"):
        compare_model(loaded.model, twice)
    wrong = replace(ours, nodes={**ours.nodes, "right_code": replace(
        ours["right_code"], output_shapes=((None, 12, 16),))})
    with pytest.raises(AssertionError, match="call right_code"):
        compare_model(loaded.model, wrong)


def test_comparison_catches_a_refusal_keras_does_not_make():
    loaded, ours = inferred(SIAMESE)
    from netlint.layers.base import ShapeError
    refused = replace(ours, nodes={**ours.nodes, "right_code": replace(
        ours["right_code"], output_shapes=None,
        error=ShapeError("made up", kind="shared"))})
    with pytest.raises(AssertionError, match="Keras builds and runs it"):
        compare_model(loaded.model, refused)


# --- disagreements with Keras: a weight with a size-1 axis broadcasts ------------------

TWO_OUTPUTS = """\
inputs:
  left: {{shape: {left}}}
  right: {{shape: {right}}}
layers:
  - {layer}
    from: left
  - call: shared
    from: right
    name: second
outputs: [shared, second]
"""


def test_prelu_alpha_broadcast_over_a_size_one_axis():
    compare_model_text(TWO_OUTPUTS.format(left=[1, 3], right=[6, 3],
                                          layer="PReLU: {name: shared}"))


def test_einsum_dense_kernel_broadcast_over_a_size_one_axis():
    compare_model_text(TWO_OUTPUTS.format(
        left=[5, 1], right=[9, 3],
        layer="EinsumDense: {equation: 'abc,cd->abd', output_shape: [null, 9], name: shared}"))


# --- loader errors of `call:` items -----------------------------------------------------

HEAD = """\
inputs:
  left: {shape: [10, 8]}
  right: {shape: [12, 8]}
layers:
  - LSTM: {units: 16, name: encoder}
    from: left
"""


def only_finding(text: str):
    loaded = load_text(text)
    assert not loaded.ok
    codes = {(f.code, f.line, f.column) for f in loaded.findings}
    assert len(codes) == 1, [f.text() for f in loaded.findings]
    return loaded.findings[-1]


def test_call_of_an_unknown_layer_suggests_the_name():
    text = HEAD + "  - call: encodr\n    from: right\n"
    finding = only_finding(text)
    assert (finding.code, finding.line, finding.column) == ("NL004", *where(text, "encodr"))
    assert "encoder" in finding.fix


def test_call_of_an_input():
    text = HEAD + "  - call: right\n    from: left\n"
    finding = only_finding(text)
    assert (finding.code, finding.line, finding.column) == \
        ("NL004", *where(text, "right", occurrence=1))
    assert "model input" in finding.message


def test_call_of_a_call():
    text = HEAD + "  - call: encoder\n    from: right\n    name: rc\n  - call: rc\n" \
                  "    from: left\n"
    finding = only_finding(text)
    assert (finding.code, finding.line, finding.column) == \
        ("NL004", *where(text, "rc", occurrence=1))
    assert "call: encoder" in finding.fix


def test_call_of_a_layer_defined_below():
    text = HEAD + "  - call: later\n    from: right\n  - Dense: {units: 2, name: later}\n" \
                  "    from: left\n"
    finding = only_finding(text)
    assert (finding.code, finding.line, finding.column) == ("NL004", *where(text, "later"))
    assert "above" in finding.message


@pytest.mark.parametrize("extra", ["units: 4", "activation: relu", "Dense: {units: 2}"])
def test_call_with_extra_keys(extra):
    text = HEAD + f"  - call: encoder\n    from: right\n    {extra}\n"
    finding = only_finding(text)
    key = extra.split(":")[0]
    line, column = where(text, f"    {key}:")
    assert (finding.code, finding.line, finding.column) == ("NL001", line, column + 4)
    assert "`call:` item takes `from:` and `name:` only" in finding.message


# --- disagreements with Keras: Keras fixes some layers' input spec at their first call ---
# BatchNormalization and GroupNormalization set InputSpec(ndim=<rank of the first call>)
# when built, so Keras refuses a call on another rank at construction, though the
# weights (one per feature) would fit; netlint accepts the call.

@pytest.mark.parametrize("layer", ["BatchNormalization: {name: shared}",
                                   "GroupNormalization: {groups: 2, name: shared}"])
def test_normalization_called_on_another_rank(layer):
    compare_model_text(TWO_OUTPUTS.format(left=[4], right=[5, 4], layer=layer))


def test_batch_normalization_called_on_a_lower_rank():
    compare_model_text(TWO_OUTPUTS.format(left=[2, 5, 1], right=[1],
                                          layer="BatchNormalization: {name: shared}"))


def test_conv_lstm_called_on_other_frame_sizes():
    compare_model_text(TWO_OUTPUTS.format(
        left=[3, 4, 4, 2], right=[3, 6, 6, 2],
        layer="ConvLSTM2D: {filters: 2, kernel_size: 1, name: shared}"))


def test_conv_lstm_called_on_more_frames_matches_keras():
    compare_model_text(TWO_OUTPUTS.format(
        left=[3, 4, 4, 2], right=[5, 4, 4, 2],
        layer="ConvLSTM2D: {filters: 2, kernel_size: 1, name: shared}"))


# --- found on the way, not about sharing: a mask Softmax cannot take ----------------------

EMBEDDING_MASK_SOFTMAX = """\
input: {shape: [4], dtype: int32}
layers:
  - Embedding: {input_dim: 10, output_dim: 3, mask_zero: true}
  - Softmax: {}
"""


def test_softmax_after_a_masking_embedding():
    # Keras builds it but fails on the first batch: the (batch, 4) mask is not
    # broadcastable to the (batch, 4, 3) scores; netlint says so as NL115, an error
    loaded, _ = inferred(EMBEDDING_MASK_SOFTMAX)
    found = check(EMBEDDING_MASK_SOFTMAX)
    assert [(f.code, f.severity, f.layer) for f in found] == [("NL115", "error", "softmax")]
    built = build_keras_graph(loaded.model)
    assert keras_runs(built, loaded.model, ["softmax"]) is not None
