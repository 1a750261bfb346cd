"""The generated documentation: `python -m netlint.docs [--check] [--root DIR]`.

Writes docs/rules.md (from the rule cards), docs/cli.md (from the commands'
help) and docs/first-model.md (a guide whose outputs are produced by running
the commands). `--check` writes nothing and exits 1 when a page is stale;
the test suite runs the same comparison. docs/format.md and docs/ci.md are
written by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

REPO = Path(__file__).resolve().parents[3]


def _pages() -> dict[str, Callable[[], str]]:
    from netlint.docs.cli_page import cli_markdown
    from netlint.docs.guide_page import guide_markdown
    from netlint.docs.rules_page import rules_markdown

    return {"docs/rules.md": rules_markdown, "docs/cli.md": cli_markdown,
            "docs/first-model.md": guide_markdown}


def generate() -> dict[str, str]:
    """Relative path -> the page's text."""
    return {path: make() for path, make in _pages().items()}


def stale(root: Path = REPO) -> list[str]:
    """The generated pages under `root` that differ from what would be generated."""
    out = []
    for path, text in generate().items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            out.append(path)
    return out


def write(root: Path = REPO) -> list[str]:
    """Write every page that changed; returns their paths."""
    from netlint.drawing.render import write_atomic

    changed = []
    for path, text in generate().items():
        target = root / path
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netlint.docs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a generated page is stale")
    parser.add_argument("--root", type=Path, default=REPO,
                        help="the repository root (default: this source tree)")
    args = parser.parse_args(argv)
    if args.check:
        names = stale(args.root)
        for name in names:
            print(f"stale: {name}")
        return 1 if names else 0
    for name in write(args.root):
        print(f"updated: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
