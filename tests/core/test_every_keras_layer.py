"""netlint knows every public layer class of the installed Keras, but for a listed few.

The list is read off `keras.layers` at run time, so a Keras minor that adds a layer
fails here until netlint learns it (or it is excluded, with its reason). An
excluded class that netlint has learned fails too: the exclusions only shrink.
"""

import inspect

import keras
import pytest

from netlint.layers.registry import get

# Keras layer classes netlint does not register, each with why.
NOT_REGISTERED = {
    # base classes, never written in a model file as such
    "Layer": "the base class of every layer",
    "Wrapper": "the base class of TimeDistributed and Bidirectional",
    # wrappers of other frameworks' modules: what they compute is foreign code
    "FlaxLayer": "wraps a Flax module",
    "JaxLayer": "wraps a JAX function",
    "TorchModuleWrapper": "wraps a PyTorch module",
    "TFSMLayer": "loads a TensorFlow SavedModel",
}


def keras_layer_classes() -> list[str]:
    """The public names in keras.layers that are Layer classes (aliases included)."""
    return sorted(name for name in dir(keras.layers) if not name.startswith("_")
                  and inspect.isclass(getattr(keras.layers, name))
                  and issubclass(getattr(keras.layers, name), keras.layers.Layer))


def test_every_keras_layer_is_known():
    unknown = [name for name in keras_layer_classes()
               if get(name) is None and name not in NOT_REGISTERED]
    assert not unknown, f"keras.layers classes netlint does not know: {unknown}; register " \
                        f"them, or add them to NOT_REGISTERED with the reason"


@pytest.mark.parametrize("name", sorted(NOT_REGISTERED))
def test_exclusion_still_needed(name):
    assert name in keras_layer_classes(), f"{name} is no longer in keras.layers: drop it " \
                                          f"from NOT_REGISTERED"
    assert get(name) is None, f"netlint now knows {name}: drop it from NOT_REGISTERED"
