"""`netlint rules` (the catalog) and `netlint explain NL104` (one rule's card)."""

from __future__ import annotations

import difflib
import json
from enum import Enum
from pathlib import Path

import typer

from netlint.cli.common import fail_usage, write_output


class RulesFormat(str, Enum):
    text = "text"
    json = "json"


def rules(
    format: RulesFormat = typer.Option(RulesFormat.text, "--format", "-f",
                                       help="text (a table) or json"),
    output_file: Path | None = typer.Option(
        None, "--output-file", "-o", help="write the list to this file (whole, or not at "
        "all) instead of stdout"),
) -> None:
    """List every rule: id, name, default severity, summary."""
    text = rules_text(format.value)
    if output_file is None:
        typer.echo(text, nl=False)
        return
    write_output(text, output_file)


def rules_text(format_name: str) -> str:
    """The catalog as `netlint rules` prints it: a table, or JSON."""
    from netlint.rules.engine import registry

    catalog = registry()
    if format_name == "json":
        rows = [{"id": code, "name": r.name, "severity": r.severity, "summary": r.summary,
                 "options": r.options} for code, r in catalog.items()]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    table = [("ID", "NAME", "SEVERITY", "SUMMARY")]
    table += [(code, r.name, r.severity, r.summary) for code, r in catalog.items()]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  "
                   + row[3] + "\n" for row in table)


def explain(
    rule: str = typer.Argument(..., help="a rule id (NL104) or name"),
) -> None:
    """Print a rule's card: what it catches, why it matters, a bad and a good model."""
    from netlint.rules.cards import card
    from netlint.rules.engine import registry

    catalog = registry()
    code = _find(rule, catalog)
    typer.echo(card_text(catalog[code], card(code) or {}), nl=False)


def _find(word: str, catalog: dict) -> str:
    if word.upper() in catalog:
        return word.upper()
    by_name = {r.name: code for code, r in catalog.items()}
    if word.lower() in by_name:
        return by_name[word.lower()]
    close = difflib.get_close_matches(word.upper(), list(catalog), n=1, cutoff=0.6) or \
        [by_name[n] for n in difflib.get_close_matches(word.lower(), list(by_name), n=1)]
    hint = f" (did you mean {close[0]} {catalog[close[0]].name}?)" if close else ""
    raise fail_usage(f"unknown rule {word!r}{hint}; `netlint rules` lists them")


def card_text(rule: object, rule_card: dict) -> str:
    """The card as plain text: header, summary, why, options, bad and good models."""
    lines = [f"{rule.code} {rule.name} [{rule.severity}]",  # type: ignore[attr-defined]
             "", rule.summary]  # type: ignore[attr-defined]
    if rule_card.get("why"):
        lines += ["", "Why:"] + _indent(str(rule_card["why"]))
    if rule_card.get("seeds"):  # the card's metadata: which threads; users get the gist
        from netlint.rules.cards import SEEN_IN

        lines += ["", SEEN_IN]
    options = rule.options  # type: ignore[attr-defined]
    if options:
        lines += ["", "Options (set in [tool.netlint.options." + rule.code + "]):"]  # type: ignore
        lines += [f"  {key} = {value!r}" for key, value in sorted(options.items())]
    for label in ("bad", "good"):
        example = rule_card.get(label)
        if isinstance(example, dict) and example.get("model"):
            lines += ["", f"{label.capitalize()}: {example.get('description', '')}".rstrip()]
            lines += _indent(str(example["model"]), "    ")
    return "\n".join(lines) + "\n"


def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line.strip() else "" for line in text.rstrip("\n").splitlines()]
