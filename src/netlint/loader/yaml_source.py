"""Read YAML into plain values plus the file position of every node.

We build values from libyaml's *event* stream ourselves instead of using
`yaml.compose`/`yaml.load`, for three reasons:

* positions: every value's span is recorded under its path
  (`("layers", 2, "LSTM", "units")`), so findings can point at the node;
* bounds: nesting depth is checked while reading (libyaml's recursive composer
  crashes the interpreter on ~100k nested brackets), and alias expansion is
  counted, so a "billion laughs" file is refused in microseconds;
* safety: only the YAML core types are built (no Python tags, ever).

Duplicate keys are errors (PyYAML silently keeps the last one). Numbers are read
as YAML 1.2 reads them (`1e-3` is a number, `010` is ten, `2:30` is text), and
where PyYAML's YAML 1.1 would read a value otherwise an NL903 note says so.
"""

from __future__ import annotations

import yaml

from netlint.model.graph import Position
from netlint.loader.flow_depth import first_bracket_past
from netlint.loader.yaml_document import Document, YamlProblem, event_span
from netlint.loader.yaml_scalars import SCALARS as _scalars
from netlint.loader.yaml_scalars import TAG as _TAG
from netlint.loader.yaml_scalars import UNKNOWN as _UNKNOWN
from netlint.loader.yaml_scalars import scalar_value
# the scalar cache and constructor, under the names tests/robustness reads them by
from netlint.loader.yaml_scalars import CACHE_LIMIT as _CACHE_LIMIT  # noqa: F401
from netlint.loader.yaml_scalars import CONSTRUCTOR as _CONSTRUCTOR  # noqa: F401

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

try:  # libyaml's C parser when present: ~10x faster than the pure-Python one
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.loader import SafeLoader as _Parser  # type: ignore[assignment]

# The bounds, all of them: a file past one is refused while it is read (NL001, located).
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64  # open collections at once
MAX_ALIAS_NODES = 10_000  # nodes that aliases may add on top of what is written
# Values written in the file. A 10,000-layer chain has ~50,000; past this the file is
# refused while it is read, so the time of everything after reading stays bounded.
MAX_NODES = 150_000

_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT_START = yaml.DocumentStartEvent


class _Frame:
    """One open collection while it is read."""

    __slots__ = ("container", "path", "nodes", "pending_key", "key_span", "keys_seen",
                 "anchor", "last_child_span", "flow", "start")

    def __init__(self, container: dict | list, path: tuple, event: Any):
        self.container = container
        self.path = path
        self.nodes = 1  # values inside it, itself included (for the alias bound)
        # the key whose value comes next: a 1-tuple (a path step), _MERGE, or None
        self.pending_key: tuple | None = None
        self.key_span: Position | None = None
        self.keys_seen: dict[str, Position] = {}  # for duplicate keys and merges
        self.anchor = event.anchor
        self.last_child_span: Position | None = None
        self.flow = bool(event.flow_style)
        start, end = event.start_mark, event.end_mark
        self.start = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def child_path(self) -> tuple | None:
        """The path of the value that comes next; None when a key comes next."""
        if self.container.__class__ is list:
            return self.path + (len(self.container),)
        return None if self.pending_key is None else self.path + self.pending_key


