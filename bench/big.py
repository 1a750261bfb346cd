"""Big legal models through every command: `python bench/big.py` (bench 5 of run.py).

Two shapes, each at 10,000 and 21,000 layers: a Sequential chain of Dense layers
and a functional model of residual blocks (Dense -> Dense -> Add, the block's
input skipping to the Add). Each goes through `check`, `summary`, `diagram -o
x.dot` (DOT only: Graphviz's layout of 21,000 boxes is Graphviz's time, not
netlint's), `export --synthetic -o train.py`, `export --to keras-json`, and `import` of that
Keras JSON (netlint's exporter writes the config `model.to_json()` would, here
without indentation as to_json writes it: building a 21,000-layer model in Keras
to call to_json takes far longer than any of this).

Every command is a fresh process, timed from fork to exit with its own peak RSS
(ru_maxrss from wait4, through harness.run_once). For each command the ratio of
its 21k time to its 10k time is printed: 2.1 is linear; well above that is
superlinear and worth a profile (python -m cProfile -s cumtime -m netlint.cli ...).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import models  # noqa: E402

SIZES = (10_000, 21_000)
SHAPES = {"sequential": models.dense_chain, "functional": models.residual}
# how far past linear (21/10 = 2.1) a command's time may grow before it is flagged
SUPERLINEAR = 1.4


def commands(model: Path, scratch: Path) -> dict:
    """label -> argv for one model; the import reads the JSON the keras-json export wrote."""
    stem = scratch / model.stem
    return {
        "check": harness.netlint_argv("check", str(model)),
        "summary": harness.netlint_argv("summary", str(model)),
        "diagram -o .dot": harness.netlint_argv("diagram", str(model), "-o",
                                                f"{stem}.dot"),
        "export (script)": harness.netlint_argv("export", str(model), "--synthetic", "-o",
                                                f"{stem}_train.py"),
        "export --to keras-json": harness.netlint_argv("export", str(model), "--to",
                                                       "keras-json", "-o", f"{stem}.json"),
        "import (keras json)": harness.netlint_argv("import", f"{stem}_compact.json", "-o",
                                                    f"{stem}_imported.yaml", "--force"),
    }


def compact(exported: Path) -> None:
    """The exported JSON as `model.to_json()` spells it: no indentation. Indented, the
    21,000-layer config is 16 MiB, past the 8 MiB the importer reads; compact, 6 MiB."""
    import json

    text = json.dumps(json.loads(exported.read_text()), separators=(", ", ": "))
    exported.with_name(exported.stem + "_compact.json").write_text(text)


def measure(shape: str, size: int, runs: int, env: dict, scratch: Path) -> dict:
    """label -> (median wall s, median cpu s, peak MiB, exit codes) for one model."""
    model = scratch / f"{shape}_{size}.yaml"
    model.write_text(SHAPES[shape](size))
    found = {}
    for label, argv in commands(model, scratch).items():  # in order: import needs the JSON
        if label.startswith("import"):
            compact(scratch / f"{model.stem}.json")
        walls, cpus, peak, codes = [], [], 0, set()
        for _ in range(runs):
            seconds, rss, code, cpu = harness.run_once(argv, env)
            walls.append(seconds)
            cpus.append(cpu)
            peak = max(peak, rss)
            codes.add(code)
        found[label] = (statistics.median(walls), statistics.median(cpus), peak / 1024, codes)
    return found


def report(results: dict, sizes: tuple) -> list[str]:
    """The table, one row per shape and command, and the superlinear verdicts."""
    names = [f"{s / 1000:g}k" for s in sizes]
    rows = [("model", "command", *(f"{n} wall s" for n in names),
             *(f"{n} cpu s" for n in names), *(f"{n} MiB" for n in names),
             "cpu ratio", "exit")]
    flagged = []
    linear = sizes[1] / sizes[0]
    for shape in SHAPES:
        for label in results[(shape, sizes[0])]:
            small, big = results[(shape, sizes[0])][label], results[(shape, sizes[1])][label]
            ratio = big[1] / small[1] if small[1] else float("nan")
            codes = sorted(small[3] | big[3])
            rows.append((shape, label, f"{small[0]:.2f}", f"{big[0]:.2f}", f"{small[1]:.2f}",
                         f"{big[1]:.2f}", f"{small[2]:.0f}", f"{big[2]:.0f}", f"{ratio:.2f}",
                         ",".join(map(str, codes))))
            if ratio > linear * SUPERLINEAR:
                flagged.append(f"{shape} {label}: {ratio:.2f}x the time for "
                               f"{linear:.1f}x the layers")
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append("superlinear: " + ("; ".join(flagged) if flagged else "none "
                                    f"(every cpu ratio within {linear * SUPERLINEAR:.2f})"))
    return lines


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per command (median)")
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, metavar=("SMALL", "BIG"))
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    print("netlint big models: " + ", ".join(f"{k}: {v}" for k, v in harness.machine().items()))
    results = {}
    with tempfile.TemporaryDirectory(prefix="netlint-big-") as tmp:
        scratch = Path(tmp)
        env = harness.child_environment(scratch / "pycache")
        warm = scratch / "warm"  # every command once on a small model: bytecode cached
        warm.mkdir()
        measure("functional", 20, 1, env, warm)
        for shape in SHAPES:
            for size in sizes:
                results[(shape, size)] = measure(shape, size, args.runs, env, scratch)
                print(f"  measured {shape} {size:,}", flush=True)
    lines = report(results, sizes)
    print("\n".join(lines))
    bad_exit = any(codes - {0} for found in results.values() for *_, codes in found.values())
    return 1 if bad_exit or "superlinear: none" not in lines[-1] else 0


if __name__ == "__main__":
    sys.exit(main())
