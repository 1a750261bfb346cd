"""`netlint check FILE...` without typer (cli/check_fast.py) must behave exactly like typer.

The fast path reads plain command lines itself and hands anything unusual to
typer; these tests hold its option table to typer's own parameters and run the
same command lines both ways, comparing exit code, stdout and stderr byte for
byte. They also pin the point of it: a clean check imports neither typer,
pydantic nor jsonschema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer.main

from netlint.cli import app
from netlint.cli import check as check_cmd
from netlint.cli import check_fast

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "examples" / "mnist-convnet.yaml"
BUGGY = ROOT / "examples" / "buggy" / "mnist-convnet.yaml"
TYPER_ONLY = ("import sys\nsys.argv[0] = 'netlint'\nfrom netlint.cli import _app\n"
              "_app()()\n")


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env["GITHUB_ACTIONS"] = ""
    return env


def test_option_table_matches_typers_parameters():
    command = typer.main.get_command(app).commands["check"]
    seen = {}
    for param in command.params:
        if param.name == "paths":
            assert param.nargs == -1 and not param.required  # none: the current folder
            continue
        assert not param.secondary_opts, param.name  # no --no-x forms to mirror
        kind = "flag" if param.is_flag else ("many" if param.multiple else "one")
        for spelling in param.opts:
            seen[spelling] = (param.name, kind)
        default = list(param.default) if param.multiple else param.default
        assert check_fast.DEFAULTS[param.name] == default, param.name
    assert seen == {k: v[:2] for k, v in check_fast.OPTIONS.items()}
    assert check_fast.OPTIONS["--format"][2] == tuple(f.value for f in check_cmd.CheckFormat)
    assert check_fast.OPTIONS["--fail-on"][2] == tuple(level.value for level in check_cmd.Level)


@pytest.mark.parametrize("argv, expected", [
    (["check", "a.yaml"], {"paths": ["a.yaml"]}),
    (["check", "a.yaml", "-f", "json", "--select", "NL1", "--select=NL2", "-q"],
     {"paths": ["a.yaml"], "format": "json", "select": ["NL1", "NL2"], "quiet": True}),
    (["check", "--config", "c.toml", "./a//", "b"],  # as given: run_check spells them
     {"paths": ["./a//", "b"], "config": "c.toml"}),
    (["check"], {"paths": []}),  # as ruff: the current folder
    (["check", "-o", "r.sarif", "-f", "sarif"], {"paths": [], "output_file": "r.sarif",
                                                  "format": "sarif"}),
    (["check", "a.yaml", "--output-file=r.txt"], {"paths": ["a.yaml"], "output_file": "r.txt"}),
])
def test_plain_command_lines_are_read_here(argv, expected):
    assert check_fast.parse(argv) == {**check_fast.DEFAULTS, **expected}


@pytest.mark.parametrize("argv", [
    [], ["summary", "a.yaml"], ["check", "-o"], ["check", "-o", "a", "-o", "b"], ["check", "--help"], ["check", "--", "a.yaml"],
    ["check", "-"], ["check", ""], ["check", "a.yaml", "--format", "xml"],
    ["check", "a.yaml", "--format"], ["check", "a.yaml", "-qf", "json"],
    ["check", "a.yaml", "-fjson"], ["check", "a.yaml", "--quiet=1"],
    ["check", "a.yaml", "--select", "-x"], ["check", "a.yaml", "--bogus"],
    ["check", "a.yaml", "--format", "json", "--format", "text"],
    ["check", "a.yaml", "-q", "-q"], ["check", "a.yaml", "--fail", "error"],
])
def test_anything_unusual_is_left_to_typer(argv):
    assert check_fast.parse(argv) is None


def _netlint() -> list[str]:
    """The console script, as a hook runs it (its program name is `netlint`)."""
    script = Path(sys.executable).parent / "netlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "netlint.cli"]


def _both(args: list[str], cwd: Path) -> tuple:
    fast = subprocess.run([*_netlint(), *args], capture_output=True, cwd=cwd, env=_env())
    slow = subprocess.run([sys.executable, "-c", TYPER_ONLY, *args], capture_output=True,
                          cwd=cwd, env=_env())
    return fast, slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast")
    (root / "models").mkdir()
    (root / "models" / "clean.yaml").write_bytes(CLEAN.read_bytes())
    (root / "models" / "buggy.yaml").write_bytes(BUGGY.read_bytes())
    (root / "odd \x1b[31mname é.yaml").write_bytes(BUGGY.read_bytes())
    (root / "netlint.toml").write_text("[tool.netlint]\nignore = ['NL901']\n")
    (root / ".netlint.yaml").write_text(textwrap.dedent("""\
        select: [ALL]
        ignore: [NL902]
    """))
    return root


COMMAND_LINES = [
    ["check", "models/clean.yaml"],
    ["check", "models/buggy.yaml"],
    ["check", "models/buggy.yaml", "--format", "json"],
    ["check", "-f", "sarif", "models/buggy.yaml"],
    ["check", "--format=github", "models/buggy.yaml"],
    ["check", "models/buggy.yaml", "--select", "NL9", "--ignore", "NL901"],
    ["check", "models/buggy.yaml", "--select", "NL999"],
    ["check", "models/buggy.yaml", "--fail-on", "error"],
    ["check", "models/buggy.yaml", "--exit-zero"],
    ["check", "models/buggy.yaml", "-q"],
    ["check", "models/buggy.yaml", "--statistics"],
    ["check", "models/buggy.yaml", "--statistics", "-f", "json"],
    ["check", "missing.yaml", "models/clean.yaml"],
    ["check", "models"],
    ["check", "models/clean.yaml", "models/clean.yaml"],
    ["check", "odd \x1b[31mname é.yaml"],
    ["check", "models/buggy.yaml", "--config", "netlint.toml"],
    ["check", "models/buggy.yaml", "--config", "nowhere.toml"],
    ["check", "models/buggy.yaml", "--format", "xml"],  # typer in both: the same error
    # spellings: the fast path reads strings, typer Paths; the reports name them alike
    ["check", "./models//buggy.yaml", "models/./clean.yaml", "models/buggy.yaml"],
    ["check", "models/", "-f", "json"],
    ["check", "./models/../models//buggy.yaml", "-f", "github"],
    ["check", "models//", ".", "--config", "./netlint.toml", "-f", "sarif"],
    ["check", "./missing//x.yaml", "--config", ".//nowhere.toml"],
    ["check"],
    ["check", "-f", "json"],
    ["check", "models/buggy.yaml", "-o", "models"],  # a folder: refused, exit 2
    ["check", "models/buggy.yaml", "-o", "models/buggy.yaml"],  # the model itself
    ["check", "models/buggy.yaml", "-o", "nowhere/report.txt"],
]


@pytest.mark.parametrize("args", COMMAND_LINES, ids=lambda a: " ".join(a)[:60])
def test_fast_path_and_typer_agree_byte_for_byte(args, workspace):
    fast, slow = _both(args, workspace)
    assert (fast.returncode, fast.stdout, fast.stderr) == \
        (slow.returncode, slow.stdout, slow.stderr)
    assert fast.returncode in (0, 1, 2) and b"Traceback" not in fast.stderr


@pytest.mark.parametrize("args", [
    ["check", "models/buggy.yaml", "-o", "report.txt"],
    ["check", "models", "--output-file", "report.sarif", "-f", "sarif"],
    ["check", "--output-file=report.json", "-f", "json", "--statistics"],
    ["check", "models/buggy.yaml", "-o", "report.txt", "--fix", "--diff"],
], ids=lambda a: " ".join(a)[:60])
def test_output_file_is_written_alike_and_stdout_stays_empty(args, workspace):
    name = next(a.partition("=")[2] or args[i + 1] for i, a in enumerate(args)
                if a.startswith(("-o", "--output-file")))
    report = workspace / name
    written = []
    for command in ([*_netlint(), *args], [sys.executable, "-c", TYPER_ONLY, *args]):
        report.unlink(missing_ok=True)
        run = subprocess.run(command, capture_output=True, cwd=workspace, env=_env())
        assert run.returncode == 1, run.stderr
        if "--diff" not in args:
            assert run.stdout == b""
        written.append(report.read_bytes() if report.exists() else None)
    report.unlink(missing_ok=True)
    assert written[0] == written[1]
    if "--diff" not in args:
        assert written[0], "the report went nowhere"


def test_a_clean_check_imports_neither_typer_nor_the_schema_validator():
    code = textwrap.dedent(f"""\
        import sys
        sys.argv = ["netlint", "check", {str(CLEAN)!r}]
        from netlint.cli import main
        try:
            main()
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        heavy = [m for m in ("typer", "click", "pydantic", "jsonschema", "graphviz", "numpy")
                 if m in sys.modules]
        print(",".join(heavy))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_env())
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_a_schema_error_is_still_explained_by_jsonschema(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: {shape: [4]}\nlayers:\n  - Dense: {units: -3}\n")
    run = subprocess.run([sys.executable, "-m", "netlint.cli", "check", str(bad)],
                         capture_output=True, text=True, env=_env())
    assert run.returncode == 1
    assert f"{bad}:3:20: NL001 [error] layers[0].Dense.units: -3 is below the minimum 1" \
        in run.stdout
