"""Output safety across commands: atomic writes, the model file never an output, hostile text.

The diagram and export suites test their own escaping and their usual errors;
these tests cut across them: writes that fail half-way (the disk fills, the
rename fails, `dot` fails), outputs that are the model file under another name
(a symlink, a hard link, `sub/../model.yaml`), fuzzed models that fail
(an existing output must be left exactly as it was, with no temporary file
left behind), and hostile text from a valid file reaching every `check`
format, the DOT and the generated Python.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import fuzz_cases
import pytest
from typer.testing import CliRunner

from netlint.cli import app

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "examples" / "stacked-lstm.yaml"
SENTINEL = b"the previous output, which must survive\n"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], env={"GITHUB_ACTIONS": ""})


def _folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def workspace(tmp_path):
    model = tmp_path / "model.yaml"
    model.write_bytes(MODEL.read_bytes())
    return tmp_path, model


COMMANDS = {
    "diagram-dot": lambda model, out: ("diagram", model, "-o", out),
    "diagram-svg": lambda model, out: ("diagram", model, "-o", out),
    "export": lambda model, out: ("export", model, "-o", out, "--synthetic"),
}
SUFFIX = {"diagram-dot": ".dot", "diagram-svg": ".svg", "export": ".py"}


def _fails(result) -> None:
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("failure", ["disk-full", "rename"])
def test_a_write_that_fails_half_way_keeps_the_old_output(workspace, monkeypatch, command,
                                                         failure):
    folder, model = workspace
    out = folder / f"out{SUFFIX[command]}"
    out.write_bytes(SENTINEL)
    before = _folder_listing(folder)
    if failure == "rename":
        def broken_replace(src, dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(os, "replace", broken_replace)
    else:
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                self.handle.write(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(self.handle, name)

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    result = invoke(*COMMANDS[command](model, out))
    _fails(result)
    assert out.read_bytes() == SENTINEL
    assert _folder_listing(folder) == before  # no temporary file left behind


def test_a_dot_that_fails_keeps_the_old_output(workspace, monkeypatch):
    import graphviz
    import graphviz.backend.execute

    folder, model = workspace
    out = folder / "out.svg"
    out.write_bytes(SENTINEL)

    def failing_dot(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], stderr=b"Error: syntax error in line 1")

    monkeypatch.setattr(graphviz.backend.execute, "run_check", failing_dot)
    result = invoke("diagram", model, "-o", out)
    _fails(result)
    assert out.read_bytes() == SENTINEL


@pytest.mark.parametrize("command, suffix", [("diagram", ".svg"), ("diagram", ".dot"),
                                             ("export", ".py")])
@pytest.mark.parametrize("alias", ["symlink", "hardlink", "dotdot"])
def test_the_model_file_is_never_an_output(workspace, command, suffix, alias):
    folder, model = workspace
    (folder / "sub").mkdir()
    if alias == "symlink":
        out = folder / f"link{suffix}"
        out.symlink_to(model)
    elif alias == "hardlink":
        out = folder / f"hard{suffix}"
        os.link(model, out)
    else:
        out = folder / "sub" / ".." / "model.yaml"
    original = model.read_bytes()
    result = invoke(command, model, "-o", out)
    assert result.exit_code == 2, result.output
    # refused as the model file, or (diagram, .yaml) for its extension first
    assert "model file itself" in result.output or "cannot tell the format" in result.output
    assert model.read_bytes() == original


def test_failing_fuzzed_models_leave_outputs_and_folders_alone(tmp_path):
    checked = 0
    for index, case in enumerate(fuzz_cases.cases(120, seed=31)):
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        model = folder / "model.yaml"
        model.write_bytes(case.data)
        outputs = {name: folder / name for name in ("d.dot", "t.py")}
        for out in outputs.values():
            out.write_bytes(SENTINEL)
        before = _folder_listing(folder)
        for args in (("diagram", model, "-o", outputs["d.dot"]),
                     ("export", model, "-o", outputs["t.py"], "--synthetic")):
            result = invoke(*args)
            assert result.exit_code in (0, 1, 2), (case.name, args, result.output)
            assert "Traceback" not in result.output, (case.name, result.output)
            out = Path(args[3])
            if result.exit_code == 0:
                assert out.read_bytes() != SENTINEL and out.stat().st_size > 0
            elif args[0] == "export" or b"digraph" not in out.read_bytes():
                assert out.read_bytes() == SENTINEL, (case.name, args)
                checked += 1
        assert _folder_listing(folder) == before, case.name
    assert checked > 50  # most fuzzed models fail: the property was exercised


HOSTILE = {
    # no '/': Keras refuses it in a model name (NL001), and the export must go through
    "name": "x\"]; evil [label=\"<b>pwned<b>\"]; #",
    "description": "\"\"\"; import os; os.system('echo pwned') #\n::error::injected %0A",
}


@pytest.fixture
def hostile_model(tmp_path):
    folder = tmp_path / "a \"dir\" ::with, odd% names"
    folder.mkdir()
    model = folder / "m\u202eodel.yaml"
    model.write_text(
        f"name: {json.dumps(HOSTILE['name'])}\n"
        f"description: {json.dumps(HOSTILE['description'])}\n"
        "inputs:\n  \"in-put.1\": {shape: [10, 3]}\n"
        "layers:\n  - LSTM: {units: 4, name: \"l.s-t_m\"}\n    from: in-put.1\n"
        "  - Dense: {units: 1, name: \"o_u.t\"}\n"
        "compile: {loss: mse, optimizer: adam, metrics: [accuracy]}\n"
        "data:\n  x: {path: \"x'\\\"; import os #.npy\"}\n", encoding="utf-8")
    return model


def test_hostile_text_keeps_every_check_format_intact(hostile_model):
    for fmt in ("text", "json", "sarif", "github"):
        result = invoke("check", hostile_model, "--format", fmt, "--exit-zero")
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        if fmt == "json":
            assert {f["path"] for f in json.loads(result.stdout)["findings"]} == \
                {str(hostile_model)}
        elif fmt == "sarif":
            json.loads(result.stdout)
        elif fmt == "github":
            assert lines and all(line.startswith(("::error ", "::warning ", "::notice "))
                                 for line in lines)
            assert not any("::error::injected" in line for line in lines)
        else:
            # the path's right-to-left override is shown as an escape, not obeyed
            from netlint.report.text import visible

            shown = visible(str(hostile_model))
            assert "\\u202e" in shown and lines[-1].startswith("Found ")
            assert all(line.startswith(shown) for line in lines[:-1])


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's dot program is not installed (apt-get install graphviz)")
def test_hostile_text_stays_data_in_the_dot_and_the_script(hostile_model, tmp_path):
    dot = invoke("diagram", hostile_model, "-o", "-")
    assert dot.exit_code == 0, dot.output
    parsed = subprocess.run(["dot", "-Tjson0"], input=dot.stdout.encode(), capture_output=True)
    assert parsed.returncode == 0, parsed.stderr
    graph = json.loads(parsed.stdout)
    names = {node["name"] for node in graph.get("objects", [])}
    assert not any("evil" in name or "pwned" in name for name in names), names
    assert len(names) == 3  # the input and the two layers, nothing injected
    svg = subprocess.run(["dot", "-Tsvg"], input=dot.stdout.encode(), capture_output=True)
    assert b"<b>pwned<b>" not in svg.stdout  # text in the drawing, not markup
    assert b"&lt;b&gt;pwned&lt;b&gt;" in svg.stdout
    script = tmp_path / "train.py"
    result = invoke("export", hostile_model, "-o", script, "--synthetic")
    assert result.exit_code == 0, result.output
    source = script.read_text("utf-8")
    tree = ast.parse(source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "attr", getattr(node.func, "id", "")) == "system"]
    assert calls == []  # the payload is never code
    strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
               and isinstance(node.value, str)]
    assert any(HOSTILE["name"] in text for text in strings) or HOSTILE["name"] not in source


TERMINAL_CONTROLS = ("\x1b", "\x07", "\u202e", "\r")


def test_control_characters_from_a_model_never_reach_the_terminal(tmp_path):
    """A key or name holding ESC (colours, cursor moves, OSC titles), BEL, CR or a
    right-to-left override was printed raw by summary, diagram, export and the github
    format (check's text format already escaped it)."""
    hostile = "ev\x1b]0;pwned\x07il\u202e\r"
    model = tmp_path / "m\x1bodel.yaml"
    model.write_text(f"name: {json.dumps(hostile)}\ninput: {{shape: [4]}}\nlayers:\n"
                     f"  - Dense: {{units: 2, name: {json.dumps(hostile)}}}\n"
                     "  - Dense: {units: 1, kernel_initializer: zeros}\n"
                     "  - Dense: {units: 1, kernel_initializer: zeros}\n", encoding="utf-8")
    runs = [invoke("summary", model), invoke("diagram", model, "-o", tmp_path / "m.dot"),
            invoke("export", model, "-o", tmp_path / "t.py", "--synthetic"),
            invoke("check", model, "--format", "github", "--exit-zero")]
    for result in runs:
        shown = result.stdout + result.stderr
        assert shown.strip(), result.output
        assert not any(control in shown for control in TERMINAL_CONTROLS), repr(shown[:500])
