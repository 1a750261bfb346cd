"""Ask the installed Keras which strings it accepts; write `keras_vocabulary.json`.

    python -m netlint.vocabulary.generate          # rewrite the committed data
    python -m netlint.vocabulary.generate --check  # exit 1 when it is stale

Needs Keras (a test dependency), never imported by netlint itself. The verdict on
each string is Keras's own, reached the way a model reaches it: a metric or a loss
through the functions `compile()` uses (`get_metric`, `get_loss`) and then updated
on a batch; an activation, initializer, regularizer or constraint through
`keras.<kind>.get` and then applied; an optimizer through `keras.optimizers.get`
and one step; `padding` and `data_format` by building a layer with them; a Keras
1/2 layer name by looking it up in `keras.layers`, a Keras 1/2 argument by passing
it to the layers, optimizer or `fit` that took it. A string
that Keras resolves but cannot use (the abstract `Metric`, `threshold` without its
arguments, `IoU` without `num_classes`) is refused, as training would refuse it.

The strings asked about are every name in Keras's own registries, each in seven
letter cases (as written, lower, upper, title, swapped, alternating), their snake_case and
CamelCase forms, and the names people bring from Keras 1/2 and tutorials
(`acc`, `logcosh`, `cosine_proximity`, `RMSProp` ...). Names Keras accepts in
every letter case are recorded once, lower-cased, under `any_case`.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

DATA = Path(__file__).with_name("keras_vocabulary.json")

# Strings people write that are not registry keys: Keras 1/2 names, tutorial spellings,
# near-misses. Keras decides each; listing one here only makes sure it is asked.
WRITTEN_BY_PEOPLE = {
    "metric": ["acc", "accuracy", "ce", "crossentropy", "cosine_proximity", "cosine",
               "logcosh", "kullback_leibler_divergence", "kld", "KLD", "rmse", "RMSE",
               "f1", "fbeta", "auroc", "r2", "top_k", "sparse_top_k", "iou", "mean_iou",
               "categorical_crossentropy_with_logits", "loss", "val_accuracy"],
    "loss": ["ce", "crossentropy", "logcosh", "kullback_leibler_divergence", "cosine",
             "cosine_proximity", "KLD", "categorical_crossentropy_with_logits", "rmse",
             "sparse_categorical_crossentropy_with_logits", "focal", "l1", "l2",
             "mean_squared_logarithmic", "huber_loss", "hinge_loss", "softmax"],
    "optimizer": ["RMSProp", "AdaDelta", "AdaGrad", "AdaMax", "NAdam", "adam_w",
                  "sgd_momentum", "momentum", "lbfgs", "adabelief", "ranger"],
    "activation": ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "leakyrelu", "swish",
                   "hardsigmoid", "hard_sigmoid", "log_softmax", "none", "None", "identity",
                   "gelu_approximate", "tanh_shrink"],
    "initializer": ["OrthogonalInitializer", "IdentityInitializer", "xavier_uniform",
                    "xavier_normal", "kaiming_normal", "normal", "uniform", "he_normal",
                    "zero", "one", "glorot", "Glorot"],
    "regularizer": ["l1_l2", "L1_L2", "weight_decay"],
    "constraint": ["maxnorm", "nonneg", "unitnorm", "MinMax", "max_norm"],
    "padding": ["valid", "same", "causal", "full", "reflect", "zero", "none"],
    "data_format": ["channels_last", "channels_first", "NHWC", "NCHW", "tf", "th", "last"],
}


def main(argv: list[str]) -> int:
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    check = "--check" in argv
    text = vocabulary_json()
    if check:
        if DATA.read_text(encoding="utf-8") != text:
            print(f"{DATA} is stale: run `python -m netlint.vocabulary.generate`")
            return 1
        print(f"{DATA} is up to date")
        return 0
    DATA.write_text(text, encoding="utf-8")
    print(f"wrote {DATA}")
    return 0


def keras_verdicts() -> dict[str, dict[str, str | None]]:
    """kind -> every string asked about -> what Keras makes of it (None: refused)."""
    with warnings.catch_warnings():  # the probes try shapes that do not fit, on purpose
        warnings.simplefilter("ignore")
        return {kind: {name: verdict(kind, name) for name in candidates(kind)}
                for kind in sorted(PROBES)}


def vocabulary_json(verdicts: dict | None = None) -> str:
    """The committed file's text, made afresh from the installed Keras."""
    import keras

    verdicts = keras_verdicts() if verdicts is None else verdicts
    kinds = {kind: _kind_entry(kind, verdicts[kind]) for kind in sorted(verdicts)}
    # major.minor: a patch release that changes no verdict leaves the file as it is
    data = {"keras": ".".join(keras.__version__.split(".")[:2]),
            "made_by": "python -m netlint.vocabulary.generate", "kinds": kinds}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def candidates(kind: str) -> list[str]:
    """Every string asked about for one kind."""
    from keras.src.utils.naming import to_snake_case

    if kind == "layer":  # the Keras 1/2 class names netlint reads: does Keras 3 still?
        from netlint.loader.legacy import LEGACY_LAYERS

        return sorted(LEGACY_LAYERS)
    if kind == "argument":  # the Keras 1/2 argument names netlint reads
        return sorted(_legacy_arguments())

    seeds = set(_registry(kind)) | set(WRITTEN_BY_PEOPLE.get(kind, ()))
    asked = set()
    for name in seeds:
        forms = {name, to_snake_case(name), _camel(name)}
        for form in forms:
            asked.update(_letter_cases(form))
    return sorted(asked)


