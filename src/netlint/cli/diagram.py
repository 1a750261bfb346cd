"""`netlint diagram FILE -o out.svg`: the model drawn with Graphviz, as a graph or unrolled."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from netlint.cli.common import existing_file, fail_usage, say


class View(str, Enum):
    graph = "graph"
    unrolled = "unrolled"


class Rankdir(str, Enum):
    TB = "TB"
    LR = "LR"
    BT = "BT"
    RL = "RL"


class Show(str, Enum):
    cost = "cost"


class Theme(str, Enum):
    paper = "paper"
    color = "color"


def diagram(
    file: Path = typer.Argument(..., help="the model file (YAML)"),
    output: str = typer.Option(..., "--output", "-o", metavar="OUT",
                               help="out.svg, out.pdf, out.dot, or a raster image: out.png, "
                                    "out.jpg, .jpeg, .gif, .bmp, .tiff or .webp where the "
                                    "local Graphviz writes it (format from the extension); "
                                    "- writes DOT to stdout"),
    view: View = typer.Option(View.graph, "--view",
                              help="graph: one box per layer; unrolled: recurrent layers "
                                   "drawn across their timesteps"),
    rankdir: Rankdir = typer.Option(None, "--rankdir", show_default=False,
                                    help="layout direction (default: TB for graph, BT for "
                                         "unrolled, inputs at the bottom)"),
    theme: Theme = typer.Option(Theme.paper, "--theme",
                                help="paper: grayscale, prints anywhere; color"),
    font: str = typer.Option("Helvetica", "--font", help="font name for every label"),
    plain_labels: bool = typer.Option(False, "--plain-labels",
                                      help="write h_t instead of subscripts"),
    max_steps: int = typer.Option(4, "--max-steps", min=2, max=100,
                                  help="timesteps shown before eliding (first N-1, …, last)"),
    show_activation: bool = typer.Option(False, "--show-activation",
                                         help="graph boxes show each layer's activation"),
    show_dtype: bool = typer.Option(False, "--show-dtype",
                                    help="graph boxes show each layer's dtype"),
    show: list[Show] = typer.Option([], "--show", show_default=False,
                                    help="add to every layer's label: cost (one sample's "
                                         "forward multiply-adds, activation and weight "
                                         "bytes); repeatable"),
    dpi: float = typer.Option(None, "--dpi", min=1, max=2400, show_default=False,
                              help="pixels per inch of a raster image (png, jpg, ...; "
                                   "Graphviz's default is 96)"),
) -> None:
    """Draw the model with Graphviz: layer graph with shapes, or recurrent layers unrolled."""
    from netlint.drawing import DiagramError, diagram_and_findings
    from netlint.rules.config import ConfigError

    existing_file(file)
    options = _options(file, output, view=view.value, rankdir=rankdir.value if rankdir else None,
                       theme=theme.value, font=font, plain_labels=plain_labels,
                       max_steps=max_steps, show_activation=show_activation,
                       show_dtype=show_dtype, show_cost=Show.cost in show, dpi=dpi)
    notes: list[str] = []
    try:
        dot_source, findings = diagram_and_findings(file, options, notes)
    except DiagramError as error:
        _print_findings(error.findings)
        raise typer.Exit(1) from None
    except ConfigError as error:  # the lint config that says which findings to mark
        raise fail_usage(str(error)) from None
    _print_findings(findings)
    for note in notes:  # what was shortened so that Graphviz draws it
        say(f"netlint: note: {note}", err=True)
    _write(dot_source, output, file, dpi)
    if findings:
        # the drawing is complete and written, so the command succeeded (a docs build
        # that draws a model with a known problem must not break); `check` fails on it
        say(f"netlint: drew {file}, which has {len(findings)} error(s); the layers "
                   f"they name are marked", err=True)


def _options(file: Path, output: str, dpi: float | None = None, **choices: object) -> object:
    """The DiagramOptions for the command's choices, once the output is known to be one
    netlint can write (a known extension, not the model file itself); a usage error
    (exit 2) saying why otherwise."""
    from netlint.drawing import DiagramOptions
    from netlint.drawing.render import RenderError, check_dpi, check_output, output_format

    try:
        options = DiagramOptions(**choices)
        if output != "-":
            check_dpi(output_format(Path(output)), dpi)
            check_output(Path(output), (file,))
        elif dpi is not None:
            check_dpi("dot", dpi)
    except ValueError as error:
        raise fail_usage(str(error)) from None
    except RenderError as error:
        raise fail_usage(error.message) from None
    return options


def _write(dot_source: str, output: str, file: Path, dpi: float | None = None) -> None:
    """The DOT to stdout (`-`), or rendered into the output file; exit 1 when dot fails
    (the message says why), 2 when the request itself was wrong."""
    from netlint.drawing.render import RenderError, write_diagram

    if output == "-":
        typer.echo(dot_source, nl=False)
        return
    try:
        write_diagram(dot_source, Path(output), (file,), dpi)
    except RenderError as error:
        say(f"netlint: {error.message}", err=True)
        raise typer.Exit(2 if error.usage else 1) from None


def _print_findings(findings: list) -> None:
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        say(finding.text(), err=True)
