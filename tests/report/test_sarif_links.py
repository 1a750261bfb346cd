"""SARIF links: each rule's helpUri lands on its own section of the generated rule
reference (docs/rules.md, as GitHub anchors its headings), and informationUri is the
project's home from pyproject.toml's [project.urls]."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from netlint.report.sarif import format_sarif, rule_descriptors

ROOT = Path(__file__).resolve().parents[2]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page (github-slugger's rules:
    lower case, characters other than letters, digits, spaces, `-` and `_` removed, spaces
    to hyphens, a repeated slug numbered -1, -2, ...). Written apart from the code under
    test on purpose."""
    seen: dict[str, int] = {}
    anchors = set()
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        match = None if in_code else re.match(r"#{1,6} +(.*?) *#* *$", line)
        if not match:
            continue
        slug = "".join(c for c in match.group(1).lower()
                       if c.isalnum() or c in " -_").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _project_urls() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["urls"]


def test_every_help_uri_lands_on_its_rule_heading():
    anchors = _github_anchors((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    page = f"{_project_urls()['Repository']}/blob/main/docs/rules.md#"
    descriptors = rule_descriptors()
    assert descriptors
    for rule in descriptors:
        uri = rule["helpUri"]
        assert uri.startswith(page), uri
        anchor = uri[len(page):]
        assert anchor in anchors, f"{rule['id']}: #{anchor} is no heading of docs/rules.md"
        assert anchor.startswith(rule["id"].lower() + "-")
    assert len({rule["helpUri"] for rule in descriptors}) == len(descriptors)


def test_information_uri_is_the_projects_home():
    urls = _project_urls()
    assert set(urls) >= {"Homepage", "Documentation", "Repository", "Issues"}
    assert all(url.startswith("https://github.com/netlint/netlint") for url in urls.values())
    driver = json.loads(format_sarif([]))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == urls["Homepage"]


def test_the_anchor_helper_agrees_with_githubs_rules():
    assert _github_anchors("### NL104 stacked-rnn-missing-return-sequences\n") == \
        {"nl104-stacked-rnn-missing-return-sequences"}
    assert _github_anchors("## A, b: c\n## A, b: c\n```\n# not a heading\n```\n") == \
        {"a-b-c", "a-b-c-1"}
