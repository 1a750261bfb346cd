"""Write `catalog.json`, the rules' metadata as the engine reads it, from the rule cards.

    python -m netlint.rules.generate_catalog          # rewrite the committed index
    python -m netlint.rules.generate_catalog --check  # exit 1 when it is stale

The cards (rules/NL*.yaml) are the only place a rule's id, name, severity,
summary and options are written. Reading and parsing the 47 of them on every
`netlint check` (a pre-commit hook) would cost more than the check of a small
model, so the engine reads this index instead: per rule, the card's metadata,
the module of `checks/` that holds its check (the card's name in snake_case;
none for the rules whose findings the loader or the suppression pass makes,
which say so with `reported_by:`) and the name of the module's `needs` (a
function of facts.py), so that the engine can leave a rule's module unimported
in the files it cannot apply to. A test regenerates it and fails when the
committed file differs. The cards are checked on the way: a bad severity, a
name used twice or a card without its module stops the generator.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys

from netlint.errors import NetlintError
from netlint.model.findings import SEVERITIES
from netlint.rules import facts
from netlint.rules.cards import cards_dir, load_cards

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "catalog.json")
CHECKS = os.path.join(HERE, "checks")
REPORTED_BY = ("loader", "suppression")  # the stages that make a rule's findings instead
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CODE = re.compile(r"NL\d{3}")


class CardError(NetlintError):
    """A card the catalog cannot be made from; the message names the card."""


def module_name(rule_name: str) -> str:
    """The module of `checks/` holding a rule's check: its name in snake_case."""
    return rule_name.replace("-", "_")


def catalog(cards: dict[str, dict] | None = None) -> dict[str, dict]:
    """code -> {name, severity, summary, options, module}, in code order."""
    cards = load_cards() if cards is None else cards
    problems = [problem for code in sorted(cards) for problem in card_problems(code, cards[code])]
    problems += _shared_problems(cards)
    if problems:
        raise CardError("\n".join(problems))
    return {code: _entry(cards[code]) for code in sorted(cards)}


def _entry(card: dict) -> dict:
    module = None if card.get("reported_by") else module_name(card["name"])
    return {"name": card["name"], "severity": card["severity"], "summary": card["summary"],
            "options": card["options"], "module": module,
            "needs": None if module is None else _needs(_module_tree(module))}


def _module_tree(module: str) -> ast.Module:
    path = os.path.join(CHECKS, module + ".py")
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read(), path)


def _needs(tree: ast.Module) -> str | None:
    """The name a module gives its `needs` (`needs = has_data`), or None."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] \
                == ["needs"]:
            return node.value.id if isinstance(node.value, ast.Name) else "?"
    return None


def card_problems(code: str, card: dict) -> list[str]:
    """What is wrong with one card's metadata (empty: nothing)."""
    where = f"rules/{code}.yaml"
    problems = []
    if not _CODE.fullmatch(code):
        problems.append(f"{where}: an id is NL and three digits")
    name, severity, summary = card.get("name"), card.get("severity"), card.get("summary")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        problems.append(f"{where}: name {name!r} is not lower-case words joined by '-'")
    if severity not in SEVERITIES:
        problems.append(f"{where}: severity must be one of {SEVERITIES}, not {severity!r}")
    if not isinstance(summary, str) or not summary.strip() or "\n" in summary:
        problems.append(f"{where}: summary must be one line of text")
    if not isinstance(card.get("options"), dict):
        problems.append(f"{where}: options must be a mapping ({{}} for none)")
    problems += _module_problems(where, card)
    return problems


def _module_problems(where: str, card: dict) -> list[str]:
    reported_by = card.get("reported_by")
    if reported_by is not None and reported_by not in REPORTED_BY:
        return [f"{where}: reported_by must be one of {REPORTED_BY}, not {reported_by!r}"]
    if not isinstance(card.get("name"), str):
        return []
    path = os.path.join(CHECKS, module_name(card["name"]) + ".py")
    if reported_by is not None:
        return [f"{where}: reported by the {reported_by}, yet {path} exists"] \
            if os.path.exists(path) else []
    if not os.path.exists(path):
        return [f"{where}: no module {path} holds its check"]
    tree = _module_tree(module_name(card["name"]))
    if not any(isinstance(node, ast.FunctionDef) and node.name == "check" for node in tree.body):
        return [f"{path}: defines no `def check(ctx)`"]
    needs = _needs(tree)
    if needs is not None and not callable(getattr(facts, needs, None)):
        return [f"{path}: `needs` must name a function of netlint.rules.facts, not {needs!r}"]
    return []


def _shared_problems(cards: dict[str, dict]) -> list[str]:
    problems = []
    owner: dict[str, str] = {}
    for code in sorted(cards):
        name = cards[code].get("name")
        if name in owner:
            problems.append(f"rules/{code}.yaml: name {name!r} is also {owner[name]}'s")
        owner.setdefault(name, code)
    modules = {module_name(n) for n in owner if isinstance(n, str)}
    for file in sorted(os.listdir(CHECKS)):
        if file.endswith(".py") and file != "__init__.py" and file[:-3] not in modules:
            problems.append(f"{os.path.join(CHECKS, file)}: no card names this rule")
    return problems


def catalog_json(cards: dict[str, dict] | None = None) -> str:
    """The committed file's text, made afresh from the cards."""
    data = catalog(cards)
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if cards_dir() is None:
        print("no rules/ folder with the cards: run this in a source tree")
        return 2
    try:
        text = catalog_json()
    except CardError as error:
        print(error)
        return 1
    if "--check" in argv:
        with open(CATALOG, encoding="utf-8") as handle:
            if handle.read() != text:
                print(f"{CATALOG} is stale: run `python -m netlint.rules.generate_catalog`")
                return 1
        print(f"{CATALOG} is up to date")
        return 0
    with open(CATALOG, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {CATALOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
