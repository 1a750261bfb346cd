"""No placeholder address anywhere a user reads one: the project's home is real."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLACES = [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml",
          *sorted((ROOT / "docs").rglob("*.md")),
          *sorted((ROOT / "src" / "netlint").rglob("*.py")),
          *sorted((ROOT / "src" / "netlint").rglob("*.json"))]
PLACEHOLDERS = ("<owner>", "example.com", "TODO")


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_no_placeholder_addresses(placeholder):
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in PLACES if path.is_file()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if placeholder in line]
    assert not found, f"{placeholder!r} in " + ", ".join(found)