def _kind_entry(kind: str, verdicts: dict) -> dict:
    accepted = {name: meaning for name, meaning in verdicts.items() if meaning is not None}
    any_case = sorted({name.lower() for name in accepted
                       if all(form in accepted for form in _letter_cases(name))})
    exact = {name: meaning for name, meaning in accepted.items()
             if name.lower() not in any_case or name == name.lower()}
    refused = sorted(name for name, meaning in verdicts.items() if meaning is None)
    return {"accepted": dict(sorted(exact.items())), "any_case": any_case,
            "classes": _public_classes(kind, exact, any_case), "refused": refused}


def _public_classes(kind: str, names: dict, any_case: list) -> list[str]:
    """The accepted names that are classes of Keras's public module for `kind`
    (`keras.losses.Huber`, `keras.optimizers.AdamW`), which an exported script may
    call with arguments."""
    import keras

    module = getattr(keras, _MODULES.get(kind, ""), None)
    if module is None:
        return []
    return sorted(name for name in dir(module)
                  if isinstance(getattr(module, name), type)
                  and (name in names or name.lower() in any_case))


def verdict(kind: str, name: str) -> str | None:
    """What Keras makes of `name` as a `kind` (a canonical snake_case name), or None
    when Keras refuses it or cannot use what it resolved."""
    try:
        return PROBES[kind](name)
    except Exception:  # noqa: BLE001 - any failure of Keras's is its refusal
        return None


# -- probes: one per kind, each doing what a model does with the string ----------------

def _np():
    import numpy

    return numpy


def _metric(name: str) -> str | None:
    from keras.src.trainers.compile_utils import get_metric

    for y_true, y_pred in _label_setups():
        try:
            metric = get_metric(name, y_true, y_pred)
            metric.update_state(y_true, y_pred)
            metric.result()
        except Exception:  # noqa: BLE001 - this setup does not fit; try the next
            continue
        return _meaning(name, metric, ("accuracy", "acc"), "accuracy")
    return None


def _loss(name: str) -> str | None:
    from keras.src.trainers.compile_utils import get_loss

    for y_true, y_pred in _label_setups():
        try:
            loss = get_loss(name, y_true, y_pred)
            value = _np().asarray(loss(y_true, y_pred))
        except Exception:  # noqa: BLE001 - this setup does not fit; try the next
            continue
        if value.size and _np().isfinite(value).all():
            return _meaning(name, loss, ("crossentropy", "ce"), "crossentropy")
    return None


