"""The did-you-mean budget: how many suggestions by letters one file's loading may make.

A did-you-mean costs up to a millisecond (difflib against ~200 class names); a hostile
file of 8 MiB can hold 500,000 wrong names. Past this many per file, findings come
without the suggestion, so checking stays linear and fast. `load_text` starts a fresh
budget for each file (`layer_items.reset_suggestions`).

The budget lives in a context variable, not a module global: every thread (and every
asyncio task) loading a file has its own, so files loaded at the same time from
several threads never spend each other's suggestions.
"""

from __future__ import annotations

from contextvars import ContextVar

DEFAULT_SUGGESTIONS = 100  # layer_items.MAX_SUGGESTIONS, what load_text starts with
_budget: ContextVar[list] = ContextVar("netlint_did_you_mean_budget")


def start_budget(suggestions: int) -> None:
    """A fresh budget for the file about to be loaded (in this thread or task)."""
    _budget.set([suggestions])


def spend_suggestion() -> bool:
    """Whether a did-you-mean by letters (difflib) may still be made for this file;
    counts it when so. Every such suggestion, a layer's or a Keras name's, shares it."""
    left = _budget.get(None)
    if left is None:  # a loader stage called outside load_text: a budget of its own now
        left = [DEFAULT_SUGGESTIONS]
        _budget.set(left)
    if left[0] <= 0:
        return False
    left[0] -= 1
    return True
