"""The generic RNN layer and its cells: LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells.

A cell computes one timestep from the input step and its states; `RNN(cell)` loops it
over the time axis. `RNN(LSTMCell(8))` builds exactly the weights of `LSTM(8)`, but
Keras runs it with its generic step loop (never the fused cuDNN kernel). A list of
cells is a StackedRNNCells, as Keras makes it: each cell reads the output of the one
before. A cell on its own cannot take a tensor (Keras asks for its states too), so a
cell written as a layer item is refused with the advice to wrap it in RNN.

The loader reads `cell:` like a wrapper's `layer:` (into `call.wrapped`; a list
becomes a StackedRNNCells there), and a StackedRNNCells' `cells:` stay as written,
`[{LSTMCell: {units: 8}}, ...]`, each checked by the loader as a layer item.
"""

from __future__ import annotations

from netlint.layers.base import REQUIRED, Inferred, LayerCall, ShapeError, Weight, last_dim
from netlint.layers.freezing import as_keras_freezes
from netlint.layers.registry import register
from netlint.layers.recurrent import (
    _CONSTRAINTS,
    _DROPOUT,
    _INITIALIZERS,
    _SEQUENCE_FIX,
    _bias,
    _check_stateful,
    _positive_units,
    _sequence,
)
from netlint.layers import registry
from netlint.layers.inner_items import item_call
from netlint.layers.whole_numbers import check_whole_numbers
from netlint.plumbing.records import replace

_REGULARIZERS = {"kernel_regularizer": None, "recurrent_regularizer": None,
                 "bias_regularizer": None}
_CELL_NAMES = ("LSTMCell", "GRUCell", "SimpleRNNCell", "StackedRNNCells")


# -- what one cell builds on one timestep ------------------------------------------------

def _gated_cell(call: LayerCall, features: int, gates: int, bias: tuple) -> tuple:
    """The weights of a cell with `gates` gates, as the matching RNN layer has them."""
    units = call["units"]
    return (Weight("kernel", (features, gates * units)),
            Weight("recurrent_kernel", (units, gates * units)), *_bias(call, bias))


def _simple_rnn_cell(call: LayerCall, features: int) -> tuple:
    units = _positive_units(call)
    return _gated_cell(call, features, 1, (units,)), units, units


def _lstm_cell(call: LayerCall, features: int) -> tuple:
    units = _positive_units(call)
    return _gated_cell(call, features, 4, (4 * units,)), [units, units], units  # h and c


def _gru_cell(call: LayerCall, features: int) -> tuple:
    units = _positive_units(call)
    # reset_after (the cuDNN form) keeps separate input and recurrent biases
    bias = (2, 3 * units) if call.get("reset_after", True) else (3 * units,)
    return _gated_cell(call, features, 3, bias), units, units


def _stacked_cells(call: LayerCall, features: int) -> tuple:
    """Keras's StackedRNNCells.build: each cell is built on the previous one's output."""
    cells = [_cell_call(item) for item in _cell_items(call)]
    if not cells:
        # Keras builds an empty stack, then fails reading the last cell's output size
        raise ShapeError("StackedRNNCells needs at least one cell in `cells:`", kind="value")
    weights, states, size = [], [], features
    for index, cell in enumerate(cells):
        own, state, size = _step(cell, size)
        weights += [replace(w, name=f"cells.{index}.{w.name}") for w in own]
        states.append(state)
    return tuple(weights), states, size


_STEPS = {"SimpleRNNCell": _simple_rnn_cell, "LSTMCell": _lstm_cell, "GRUCell": _gru_cell,
          "StackedRNNCells": _stacked_cells}


def _step(cell: LayerCall, features: int) -> tuple:
    """(weights, state_size, output_size) of `cell` built on steps of `features`.

    state_size is nested as Keras's: an int per single state, a list for LSTMCell's
    (h, c) and for a stack (one entry per cell)."""
    build = _STEPS.get(cell.class_name)
    if build is None:
        raise ShapeError(f"RNN's cell must be an RNN cell ({', '.join(_CELL_NAMES)}), not "
                         f"{cell.class_name}", kind="value",
                         fix=f"for a whole {cell.class_name} layer, use it directly"
                         if cell.class_name in ("LSTM", "GRU", "SimpleRNN") else None)
    # a cell is built here, not through its registry entry's inference: its whole-number
    # arguments are checked as every layer's are
    check_whole_numbers(cell, registry.get(cell.class_name).whole_numbers)
    weights, state, output = build(cell, features)
    # a cell's own `trainable: false` freezes its weights; a StackedRNNCells' freezes
    # none, its cells make theirs (layers.freezing)
    return as_keras_freezes(cell.class_name, cell.kwargs, weights), state, output