def _label_setups() -> list[tuple]:
    """(labels, predictions) pairs of the shapes heads have: binary, one-hot, integer
    classes, regression, and a CTC sequence."""
    np = _np()
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(3), size=4).astype("float32")
    sequence = rng.dirichlet(np.ones(4), size=(2, 5)).astype("float32")
    return [
        (np.array([[0.0], [1.0], [1.0], [0.0]], "float32"),
         np.array([[0.2], [0.7], [0.9], [0.4]], "float32")),
        (np.eye(3, dtype="float32")[[0, 1, 2, 1]], probabilities),
        (np.array([0, 1, 2, 1], "int32"), probabilities),
        (rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(4, 3)).astype("float32")),
        (np.array([[1, 2, 1], [2, 1, 0]], "int32"), sequence),
    ]


def _meaning(name: str, resolved: object, dynamic: tuple, dynamic_meaning: str) -> str:
    """The canonical name of what Keras resolved: its function's or class's snake_case
    name; `accuracy`/`crossentropy` for the strings `compile()` picks per label shape."""
    from keras.src.utils.naming import to_snake_case

    if name.lower() in dynamic:
        return dynamic_meaning
    inner = getattr(resolved, "_fn", None) or getattr(resolved, "fn", None) or resolved
    if hasattr(inner, "__name__"):
        return to_snake_case(inner.__name__)
    return to_snake_case(type(inner).__name__)


def _activation(name: str) -> str:
    import keras

    function = keras.activations.get(name)
    keras.layers.Dense(4, activation=name)(_np().ones((2, 4), "float32"))
    return to_snake(function.__name__)


def _initializer(name: str) -> str | None:
    import keras

    initializer = keras.initializers.get(name)
    for shape in ((4, 4), (8, 1, 5), (3, 3, 2, 4)):
        try:
            initializer(shape)
        except Exception:  # noqa: BLE001 - a shape this initializer does not make
            continue
        return to_snake(type(initializer).__name__)
    return None


def _regularizer(name: str) -> str:
    import keras

    regularizer = keras.regularizers.get(name)
    float(regularizer(_np().ones((4, 4), "float32")))
    return to_snake(type(regularizer).__name__)


def _constraint(name: str) -> str:
    import keras

    constraint = keras.constraints.get(name)
    constraint(_np().ones((4, 4), "float32"))
    return to_snake(type(constraint).__name__)


def _optimizer(name: str) -> str:
    import keras

    optimizer = keras.optimizers.get(name)
    variable = keras.Variable(_np().ones((2,), "float32"))
    optimizer.apply_gradients([(_np().ones((2,), "float32"), variable)])
    return type(optimizer).__name__.lower()  # the registry's key: adamw, rmsprop


def _padding(name: str) -> str | None:
    """A padding Keras takes on some layer: Conv1D takes every one Conv2D takes, and
    `causal`; pooling takes valid/same."""
    import keras

    for layer_class, image in ((keras.layers.Conv1D, (1, 6, 2)),
                               (keras.layers.Conv2D, (1, 6, 6, 2))):
        try:
            layer = layer_class(2, 3, padding=name)
            layer(_np().ones(image, "float32"))
        except Exception:  # noqa: BLE001 - not for this layer
            continue
        return layer.padding
    return None


def _layer(name: str) -> str | None:
    """The Keras 3 class a layer name resolves to (`Convolution2D` -> `Conv2D`)."""
    import keras

    found = getattr(keras.layers, name)
    return found.__name__ if issubclass(found, keras.layers.Layer) else None


