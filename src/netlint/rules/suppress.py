"""Inline suppression: `# netlint: disable=NL201` and `# netlint: disable-file=NL201,NL202`.

`disable=` after YAML on a line covers findings on that line; alone on its line
it covers the next line holding YAML. A finding also counts as "on" the first
line of the `layers:` item it falls in, so a comment on `- LSTM:` covers that
layer's findings even when they point at an argument written below. `disable-file=` must come before
the first YAML line and covers the whole file. Codes may be ids or rule names;
`all` covers every rule.

A suppression that suppresses nothing is reported as NL010 (as ruff's RUF100
and sqlfluff do): stale comments otherwise hide the next real finding.
"""

from __future__ import annotations

import bisect
import re

from netlint.model.findings import Finding
from netlint.model.graph import Position
from netlint.plumbing.records import field, record
from netlint.rules.config import ConfigError, resolve_selector

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# NL010 (rules/NL010.yaml, `reported_by: suppression`): its findings are made here
UNUSED_SUPPRESSION = "NL010"

_DIRECTIVE = re.compile(
    r"^netlint:\s*(?P<kind>[\w-]+)\s*(?:=\s*(?P<codes>[\w-]+(?:\s*,\s*[\w-]+)*))?")
KINDS = ("disable", "disable-file")


@record
class Directive:
    line: int  # where the comment is
    kind: str  # "disable" | "disable-file"
    target: int | None  # the line it covers (None: the whole file, or nothing)
    tokens: dict = field(default_factory=dict)  # token as written -> codes it names
    used: set = field(default_factory=set)  # tokens that suppressed something

    def covers(self, finding: Finding, item_lines: list) -> list[str]:
        """The tokens of this directive that suppress `finding`."""
        if self.kind == "disable":
            if self.target not in (finding.line, _item_line(item_lines, finding.line)):
                return []
        return [token for token, codes in self.tokens.items() if finding.code in codes]

    def covers_unused_report(self, problem: Finding) -> bool:
        """NL010 is silenced only by naming it: `all` must not hide its own staleness."""
        return (self.kind == "disable-file" or self.target == problem.line) and \
            any(codes == {UNUSED_SUPPRESSION} for codes in self.tokens.values())


def apply_suppressions(findings: list[Finding], loaded: Any, enabled: frozenset,
                       rules: dict) -> list[Finding]:
    """Findings minus the suppressed ones, plus NL010 for comments that suppressed nothing."""
    document = getattr(loaded, "document", None)
    if document is None or not document.comments:
        return findings
    directives, problems = parse_directives(document, rules, loaded.path)
    item_lines = _layer_items(document)
    # a finding is only ever covered by the file's directives and those aimed at its
    # line or its layer item's first line: looked up by line, so the work stays linear
    # in comments and findings (8,000 comments took 84 s when each finding met each)
    whole_file = [d for d in directives if d.kind == "disable-file"]
    by_line: dict[int, list[Directive]] = {}
    for directive in directives:
        if directive.kind == "disable" and directive.target is not None:
            by_line.setdefault(directive.target, []).append(directive)
    kept = []
    for finding in findings:
        matched = False
        for directive in _candidates(finding.line, item_lines, whole_file, by_line):
            tokens = directive.covers(finding, item_lines)
            directive.used.update(tokens)
            matched = matched or bool(tokens)
        if not matched:
            kept.append(finding)
    problems += _unused(directives, enabled, rules, loaded.path)
    if UNUSED_SUPPRESSION in enabled:
        # NL010 itself can be silenced (disable-file=NL010, or disable=NL010 on that line)
        kept += [p for p in problems if not any(
            d.covers_unused_report(p) for d in whole_file + by_line.get(p.line, []))]
    return kept


def _candidates(line: int | None, item_lines: list, whole_file: list,
                by_line: dict) -> list[Directive]:
    """The directives that may cover a finding on `line`, each once."""
    found = list(whole_file)
    if line is not None:
        item = _item_line(item_lines, line)
        found += by_line.get(line, [])
        if item is not None and item != line:
            found += by_line.get(item, [])
    return found