def _cell_items(call: LayerCall) -> list:
    cells = call.kwargs.get("cells")
    if not isinstance(cells, (list, tuple)):
        raise ShapeError(f"StackedRNNCells takes a list of cells in `cells:`, got {cells!r}",
                         kind="value")
    return list(cells)


def _cell_call(item: object) -> LayerCall:
    """One `cells:` entry, `{LSTMCell: {units: 8}}` (already checked by the loader)."""
    return item_call(item, "StackedRNNCells", what="cell")


# -- RNN -----------------------------------------------------------------------------

def _state_shapes(batch: int | None, state_size: object) -> tuple:
    """Keras's RNN.compute_output_shape: one (batch, size) per state, a stack flattened."""
    shapes = []
    for size in state_size if isinstance(state_size, list) else [state_size]:
        for inner in size if isinstance(size, list) else [size]:
            if isinstance(inner, list):
                # RNN.compute_output_shape goes one level into a stack's states only
                raise ShapeError("Keras's RNN cannot return the states of a StackedRNNCells "
                                 "nested in another one when a cell there has several states "
                                 "(LSTMCell, or a stack)", kind="value",
                                 fix="drop return_state, or write the cells as one flat list")
            shapes.append((batch, inner))
    return tuple(shapes)


_RNN = {"cell": REQUIRED, "return_sequences": False, "return_state": False,
        "go_backwards": False, "stateful": False, "unroll": False,
        "zero_output_for_mask": False}


@register("RNN", family="recurrent", recurrent=True, positional=tuple(_RNN), params=_RNN,
          owns_weights=False)
def rnn(call: LayerCall) -> Inferred:
    """Loops a cell (LSTMCell, GRUCell, SimpleRNNCell, or a list of them) over the time axis."""
    cell = call.wrapped
    if cell is None:
        raise ShapeError("RNN needs a cell in `cell:`, e.g. {LSTMCell: {units: 8}}, or a list "
                         "of cells", kind="value")
    # Keras's RNN has no InputSpec: on 2D input it fails building the cell, on 4D and more
    # it builds but the step cannot run; both are a missing or extra axis
    shape = _sequence(call, 3, "(batch, timesteps, features)", _SEQUENCE_FIX)
    weights, state_size, units = _step(cell, last_dim(shape, "RNN"))
    _check_stateful(call, shape[0])
    batch, steps = shape[0], shape[1]
    output = (batch, steps, units) if call.get("return_sequences", False) else (batch, units)
    if not call.get("return_state", False):
        return Inferred(output, weights)
    return Inferred((output,) + _state_shapes(batch, state_size), weights, multi_output=True)


# -- the cells, as layer items ----------------------------------------------------------

def _alone(call: LayerCall) -> Inferred:
    raise ShapeError(f"{call.class_name} is an RNN cell: it computes one timestep from the "
                     f"input and its states, and Keras cannot call it on a tensor alone",
                     kind="value", fix=f"wrap it in RNN, which loops it over the timesteps: "
                     f"`- RNN: {{cell: {{{call.class_name}: {{...}}}}}}`")


_CELL = {"units": REQUIRED, "activation": "tanh"}
_SIMPLE_RNN_CELL = {**_CELL, "use_bias": True, **_INITIALIZERS, **_REGULARIZERS,
                    **_CONSTRAINTS, **_DROPOUT, "seed": None}
_LSTM_CELL = {**_CELL, "recurrent_activation": "sigmoid", "use_bias": True, **_INITIALIZERS,
              "unit_forget_bias": True, **_REGULARIZERS, **_CONSTRAINTS, **_DROPOUT,
              "seed": None}
_GRU_CELL = {**_CELL, "recurrent_activation": "sigmoid", "use_bias": True, **_INITIALIZERS,
             **_REGULARIZERS, **_CONSTRAINTS, **_DROPOUT, "reset_after": True, "seed": None}

for _name, _params, _doc in (
        ("SimpleRNNCell", _SIMPLE_RNN_CELL, "One step of SimpleRNN; use it inside RNN."),
        ("LSTMCell", _LSTM_CELL, "One step of LSTM (states h and c); use it inside RNN."),
        ("GRUCell", _GRU_CELL, "One step of GRU; use it inside RNN."),
        ("StackedRNNCells", {"cells": REQUIRED},
         "Cells run one after another at each step, as one cell; use it inside RNN.")):
    # a StackedRNNCells' weights are its cells': a `trainable: false` on it freezes none
    register(_name, family="recurrent", positional=tuple(_params), params=_params,
             doc=_doc, owns_weights=_name != "StackedRNNCells")(_alone)