def _legacy_arguments() -> dict[str, str]:
    """Keras 1/2 argument name -> where it was written: a layer, the optimizer, fit."""
    from netlint.loader import legacy

    found = {name: "layer" for name in (*legacy.LEGACY_KWARGS, *legacy.REMOVED_KWARGS)}
    for renames in legacy.LEGACY_CLASS_KWARGS.values():
        found.update(dict.fromkeys(renames, "layer"))
    found.update(dict.fromkeys(legacy.LEGACY_OPTIMIZER_KWARGS, "optimizer"))
    found.update(dict.fromkeys(legacy.LEGACY_TRAIN_KWARGS, "fit"))
    return found


# Layers a Keras 1/2 argument is tried on, with their required arguments.
_TRIED_ON = (("Dense", {"units": 2}), ("LSTM", {"units": 2}),
             ("Conv2D", {"filters": 2, "kernel_size": 3}),
             ("Conv1D", {"filters": 2, "kernel_size": 3}), ("MaxPooling1D", {}),
             ("Dropout", {"rate": 0.5}), ("Embedding", {"input_dim": 3, "output_dim": 2}),
             ("LeakyReLU", {}))


def _argument(name: str) -> str | None:
    """Where Keras 3 still takes a Keras 1/2 argument (`LSTM` takes `implementation`
    and ignores it), or None where everything it could be passed to refuses it."""
    import inspect

    import keras

    where = _legacy_arguments()[name]
    if where == "optimizer":
        keras.optimizers.Adam(**{name: 0.001})
        return "Adam"
    if where == "fit":
        inspect.signature(keras.Model.fit).bind(None, **{name: 1})
        return "fit"
    for class_name, required in _TRIED_ON:
        try:
            getattr(keras.layers, class_name)(**required, **{name: _sample(name)})
        except Exception:  # noqa: BLE001 - this layer refuses it; try the next
            continue
        return class_name
    return None


def _sample(name: str) -> object:
    """A value of the kind a Keras 1/2 argument took."""
    return {"dim_ordering": "tf", "border_mode": "same", "init": "uniform",
            "inner_init": "orthogonal", "inner_activation": "sigmoid",
            "consume_less": "gpu", "forget_bias_init": "one", "bias": True}.get(name, 1)


def _data_format(name: str) -> str:
    import keras

    layer = keras.layers.Conv2D(2, 3, data_format=name)
    layer(_np().ones((1, 6, 6, 6), "float32"))
    return layer.data_format


_MODULES = {"metric": "metrics", "loss": "losses", "activation": "activations",
            "initializer": "initializers", "regularizer": "regularizers",
            "constraint": "constraints", "optimizer": "optimizers"}

PROBES = {"metric": _metric, "loss": _loss, "activation": _activation,
          "initializer": _initializer, "regularizer": _regularizer,
          "constraint": _constraint, "optimizer": _optimizer, "padding": _padding,
          "data_format": _data_format, "layer": _layer, "argument": _argument}


def _registry(kind: str) -> list[str]:
    """The names Keras registers for `kind` (its `ALL_OBJECTS_DICT`)."""
    import importlib

    module = _MODULES.get(kind)
    if module is None:
        return []
    return list(importlib.import_module(f"keras.src.{module}").ALL_OBJECTS_DICT)


def to_snake(name: str) -> str:
    from keras.src.utils.naming import to_snake_case

    return to_snake_case(name)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _letter_cases(name: str) -> set[str]:
    """`name` in seven letter cases: as written, lower, upper, title, swapped, and
    alternating both ways (`aDaM`, `AdAm`: no registry lists those, so a name accepted
    in all seven is one Keras reads in any case, not one listed in a few)."""
    def alternating(upper_first: bool) -> str:
        letters, flip = [], upper_first
        for char in name:
            if char.isalpha():
                char, flip = (char.upper() if flip else char.lower()), not flip
            letters.append(char)
        return "".join(letters)
    return {name, name.lower(), name.upper(), name.title(), name.swapcase(),
            alternating(True), alternating(False)}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
