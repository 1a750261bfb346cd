"""Rule cards: the YAML file per rule in `rules/` (why, a bad and a good model).

In a source tree the cards are the top-level `rules/` folder; an installed
wheel carries them at `netlint/_data/rules` (pyproject force-includes them).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


def cards_dir() -> Path | None:
    """The folder holding the cards, or None when neither location exists."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data" / "rules", package.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


@lru_cache(maxsize=1)
def load_cards() -> dict[str, dict]:
    """Every card, id -> card mapping, sorted by id."""
    folder = cards_dir()
    if folder is None:
        return {}
    cards = {}
    for file in sorted(folder.glob("NL*.yaml")):
        with open(file, encoding="utf-8") as handle:
            card = yaml.safe_load(handle)
        if not isinstance(card, dict) or card.get("id") != file.stem:
            raise ValueError(f"{file}: a card's `id` must equal its file name ({file.stem})")
        cards[file.stem] = card
    return cards


def card(code: str) -> dict | None:
    return load_cards().get(code)
