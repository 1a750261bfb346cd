"""docs/rules.md: the rule reference, written from the rule cards (rules/NL*.yaml).

Each rule's bad model is run through the real checker, so what the page says
netlint prints is what it prints; a test regenerates the page and fails when
the committed one differs.
"""

from __future__ import annotations

from netlint.rules.cards import SEEN_IN

FAMILIES = (
    ("NL0", "The file itself"),
    ("NL1", "Shapes and layouts"),
    ("NL2", "Recurrent layers"),
    ("NL3", "Output head, loss and metrics"),
    ("NL4", "Training settings"),
    ("NL5", "Data"),
    ("NL6", "Design"),
    ("NL9", "Keras 1/2 spellings"),
)


def _family(code: str) -> str:
    for prefix, title in FAMILIES:
        if code.startswith(prefix):
            return title
    return "Other"


def _findings(model_text: str) -> list[str]:
    """What `netlint check model.yaml` prints for a card's model (config-free)."""
    from netlint.api import check
    from netlint.loader import load_text

    loaded = load_text(model_text, "model.yaml")
    return [finding.text() for finding in sorted(check(loaded), key=lambda f: f.sort_key())]


def _block(text: str, language: str = "") -> list[str]:
    return [f"```{language}", *text.rstrip("\n").splitlines(), "```"]


def _rule_section(code: str, rule: object, card: dict) -> list[str]:
    lines = [f"### {code} {rule.name}", "",  # type: ignore[attr-defined]
             f"**{rule.severity}**: {rule.summary}",  # type: ignore[attr-defined]
             ""]
    if card.get("why"):
        lines += [str(card["why"]).strip(), ""]
    if card.get("seeds"):
        lines += [SEEN_IN, ""]
    options = rule.options  # type: ignore[attr-defined]
    if options:
        lines += [f"Options (`[tool.netlint.options.{code}]`): "
                  + ", ".join(f"`{k} = {v!r}`" for k, v in sorted(options.items())) + ".", ""]
    for label in ("bad", "good"):
        example = card.get(label)
        if not isinstance(example, dict) or not example.get("model"):
            continue
        title = "Bad" if label == "bad" else "Good"
        description = str(example.get("description", "")).strip()
        lines += [f"{title}: {description}" if description else f"{title}:", ""]
        lines += _block(str(example["model"]), "yaml") + [""]
        findings = _findings(str(example["model"]))
        if label == "bad" or findings:
            lines += ["`netlint check model.yaml` says:", ""]
            lines += _block("\n".join(findings) or "(nothing)", "text") + [""]
    return lines


def rules_markdown() -> str:
    """The whole page, deterministic: sorted by rule id."""
    from netlint.rules.cards import load_cards
    from netlint.rules.engine import registry

    catalog, cards = registry(), load_cards()
    lines = ["# Rule reference", "",
             "<!-- Generated from rules/NL*.yaml by `python -m netlint.docs`; "
             "do not edit by hand. -->", "",
             "Every rule netlint checks, with the mistake it catches, a model that has it "
             "(and what netlint prints for it) and the model fixed. `netlint rules` lists "
             "them; `netlint explain NL104` prints one. Select or ignore rules with "
             "`--select`/`--ignore` (ids, prefixes such as `NL2`, or names), or per line "
             "with `# netlint: disable=NL201`.", "",
             "| id | name | severity | summary |", "|---|---|---|---|"]
    for code, rule in catalog.items():
        anchor = f"{code}-{rule.name}".lower()
        lines.append(f"| [{code}](#{anchor}) | {rule.name} | {rule.severity} | "
                     f"{rule.summary} |")
    lines.append("")
    family = None
    for code, rule in catalog.items():
        if _family(code) != family:
            family = _family(code)
            lines += [f"## {family}", ""]
        lines += _rule_section(code, rule, cards.get(code) or {})
    return "\n".join(lines).rstrip("\n") + "\n"
