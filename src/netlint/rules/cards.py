"""Rule cards: the YAML file per rule in `rules/`, the only place a rule's metadata is
written (id, name, severity, summary, options, why), with its documented bad and good
model and its named `cases:` (tests/rules/test_cards.py runs them all). The check path
reads catalog.json, generated from the cards (generate_catalog.py); `netlint explain`,
the docs and SARIF read the cards themselves.

In a source tree the cards are the top-level `rules/` folder; an installed
wheel carries them at `netlint/_data/rules` (pyproject force-includes them).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

# What users read of a card's `seeds:` (the Q&A threads a rule comes from, by number):
# the gist, never a number that means nothing outside this repository
SEEN_IN = "Seen in real Q&A threads about Keras models, where people asked why theirs failed."


def cards_dir() -> Path | None:
    """The folder holding the cards, or None when neither location exists."""
    folder = _cards_folder()
    return None if folder is None else Path(folder)


def _cards_folder() -> str | None:
    """`cards_dir()` as a string."""
    package = os.path.dirname(os.path.dirname(str(Path(__file__).resolve())))
    for candidate in (os.path.join(package, "_data", "rules"),
                      os.path.join(os.path.dirname(os.path.dirname(package)), "rules")):
        if Path(candidate).is_dir():
            return candidate
    return None


@lru_cache(maxsize=1)
def load_cards() -> dict[str, dict]:
    """Every card, id -> card mapping, sorted by id."""
    folder = _cards_folder()
    if folder is None:
        return {}
    cards = {}
    # the names Path.glob("NL*.yaml") gives, in name order
    for name in sorted(n for n in os.listdir(folder)
                       if n.startswith("NL") and n.endswith(".yaml") and len(n) >= 7):
        file, stem = os.path.join(folder, name), name[:-len(".yaml")]
        with open(file, encoding="utf-8") as handle:
            card = yaml.safe_load(handle)
        if not isinstance(card, dict) or card.get("id") != stem:
            raise ValueError(f"{file}: a card's `id` must equal its file name ({stem})")
        cards[stem] = card
    return cards


def card(code: str) -> dict | None:
    return load_cards().get(code)
