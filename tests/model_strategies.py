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


def _chain(draw, rank: int, count: int, prefix: str, first_from: str,
           exclude: tuple = ()) -> tuple[list, int, str]:
    """`count` layers from `first_from`, named prefix_0.., returning items, rank, last name
    (no layer of a class in `exclude`)."""
    items, source = [], first_from
    for index in range(count):
        menu = layers_for_rank(rank)
        cls, kwargs = draw(menu.filter(lambda layer: layer[0] not in exclude) if exclude
                           else menu)
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


# --- shared layers: `- call: name` items ----------------------------------------------
# Layers with weights whose shapes depend on the input's last axis, per rank: the
# interesting ones to share (a call on other features needs other weights).
def _shared_menu(rank: int, exclude: tuple = ()):
    weighted = [st.tuples(st.just("Dense"), _kw(units=units, use_bias=st.booleans())),
                st.tuples(st.just("BatchNormalization"), _kw(center=st.booleans())),
                st.tuples(st.just("LayerNormalization"), _kw())]
    weighted += {
        3: [_rnn("LSTM"), _rnn("GRU"), _rnn("SimpleRNN"),
            st.tuples(st.just("Conv1D"), _kw(filters=units, kernel_size=st.integers(1, 3),
                                             padding=st.sampled_from(["same", "causal"]))),
            st.tuples(st.just("TimeDistributed"), _kw(layer=_kw(Dense=_kw(units=units)))),
            st.tuples(st.just("Bidirectional"), _kw(
                layer=_kw(LSTM=_kw(units=units, return_sequences=st.booleans())),
                merge_mode=st.sampled_from(["concat", "sum"])))],
        4: [st.tuples(st.just("Conv2D"), _kw(filters=units, kernel_size=st.integers(1, 2),
                                             padding=st.just("same"))),
            st.tuples(st.just("DepthwiseConv2D"), _kw(kernel_size=st.integers(1, 2),
                                                      padding=st.just("same")))],
    }.get(rank, [])
    # mostly layers with weights, sometimes anything the rank's menu has, except two that
    # Keras runs on inputs their weights do not fit when those have a size-1 axis (the
    # weight broadcasts; tests/test_shared_layers_oracle.py holds those cases)
    anything = layers_for_rank(rank).filter(
        lambda layer: layer[0] not in BROADCAST_WEIGHTS + exclude)
    return st.one_of(st.one_of(*weighted), st.one_of(*weighted), anything)


BROADCAST_WEIGHTS = ("PReLU", "EinsumDense")
# Layers whose input spec Keras fixes to the rank of their first call: netlint accepts a
# call of them on another rank, Keras refuses it (tests/test_shared_layers_oracle.py,
# xfail), so no branch changes the rank before calling a chain that has one of them.
RANK_FIXED = ("BatchNormalization", "GroupNormalization")
# Embedding(mask_zero) then Softmax: Keras builds it and fails to run it (the mask is
# not broadcastable to the scores); netlint says so as rule NL115, not as a shape error
# the inference makes, so this oracle of shapes draws no Softmax after an Embedding.
AFTER_EMBEDDING = ("Softmax",)


@st.composite
def random_shared_model(draw) -> str:
    """Two or three inputs, a shared layer (or a chain of 1-2 shared layers) defined on
    the first and called again (`call:`) on each other branch, a merge and a head.

    The other inputs have the first's shape (the calls fit), another length (they fit
    an RNN or a Dense on the last axis) or other features (a call that needs weights
    of other shapes: netlint and Keras must both refuse it); a branch may put a layer
    of its own before its call; some calls are named, some chain without `from:`, and
    some models output a call directly."""
    embedding = draw(st.integers(0, 4)) == 0  # a shared Embedding on integer inputs
    rank = 2 if embedding else draw(st.sampled_from([2, 3, 3, 4]))
    shape = draw(st.lists(st.integers(1, 6), min_size=rank - 1, max_size=rank - 1))
    names = ["left", "right", "third"][:draw(st.sampled_from([2, 2, 3]))]
    shapes = [shape]
    for _ in names[1:]:
        kind = draw(st.sampled_from(["same", "same", "length", "features", "any"]))
        other = list(shape)
        if kind == "length" and rank > 2:  # never None: the batch of zeros a shared model
            other[0] = draw(st.integers(1, 6))  # runs on gives it one size, which a merge
            # with a fixed length refuses (test_shared_layers_oracle covers None lengths)
        elif kind == "features":
            other[-1] = draw(st.integers(1, 6).filter(lambda n: n != shape[-1]))
        elif kind == "any":
            other = draw(st.lists(st.integers(1, 6), min_size=rank - 1, max_size=rank - 1))
        shapes.append(other)
    inputs = {name: {"shape": s, **({"dtype": "int32"} if embedding else {})}
              for name, s in zip(names, shapes)}

    # the shared chain, defined on the first branch
    shared, items, source, out_rank = [], [], names[0], rank
    if embedding:
        items.append({"Embedding": {"input_dim": draw(st.integers(2, 20)),
                                    "output_dim": draw(st.integers(1, 6)),
                                    "mask_zero": draw(st.booleans()), "name": "shared_0"},
                      "from": source})
        shared.append("shared_0")
        source, out_rank = "shared_0", 3
    exclude = AFTER_EMBEDDING if embedding else ()
    classes = []
    for index in range(len(shared), len(shared) + draw(st.integers(0 if embedding else 1, 2))):
        cls, kwargs = draw(_shared_menu(out_rank, exclude))
        classes.append(cls)
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        name = f"shared_{index}"
        items.append({cls: {**kwargs, "name": name}, "from": source})
        shared.append(name)
        source, out_rank = name, next_rank(out_rank, cls, kwargs)
        if out_rank < 2:
            break
    ends = [source]

    # each other branch: maybe a layer of its own, then a call of every shared layer
    for branch, name in enumerate(names[1:], start=1):
        start = name
        if not embedding and draw(st.integers(0, 3)) == 0:
            own, own_rank, own_out = _chain(draw, rank, 1, f"own{branch}", name)
            if own_rank == rank or not set(classes) & set(RANK_FIXED):
                items, start = items + own, own_out
        for position, layer in enumerate(shared):
            call: dict = {"call": layer}
            if position == 0 or draw(st.booleans()):  # else: the item above, the call before
                call["from"] = start
            if draw(st.booleans()):
                call["name"] = f"{layer}_b{branch}"
            items.append(call)
            # the default name: the layer's own item is its first call
            start = call.get("name", f"{layer}_call_{branch + 1}")
        ends.append(start)

    merge = draw(st.sampled_from(["Concatenate", "Add", "Multiply", "Average", "Maximum",
                                  "Minimum"] + (["Subtract"] if len(ends) == 2 else [])))
    items.append({merge: {"name": "merged"}, "from": ends})
    head, _, last = _chain(draw, out_rank, draw(st.integers(0, 2)), "h", "merged", exclude)
    outputs = [last] + ([ends[-1]] if draw(st.integers(0, 3)) == 0 else [])
    return json.dumps({"inputs": inputs, "layers": items + head, "outputs": outputs})
