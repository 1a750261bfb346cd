"""How deep flow brackets nest in YAML text, counted without a parser.

A parser may scan far ahead of the events it hands out: libyaml looks up to 1024
characters ahead for a simple key, and the libyaml in PyYAML 6.0.4's wheels refuses
flow nesting deeper than 1000 itself. So a file nested too deep may fail in the
parser before netlint's own depth limit is reached; the reader then asks here where
that limit was crossed, to refuse the file with netlint's message and position,
whichever library reads it. Brackets in quoted scalars and comments do not count;
the scan is linear and runs only on a file the parser already refused.
"""

from __future__ import annotations

import re

# A flow bracket, a quoted scalar or a comment: what decides flow depth in YAML text.
_FLOW_TOKEN = re.compile(r"""[\[\]{}]|"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|#[^\n]*""")
_TOKEN_BOUNDARY = frozenset("[]{},: \t\r\n")


def first_bracket_past(text: str, limit: int, depth: int, start: tuple[int, int],
                       stop: int) -> tuple[int, int] | None:
    """(line, column) of the first opening bracket that takes the nesting past `limit`,
    scanning from the 1-based (line, column) `start` at `depth` levels up to index
    `stop`; None when the nesting stays within it."""
    position = _index_of(text, *start)
    while (token := _FLOW_TOKEN.search(text, position, stop + 1)) is not None:
        first, position = token.group()[0], token.end()
        if first in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, token.start()) + 1
                return line, token.start() - text.rfind("\n", 0, token.start())
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first in "\"'" and token.start() > 0 and \
                text[token.start() - 1] not in _TOKEN_BOUNDARY:
            position = token.start() + 1  # a quote inside a plain scalar (don't) opens nothing
    return None


def _index_of(text: str, line: int, column: int) -> int:
    """The index in `text` of a 1-based line and column."""
    index = 0
    for _ in range(line - 1):
        index = text.index("\n", index) + 1
    return index + column - 1