def parse_directives(document: Any, rules: dict,
                     path: str) -> tuple[list[Directive], list[Finding]]:
    """The `# netlint:` comments as directives, and NL010 for the ones that make no sense."""
    content_lines = _content_lines(document)
    first_content = content_lines[0] if content_lines else None
    directives, problems = [], []
    for line, text, standalone in document.comments:
        match = _DIRECTIVE.match(text)
        if not match or match.group("kind") not in KINDS:
            problems.append(_problem(rules, path, line, f"'# {text}' is not a netlint directive",
                                     "write '# netlint: disable=NL201' or "
                                     "'# netlint: disable-file=NL201'"))
            continue
        kind, written = match.group("kind"), match.group("codes")
        if not written:
            problems.append(_problem(rules, path, line, f"'# {text}' names no rule",
                                     f"write '# netlint: {kind}=NL201' (or {kind}=all)"))
            continue
        if kind == "disable-file" and first_content is not None and line > first_content:
            problems.append(_problem(rules, path, line, "disable-file must come before the first "
                                     "line of YAML; here it has no effect",
                                     "move it to the top of the file"))
            continue
        target = None if kind == "disable-file" else \
            (line if not standalone else _next_after(content_lines, line))
        directive = Directive(line, kind, target)
        for token in re.split(r"\s*,\s*", written):
            try:
                directive.tokens[token] = resolve_selector(token, rules, "suppression")[0]
            except ConfigError as error:
                problems.append(_problem(rules, path, line, error.message.replace(
                    "suppression: ", f"'# {text}': "), f"remove {token!r} or fix its spelling"))
        directives.append(directive)
    return directives, problems


def _unused(directives: list[Directive], enabled: frozenset, rules: dict,
            path: str) -> list[Finding]:
    problems = []
    for directive in directives:
        for token, codes in directive.tokens.items():
            # a rule that did not run for this file cannot be judged unused;
            # nor can NL010, which is only ever made here
            judged = codes & enabled - {UNUSED_SUPPRESSION}
            if token in directive.used or not judged:
                continue
            where = "in this file" if directive.kind == "disable-file" else \
                f"on line {directive.target}" if directive.target else "below it"
            problems.append(_problem(
                rules, path, directive.line,
                f"suppression '{directive.kind}={token}' is unused: nothing {where} "
                f"raises {token}", f"remove {token!r} from the comment"))
    return problems


def _problem(rules: dict, path: str, line: int, message: str, fix: str) -> Finding:
    """An NL010 finding; `rules` is the registry (code -> Rule) the run resolves against."""
    rule = rules[UNUSED_SUPPRESSION]
    return Finding(code=rule.code, name=rule.name, severity=rule.severity, message=message,
                   path=path, position=Position(line, 1), fix=fix)


def _content_lines(document: Any) -> list[int]:
    """Lines that hold YAML (a key or a value), ascending."""
    spans = list(document.positions.values()) + list(document.key_positions.values())
    return sorted({span.line for span in spans if span is not None})


def _next_after(lines: list[int], line: int) -> int | None:
    index = bisect.bisect_right(lines, line)
    return lines[index] if index < len(lines) else None


def _layer_items(document: Any) -> list[tuple[int, int]]:
    """(first line, last line) of each `layers:` item, in file order."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for table in (document.positions, document.key_positions):
        for path, span in table.items():
            if len(path) >= 2 and path[0] == "layers" and isinstance(path[1], int) and span:
                index = path[1]
                first[index] = min(first.get(index, span.line), span.line)
                last[index] = max(last.get(index, span.line), span.line)
    return sorted((first[i], last[i]) for i in first)


def _item_line(items: list[tuple[int, int]], line: int) -> int | None:
    """The first line of the layer item that holds `line`, if any."""
    index = bisect.bisect_right(items, (line, float("inf"))) - 1
    if index >= 0 and items[index][0] <= line <= items[index][1]:
        return items[index][0]
    return None
