"""Every registered layer takes exactly Keras 3's constructor arguments, with its defaults."""

import inspect

import keras
import pytest

from netlint.layers.base import BASE_PARAMS, REQUIRED
from netlint.layers.registry import all_defs

DEFS = all_defs()

# Arguments a parent class takes but the subclass always fills in itself (passing them
# would be an error), read off Keras's source.
FILLED_BY_SUBCLASS = {"pool_mode"}
# Classes whose **kwargs stop at their own __init__ (InputLayer reads Keras 2 names there).
# Arguments a class pops from **kwargs itself, so no signature shows them.
POPPED_FROM_KWARGS = {"LayerNormalization": {"rms_scaling": False}}
OWN_KWARGS = {"InputLayer": {"input_shape": None, "batch_input_shape": None}}


def keras_params(cls) -> tuple[dict, bool]:
    """(name -> default or REQUIRED, whether **kwargs reaches keras.layers.Layer).

    Follows **kwargs up the class hierarchy: LSTM passes them to RNN (which
    takes zero_output_for_mask, unroll, ...), Conv2D to BaseConv, and so on.
    """
    params: dict = {}
    for depth, klass in enumerate(cls.__mro__):
        if "__init__" not in vars(klass):
            continue
        if klass is keras.layers.Layer:
            return params, True
        has_kwargs = False
        for p in list(inspect.signature(klass.__init__).parameters.values())[1:]:
            if p.kind is p.VAR_KEYWORD:
                has_kwargs = True
            elif p.kind is p.VAR_POSITIONAL or p.name in params:
                continue
            elif p.default is not p.empty:
                params[p.name] = p.default
            elif depth == 0:  # a parent's required argument is filled in by the subclass
                params[p.name] = REQUIRED
        if not has_kwargs:
            return params, False
    return params, False


@pytest.mark.parametrize("name", sorted(DEFS))
def test_params_match_keras(name):
    definition = DEFS[name]
    cls = getattr(keras.layers, name)
    expected, has_kwargs = keras_params(cls)
    expected.update(POPPED_FROM_KWARGS.get(name, {}))
    for key in FILLED_BY_SUBCLASS:
        expected.pop(key, None)
    ours = dict(definition.params)
    if name in OWN_KWARGS:
        expected.update(OWN_KWARGS[name])
        has_kwargs = False
    if has_kwargs:
        # the base Layer's own keywords, which Keras passes through **kwargs
        assert definition.base_params, f"{name} takes **kwargs in Keras"
        for key, value in BASE_PARAMS.items():
            expected.setdefault(key, value)
        ours = definition.all_params
    else:
        assert not definition.base_params, f"{name} takes no **kwargs in Keras"
    assert set(ours) == set(expected), (
        f"{name}: missing {sorted(set(expected) - set(ours))}, "
        f"extra {sorted(set(ours) - set(expected))}")
    for key, default in expected.items():
        if key in definition.params:
            assert ours[key] == default or (ours[key] is REQUIRED and default is REQUIRED), \
                f"{name}.{key}: netlint default {ours[key]!r} != Keras {default!r}"


@pytest.mark.parametrize("name", sorted(n for n in DEFS if hasattr(keras.layers, n)))
def test_layers_are_named_after_the_class_keras_names_them_after(name):
    """Keras's default layer names come from the class's own name, which an exported
    alias hides: MaxPool1D makes `max_pooling1d`, GroupQueryAttention
    `grouped_query_attention`."""
    from netlint.layers.base import default_name_class

    assert default_name_class(DEFS[name]) == getattr(keras.layers, name).__name__


@pytest.mark.parametrize("name", sorted(n for n in DEFS if hasattr(keras.layers, n)))
def test_layers_called_with_separate_inputs_are_the_ones_keras_calls_so(name):
    """mha(query, value) and not mha([query, value]): the exported code calls it so."""
    call = inspect.signature(getattr(keras.layers, name).call).parameters
    assert DEFS[name].separate_inputs == ("query" in call), list(call)
