"""Every rule card is a test: its documented pair (`bad` raises exactly what it names,
`good` raises nothing) and each of its named `cases:` (sqlfluff's per-rule YAML cases).

A case is a model and the findings it raises, with the options it needs:

    cases:
      - name: bidirectional-behind-dropout      # unique in the card, lower-case words
        kind: bad                               # bad | good | near-miss
        description: what it shows
        options: {NL202: {warn_steps: 1000}}    # optional: [tool.netlint.options], by id or name
        model: |
          input: {shape: [30, 4]}
          ...
        expect:                                 # every finding, none left over
          - {code: NL104, line: 5, column: 5, severity: error,
             message: "part of the message", fix: "the whole fix", layer: lstm}
        also: [NL601]                           # codes whose findings the case leaves aside

`severity`, `message` (a part of it, or a list of parts), `fix` (all of it) and
`layer` are checked where given. A `bad` case raises its card's rule, a
`near-miss` looks like it but does not, a `good` one raises nothing at all. The
catalog the engine reads (catalog.json) is made from the cards and checked here
to be fresh.
"""

from __future__ import annotations

import re

import pytest

from netlint.api import check
from netlint.model.findings import LOADER_CODES, LOADER_SEVERITIES, SEVERITIES
from netlint.rules import generate_catalog
from netlint.rules.cards import cards_dir, load_cards
from netlint.rules.config import Config
from netlint.rules.engine import CATALOG, registry

CARDS = load_cards()
REQUIRED = ("id", "name", "severity", "summary", "why", "seeds", "options", "bad", "good")
KINDS = ("bad", "good", "near-miss")
CASE_KEYS = {"name", "kind", "description", "options", "model", "expect", "also"}
EXPECT_KEYS = {"code", "line", "column", "severity", "message", "fix", "layer"}


def lint(text: str, options: dict | None = None) -> list:
    # text, not a file: no project config applies; every rule runs
    text = text if text.endswith("\n") else text + "\n"
    return check(text, Config(options=options, isolated=True) if options else None)


def every_case():
    """(code, case) for each card's documented pair and each of its named cases."""
    for code in sorted(CARDS):
        card = CARDS[code]
        for label in ("bad", "good"):
            yield pytest.param(code, {"name": label, "kind": label, **card[label]},
                               id=f"{code}-{label}")
        for case in card.get("cases") or []:
            yield pytest.param(code, case, id=f"{code}-{case.get('name')}")


# -- the catalog ---------------------------------------------------------------------------

def test_cards_folder_exists_and_holds_cards():
    assert cards_dir() is not None and CARDS


def test_catalog_is_made_from_the_cards():
    with open(CATALOG, encoding="utf-8") as handle:
        assert handle.read() == generate_catalog.catalog_json(), \
            "src/netlint/rules/catalog.json is stale: run " \
            "`python -m netlint.rules.generate_catalog` and commit it"


def test_every_rule_has_a_card_and_every_card_a_rule():
    rules = registry()
    assert sorted(set(rules) - set(CARDS)) == [], "rules without a card"
    assert sorted(set(CARDS) - set(rules)) == [], "cards without a rule"


@pytest.mark.parametrize("code", sorted(CARDS))
def test_the_rule_is_what_its_card_says(code):
    card, rule = CARDS[code], registry()[code]
    missing = [key for key in REQUIRED if key not in card]
    assert not missing, f"{code}: card lacks {missing}"
    assert (rule.name, rule.severity, rule.summary, rule.options) == \
        (card["name"], card["severity"], card["summary"], card["options"])
    assert card["severity"] in SEVERITIES
    assert isinstance(card["seeds"], list)
    assert card["summary"].strip() and card["why"].strip()
    for label in ("bad", "good"):
        assert card[label].get("description") and card[label].get("model"), (code, label)
    expect = card["bad"].get("expect") or []
    assert expect and all(e.get("code") == code for e in expect[:1]), \
        f"{code}: bad.expect must start with the card's own rule"


