"""The long config-file fuzz run: `python bench/config_fuzz.py --cases 20000`.

Every case (tests/robustness/config_fuzz_cases.py: a `.netlint.yaml`, `.netlint.yml`
or `pyproject.toml` with hostile content) is written into a fresh folder beside
three models that reach every rule with options, and each model is checked under
it in this process (findings, or a ConfigError naming the file; nothing else),
the file is also loaded as `--config`, and every `--cli-every`-th case runs the
real `netlint check` in a subprocess (exit 0, 1 or 2, never a traceback). The
suite runs the same cases (short); a failure here replays there by seed and index.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

import config_fuzz_cases  # noqa: E402
from fuzz_runs import command_problems, fuzz_arguments  # noqa: E402


def cli_problems(folder: Path, case: config_fuzz_cases.Case) -> list[str]:
    out, run = command_problems(["check", str(folder)])
    if run.returncode == 2 and case.file not in run.stderr:
        out.append(f"exit 2 without naming {case.file}: {run.stderr[-500:]}")
    return out

def main(argv: list | None = None) -> int:
    args = fuzz_arguments(__doc__.splitlines()[0], "configs", argv)

    failures: list[tuple[str, list[str]]] = []
    kinds: Counter = Counter()
    outcomes: Counter = Counter()
    slowest = (0.0, "")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="netlint-config-fuzz-") as tmp:
        for index, case in enumerate(config_fuzz_cases.cases(args.cases, args.seed)):
            kinds[case.name.split(":")[1]] += 1
            folder = Path(tmp) / f"case_{index}"
            folder.mkdir()
            began = time.perf_counter()
            found = config_fuzz_cases.problems(folder, case)
            outcomes[_outcome(folder)] += 1
            if index % args.cli_every == 0:
                found += cli_problems(folder, case)
            took = time.perf_counter() - began
            slowest = max(slowest, (took, case.name))
            if found:
                failures.append((case.name, found))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(folder / case.file, args.keep / f"case_{index}_{case.file}")
            shutil.rmtree(folder)
    elapsed = time.perf_counter() - start
    print(f"config fuzz: {args.cases} cases (seed {args.seed}) in {elapsed:.1f} s "
          f"({1000 * elapsed / max(args.cases, 1):.2f} ms/case); kinds: {dict(kinds)}")
    print(f"outcomes: {dict(outcomes)}")
    print(f"slowest case: {slowest[1]} ({slowest[0] * 1000:.0f} ms)")
    print(f"failures: {len(failures)}")
    for name, found in failures[:50]:
        print(f"--- {name}")
        for problem in found:
            print("   " + problem.replace("\n", "\n   "))
    return 1 if failures else 0


def _outcome(folder: Path) -> str:
    """What the config did to a check: refused (ConfigError), applied, or passed over."""
    from netlint.api import check
    from netlint.rules.config import ConfigError, ConfigFinder

    finder = ConfigFinder()
    try:
        check(folder / "m0.yaml", finder=finder)
    except ConfigError:
        return "refused (exit 2)"
    except Exception:  # noqa: BLE001 - counted by problems() already
        return "crashed"
    return "passed over with a note" if finder.notes else "read or skipped"


if __name__ == "__main__":
    sys.exit(main())
