"""Every rule card is a test: `bad` raises exactly what it names, `good` raises nothing.

Same idea as sqlfluff's per-rule YAML cases: the examples `netlint explain`
prints are proven to behave as they say.
"""

from __future__ import annotations

from collections import Counter

import pytest

from netlint.api import check
from netlint.findings import SEVERITIES
from netlint.rules.cards import cards_dir, load_cards
from netlint.rules.engine import registry

CARDS = load_cards()
REQUIRED = ("id", "name", "severity", "summary", "why", "seeds", "options", "bad", "good")


def lint(text: str) -> list:
    # text, not a file: no project config applies; every rule runs
    return check(text if text.endswith("\n") else text + "\n")


def test_cards_folder_exists_and_holds_cards():
    assert cards_dir() is not None and CARDS


def test_every_rule_has_a_card_and_every_card_a_rule():
    rules = registry()
    assert sorted(set(rules) - set(CARDS)) == [], "rules without a card"
    assert sorted(set(CARDS) - set(rules)) == [], "cards without a rule"


@pytest.mark.parametrize("code", sorted(CARDS))
def test_card_matches_its_rule(code):
    card, rule = CARDS[code], registry()[code]
    missing = [key for key in REQUIRED if key not in card]
    assert not missing, f"{code}: card lacks {missing}"
    assert (card["name"], card["severity"]) == (rule.name, rule.severity)
    assert card["severity"] in SEVERITIES
    assert card["options"] == rule.options, f"{code}: card documents other option defaults"
    assert isinstance(card["seeds"], list)
    assert card["summary"].strip() and card["why"].strip()
    for label in ("bad", "good"):
        assert card[label].get("description") and card[label].get("model"), (code, label)
    expect = card["bad"].get("expect") or []
    assert expect and all(e.get("code") == code for e in expect[:1]), \
        f"{code}: bad.expect must start with the card's own rule"


@pytest.mark.parametrize("code", sorted(CARDS))
def test_bad_model_raises_exactly_what_the_card_says(code):
    bad = CARDS[code]["bad"]
    expected = Counter((e["code"], e["line"], e["column"]) for e in bad["expect"])
    expected_codes = {e["code"] for e in bad["expect"]}
    allowed_extra = set(bad.get("also") or [])
    findings = lint(bad["model"])
    got = Counter((f.code, f.line, f.column) for f in findings if f.code in expected_codes)
    assert got == expected, "\n".join(f.text() for f in findings)
    extra = [f.text() for f in findings
             if f.code not in expected_codes and f.code not in allowed_extra]
    assert not extra, f"{code}: bad model raises findings the card does not list"


@pytest.mark.parametrize("code", sorted(CARDS))
def test_good_model_raises_nothing(code):
    findings = lint(CARDS[code]["good"]["model"])
    assert not findings, "\n".join(f.text() for f in findings)


def test_installed_layout_finds_cards_in_package_data(tmp_path):
    # a wheel carries the cards at netlint/_data/rules (pyproject force-include); load a
    # copy of cards.py placed as in site-packages and check it looks there
    import importlib.util
    import shutil

    from netlint.rules import cards

    site = tmp_path / "site-packages" / "netlint"
    (site / "rules").mkdir(parents=True)
    shutil.copy(cards.__file__, site / "rules" / "cards.py")
    (site / "_data" / "rules").mkdir(parents=True)
    shutil.copy(cards_dir() / "NL010.yaml", site / "_data" / "rules" / "NL010.yaml")
    spec = importlib.util.spec_from_file_location("installed_cards", site / "rules" / "cards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.cards_dir() == (site / "_data" / "rules").resolve()
    assert list(module.load_cards()) == ["NL010"]
