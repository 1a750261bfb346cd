"""The strings Keras 3 accepts for metrics, losses, optimizers, activations,
initializers, regularizers, constraints, `padding` and `data_format`, and which
Keras 1/2 layer and argument names (`Convolution2D`, `implementation`) it still
takes.

Keras decides, not us: `keras_vocabulary.json` is written by
`python -m netlint.vocabulary.generate`, which asks the installed Keras about
every string in its registries (and the spellings people bring from Keras 1/2),
and a test regenerates it and fails when it is stale. Each accepted string maps
to what Keras resolves it to (`MSE` -> `mean_squared_error`), so the rules see
one name whatever the spelling.
"""

from __future__ import annotations

import functools
import json
import os

KINDS = ("activation", "argument", "constraint", "data_format", "initializer", "layer",
         "loss", "metric", "optimizer", "padding", "regularizer")


@functools.cache
def _data() -> dict:
    # os.path, not pathlib: a plain `netlint check` does not import pathlib (test_check_fast)
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_vocabulary.json")
    with open(data, encoding="utf-8") as handle:
        return json.load(handle)["kinds"]


def meaning(kind: str, name: str) -> str | None:
    """What Keras resolves `name` to as a `kind` (`acc` -> `accuracy`,
    `OrthogonalInitializer` -> `orthogonal`), or None when Keras refuses it."""
    entry = _data()[kind]
    found = entry["accepted"].get(name)
    if found is None and name.lower() in _any_case(kind):
        found = entry["accepted"].get(name.lower())
    return found


def accepts(kind: str, name: str) -> bool:
    return meaning(kind, name) is not None


@functools.cache
def _any_case(kind: str) -> frozenset:
    return frozenset(_data()[kind]["any_case"])


@functools.cache
def names(kind: str) -> tuple[str, ...]:
    """Every spelling Keras accepts, letter case as Keras writes it (for completion)."""
    return tuple(sorted(_data()[kind]["accepted"]))


@functools.cache
def any_case_names(kind: str) -> tuple[str, ...]:
    """The names Keras accepts in any letter case (`Adam`, `ADAM`), lower-cased."""
    return tuple(_data()[kind]["any_case"])


@functools.cache
def classes(kind: str) -> tuple[str, ...]:
    """The accepted names that are classes in Keras's public module (`Huber`, `AUC`),
    which code may call with arguments: `keras.losses.Huber(delta=2.0)`."""
    return tuple(_data()[kind]["classes"])


@functools.cache
def refused(kind: str) -> tuple[str, ...]:
    """Strings Keras was asked about and refused: the near-misses the tests try."""
    return tuple(_data()[kind]["refused"])


def suggestion(kind: str, written: str, *, by_letters: bool = True) -> str | None:
    """The accepted spelling the writer most likely meant, or None.

    Ranked the way people misspell: the same letters in another case first, then the
    shortest name the written text begins (`accu` -> `accuracy`, `f1` -> `f1_score`),
    then the longest name that begins it (`mse_loss` -> `mse`), then (unless
    `by_letters` is False: the caller's budget for difflib is spent) the closest by
    letters. Among equals the plain snake_case name wins over a class name
    or an upper-case alias, so `acurracy` gets `accuracy`, never `AUC`."""
    lowered = written.lower()
    by_lower = _by_lower(kind)
    if lowered in by_lower:
        return by_lower[lowered]
    completions = [name for name in by_lower if name.startswith(lowered)]
    if completions and len(lowered) >= 2:
        return by_lower[min(completions,
                            key=lambda name: (_plainness(by_lower[name])[:2], len(name)))]
    prefixes = [name for name in by_lower if lowered.startswith(name) and len(name) >= 3]
    if prefixes:
        return by_lower[max(prefixes, key=lambda name: (len(name), name))]
    if not by_letters:
        return None
    import difflib  # only for a string Keras refuses

    close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


@functools.cache
def _by_lower(kind: str) -> dict[str, str]:
    """Lower-cased spelling -> the plainest accepted spelling with those letters."""
    by_lower: dict[str, str] = {}
    for name in sorted(names(kind), key=_plainness):
        by_lower.setdefault(name.lower(), name)
    return by_lower


def _plainness(name: str) -> tuple:
    """Sort key: snake_case first, then CamelCase classes, then all-capitals aliases."""
    return (name != name.lower(), name.isupper(), name)
