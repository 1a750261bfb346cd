"""Did-you-means by letters: the closest known spelling of a name a file got wrong.

Both the layer reader (an unknown class or argument) and the schema's messages
(a value Keras refuses) suggest spellings; they sit here, below both, so that
neither has to import the other for them. Every suggestion by letters draws on
the file's budget (suggestion_budget).
"""

from __future__ import annotations

import functools

from netlint.loader.suggestion_budget import spend_suggestion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def suggest(name: str, choices: Any) -> str | None:
    """The closest known spelling, case-insensitively (`LTSM` -> `LSTM`)."""
    lowered = _lowered(tuple(choices))
    if name.lower() in lowered:
        return lowered[name.lower()]
    if not spend_suggestion():
        return None
    match = _close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


@functools.lru_cache(maxsize=64)  # the same few lists (class names, a layer's arguments)
def _lowered(choices: tuple) -> dict:
    return {c.lower(): c for c in choices}


def did_you_mean(name: str, choices: Any) -> str | None:
    best = suggest(name, choices)
    return f"did you mean '{best}'?" if best else None


def _close_matches(word: str, candidates: list, n: int, cutoff: float) -> list:
    import difflib  # only when a name is wrong: a suggestion is the rare path

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
