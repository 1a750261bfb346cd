"""docs/first-model.md: "write your first model file", from an empty file to a clean check.

Every output on the page is produced by running the command on the file as it
stands at that step (in a temporary folder, in-process), so the guide cannot
drift from what netlint prints; the staleness test regenerates it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from netlint.plumbing.records import record

MODELINE = "# yaml-language-server: $schema=netlint-model.schema.json\n"


@record(frozen=True)
class Step:
    title: str
    text: str  # what to do and why (Markdown)
    model: str | None  # the whole file after this step (None: unchanged)
    command: list  # netlint's arguments
    after: str = ""  # what the output means


STEPS = (
    Step("Point your editor at the schema",
         "In an empty folder, write the JSON Schema next to your model file. Editors "
         "with the YAML language server (VS Code's YAML extension, Neovim, Helix, "
         "JetBrains) then complete layer names and arguments and show what each one "
         "means, once the first line of the model file names the schema.",
         None, ["schema", "--output", "netlint-model.schema.json"]),
    Step("Write the layers",
         "A model file lists Keras layers by their Keras 3 class names, each with its "
         "keyword arguments, in order. Start with two stacked LSTMs and a Dense head, "
         "as you would write them in Keras:",
         MODELINE + "layers:\n  - LSTM: {units: 32}\n  - LSTM: {units: 32}\n"
         "  - Dense: {units: 1}\n",
         ["check", "model.yaml"],
         "There is no input shape yet, and Keras does not need one: it builds the model "
         "when `fit` first sees the data. netlint checks the model as it stands, with the "
         "sizes it cannot know left unknown, and that is enough to see that Keras would "
         "refuse it: it names the layer to change and how. `netlint explain NL104` prints "
         "the whole story of the rule."),
    Step("Fix it",
         "The first LSTM must hand the whole sequence to the second:",
         MODELINE + "layers:\n  - LSTM: {units: 32, return_sequences: true}\n"
         "  - LSTM: {units: 32}\n  - Dense: {units: 1}\n",
         ["check", "model.yaml"],
         "No output and exit code 0: nothing to report."),
    Step("Say what goes in",
         "Add the input: the shape of *one sample*, batch excluded, like Keras's "
         "`input_shape`. Here each sample is 100 timesteps of 8 features; `axes` is "
         "optional and lets netlint check data layouts against it. With the sizes "
         "known, the checks that need them (timesteps against features, sequence "
         "lengths, parameter counts) run too.",
         MODELINE + "input:\n  shape: [100, 8]\n  axes: [time, features]\n"
         "layers:\n  - LSTM: {units: 32, return_sequences: true}\n  - LSTM: {units: 32}\n"
         "  - Dense: {units: 1}\n",
         ["check", "model.yaml"]),
    Step("Look at the shapes",
         "`netlint summary` prints the table Keras's `model.summary()` would print, "
         "computed without TensorFlow:",
         None, ["summary", "model.yaml"]),
    Step("Say how it will be trained",
         "Add a `compile:` section as you would call `model.compile()`. A regression "
         "model with the accuracy metric is a classic slip:",
         MODELINE + "input:\n  shape: [100, 8]\n  axes: [time, features]\n"
         "layers:\n  - LSTM: {units: 32, return_sequences: true}\n  - LSTM: {units: 32}\n"
         "  - Dense: {units: 1}\ncompile:\n  loss: mse\n  optimizer: {Adam: "
         "{learning_rate: 0.001}}\n  metrics: [accuracy]\n",
         ["check", "model.yaml"]),
    Step("A clean check",
         "Use a regression metric instead:",
         MODELINE + "input:\n  shape: [100, 8]\n  axes: [time, features]\n"
         "layers:\n  - LSTM: {units: 32, return_sequences: true}\n  - LSTM: {units: 32}\n"
         "  - Dense: {units: 1}\ncompile:\n  loss: mse\n  optimizer: {Adam: "
         "{learning_rate: 0.001}}\n  metrics: [mae]\n",
         ["check", "model.yaml"],
         "Clean. From here: `netlint diagram model.yaml -o model.svg` draws it, "
         "`netlint export model.yaml -o train.py --synthetic` writes a Keras 3 training "
         "script, and [the pre-commit hook](ci.md#pre-commit) keeps it clean."),
)


def _run(args: list, folder: Path) -> tuple[str, int]:
    """stdout + stderr and the exit code of the `netlint` command (its real entry point,
    in a new process) run in `folder`."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "GITHUB_ACTIONS": ""}
    result = subprocess.run([sys.executable, "-c", "from netlint.cli import main; main()",
                             *args], cwd=folder, env=env, capture_output=True, text=True,
                            timeout=120)
    return (result.stdout + result.stderr).rstrip("\n"), result.returncode


def guide_markdown() -> str:
    lines = ["# Write your first model file", "",
             "<!-- Generated by `python -m netlint.docs` (every output below is what the "
             "command printed); do not edit by hand. -->", "",
             "From an empty file to a clean check, in seven steps. You need netlint "
             "installed (`pip install .` from a clone; the command is `netlint`). The "
             "whole file format is in [format.md](format.md).", ""]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for number, step in enumerate(STEPS, 1):
            lines += [f"## {number}. {step.title}", "", step.text, ""]
            if step.model is not None:
                (folder / "model.yaml").write_text(step.model, encoding="utf-8")
                lines += ["`model.yaml`:", "", "```yaml", *step.model.splitlines(), "```",
                          ""]
            output, code = _run(step.command, folder)
            lines += ["```console", f"$ netlint {' '.join(step.command)}",
                      *output.splitlines(), "```", "", f"(exit code {code})", ""]
            if step.after:
                lines += [step.after, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
