"""`netlint import MODEL -o model.yaml`: a saved Keras model as a netlint model file.

Exit codes: 0 written (or printed); 1 the model holds something the netlint
format cannot express (each listed on stderr; nothing is written unless
--allow-partial, and then the file lists them in comments at its top);
2 usage problems (unreadable input, no Keras model in it, a bad output path).
"""

from __future__ import annotations

from pathlib import Path

import typer

from netlint.cli.common import existing_file, fail_usage, say


def import_model(
    model: Path = typer.Argument(..., metavar="MODEL",
                                 help="a Keras 3 .keras file, a model.to_json() file, or a "
                                      "Keras 2 JSON config"),
    output: str = typer.Option(..., "--output", "-o",
                               help="the netlint model file to write (- for stdout)"),
    allow_partial: bool = typer.Option(
        False, "--allow-partial",
        help="write the file even when part of the model cannot be expressed (listed in "
             "comments at its top) and exit 0"),
    force: bool = typer.Option(False, "--force", help="overwrite OUTPUT if it exists"),
) -> None:
    """Write a netlint model file from a saved Keras model (no TensorFlow/Keras needed)."""
    from netlint.importer import ImportFailed
    from netlint.importer import import_model as run_import

    target = None if output == "-" else Path(output)
    try:
        source = existing_file(model)
        if target is not None:
            _check_target(target, source, force)
    except typer.Exit:  # click's Exit is a RuntimeError: the message is out already
        raise
    except (OSError, RuntimeError) as error:  # a folder we may not enter; a link loop
        where = getattr(error, "filename", None) or model
        raise fail_usage(f"{where}: cannot read: "
                         f"{getattr(error, 'strerror', None) or error}") from None
    try:
        imported = run_import(source)
    except ImportFailed as failure:
        raise fail_usage(failure.message) from None
    for note in imported.notes:
        say(f"netlint: note: {note}", err=True)
    for problem in imported.problems:
        say(f"netlint: {source}: cannot express: {problem}", err=True)
    if imported.problems and not allow_partial:
        say(f"netlint: not writing {output}: {len(imported.problems)} part(s) of the "
                   "model cannot be expressed; --allow-partial writes the rest (and lists "
                   "them in the file)", err=True)
        raise typer.Exit(1)
    if target is None:
        typer.echo(imported.text, nl=False)
        return
    _write(target, imported.text)
    what = "partly " if imported.problems else ""
    say(f"wrote {target} ({what}imported); check it with `netlint check {target}`",
               err=True)


def _check_target(target: Path, source: Path, force: bool) -> None:
    if target.is_dir():
        raise fail_usage(f"{target}: is a folder; give a file name such as "
                         f"{target / 'model.yaml'}")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise fail_usage(f"{target}: the folder {parent} does not exist")
    if target.exists() and target.resolve() == source.resolve():
        raise fail_usage(f"{target}: is the model being imported; choose another output")
    if target.exists() and not force:
        raise fail_usage(f"{target}: exists; pass --force to overwrite it")


def _write(target: Path, text: str) -> None:
    from netlint.drawing.render import write_atomic

    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as error:
        raise fail_usage(f"{target}: cannot write: {error.strerror or error}") from None
