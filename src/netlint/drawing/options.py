"""Everything a caller can choose about a diagram, checked once."""

from __future__ import annotations

from netlint.drawing.style import DEFAULT_FONT, THEMES, Style, make_style
from netlint.drawing.tables import TableOptions
from netlint.drawing.timeline import DEFAULT_MAX_STEPS, MAX_MAX_STEPS, MIN_MAX_STEPS
from netlint.plumbing.records import record

VIEWS = ("graph", "unrolled")
RANKDIRS = ("TB", "LR", "BT", "RL")
# The graph view reads top-down like Keras's plot_model; the unrolled view puts the
# inputs at the bottom, as RNN figures in papers do.
DEFAULT_RANKDIR = {"graph": "TB", "unrolled": "BT"}


@record(frozen=True)
class DiagramOptions:
    view: str = "graph"
    rankdir: str | None = None  # None: the view's default
    theme: str = "paper"
    font: str = DEFAULT_FONT
    plain_labels: bool = False
    max_steps: int = DEFAULT_MAX_STEPS
    show_activation: bool = False
    show_dtype: bool = False
    show_cost: bool = False  # a line per layer: MACs, activation and weight bytes

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}; choose {' or '.join(VIEWS)}")
        if self.rankdir is not None and self.rankdir not in RANKDIRS:
            raise ValueError(f"unknown rankdir {self.rankdir!r}; choose one of "
                             f"{', '.join(RANKDIRS)}")
        if self.theme not in THEMES:
            raise ValueError(f"unknown theme {self.theme!r}; choose one of {', '.join(THEMES)}")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int) \
                or not MIN_MAX_STEPS <= self.max_steps <= MAX_MAX_STEPS:
            raise ValueError(f"max_steps must be a whole number from {MIN_MAX_STEPS} to "
                             f"{MAX_MAX_STEPS} (the timesteps drawn before eliding the "
                             f"rest), got {self.max_steps!r}")
        make_style(self.theme, self.font, self.plain_labels)  # checks the font name

    @property
    def direction(self) -> str:
        return self.rankdir or DEFAULT_RANKDIR[self.view]

    @property
    def style(self) -> Style:
        return make_style(self.theme, self.font, self.plain_labels)

    @property
    def table(self) -> TableOptions:
        return TableOptions(self.show_activation, self.show_dtype)
