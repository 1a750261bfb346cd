"""docs/cli.md: the CLI reference, from the commands' own `--help`.

The help is rendered by typer at a fixed width with colour off, so the page is
the same on every machine with the same typer; the staleness test regenerates it.
"""

from __future__ import annotations

HELP_WIDTH = 88
_INTRO = """\
# Command-line reference

<!-- Generated from the commands' --help by `python -m netlint.docs`; do not edit by
hand. -->

`netlint COMMAND --help` prints the same. Exit codes, for every command: **0** success
(for `check`: nothing at or above `--fail-on`; for `diagram`: the picture was drawn, even
of a model with lint errors, which are marked in it and listed on stderr), **1**
findings, or a model with errors (for `diagram`: one it cannot draw), or
(`update-diagrams`) a diagram was rewritten, **2** a usage error: a bad option, an
unreadable or missing path.

## Shell completion

Tab completion of commands, options and file names, for bash, zsh, fish and
PowerShell:

```sh
netlint --install-completion    # installs it for the shell you are in; restart the shell
netlint --show-completion       # prints the script instead, to install it yourself
```
"""


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from netlint.cli import app

    env = {"COLUMNS": str(HELP_WIDTH), "TERM": "dumb", "NO_COLOR": "1"}
    result = CliRunner().invoke(app, [*args, "--help"], prog_name="netlint",
                                terminal_width=HELP_WIDTH, env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"netlint {' '.join(args)} --help failed: {result.output}")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def command_names() -> list[str]:
    import typer.main

    from netlint.cli import app

    return list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def cli_markdown() -> str:
    sections = [_INTRO, "## netlint", "", "```text", _help([]), "```", ""]
    for name in command_names():
        sections += [f"## netlint {name}", "", "```text", _help([name]), "```", ""]
    return "\n".join(sections).rstrip("\n") + "\n"
