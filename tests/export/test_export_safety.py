"""Hostile names and values cannot inject code into an export.

Three independent checks: (1) a hostile export has exactly the syntax tree of
the same model with harmless strings, once string constants are blanked, so
user text only ever lands inside string literals; (2) every line, comments
included, is printable ASCII; (3) running the hostile script's functions
(and loading the hostile JSON) does not run the payload, and the layer names
come back exactly as written.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from export_helpers import cli

MARKER = "PWNED"
TOUCH = f"__import__('pathlib').Path('{MARKER}').touch()"
PAYLOADS = [
    f"a'); {TOUCH}; ('",
    f'b"); {TOUCH.replace(chr(39), chr(34))}; ("',
    f'"""\n{TOUCH}\n"""',
    f"c\n{TOUCH}\n#",
    f"d\r{TOUCH}",
    f"e\u2028{TOUCH}\u2029",
    f"f\x0c\x0b\x1c{TOUCH}",
    "g\\",
    "{" + TOUCH + "}",
    "h \u202e\u00e9\U0001f600 #",
    "i\x00j",
]


def _model(strings: list[str]) -> dict:
    """A functional model whose every name (and model name) is one of `strings`."""
    s = strings
    return {
        "netlint": 1, "name": s[0], "description": s[1],
        "inputs": {s[2]: {"shape": [6, 3]}, s[3]: {"shape": [4]}},
        "layers": [
            {"LSTM": {"units": 4, "name": s[4]}, "from": s[2]},
            {"Bidirectional": {"layer": {"GRU": {"units": 2, "name": s[5]}},
                               "name": s[6]}, "from": s[2]},
            {"Concatenate": {"name": s[7]}, "from": [s[4], s[6], s[3]]},
            {"Dense": {"units": 3, "activation": "softmax", "name": s[8]}},
            {"Dense": {"units": 1, "name": s[9]}, "from": s[7]},
        ],
        "outputs": [s[8], s[9]],
        "compile": {"loss": {s[8]: "categorical_crossentropy", s[9]: "mse"},
                    "optimizer": "adam"},
        "data": {s[2]: {"path": s[10] + ".npy"}, s[3]: {"path": s[1] + ".npz", "key": s[10]},
                 s[8]: {"path": s[0]}, s[9]: {"path": s[7] + ".NPZ"}},
    }


def _values_model(strings: list[str]) -> dict:
    """Hostile values (not names) in kwargs and compile: they must stay string literals."""
    s = strings
    return {
        "input": {"shape": [5], "dtype": s[0]},
        "layers": [
            {"Dense": {"units": 4, "activation": s[1], "kernel_initializer": s[2],
                       "bias_regularizer": {s[3]: {"l2": 0.1}}}},
            {"Dense": {"units": 2, "kernel_constraint": {"MaxNorm": {"max_value": s[4]}}}},
        ],
        "compile": {"loss": s[5], "optimizer": {s[6]: {}}, "metrics": [s[7], {s[8]: {}}]},
    }


def _write(tmp_path: Path, name: str, model: dict) -> Path:
    path = tmp_path / name
    # PyYAML's emitter escapes every non-printable character, so the payloads load back
    path.write_text(yaml.safe_dump(model, allow_unicode=False, sort_keys=False))
    return path


def _export(model: Path, out: Path, *options: str):
    return cli("export", str(model), "-o", str(out), "--force", *options)


def _blanked(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def _pair(tmp_path: Path, build, options: tuple) -> tuple[str, str]:
    """(hostile script, harmless twin script) of the same model."""
    harmless = [f"safe_{i}" for i in range(len(PAYLOADS))]
    texts = []
    for label, strings in (("hostile", PAYLOADS), ("harmless", harmless)):
        model = _write(tmp_path, f"{label}.yaml", build(strings))
        out = tmp_path / f"{label}.py"
        result = _export(model, out, *options)
        assert result.exit_code == 0, result.output
        texts.append(out.read_text(encoding="utf-8"))
    return texts[0], texts[1]


@pytest.mark.parametrize("build, options", [
    (_model, ("--synthetic",)),
    (_model, ()),  # data paths
    (_model, ("--synthetic", "--mixed-precision", "bfloat16")),
    (_values_model, ("--synthetic",)),
], ids=["names-synthetic", "names-data-paths", "names-mixed", "values"])
def test_hostile_text_only_lands_in_string_literals(tmp_path, build, options):
    hostile, harmless = _pair(tmp_path, build, options)
    assert _blanked(hostile) == _blanked(harmless)
    for line in hostile.splitlines():
        assert all(" " <= char <= "~" for char in line), repr(line)
    names = {node.id for node in ast.walk(ast.parse(hostile)) if isinstance(node, ast.Name)}
    assert "__import__" not in names


def test_hostile_keras_json_keeps_names_exactly(tmp_path):
    model = _write(tmp_path, "hostile.yaml", _model(PAYLOADS))
    out = tmp_path / "model.json"
    result = _export(model, out, "--to", "keras-json")
    assert result.exit_code == 0, result.output
    assert out.read_text().isascii()
    config = json.loads(out.read_text())["config"]
    assert [layer["name"] for layer in config["layers"]][:2] == PAYLOADS[2:4]

    import keras

    built = keras.models.model_from_json(out.read_text())
    assert {layer.name for layer in built.layers} >= set(PAYLOADS[2:10]) - {PAYLOADS[5]}
    assert not (tmp_path / MARKER).exists() and not Path(MARKER).exists()


RUNNER = textwrap.dedent("""
    import json, runpy, sys
    namespace = runpy.run_path("train.py")  # not "__main__": main() does not run
    model = namespace["build_model"]()
    namespace["write_layer_table"](model, "layers.json")
    namespace["compile_model"](model)
    x, y = namespace["make_synthetic_data"](8)
    print(json.dumps([layer.name for layer in model.layers]))
