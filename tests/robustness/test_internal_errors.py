"""A bug in netlint is an exit code of its own: 2 with one line naming the command, never
a traceback and never 1 (which CI reads as "findings")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "stacked-lstm.yaml"

# netlint's entry point with the summary table broken, as a bug would break it
CRASHING = (
    "import sys\n"
    "import netlint.report.summary_table as table\n"
    "def broken(*args, **kwargs):\n"
    "    raise ZeroDivisionError('division by zero')\n"
    "table.summary_text = table.summary_dict = broken\n"
    "from netlint.cli import main\n"
    "sys.argv = ['netlint', 'summary', sys.argv[1]]\n"
    "main()\n")


def run(env_extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASHING, str(MODEL)], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "NETLINT_DEBUG": "", **(env_extra or {})})


def test_a_crash_exits_2_with_one_line_naming_the_command():
    done = run()
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"netlint: internal error in `netlint summary {MODEL}`: "
                           "ZeroDivisionError: division by zero")
    assert "Traceback" not in done.stderr and not done.stdout


def test_netlint_debug_shows_the_traceback():
    done = run({"NETLINT_DEBUG": "1"})
    assert done.returncode == 1 and "Traceback" in done.stderr  # Python's own exit code


def _huge_model(tmp_path: Path) -> Path:
    """Eight axes of 10^540 flattened into a Dense of 10^500 units: a parameter count
    of ~4,800 digits, more than Python prints (4,300) and far beyond a float."""
    big = "9" * 540
    path = tmp_path / "huge.yaml"
    path.write_text(f"input: {{shape: [{', '.join([big] * 8)}]}}\n"
                    f"layers:\n  - Flatten\n  - Dense: {{units: {'9' * 500}}}\n")
    return path


def test_counts_beyond_a_float_and_beyond_printing_do_not_crash(tmp_path):
    from typer.testing import CliRunner

    from netlint.cli import app
    from netlint.plumbing.counts import byte_size_text, count_text

    model = _huge_model(tmp_path)
    for args in (["summary", str(model)], ["summary", "--format", "json", str(model)],
                 ["diagram", str(model), "-o", str(tmp_path / "huge.dot")], ["check", str(model)]):
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert result.exit_code in (0, 1), (args, result.output[-500:])
    assert count_text(10 ** 5000) == "about 10^5000"
    assert byte_size_text(4 * 10 ** 400).endswith(" PB")
    assert byte_size_text(49_930) == "48.76 KB"  # Keras's readable_memory_size


def test_counts_that_are_floats_are_written_as_counts():
    """JSON Schema calls 1.0 an integer, so `units: 1.0` passes the schema and counts
    come out as floats: the fuzz found summary crashing on them."""
    from netlint.plumbing.counts import byte_size_text, count_text, json_count

    assert count_text(9.0) == "9" and count_text(float("nan")) == "nan"
    assert byte_size_text(36.0) == "36.00 B" and json_count(2.0) == 2.0
