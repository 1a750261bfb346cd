"""`trainable: false` against real Keras: the totals model.summary() prints.

Keras 3 freezes only the variables a layer creates itself, and a `trainable=False`
given to a constructor reaches no layer made inside it: on an RNN of a cell, a
wrapper, MultiHeadAttention or ConvLSTM it freezes nothing, and `fit` trains those
weights (netlint.layers.freezing). Every case here is compared layer by layer and by
the model's totals, as summary() counts them.
"""

from __future__ import annotations

import pytest

from keras_model import build_keras_model, compare_model_text
from netlint.api import infer
from netlint.loader import load_text

SEQUENCE = "input: {shape: [5, 3]}\nlayers:\n"
FRAMES = "input: {shape: [5, 4, 3]}\nlayers:\n"
CASES = {
    # frozen: the layer makes its weights (LSTM hands `trainable` on to its cell)
    "lstm": SEQUENCE + "  - LSTM: {units: 2, trainable: false}\n",
    "dense": SEQUENCE + "  - Dense: {units: 2, trainable: false}\n",
    "cell of an rnn": SEQUENCE + "  - RNN: {cell: {LSTMCell: {units: 2, trainable: false}}}\n",
    "lstm in bidirectional": SEQUENCE + "  - Bidirectional: {layer: {LSTM: {units: 2, "
                                        "trainable: false}}}\n",
    "dense in time-distributed": SEQUENCE + "  - TimeDistributed: {layer: {Dense: {units: 2, "
                                            "trainable: false}}}\n",
    # not frozen: the weights are made by a layer inside
    "rnn of a cell": SEQUENCE + "  - RNN: {cell: {LSTMCell: {units: 2}}, trainable: false}\n",
    "rnn of a stack": SEQUENCE + "  - RNN: {cell: [{GRUCell: {units: 2}}], trainable: false}\n",
    "bidirectional": SEQUENCE + "  - Bidirectional: {layer: {GRU: {units: 2}}, "
                                "trainable: false}\n",
    "rnn of a cell in bidirectional": SEQUENCE + "  - Bidirectional: {layer: {RNN: {cell: "
                                                 "{LSTMCell: {units: 2}}, trainable: false}}}\n",
    "time-distributed": SEQUENCE + "  - TimeDistributed: {layer: {Dense: {units: 2}}, "
                                   "trainable: false}\n",
    "conv-lstm": FRAMES + "  - ConvLSTM1D: {filters: 2, kernel_size: 1, trainable: false}\n",
    "spectral normalization": SEQUENCE + "  - SpectralNormalization: {layer: {Dense: "
                                         "{units: 2}}, trainable: false}\n",
    "multi-head attention": "inputs: {x: {shape: [5, 3]}}\nlayers:\n"
                            "  - MultiHeadAttention: {num_heads: 2, key_dim: 2, "
                            "trainable: false}\n    from: [x, x]\n",
    "grouped-query attention": "inputs: {x: {shape: [5, 3]}}\nlayers:\n"
                               "  - GroupQueryAttention: {head_dim: 2, num_query_heads: 2, "
                               "num_key_value_heads: 1, trainable: false}\n    from: [x, x]\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_trainable_false_freezes_what_keras_freezes(text):
    assert compare_model_text(text) >= 1
    _, model = build_keras_model(load_text(text).model)
    keras_totals = (sum(int(w.numpy().size) for w in model.trainable_weights),
                    sum(int(w.numpy().size) for w in model.non_trainable_weights))
    ours = infer(load_text(text)).model
    assert (ours.trainable_params, ours.non_trainable_params) == keras_totals


def test_the_cases_cover_both_outcomes():
    """Half the cases freeze everything, half nothing: the oracle can tell them apart."""
    frozen = {name for name, text in CASES.items()
              if infer(load_text(text)).model.trainable_params == 0}
    assert frozen == {"lstm", "dense", "cell of an rnn", "lstm in bidirectional",
                      "dense in time-distributed"}
