"""How diagrams look: themes, fonts, and the one place user text becomes label markup.

Every label is a Graphviz HTML-like label, so every piece of user text (layer
and input names, the model name, messages that quote them) goes through
`Style.text`, which escapes it for that markup. Plain DOT strings are never
built from user text: the graphviz package quotes them but leaves backslash
sequences alive, which would let a name end a quoted string early.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from contextvars import ContextVar

from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_FONT = "Helvetica"
# Font names go into a quoted DOT attribute; allow what real font names use and nothing
# that could escape the quotes (a backslash or a quote).
_FONT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.,:+-]{0,63}$")


@record(frozen=True)
class Theme:
    """Colours for one look; `paper` is grayscale and prints the same on any printer."""

    name: str
    ink: str  # text and outlines
    muted: str  # secondary text (shapes, column headers)
    frame: str  # layer-row frames
    header_fill: str  # the name row of a graph-view node
    input_fill: str
    cell_fill: str  # recurrent cells
    copy_fill: str  # per-step copies (TimeDistributed, Dense on a sequence)
    row_fill: str  # inside a layer-row frame
    error: str  # outline of a layer with an error
    error_fill: str


THEMES = {
    "paper": Theme(name="paper", ink="black", muted="gray30", frame="gray45",
                   header_fill="gray92", input_fill="white", cell_fill="gray92",
                   copy_fill="white", row_fill="white", error="black",
                   error_fill="gray80"),
    "color": Theme(name="color", ink="gray10", muted="gray35", frame="steelblue4",
                   header_fill="lightsteelblue1", input_fill="lightyellow",
                   cell_fill="lightblue", copy_fill="honeydew", row_fill="aliceblue",
                   error="red3", error_fill="mistyrose"),
}


def valid_font(name: str) -> bool:
    return bool(_FONT_NAME.match(name))


@record(frozen=True)
class Style:
    """A theme, a font, and whether sub/superscripts are allowed."""

    theme: Theme
    font: str = DEFAULT_FONT
    plain_labels: bool = False
    font_size: int = 12
    small_size: int = 10

    @staticmethod
    def text(value: object) -> str:
        """User text as label markup: escaped, control characters made visible, and
        elided past MAX_TEXT characters (see `elide`)."""
        return html.escape(shown_text(value), quote=True)

    def sub(self, base: str, index: str) -> str:
        """`h<SUB>t</SUB>`, or `h_t` / `h_{t-1}` with plain labels. Arguments are ours."""
        if self.plain_labels:
            return f"{base}_{index}" if len(index) == 1 else f"{base}_{{{index}}}"
        return f"{base}<SUB>{index}</SUB>"

    def small(self, markup: str, muted: bool = True) -> str:
        color = f' COLOR="{self.theme.muted}"' if muted else ""
        return f'<FONT POINT-SIZE="{self.small_size}"{color}>{markup}</FONT>'

    @staticmethod
    def bold(markup: str) -> str:
        return f"<B>{markup}</B>"

    @staticmethod
    def italic(markup: str) -> str:
        return f"<I>{markup}</I>"

    @staticmethod
    def label(markup: str) -> str:
        """Wrap markup as an HTML-like label (the graphviz package passes `<...>` through).

        A label past Graphviz's limit would stop `dot` with a syntax error, so it is
        replaced by a short notice (and noted); with every piece of user text elided
        this takes a box of dozens of long lines, which no view draws today."""
        if len(markup) * 4 > MAX_LABEL_BYTES and len(markup.encode("utf-8")) > MAX_LABEL_BYTES:
            note("label")
            return f"<<I>{len(markup):,} characters of label, over Graphviz's limit</I>>"
        return f"<{markup}>"

    def graph_attrs(self, rankdir: str) -> dict:
        return {"rankdir": rankdir, "fontname": self.font, "fontsize": str(self.font_size),
                "fontcolor": self.theme.ink, "labelloc": "t", "labeljust": "c",
                "newrank": "true", "compound": "true", "nodesep": "0.3", "ranksep": "0.35",
                "bgcolor": "white", "pad": "0.2"}

    def node_attrs(self) -> dict:
        return {"fontname": self.font, "fontsize": str(self.font_size),
                "color": self.theme.ink, "fontcolor": self.theme.ink}

    def edge_attrs(self) -> dict:
        return {"fontname": self.font, "fontsize": str(self.small_size),
                "color": self.theme.ink, "fontcolor": self.theme.ink, "arrowsize": "0.7"}


# Graphviz's scanner refuses an HTML-like label of over 16,384 bytes (a syntax error, and
# no drawing at all); labels stay below it, with room for the `<...>` around them.
MAX_LABEL_BYTES = 16_000
# One piece of user text (a name, a shape list, a call) shows at most this many
# characters: the first ELIDED_HEAD, `…`, the last ELIDED_TAIL. A box holds about a dozen
# pieces; at up to 6 bytes a character once escaped, a box stays well under the limit.
MAX_TEXT = 160
ELIDED_HEAD, ELIDED_TAIL = 100, 40

_notes: ContextVar[dict | None] = ContextVar("netlint_diagram_notes", default=None)


def shown_text(value: object) -> str:
    """User text as a reader sees it in a label: control characters made visible, and
    past MAX_TEXT characters its first and last characters around `…` (noted, so the
    command can say so). Cut before the escapes are made visible and before the markup
    is escaped, so nothing is split, and cut first, so a 5 MB layer name costs nothing."""
    raw = str(value)
    cut = len(raw) > MAX_TEXT
    if cut:
        raw = _ends(raw)
    shown = visible_text(raw)
    if len(shown) > MAX_TEXT:  # escapes made it longer (`\x07` for a bell)
        cut, shown = True, _ends(shown)
    if cut:
        note("text")
    return shown


def _ends(text: str) -> str:
    return f"{text[:ELIDED_HEAD]}…{text[-ELIDED_TAIL:]}"


def note(kind: str) -> None:
    """Count one shortening of `kind` in the diagram being built (when someone listens)."""
    counts = _notes.get()
    if counts is not None:
        counts[kind] = counts.get(kind, 0) + 1


@contextmanager
def noting() -> Iterator[dict]:
    """Collect, for the diagram built inside, how many texts/lists/labels were shortened."""
    counts: dict = {}
    token = _notes.set(counts)
    try:
        yield counts
    finally:
        _notes.reset(token)


def visible_text(value: object) -> str:
    """Text as a reader can see it: a newline shows as `\\n`, a bell as `\\x07`."""
    return "".join(_visible(ch) for ch in str(value))


def _visible(ch: str) -> str:
    if ch.isprintable() or ch == " ":
        return ch
    escaped = repr(ch)[1:-1]
    return escaped if escaped != ch else f"\\u{ord(ch):04x}"


def make_style(theme: str = "paper", font: str = DEFAULT_FONT,
               plain_labels: bool = False) -> Style:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    if not valid_font(font):
        raise ValueError(f"font name {font!r} has characters a font name does not use")
    return Style(THEMES[theme], font, plain_labels)
