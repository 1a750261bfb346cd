"""Rewrite examples/diagrams/ from examples/*.yaml: `python -m netlint.drawing.regenerate`.

Every example gets `<name>.graph.svg`; every example with a recurrent layer
also gets `<name>.unrolled.svg`. The DOT source of each is kept beside it
(`.dot`): it is what the staleness test compares byte for byte, since the
SVG's coordinates depend on the Graphviz version and the fonts installed.
Files here that no example produces any more are removed. `--check` writes
nothing and exits 1 when something is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netlint.drawing import build
from netlint.drawing.marks import layer_marks
from netlint.drawing.options import DiagramOptions
from netlint.drawing.render import INSTALL_HINT, RenderError, render_bytes, write_atomic
from netlint.layers.registry import get
from netlint.pipeline import lint

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
SUFFIXES = (".graph.dot", ".graph.svg", ".unrolled.dot", ".unrolled.svg")


def has_recurrent_layer(model: object) -> bool:
    """A recurrent layer anywhere, wrapped ones (Bidirectional(LSTM)) included."""
    def recurrent(spec: object) -> bool:
        definition = get(spec.class_name)
        return bool(definition and definition.recurrent) or (
            spec.wrapped is not None and recurrent(spec.wrapped))

    return any(recurrent(layer) for layer in model.layers)


def expected_files(examples: Path = EXAMPLES) -> dict[str, str]:
    """File name in examples/diagrams -> its DOT source, for every example that loads."""
    files: dict[str, str] = {}
    for path in sorted(examples.glob("*.yaml")):
        result = lint(path)
        if result.inferred is None:
            print(f"netlint: skipping {path}: it does not load", file=sys.stderr)
            continue
        views = ["graph"] + (["unrolled"] if has_recurrent_layer(result.inferred.model) else [])
        marks = layer_marks(result.core_findings)  # the core's shape errors: no config
        for view in views:
            graph = build(result.inferred, DiagramOptions(view=view), marks)
            files[f"{path.stem}.{view}.dot"] = graph.source
    return files


def regenerate(examples: Path = EXAMPLES, check: bool = False) -> list[str]:
    """Write (or, with check, compare) every diagram; returns the names that changed."""
    out = examples / "diagrams"
    wanted = expected_files(examples)
    changed = []
    for name, dot_source in wanted.items():
        outputs = {name: dot_source.encode("utf-8")}
        if not check:
            outputs[name[:-4] + ".svg"] = render_bytes(dot_source, "svg")
        for file_name, data in outputs.items():
            target = out / file_name
            if target.exists() and target.read_bytes() == data:
                continue
            changed.append(file_name)
            if not check:
                out.mkdir(exist_ok=True)
                write_atomic(target, data)
    produced = set(wanted) | {n[:-4] + ".svg" for n in wanted}
    for stale in sorted(out.glob("*")) if out.is_dir() else []:
        if stale.name.endswith(SUFFIXES) and stale.name not in produced:
            changed.append(stale.name)
            if not check:
                stale.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netlint.drawing.regenerate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES,
                        help="the examples folder (default: the repository's)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a diagram is stale")
    args = parser.parse_args(argv)
    if not args.examples.is_dir():
        print(f"netlint: {args.examples}: no such folder", file=sys.stderr)
        return 2
    try:
        changed = regenerate(args.examples, check=args.check)
    except RenderError as error:
        print(f"netlint: {error.message}; {INSTALL_HINT}", file=sys.stderr)
        return 1
    verb = "stale" if args.check else "updated"
    for name in changed:
        print(f"{verb}: {args.examples / 'diagrams' / name}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
