"""The long fuzz run: `python bench/fuzz.py --cases 20000` (the suite runs a few hundred).

Every case is written to a scratch folder and put through the whole `check`
pipeline in this process (loader, builder, inference, every rule, every output
format, the summary); every `--diagram-every`-th case also through both diagram
views, and every `--cli-every`-th through the real `netlint check` command in a
subprocess (exit code 0, 1 or 2, and never a traceback on stderr). The cases
are tests/robustness/fuzz_cases.py's, so a failure found here replays in the
suite by its seed and index. Prints the count, the time and each failure.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

import fuzz_cases  # noqa: E402
from fuzz_runs import command_problems, fuzz_arguments  # noqa: E402
import fuzz_checks  # noqa: E402


def cli_problems(path: Path) -> list[str]:
    return command_problems(["check", str(path)])[0]

def main(argv: list | None = None) -> int:
    args = fuzz_arguments(__doc__.splitlines()[0], "cases", argv, diagram=10)

    from netlint.rules.config import ConfigFinder

    failures: list[tuple[str, list[str]]] = []
    kinds: Counter = Counter()
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="netlint-fuzz-") as tmp:
        finder = ConfigFinder()
        for index, case in enumerate(fuzz_cases.cases(args.cases, args.seed)):
            kinds[case.name.split(":")[1]] += 1
            path = Path(tmp) / f"case_{index}.yaml"
            path.write_bytes(case.data)
            began = time.perf_counter()
            found = fuzz_checks.problems(path, finder)
            if index % args.diagram_every == 0:
                found += fuzz_checks.diagram_problems(path)
            if index % args.cli_every == 0:
                found += cli_problems(path)
            took = time.perf_counter() - began
            slowest = max(slowest, (took, case.name))
            if found:
                failures.append((case.name, found))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"case_{index}.yaml").write_bytes(case.data)
            path.unlink()
    elapsed = time.perf_counter() - start
    print(f"fuzz: {args.cases} cases (seed {args.seed}) in {elapsed:.1f} s "
          f"({1000 * elapsed / max(args.cases, 1):.2f} ms/case); kinds: {dict(kinds)}")
    print(f"slowest case: {slowest[1]} ({slowest[0] * 1000:.0f} ms)")
    print(f"failures: {len(failures)}")
    for name, found in failures[:50]:
        print(f"--- {name}")
        for problem in found:
            print("   " + problem.replace("\n", "\n   "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