def test_the_loaders_findings_carry_their_cards_name_and_severity():
    # the loader makes NL001-NL004 and NL903 itself (findings.loader_finding)
    for code, name in LOADER_CODES.items():
        assert (name, LOADER_SEVERITIES.get(code, "error")) == \
            (CARDS[code]["name"], CARDS[code]["severity"]), code
        assert CARDS[code].get("reported_by") == "loader", code


@pytest.mark.parametrize("cards, words", [
    ({"NL801": {"name": "x", "severity": "fatal", "summary": "s", "options": {}}},
     "severity must be one of"),
    ({"NL801": {"name": "Not_A_Name", "severity": "info", "summary": "s", "options": {}}},
     "not lower-case words"),
    ({"NL801": {"name": "no-such-module", "severity": "info", "summary": "s", "options": {}}},
     "no module"),
    ({"NL801": {"name": "x", "severity": "info", "summary": "two\nlines", "options": {}}},
     "one line"),
    ({"NL801": {"name": "incompatible-shape", "severity": "info", "summary": "s",
                "options": {}, "reported_by": "loader"}}, "yet"),
])
def test_a_bad_card_stops_the_generator(cards, words):
    with pytest.raises(generate_catalog.CardError, match=words):
        generate_catalog.catalog(cards)


def test_two_cards_with_one_name_stop_the_generator():
    cards = {code: {**CARDS["NL105"], "id": code} for code in ("NL105", "NL106")}
    with pytest.raises(generate_catalog.CardError, match="also NL105's"):
        generate_catalog.catalog(cards)


# -- the cases -------------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(CARDS))
def test_cases_are_well_formed(code):
    names = set()
    for case in CARDS[code].get("cases") or []:
        name = case.get("name")
        assert isinstance(name, str) and re.fullmatch(r"[a-z0-9.]+(-[a-z0-9.]+)*", name), name
        assert name not in names | {"bad", "good"}, f"{code}: case {name} twice"
        names.add(name)
        assert set(case) <= CASE_KEYS, f"{code} {name}: unknown keys {set(case) - CASE_KEYS}"
        assert case.get("kind") in KINDS and case.get("description") and case.get("model")
        expect, also = case.get("expect") or [], case.get("also") or []
        for entry in expect:
            assert {"code", "line", "column"} <= set(entry) <= EXPECT_KEYS, (code, name, entry)
        own = [e for e in expect if e["code"] == code]
        if case["kind"] == "bad":
            assert own, f"{code} {name}: a bad case raises its card's rule"
        elif case["kind"] == "near-miss":
            assert not own, f"{code} {name}: a near-miss does not raise its card's rule"
        else:
            assert not expect and not also, f"{code} {name}: a good case raises nothing"
        assert code not in also and not set(also) & set(LOADER_CODES), (code, name)


def _matches(finding, entry: dict) -> bool:
    parts = entry.get("message", [])
    return ((finding.code, finding.line, finding.column) ==
            (entry["code"], entry["line"], entry["column"])
            and entry.get("severity", finding.severity) == finding.severity
            and all(part in finding.message for part in
                    (parts if isinstance(parts, list) else [parts]))
            and entry.get("fix", finding.fix) == finding.fix
            and entry.get("layer", finding.layer) == finding.layer)


@pytest.mark.parametrize("code, case", list(every_case()))
def test_case_raises_exactly_what_it_expects(code, case):
    findings = lint(case["model"], case.get("options"))
    report = "\n".join(f.text() for f in findings)
    also = set(case.get("also") or [])
    left = [f for f in findings if f.code not in also]
    for entry in case.get("expect") or []:
        found = next((f for f in left if _matches(f, entry)), None)
        assert found is not None, f"{code} {case['name']}: nothing matches {entry}:\n{report}"
        left.remove(found)
    assert not left, f"{code} {case['name']}: findings the card does not list:\n" + \
        "\n".join(f.text() for f in left)


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
