"""Does a document conform to the schema? The yes/no half of JSON Schema draft-07.

Importing `jsonschema` (with `referencing`, `attrs`, `rpds`) costs more than the
rest of `netlint check` on a typical file, and its validator walks every branch
building error objects it then throws away. Most files checked are valid, and
for a valid file the only answer needed is "yes". This module answers it: each
schema node is compiled once into a predicate with jsonschema's own semantics
(the draft-07 type checker, where 1.0 is an integer and True is not; `equal` for
`enum`/`const`, where True != 1; `$ref` siblings ignored; `re.search` for
`pattern`; `format` not asserted, as `Draft7Validator` without a format checker).
When the answer is "no", the caller runs jsonschema to explain why, so every
message is jsonschema's as before.

Nodes of the shapes the model schema is made of (an object with its properties,
an array with its items, a bounded number) are compiled into one predicate each
(`draft7.fuse`), not one per keyword; `SchemaChecker(schema, fused=False)` is the
keyword-by-keyword walk the tests hold the fused one to.

A schema using something not implemented here (a draft-07 keyword missing
below, a `$ref` that is not a local JSON pointer, a nested `$id`) raises
`Unsupported` (when the node is compiled, on first use), and the caller then
uses jsonschema: a gap here can cost speed, never correctness. tests/robustness/test_conforms.py
checks the two agree on generated and mutated documents.
"""

from __future__ import annotations

from netlint.spec.draft7 import (
    DRAFT7_KEYWORDS,
    KEYWORDS,
    Predicate,
    Unsupported,
    all_pass,
    fuse,
)

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

__all__ = ["DRAFT7_KEYWORDS", "SchemaChecker", "Unsupported"]


class SchemaChecker:
    """`conforms(instance)`: True when `instance` is valid under the draft-07 `schema`."""

    def __init__(self, schema: Any, fused: bool = True):
        """`fused=False` compiles each keyword on its own, never a `draft7.fuse` node: the
        plain walk the fused one is tested against."""
        self.root = schema
        self.fused = fused
        self._compiled: dict[int, Predicate] = {}
        self._keep: list = []  # compiled schema nodes stay alive, so their ids stay unique
        self._building: set[int] = set()  # nodes being compiled: a $ref to one recurses
        self.conforms = self.compile(schema)

    def compile(self, schema: Any) -> Predicate:
        """The predicate of one schema node. Nodes are compiled when first needed (a
        file names a few of the many layers), so a failure to compile surfaces as
        `Unsupported` from `conforms` itself, which the caller treats the same way."""
        key = id(schema)
        if key not in self._compiled:
            if schema is not self.root and isinstance(schema, dict) and "$id" in schema:
                raise Unsupported("nested $id")  # it would change what $refs resolve to
            self._keep.append(schema)
            self._building.add(key)
            try:
                self._compiled[key] = self._build(schema)
            finally:
                self._building.discard(key)
        return self._compiled[key]

    def _build(self, schema: Any) -> Predicate:
        if schema is True:
            return lambda _: True
        if schema is False:
            return lambda _: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema node {schema!r}")
        if schema.get("$ref") is not None:  # draft-07: a $ref's siblings are ignored
            return self._ref(schema["$ref"])
        fused, handled = fuse(self, schema) if self.fused else (None, frozenset())
        checks = [] if fused is None else [fused]
        for keyword, value in schema.items():
            if keyword not in DRAFT7_KEYWORDS or keyword == "format" or keyword in handled:
                continue
            maker = KEYWORDS.get(keyword)
            if maker is None:
                raise Unsupported(f"keyword {keyword}")
            check = maker(self, value, schema)
            if check is not None:
                checks.append(check)
        return all_pass(checks)

    def _ref(self, ref: str) -> Predicate:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise Unsupported(f"$ref {ref!r}")
        target = self._resolve(ref)
        if id(target) not in self._building:
            # the target's own predicate, not a wrapper that calls it: a typical file
            # passes ~20 $refs (`arg.units`, `activation`, ...), ~10,000 instructions saved
            return self.compile(target)
        compiled: list = []

        def check(instance: Any) -> bool:  # a recursive ref: compiled on first use
            if not compiled:
                compiled.append(self.compile(target))
            return compiled[0](instance)

        return check

    def _resolve(self, ref: str) -> Any:
        node = self.root
        fragment = ref[1:]
        if "%" in fragment:
            from urllib.parse import unquote

            fragment = unquote(fragment)
        if not fragment:
            return node
        if not fragment.startswith("/"):
            raise Unsupported(f"$ref {ref!r}")
        for part in fragment[1:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                try:
                    node = node[int(part)]
                except (ValueError, IndexError):
                    raise Unsupported(f"$ref {ref!r}") from None
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise Unsupported(f"$ref {ref!r}")
            if isinstance(node, dict) and "$id" in node:
                raise Unsupported("$ref through a nested $id")
        return node


