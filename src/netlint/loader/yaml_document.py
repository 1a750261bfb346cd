"""What reading YAML makes: a Document (plain values and where each was written), or a
YamlProblem that refuses the file, located.

Both the event reader (yaml_source) and the scalar reader (yaml_scalars) make
these; they live here, below both, and every later stage of the loader reads
the Document.
"""

from __future__ import annotations

from netlint.errors import NetlintError
from netlint.model.graph import Position
from netlint.plumbing.records import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class YamlProblem(NetlintError):
    """The text cannot be read as a model file at all (syntax, bounds)."""

    def __init__(self, message: str, position: Position | None, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        self.fix = fix


@record
class Document:
    """Plain values (dict/list/str/int/float/bool/None) and where each came from."""

    value: Any
    positions: dict = field(default_factory=dict)  # path -> Position of the value
    key_positions: dict = field(default_factory=dict)  # path -> Position of its key
    # (code, message, position, fix) for things that load but are probably not meant
    warnings: list = field(default_factory=list)
    comments: list = field(default_factory=list)  # (line, text) of `# netlint:` comments
    text: str = ""  # the text it was read from: fixes edit it (netlint.fixes)

    def position_of(self, path: tuple) -> Position | None:
        """The span of the node at `path`, or of its nearest written ancestor."""
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def key_position_of(self, path: tuple) -> Position | None:
        return self.key_positions.get(path) or self.position_of(path)


def event_span(event: Any) -> Position:
    """Where a parser event was written (1-based lines and columns)."""
    start, end = event.start_mark, event.end_mark
    return Position(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
