"""The long `netlint import` fuzz run: `python bench/import_fuzz.py --cases 20000`.

Every case (tests/robustness/import_fuzz_cases.py: mutations of real Keras
saves, .keras zips damaged) is written to a scratch folder and imported in this
process: the importer must return, or raise ImportFailed with one line naming
the file. Every `--cli-every`-th case also goes through the real `netlint
import` command in a subprocess (exit 0, 1 or 2, never a traceback). A failure
found here replays in the suite by its seed and index. Prints the count, the
time, the outcomes and each failure.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))
os.environ.setdefault("KERAS_BACKEND", "jax")

import import_fuzz_cases  # noqa: E402
from fuzz_runs import command_problems, fuzz_arguments  # noqa: E402


def cli_problems(path: Path, target: Path) -> list[str]:
    return command_problems(["import", str(path), "-o", str(target), "--force"])[0]

def main(argv: list | None = None) -> int:
    args = fuzz_arguments(__doc__.splitlines()[0], "cases", argv)

    import_fuzz_cases.seeds()  # keras builds the seed models once, before the clock starts
    failures: list[tuple[str, list[str]]] = []
    outcomes: Counter = Counter()
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="netlint-import-fuzz-") as tmp:
        for index, case in enumerate(import_fuzz_cases.cases(args.cases, args.seed)):
            path = Path(tmp) / f"case_{index}{case.suffix}"
            path.write_bytes(case.data)
            began = time.perf_counter()
            what, found = import_fuzz_cases.check(path)
            outcomes[case.name.split(":")[2], what] += 1
            if index % args.cli_every == 0:
                found += cli_problems(path, Path(tmp) / "out.yaml")
            slowest = max(slowest, (time.perf_counter() - began, case.name))
            if found:
                failures.append((case.name, found))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / path.name).write_bytes(case.data)
            path.unlink()
    elapsed = time.perf_counter() - start
    print(f"import fuzz: {args.cases} cases (seed {args.seed}) in {elapsed:.1f} s "
          f"({1000 * elapsed / max(args.cases, 1):.2f} ms/case)")
    print("outcomes: " + ", ".join(f"{kind} {what}: {count}"
                                   for (kind, what), count in sorted(outcomes.items())))
    print(f"slowest case: {slowest[1]} ({slowest[0] * 1000:.0f} ms)")
    print(f"uncaught exceptions / failures: {len(failures)}")
    for name, found in failures[:50]:
        print(f"--- {name}")
        for problem in found:
            print("   " + problem.replace("\n", "\n   "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
