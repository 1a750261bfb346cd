"""Fixtures for the rule-engine tests: throw-away rules that never leak into other tests."""

from __future__ import annotations

import pytest

from netlint.rules import engine


@pytest.fixture
def temp_rules():
    """`register(check, family="NL8", ...)` -> the new rule's id; removed after the test.

    `family` is a three-character prefix ("NL8", or "NL1" for a shape rule)."""
    engine.registry()  # load the real rules first, so the snapshot holds them
    before = dict(engine.RULES)
    added: list[str] = []

    def register(check, *, family: str = "NL8", severity: str = "warning",
                 options: dict | None = None, name: str | None = None) -> str:
        # the highest free id of the family (NL899, NL199): clear of the real catalog
        code = next(f"{family}{n:02d}" for n in range(99, 0, -1)
                    if f"{family}{n:02d}" not in engine.RULES)
        engine.add_rule(engine.Rule(code, name or f"test-rule-{code.lower()}", severity,
                                    "a test rule", check, dict(options or {})))
        added.append(code)
        return code

    yield register
    engine.RULES.clear()
    engine.RULES.update(before)
