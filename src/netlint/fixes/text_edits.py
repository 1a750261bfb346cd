"""Apply TextEdits to a text: positions (1-based line:column, as the loader records
them: libyaml counts columns in characters) turned into offsets, applied from the
end so earlier offsets stay valid."""

from __future__ import annotations

from netlint.errors import NetlintError
from netlint.model.findings import Autofix, TextEdit


class EditOutOfRange(NetlintError, ValueError):
    """An edit names a place the text does not have (a bug in a rule's fix)."""


def line_starts(text: str) -> list[int]:
    """The offset where each line starts; a line ends at "\\n" (a "\\r\\n" line keeps its
    "\\r" as its last character, so a column never lands between the two)."""
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def line_end(starts: list[int], text: str, line: int) -> int:
    """The offset of line `line`'s "\n" (the text's length for a last line without one)."""
    return starts[line] - 1 if line < len(starts) else len(text)


def offset(starts: list[int], text: str, line: int, column: int) -> int:
    if not 1 <= line <= len(starts):
        raise EditOutOfRange(f"line {line} is outside the text ({len(starts)} lines)")
    start = starts[line - 1]
    if not 1 <= column <= line_end(starts, text, line) - start + 1:
        raise EditOutOfRange(f"column {column} is outside line {line}")
    return start + column - 1


def char_at(text: str, line: int, column: int) -> str:
    """The character at line:column ("" where the text has none): how a fix tells a flow
    mapping's `{` or a key's `:` from what else may be written there."""
    try:
        at = offset(line_starts(text), text, line, column)
    except EditOutOfRange:
        return ""
    return text[at:at + 1]


def span(starts: list[int], text: str, edit: TextEdit) -> tuple[int, int]:
    begin = offset(starts, text, edit.line, edit.column)
    end = offset(starts, text, edit.end_line, edit.end_column)
    if end < begin:
        raise EditOutOfRange(f"edit ends before it starts: {edit}")
    return begin, end


def apply_edits(text: str, edits: list[TextEdit] | tuple) -> str:
    """`text` with every edit made; the edits must not overlap."""
    starts = line_starts(text)
    spans = sorted((span(starts, text, e), e.text) for e in edits)
    for ((_, end), _), ((begin, _), _) in zip(spans, spans[1:]):
        if begin < end:
            raise EditOutOfRange("two edits overlap")
    out, last = [], 0
    for (begin, end), new in spans:
        out.append(text[last:begin])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out)


def compatible(text: str, fixes: list[Autofix]) -> list[Autofix]:
    """The fixes that can be applied together, in order.

    Two fixes that make the same edits are one. Two that edit one span differently
    conflict (`010` as a key: "quote it" and "write 10"): neither is applied, in this
    round or any later one, since netlint cannot know which the user means. A fix that
    merely comes after an applied one on a span it touched waits for the next round,
    made again on the edited text (ruff does the same)."""
    starts = line_starts(text)
    unique = list(dict.fromkeys(fixes))
    spans = [[span(starts, text, edit) for edit in fix.edits] for fix in unique]
    conflicted = {i for i, one in enumerate(spans) for j, other in enumerate(spans)
                  if i != j and _touch(one, other)}
    taken: list[tuple[int, int]] = []
    chosen = []
    for index, fix in enumerate(unique):
        if index in conflicted or _touch(spans[index], taken):
            continue
        chosen.append(fix)
        taken.extend(spans[index])
    return chosen


def _touch(spans: list, others: list) -> bool:
    return any(_overlap(one, other) for one in spans for other in others)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Spans that share a character, or two insertions at one place (their order would
    be a guess)."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] == b[0] or (a[0] < b[0] < a[1]) or (b[0] < a[0] < b[1])
    return a[0] < b[1] and b[0] < a[1]
