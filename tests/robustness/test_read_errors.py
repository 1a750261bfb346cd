"""A read error (EIO: a failing disk, a network share gone) on the model file.

Every command that reads a model gives one located line (`file:1:1: NL001 ...
cannot read the file: Input/output error`) and a non-zero exit, never a
traceback. The read is made to fail in-process by replacing the loader's read.
"""

from __future__ import annotations

import errno
import os
import time

import pytest
from typer.testing import CliRunner

import netlint.loader
from netlint.cli import app
from netlint.cli import check_fast

runner = CliRunner()
MODEL = "netlint: 1\ninput: {shape: [4]}\nlayers:\n  - Dense: 1\n"
EIO = os.strerror(errno.EIO)


@pytest.fixture
def failing_read(monkeypatch):
    def read_at_most(descriptor, limit, expected):
        raise OSError(errno.EIO, EIO)

    monkeypatch.setattr(netlint.loader, "read_at_most", read_at_most)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text(MODEL)
    return path


COMMANDS = {
    "check": lambda m, out: ["check", str(m)],
    "check-json": lambda m, out: ["check", str(m), "-f", "json"],
    "summary": lambda m, out: ["summary", str(m)],
    "summary-json": lambda m, out: ["summary", str(m), "-f", "json"],
    "diagram-svg": lambda m, out: ["diagram", str(m), "-o", str(out / "m.svg")],
    "diagram-stdout": lambda m, out: ["diagram", str(m), "--view", "unrolled", "-o", "-"],
    "export": lambda m, out: ["export", str(m), "-o", str(out / "train.py")],
    "export-json": lambda m, out: ["export", str(m), "--to", "keras-json", "-o", "-"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_read_error_is_one_located_line_and_exit_1(failing_read, model, tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    began = time.monotonic()
    result = runner.invoke(app, COMMANDS[command](model, out), env={"GITHUB_ACTIONS": ""})
    assert time.monotonic() - began < 60
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    text = result.output
    assert "Traceback" not in text and "internal error" not in text
    located = [line for line in text.splitlines() if f"cannot read the file: {EIO}" in line]
    assert len(located) == 1, text
    if command != "check-json":
        assert located[0].startswith(f"{model}:1:1: NL001 [error]"), located
    assert not any(out.iterdir()), "nothing is written for a file that could not be read"


def test_the_fast_check_path_too(failing_read, model, capsys):
    assert check_fast.run(["check", str(model)]) == 1
    captured = capsys.readouterr()
    assert f"{model}:1:1: NL001 [error] cannot read the file: {EIO}" in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_the_api_returns_the_finding(failing_read, model):
    found = netlint.check(model)
    assert [(f.code, f.line, f.column) for f in found] == [("NL001", 1, 1)]
    assert EIO in found[0].message


@pytest.mark.parametrize("name,exit_code,expected", [
    (".netlint.yaml", 2, f".netlint.yaml: cannot read: {EIO}"),
    ("pyproject.toml", 0, f"pyproject.toml: cannot read: {EIO}; its [tool.netlint] (if any) "
                          "is ignored"),
])
def test_a_read_error_on_a_config_file(monkeypatch, model, name, exit_code, expected):
    from netlint.rules import config

    (model.parent / name).write_text("[tool.netlint]\n" if name.endswith(".toml") else "")

    def read_config_text(path):
        raise OSError(errno.EIO, EIO)

    monkeypatch.setattr(config, "read_config_text", read_config_text)
    result = runner.invoke(app, ["check", str(model)], env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == exit_code, result.output
    assert expected in result.output and "Traceback" not in result.output


def test_a_folder_check_reports_a_file_it_cannot_read_instead_of_skipping_it(
        monkeypatch, tmp_path):
    """A folder check that skipped an unreadable model file would pass having checked
    nothing of it: the file is listed, and checking it says it cannot be read."""
    from netlint import api

    (tmp_path / "good.yaml").write_text(MODEL)
    (tmp_path / "broken.yaml").write_text(MODEL)
    real_head = api._head

    def head(name, pattern):
        if name.endswith("broken.yaml"):
            raise OSError(errno.EIO, EIO)
        return real_head(name, pattern)

    monkeypatch.setattr(api, "_head", head)
    assert [os.path.basename(n) for n in api.model_file_names(str(tmp_path))] == \
        ["broken.yaml", "good.yaml"]
    monkeypatch.setattr(netlint.loader, "read_at_most", _failing_for("broken.yaml"))
    result = runner.invoke(app, ["check", str(tmp_path)], env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 1, result.output
    assert f"broken.yaml:1:1: NL001 [error] cannot read the file: {EIO}" in result.output


def _failing_for(basename):
    real = netlint.loader.read_at_most

    def read_at_most(descriptor, limit, expected):
        if os.readlink(f"/proc/self/fd/{descriptor}").endswith(basename):
            raise OSError(errno.EIO, EIO)
        return real(descriptor, limit, expected)

    return read_at_most