""")


def test_running_a_hostile_script_does_not_run_the_payload(tmp_path):
    model = _write(tmp_path, "hostile.yaml", _model(PAYLOADS))
    result = _export(model, tmp_path / "train.py", "--synthetic")
    assert result.exit_code == 0, result.output
    proc = subprocess.run([sys.executable, "-c", RUNNER], cwd=tmp_path, capture_output=True,
                          text=True, env={"KERAS_BACKEND": "numpy", "PATH": "/usr/bin:/bin"},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (tmp_path / MARKER).exists()
    names = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(PAYLOADS[2:10]) - {PAYLOADS[5]} <= set(names)  # the GRU's name is wrapped


@pytest.mark.parametrize("model", [
    {"input": {"shape": [3]}, "layers": [{"Dense": {"units": 2, "kernel_initializer": {
        "RandomNormal": {"stddev); import os; (x": 1}}}}]},
    {"input": {"shape": [3]}, "layers": [{"Dense": {"units": 2}}],
     "compile": {"loss": "mse", "optimizer": {"Adam": {"lr=0, **{}": 1}}}},
], ids=["initializer-kwarg", "optimizer-kwarg"])
def test_hostile_keyword_names_are_refused_cleanly(tmp_path, model):
    out = tmp_path / "train.py"
    out.write_text("previous contents\n")
    result = _export(_write(tmp_path, "m.yaml", model), out, "--synthetic")
    assert result.exit_code == 1
    assert "export:" in result.stderr and "Traceback" not in result.output
    assert out.read_text() == "previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml", "train.py"]


def test_a_hostile_compile_key_is_set_aside_not_written(tmp_path):
    """A key `compile()` does not take is an NL001 local to `compile:`: the loader sets
    it aside, so even `--force` writes a script without it."""
    model = {"input": {"shape": [3]}, "layers": [{"Dense": {"units": 2}}],
             "compile": {"loss": "mse", "__import__('os')": 1}}
    out = tmp_path / "train.py"
    result = _export(_write(tmp_path, "m.yaml", model), out, "--synthetic")
    assert result.exit_code == 0 and "NL001" in result.stderr, result.output
    source = out.read_text()
    assert "__import__" not in source
    compile(source, str(out), "exec")
