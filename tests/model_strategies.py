"""Hypothesis strategies for random model files across every layer family.

The generator tracks only the rank of the running tensor (so most models are
valid and long); sizes and arguments are random, so some layers get inputs
they cannot take. Both are useful: valid models compare shapes and
parameter counts with Keras, invalid ones compare where Keras refuses.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

small = st.integers(1, 6)
units = st.integers(1, 12)
act = st.sampled_from([None, "relu", "tanh", "sigmoid", "softmax", "linear"])
padding = st.sampled_from(["valid", "same"])
fmt = st.sampled_from([None, "channels_last", "channels_first"])


def _kw(**fields):
    return st.fixed_dictionaries({k: v for k, v in fields.items()})


def _rnn(cls):
    return st.tuples(st.just(cls), _kw(units=units, return_sequences=st.booleans(),
                                        use_bias=st.booleans()))


def _cell():
    return st.one_of(*(_kw(**{cls: _kw(units=units)})
                       for cls in ("LSTMCell", "GRUCell", "SimpleRNNCell")))


# (class, kwargs strategy, rank change): rank change None = stays, int = new rank
def layers_for_rank(rank: int):
    common = [
        st.tuples(st.just("Dense"), _kw(units=units, activation=act, use_bias=st.booleans())),
        st.tuples(st.just("Dropout"), _kw(rate=st.sampled_from([0.1, 0.5]))),
        st.tuples(st.just("Activation"), _kw(activation=st.sampled_from(["relu", "tanh"]))),
        st.tuples(st.just("BatchNormalization"), _kw(center=st.booleans(), scale=st.booleans())),
        st.tuples(st.just("LayerNormalization"), _kw()),
        st.tuples(st.just("LeakyReLU"), _kw()),
        st.tuples(st.just("PReLU"), _kw()),
        st.tuples(st.just("ELU"), _kw()),
        st.tuples(st.just("Softmax"), _kw()),
        # the families the front door added: preprocessing, noise, regularisation, Pipeline
        st.tuples(st.just("Rescaling"), _kw(scale=st.sampled_from([0.5, 1 / 255]),
                                            offset=st.sampled_from([0.0, -1.0]))),
        st.tuples(st.just("ActivityRegularization"), _kw(l1=st.sampled_from([0.0, 0.01]))),
        st.tuples(st.just("GaussianNoise"), _kw(stddev=st.just(0.1))),
        st.tuples(st.just("UnitNormalization"), _kw()),
        st.tuples(st.just("Identity"), _kw()),
        st.tuples(st.just("Pipeline"), _kw(layers=st.lists(st.one_of(
            _kw(Dense=_kw(units=units)), _kw(Rescaling=_kw(scale=st.just(0.5))),
            _kw(Dropout=_kw(rate=st.just(0.1)))), min_size=1, max_size=3))),
    ]
    by_rank = {
        2: [st.tuples(st.just("RepeatVector"), _kw(n=small)),
            st.tuples(st.just("Reshape"), _kw(target_shape=st.just([-1, 1]))),
            st.tuples(st.just("Flatten"), _kw())],
        3: [_rnn("LSTM"), _rnn("GRU"), _rnn("SimpleRNN"),
            st.tuples(st.just("GRU"), _kw(units=units, reset_after=st.booleans(),
                                          return_sequences=st.booleans())),
            st.tuples(st.just("Conv1D"), _kw(filters=units, kernel_size=small,
                                             strides=st.integers(1, 3), padding=st.sampled_from(
                                                 ["valid", "same", "causal"]))),
            st.tuples(st.just("MaxPooling1D"), _kw(pool_size=st.integers(1, 3), padding=padding)),
            st.tuples(st.just("AveragePooling1D"), _kw(pool_size=st.integers(1, 3))),
            st.tuples(st.just("GlobalAveragePooling1D"), _kw()),
            st.tuples(st.just("GlobalMaxPooling1D"), _kw()),
            st.tuples(st.just("UpSampling1D"), _kw(size=small)),
            st.tuples(st.just("ZeroPadding1D"), _kw(padding=small)),
            st.tuples(st.just("Cropping1D"), _kw(cropping=st.integers(0, 2))),
            st.tuples(st.just("Flatten"), _kw()),
            st.tuples(st.just("Masking"), _kw()),
            st.tuples(st.just("SpatialDropout1D"), _kw(rate=st.just(0.2))),
            st.tuples(st.just("Permute"), _kw(dims=st.just([2, 1]))),
            st.tuples(st.just("SeparableConv1D"), _kw(filters=units, kernel_size=small)),
            st.tuples(st.just("Conv1DTranspose"), _kw(filters=units, kernel_size=small,
                                                      strides=st.integers(1, 3))),
            st.tuples(st.just("TimeDistributed"), _kw(layer=_kw(Dense=_kw(units=units)))),
            st.tuples(st.just("Bidirectional"), _kw(
                layer=_kw(LSTM=_kw(units=units, return_sequences=st.booleans())),
                merge_mode=st.sampled_from(["concat", "sum", "mul", "ave"]))),
            # RNN over a cell, or over a list of cells (Keras stacks them)
            st.tuples(st.just("RNN"), _kw(cell=st.one_of(_cell(), st.lists(
                _cell(), min_size=1, max_size=3)), return_sequences=st.booleans())),
            st.tuples(st.just("EinsumDense"), _kw(equation=st.just("abc,cd->abd"),
                                                  output_shape=st.tuples(st.none(), units)))],
        4: [st.tuples(st.just("Conv2D"), _kw(filters=units, kernel_size=small, padding=padding,
                                             strides=st.integers(1, 2), data_format=fmt)),
            st.tuples(st.just("MaxPooling2D"), _kw(pool_size=st.integers(1, 3), data_format=fmt)),
            st.tuples(st.just("AveragePooling2D"), _kw(pool_size=st.integers(1, 3))),
            st.tuples(st.just("GlobalMaxPooling2D"), _kw(data_format=fmt)),
            st.tuples(st.just("GlobalAveragePooling2D"), _kw(keepdims=st.booleans())),
            st.tuples(st.just("UpSampling2D"), _kw(size=st.integers(1, 3))),
            st.tuples(st.just("ZeroPadding2D"), _kw(padding=small)),
            st.tuples(st.just("Cropping2D"), _kw(cropping=st.integers(0, 2))),
            st.tuples(st.just("SeparableConv2D"), _kw(filters=units, kernel_size=small)),
            st.tuples(st.just("DepthwiseConv2D"), _kw(kernel_size=small,
                                                      depth_multiplier=st.integers(1, 3))),
            st.tuples(st.just("Conv2DTranspose"), _kw(filters=units, kernel_size=small,
                                                      strides=st.integers(1, 3), padding=padding)),
            st.tuples(st.just("SpatialDropout2D"), _kw(rate=st.just(0.2))),
            st.tuples(st.just("RandomFlip"), _kw(mode=st.sampled_from(
                ["horizontal", "vertical", "horizontal_and_vertical"]))),
            st.tuples(st.just("Resizing"), _kw(height=small, width=small)),
            st.tuples(st.just("CenterCrop"), _kw(height=small, width=small)),
            st.tuples(st.just("Flatten"), _kw())],
        5: [st.tuples(st.just("Conv3D"), _kw(filters=units, kernel_size=st.integers(1, 3))),
            st.tuples(st.just("MaxPooling3D"), _kw(pool_size=st.integers(1, 2))),
            st.tuples(st.just("GlobalAveragePooling3D"), _kw()),
            st.tuples(st.just("ConvLSTM2D"), _kw(filters=units, kernel_size=st.integers(1, 3),
                                                 return_sequences=st.booleans())),
            st.tuples(st.just("Flatten"), _kw())],
    }
    return st.one_of(*(common + by_rank.get(rank, [])))


def next_rank(rank: int, cls: str, kwargs: dict) -> int:
    if cls in ("LSTM", "GRU", "SimpleRNN", "ConvLSTM2D", "RNN") and \
            not kwargs.get("return_sequences"):
        return rank - 1
    if cls == "Bidirectional":
        inner = next(iter(kwargs["layer"].values()))
        return rank if inner.get("return_sequences") else rank - 1
    if cls.startswith("Global") and not kwargs.get("keepdims"):
        return 2
    if cls in ("Flatten",):
        return 2
    if cls == "RepeatVector":
        return 3
    if cls == "Reshape":
        return 1 + len(kwargs["target_shape"])
    return rank


@st.composite
def random_model(draw, max_layers: int = 8) -> str:
    """A model file (YAML text; JSON is valid YAML) with 1..max_layers layers."""
    rank = draw(st.integers(2, 5))
    shape = draw(st.lists(st.integers(1, 9), min_size=rank - 1, max_size=rank - 1))
    if rank == 3 and draw(st.booleans()):
        shape[0] = None  # variable-length sequences
    items = []
    for _ in range(draw(st.integers(2, max_layers))):
        cls, kwargs = draw(layers_for_rank(rank))
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        items.append({cls: kwargs})
        rank = next_rank(rank, cls, kwargs)
        if rank < 2:
            break
    return json.dumps({"input": {"shape": shape}, "layers": items})


def _chain(draw, rank: int, count: int, prefix: str, first_from: str) -> tuple[list, int, str]:
    """`count` layers from `first_from`, named prefix_0.., returning items, rank, last name."""
    items, source = [], first_from
    for index in range(count):
        cls, kwargs = draw(layers_for_rank(rank))
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        name = f"{prefix}_{index}"
        items.append({cls: {**kwargs, "name": name}, "from": source})
        rank, source = next_rank(rank, cls, kwargs), name
        if rank < 2:
            break
    return items, rank, source


@st.composite
def random_functional_model(draw) -> str:
    """Two inputs, a branch on each, a merge layer, and a short head: `inputs:`/`from:`."""
    rank = draw(st.integers(2, 4))
    shape = draw(st.lists(st.integers(1, 6), min_size=rank - 1, max_size=rank - 1))
    # the second input is often the same shape (merges then work), sometimes not
    other = list(shape) if draw(st.booleans()) else \
        draw(st.lists(st.integers(1, 6), min_size=rank - 1, max_size=rank - 1))
    left, _, left_out = _chain(draw, rank, draw(st.integers(0, 3)), "a", "left")
    right, _, right_out = _chain(draw, rank, draw(st.integers(0, 3)), "b", "right")
    merge = draw(st.sampled_from(["Concatenate", "Add", "Multiply", "Average", "Maximum",
                                  "Minimum", "Subtract"]))
    items = left + right + [{merge: {"name": "merged"}, "from": [left_out, right_out]}]
    head, _, _ = _chain(draw, rank, draw(st.integers(0, 2)), "h", "merged")
    return json.dumps({"inputs": {"left": {"shape": shape}, "right": {"shape": other}},
                       "layers": items + head})
