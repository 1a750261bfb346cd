"""`netlint diagram`: the model as a Graphviz drawing, for papers and docs.

Two views of the same inferred model: `graph` (one box per layer with its
shapes and parameters) and `unrolled` (recurrent layers drawn across their
timesteps). `diagram()` returns DOT source, byte-identical for the same
model and options; `render()` writes SVG, PDF, DOT or a raster image (PNG, JPEG,
GIF, ...) through Graphviz.

    from netlint.drawing import diagram, render
    dot_source = diagram("model.yaml", view="unrolled")
    render("model.yaml", "model.svg", view="unrolled")
"""

from __future__ import annotations

from pathlib import Path

from netlint.drawing.options import DiagramOptions
from netlint.drawing.render import RenderError
from netlint.errors import NetlintError

__all__ = ["diagram", "diagram_and_findings", "render", "build", "DiagramOptions",
           "DiagramError", "RenderError", "shortening_notes"]


class DiagramError(NetlintError):
    """The model cannot be drawn: the loader found errors. `findings` says which."""

    def __init__(self, findings: list):
        super().__init__(f"the model file has {len(findings)} error(s); nothing to draw")
        self.findings = findings


def build(inferred_model: object, options: DiagramOptions, marks: dict | None = None):
    """The graphviz.Digraph for an InferredModel (no loading, no checks)."""
    from netlint.drawing.graph_view import build_graph_view
    from netlint.drawing.unrolled_view import build_unrolled_view

    view = build_unrolled_view if options.view == "unrolled" else build_graph_view
    return view(inferred_model, options, marks or {})


def _drawable(source: object):
    """The pipeline's Linted for a path, a Loaded or a Linted; DiagramError when the
    loader's errors stopped inference."""
    from netlint.api import linted

    result = linted(source)
    if result.inferred is None:
        raise DiagramError([f for f in result.loaded.findings if f.severity == "error"])
    return result


def diagram_and_findings(source: str | Path | object, options: DiagramOptions,
                         notes: list | None = None) -> tuple[str, list]:
    """DOT source and the error findings it marks (empty for a clean model).

    `notes`, when given, receives one sentence per kind of text shortened to keep the
    labels within Graphviz's limits (a very long name, 10,000 input shapes)."""
    from netlint.drawing.marks import layer_marks
    from netlint.drawing.style import noting

    result = _drawable(source)
    findings = [f for f in result.findings if f.severity == "error"]  # what check reports
    with noting() as shortened:
        dot_source = build(result.inferred, options, layer_marks(findings)).source
    if notes is not None:
        notes += shortening_notes(shortened)
    return dot_source, findings


def shortening_notes(counts: dict) -> list[str]:
    """What was shortened to fit Graphviz, as sentences a user reads (sorted by kind)."""
    from netlint.drawing.labels import MAX_SHAPES
    from netlint.drawing.style import ELIDED_HEAD, ELIDED_TAIL, MAX_LABEL_BYTES, MAX_TEXT

    sentences = {
        "label": f"label(s) over Graphviz's limit of {MAX_LABEL_BYTES:,} bytes drawn as a "
                 "short notice instead",
        "shapes": f"list(s) of over {MAX_SHAPES} input shapes shown as the first "
                  f"{MAX_SHAPES - 2}, a count and the last",
        "text": f"text(s) over {MAX_TEXT} characters (a name, a shape, a call) shown as "
                f"the first {ELIDED_HEAD} and the last {ELIDED_TAIL} characters around …",
    }
    return [f"shortened {counts[kind]:,} {sentence}" for kind, sentence in
            sorted(sentences.items()) if counts.get(kind)]


def diagram(source: str | Path | object, options: DiagramOptions | None = None,
            **choices: object) -> str:
    """DOT source for a model file, a `Loaded` or a `Linted` (`netlint.lint`).

    Options as a DiagramOptions or as keywords (view="unrolled", max_steps=6, ...).
    Raises DiagramError when the loader found errors; shape errors still draw, marked.
    """
    options = options or DiagramOptions(**choices)  # type: ignore[arg-type]
    return diagram_and_findings(source, options)[0]


def render(source: str | Path | object, output: str | Path,
           options: DiagramOptions | None = None, *, dpi: float | None = None,
           **choices: object) -> Path:
    """Write the diagram to `output` (.svg, .pdf, .dot, or a raster image: .png, .jpg,
    .gif, ...); returns the path written. `dpi` sets a raster image's pixels per inch."""
    from netlint.drawing.render import check_dpi, output_format, write_diagram

    check_dpi(output_format(Path(output)), dpi)  # before the drawing is built
    dot_source = diagram(source, options, **choices)
    inputs = (source,) if isinstance(source, (str, Path)) else ()
    return write_diagram(dot_source, Path(output), inputs, dpi)
