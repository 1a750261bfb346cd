"""Colours in the text report (ruff's habit): on a terminal, off through a pipe, NO_COLOR
and FORCE_COLOR obeyed, and user text still unable to inject an escape of its own."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from netlint.model.findings import Finding
from netlint.model.graph import Position
from netlint.report.text import colour_wanted, format_text

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "examples" / "buggy" / "mnist-convnet.yaml"
ANSI = re.compile(r"\033\[[0-9;]*m")


def _finding(severity: str = "error", path: str = "m.yaml", message: str = "bad") -> Finding:
    return Finding(code="NL105", name="incompatible-shape", severity=severity,
                   message=message, path=path, position=Position(3, 5), fix="do this")


FINDINGS = [_finding("error"), _finding("warning", "a.yaml"), _finding("info", "b.yaml")]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("env, tty, wanted", [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),  # empty: not set (no-color.org)
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": ""}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
    ({"TERM": "dumb"}, True, False),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
])
def test_colour_wanted(monkeypatch, env, tty, wanted):
    for key in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert colour_wanted(_Stream(tty)) is wanted


def test_colours_off_is_the_plain_report_byte_for_byte():
    plain = format_text(FINDINGS, 3)
    assert "\033" not in plain
    assert plain.splitlines()[0] == "a.yaml:3:5: NL105 [warning] bad: do this"
    assert format_text(FINDINGS, 3, colour=False) == plain
    assert format_text(FINDINGS, 3, statistics=True) == \
        format_text(FINDINGS, 3, statistics=True, colour=False)


def test_colours_on_paint_path_code_and_severity_and_strip_to_the_plain_report():
    coloured = format_text(FINDINGS, 3, colour=True)
    assert ANSI.sub("", coloured) == format_text(FINDINGS, 3)
    lines = coloured.splitlines()
    assert lines[0].startswith("\033[1ma.yaml\033[0m:3:5: \033[1;33mNL105\033[0m")
    assert "\033[1;31mNL105\033[0m \033[1;31m[error]\033[0m" in lines[2]
    assert "\033[1;34m[info]\033[0m" in lines[1]
    stats = format_text(FINDINGS, 3, statistics=True, colour=True)
    assert ANSI.sub("", stats) == format_text(FINDINGS, 3, statistics=True)


def test_user_text_cannot_inject_escapes_even_in_colour():
    hostile = _finding(path="\033[2Jevil.yaml", message="\033[31mred\u202e")
    coloured = format_text([hostile], 1, colour=True)
    # every escape left is one of ours: a style followed by text, then a reset
    assert "\\x1b[2Jevil.yaml" in coloured and "\\x1b[31mred\\u202e" in coloured
    assert "\u202e" not in coloured
    assert all(code in ("\033[1m", "\033[0m", "\033[1;31m")
               for code in ANSI.findall(coloured))


def _check(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    return subprocess.run([sys.executable, "-m", "netlint.cli", "check", str(BUGGY), *args],
                          capture_output=True, text=True, env={**clean, **env})


def test_the_command_colours_only_when_asked_off_a_terminal(tmp_path):
    piped = _check({})
    assert piped.returncode == 1 and "\033" not in piped.stdout
    forced = _check({"FORCE_COLOR": "1"})
    assert "\033[1;31m" in forced.stdout
    assert ANSI.sub("", forced.stdout) == piped.stdout
    assert "\033" not in _check({"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    # machine formats and output files are never coloured
    assert "\033" not in _check({"FORCE_COLOR": "1"}, "-f", "json").stdout
    report = tmp_path / "report.txt"
    written = _check({"FORCE_COLOR": "1"}, "-o", str(report))
    assert written.stdout == "" and report.read_text(encoding="utf-8") == piped.stdout