class _Builder:
    """Turns the event stream into values, enforcing the bounds as it goes: one handler
    per kind of event, each open collection a `_Frame` on `stack`."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, node count)
        self.alias_nodes = 0
        self.nodes = 0  # values written (scalars, aliases, collections)
        self.documents = 0
        self.stack: list[_Frame] = []  # read_yaml asks how deep it was when a parser failed
        self.root: Any = None

    def build(self, get_event: Callable[[], Any]) -> Any:
        """The root value, from the parser's `get_event` (None after the stream's end)."""
        # a local, not an attribute: bound methods kept on the builder made it a cycle
        # (builder -> dict -> method -> builder) that held the whole Document, every value
        # and span of the file, until the cyclic collector ran. Over the benchmark's 1,000
        # files it ran ~175 times (17 ms) walking them, and checking them in one process
        # took ~10% longer than with each file's values freed as soon as it is done.
        handlers = {
            _SCALAR: self._on_value, _ALIAS: self._on_value,
            _MAPPING_START: self._on_collection_start,
            _SEQUENCE_START: self._on_collection_start,
            _MAPPING_END: self._on_collection_end, _SEQUENCE_END: self._on_collection_end,
            _DOCUMENT_START: self._on_document_start,
        }
        while (event := get_event()) is not None:
            handler = handlers.get(event.__class__)  # the C parser makes exactly these
            if handler is not None:  # stream and document ends carry nothing
                handler(event)
        return self.root

    def _on_document_start(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise YamlProblem("a model file holds one YAML document; found a second",
                              event_span(event), "split it into one file per model")

    def _on_value(self, event: Any) -> None:
        """A scalar or an alias: its value goes to the root, the next item of a list, a
        key of a mapping, or the value of the pending key. The hottest handler (most
        events are scalars), so the look-up of an untagged plain scalar's remembered value
        ("relu", "32") and the span are written out here."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_many_values(event)
        if event.__class__ is _ALIAS:
            value, count = self._alias(event)
        else:
            value = _scalars.get(event.value, _UNKNOWN) if event.tag is None and \
                not event.style else _UNKNOWN
            if value is _UNKNOWN:
                value = scalar_value(event, self.doc.warnings)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            count = 1
        start, end = event.start_mark, event.end_mark
        span = Position(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        stack = self.stack
        if not stack:
            self.doc.positions[()] = span
            self.root = value
            return
        frame = stack[-1]
        container = frame.container
        if container.__class__ is list:
            path = frame.path + (len(container),)
            container.append(value)
        else:
            pending = frame.pending_key
            if pending is None:
                self._set_key(frame, value, event, span)
                return
            if pending is _MERGE:
                self.doc.positions[frame.path + pending] = frame.last_child_span = span
                frame.nodes += count
                self._set_value(frame, value, span)
                return
            path = frame.path + pending
            container[pending[0]] = value
            self.doc.key_positions[path] = frame.key_span
            frame.pending_key = None
        frame.last_child_span = self.doc.positions[path] = span
        frame.nodes += count

    def _on_collection_start(self, event: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_many_values(event)
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", event_span(event),
                              _FLATTEN)
        path: tuple | None = ()
        if stack:
            path = stack[-1].child_path()
            if path is None:
                raise YamlProblem("a key must be a plain name, not a list or mapping",
                                  event_span(event))
        mapping = event.__class__ is _MAPPING_START
        if event.tag is not None and event.tag not in ("!", _TAG + ("map" if mapping else "seq")):
            raise YamlProblem(f"tag {event.tag} is not allowed in a model file", event_span(event),
                              "remove the tag; write plain values")
        self.doc.positions[path] = None  # its place in the order; the span comes at its end
        stack.append(_Frame({} if mapping else [], path, event))

    def _on_collection_end(self, event: Any) -> None:
        frame = self.stack.pop()
        # the collection's span, made now that its end is known: a flow one ends at its
        # bracket, a block one where its last child ends (libyaml ends a block at the next
        # token), an empty block one where its start ends
        line, column, end_line, end_column = frame.start
        if frame.flow:
            end = event.end_mark
            end_line, end_column = end.line + 1, end.column + 1
        elif frame.last_child_span is not None:
            end_line = frame.last_child_span.end_line
            end_column = frame.last_child_span.end_column
        span = self.doc.positions[frame.path] = Position(line, column, end_line, end_column)
        value = frame.container
        if frame.anchor:
            self.anchors[frame.anchor] = (value, frame.nodes)
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.last_child_span = span
        parent.nodes += frame.nodes
        if parent.container.__class__ is list:
            parent.container.append(value)
        else:
            self._set_value(parent, value, span)

    def _set_value(self, frame: _Frame, value: Any, span: Position) -> None:
        """Place a finished collection (or a merged value) under the frame's pending key."""
        pending = frame.pending_key
        frame.pending_key = None
        if pending is _MERGE:
            self._merge(frame.container, value, frame, span)
            return
        frame.container[pending[0]] = value
        self.doc.key_positions[frame.path + pending] = frame.key_span

    def _alias(self, event: Any) -> tuple[Any, int]:
        if event.anchor not in self.anchors:
            raise YamlProblem(f"alias *{event.anchor} refers to no anchor", event_span(event))
        value, count = self.anchors[event.anchor]
        self.alias_nodes += count
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise YamlProblem(
                f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                "(a 'billion laughs' file?)", event_span(event),
                "write the values out, or use fewer nested aliases")
        return value, count

    def _set_key(self, frame: _Frame, key: Any, event: Any, span: Position) -> None:
        if event.__class__ is _SCALAR and event.value == "<<" and event.implicit[0]:
            frame.pending_key = _MERGE  # a plain `<<`; a quoted '<<' is an ordinary key
            frame.key_span = span
            return
        if key.__class__ is not str:
            if isinstance(key, (list, dict)):
                raise YamlProblem("a key must be a plain name, not a list or mapping", span)
            written = getattr(event, "value", None)
            quoted = None if written is None else "'" + written.replace("'", "''") + "'"
            self.doc.warnings.append((
                "NL001", f"key {key!r} is read as {type(key).__name__}, not text", span,
                None if quoted is None else f"quote it: {quoted}", quoted))
            key = str(getattr(event, "value", key))
        seen = frame.keys_seen
        if key in seen:
            raise YamlProblem(f"duplicate key '{key}' (first written at {seen[key]})", span,
                              f"remove one of the two '{key}' entries")
        seen[key] = span
        frame.pending_key = (key,)
        frame.key_span = span

    def _merge(self, container: dict, value: Any, frame: _Frame, span: Position) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise YamlProblem("a merge key (<<) needs a mapping or a list of mappings", span)
            for key, item in source.items():
                # keys written in the mapping itself win over merged ones, before or after
                if key not in frame.keys_seen:
                    container[key] = item

# A frame's pending key for a merge key: ("<<",) as a path step, but a distinct object, so
# `pending is _MERGE` tells it from a quoted '<<' key (an ordinary key)
_MERGE = tuple(["<<"])  # noqa: C409 - a literal could be shared with another ("<<",)


def _too_many_values(event: Any) -> YamlProblem:
    return YamlProblem(f"the file holds more than {MAX_NODES:,} values", event_span(event),
                       "a model file holds a few hundred; is this a data file?")


def read_yaml(text: str) -> Document:
    """Parse one YAML document into a `Document`; raises `YamlProblem`."""
    doc = Document(None)
    # a code point is at most 4 bytes: a text this short cannot be over, whatever it holds
    # (encoding every file to count its bytes was ~1 us of each)
    if len(text) > MAX_FILE_BYTES // 4 and \
            len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise YamlProblem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                          Position(1, 1), "a model file is a few kilobytes; is this data?")
    parser = _Parser(text)
    builder = _Builder(doc)
    try:
        doc.value = builder.build(parser.get_event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        too_deep = _too_deep_before(text, mark.index if mark else len(text), builder.stack)
        if too_deep is not None:
            raise too_deep from None
        where = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlProblem(f"YAML syntax error: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", Position(1, 1)) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    doc.comments = _netlint_comments(text)
    doc.text = text
    return doc


_FLATTEN = "a model file needs only a few levels; flatten the data"


def _too_deep_before(text: str, stop: int, stack: list[_Frame]) -> YamlProblem | None:
    """The depth error netlint would have raised, had the parser not failed first at
    index `stop` (see flow_depth: libyaml may refuse deep nesting before netlint
    sees it)."""
    depth, start = len(stack), (1, 1)
    if stack:
        start = stack[-1].start[:2]  # the innermost open collection starts here
        depth -= 1  # and is counted again when the scan reaches its bracket
    past = first_bracket_past(text, MAX_DEPTH, depth, start, stop)
    if past is None:
        return None
    line, column = past
    return YamlProblem(f"nesting deeper than {MAX_DEPTH} levels",
                       Position(line, column, line, column + 1), _FLATTEN)


def _netlint_comments(text: str) -> list:
    """`# netlint: ...` comments with their line numbers (for suppressions)."""
    found = []
    # the exact text each line is searched for, and no line break in it: a file without it
    # has no such line (`netlint: 1`, the version key, made "netlint:" alone match nearly
    # every model, and splitting it into lines cost ~3 us a file)
    if "# netlint:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        index = line.find("# netlint:")
        if index >= 0:
            own_line = index == len(line) - len(line.lstrip())  # nothing before the comment
            found.append((number, line[index + 1:].strip(), own_line))
    return found
