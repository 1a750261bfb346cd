"""`netlint export`: the lint gate, --force, outputs written safely, options, determinism."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from export_helpers import FIXTURES, ROOT, clean_examples, cli, force_if_keras2

EXAMPLES = clean_examples()
MODELS = EXAMPLES + FIXTURES
HEADS = ROOT / "tests" / "export" / "models" / "functional-heads.yaml"
BUGGY = sorted((ROOT / "examples" / "buggy").glob("*.yaml"))
# softmax over one unit with a categorical loss: lint errors, but shapes that infer fine
ONE_UNIT_SOFTMAX = {"input": {"shape": [4]},
                    "layers": [{"Dense": {"units": 1, "activation": "softmax"}}],
                    "compile": {"loss": "categorical_crossentropy"}}


def _write(path: Path, model: dict) -> Path:
    path.write_text(yaml.safe_dump(model, sort_keys=False))
    return path


def _export(model: Path, out: Path | str, *options: str):
    return cli("export", str(model), "-o", str(out), *options)


def _error_lines(model: Path) -> list[str]:
    from netlint.codegen import lint

    return [f.text() for f in lint(model)[1] if f.severity == "error"]


def _constants(source: str) -> dict:
    """Top-level NAME = literal assignments of a script."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


def _layer_calls(source: str) -> dict:
    """name= of every keras.layers.X(...) call -> {kwarg: literal} (wrapped layers too)."""
    calls = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("keras.layers."):
            kwargs = {k.arg: k.value for k in node.keywords}
            if "name" in kwargs:
                calls[ast.literal_eval(kwargs["name"])] = {
                    k: ast.literal_eval(v) for k, v in kwargs.items()
                    if isinstance(v, ast.Constant)}
    return calls


# -- the lint gate --------------------------------------------------------------------

@pytest.mark.parametrize("model", [p for p in BUGGY if _error_lines(p)],
                         ids=lambda p: p.name)
def test_models_with_lint_errors_are_refused(model, tmp_path):
    out = tmp_path / "train.py"
    result = _export(model, out, "--synthetic")
    assert result.exit_code == 1
    for line in _error_lines(model):
        assert line in result.stderr
    assert "not exporting" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_force_exports_despite_errors_and_says_so(tmp_path):
    model = _write(tmp_path / "one-unit.yaml", ONE_UNIT_SOFTMAX)
    errors = _error_lines(model)
    assert errors, "the fixture must have lint errors for this test to mean anything"
    out = tmp_path / "train.py"
    assert _export(model, out, "--synthetic").exit_code == 1 and not out.exists()
    result = _export(model, out, "--synthetic", "--force")
    assert result.exit_code == 0, result.output
    assert all(line in result.stderr for line in errors) and "--force" in result.stderr
    ast.parse(out.read_text())


def test_a_file_without_a_model_is_refused_even_when_forced(tmp_path):
    model = tmp_path / "broken.yaml"
    model.write_text("layers: [Dense: {units: 1}\n")
    result = _export(model, tmp_path / "train.py", "--force", "--synthetic")
    assert result.exit_code == 1 and "NL001" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "train.py").exists()


# -- where the output goes ------------------------------------------------------------

def test_missing_model_file_is_a_usage_error(tmp_path):
    result = _export(tmp_path / "nope.yaml", tmp_path / "train.py")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_output_never_overwrites_the_model_file(tmp_path):
    model = tmp_path / "model.yaml"
    model.write_bytes(HEADS.read_bytes())
    result = _export(model, model, "--synthetic")
    assert result.exit_code == 2 and "model file itself" in result.stderr
    assert model.read_bytes() == HEADS.read_bytes()
    os.symlink(model, tmp_path / "link.py")
    assert _export(model, tmp_path / "link.py", "--synthetic").exit_code == 2
    assert model.read_bytes() == HEADS.read_bytes()


@pytest.mark.parametrize("where", ["missing/train.py", "folder"])
def test_unwritable_outputs_are_usage_errors(tmp_path, where):
    (tmp_path / "folder").mkdir()
    result = _export(HEADS, tmp_path / where, "--synthetic")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_failed_export_leaves_an_existing_output_alone(tmp_path):
    out = tmp_path / "train.py"
    out.write_text("my edited script\n")
    result = _export(ROOT / "examples" / "lstm-units.yaml", out)  # no data paths, no --synthetic
    assert result.exit_code == 1 and "--synthetic" in result.stderr
    assert out.read_text() == "my edited script\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]  # no temporary left


def test_replacing_an_output_keeps_its_permissions(tmp_path):
    out = tmp_path / "train.py"
    out.write_text("old\n")
    out.chmod(0o750)
    assert _export(HEADS, out, "--synthetic").exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o750 and out.read_text() != "old\n"


def test_dash_writes_the_script_to_stdout_only(tmp_path):
    result = _export(HEADS, "-", "--synthetic")
    assert result.exit_code == 0 and result.stderr == ""
    assert _export(HEADS, tmp_path / "train.py", "--synthetic").exit_code == 0
    assert result.stdout == (tmp_path / "train.py").read_text()


# -- what the script holds ------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_scripts_are_tidy_python(model, tmp_path):
    out = tmp_path / "train.py"
    assert _export(model, out, "--synthetic", *force_if_keras2(model)).exit_code == 0
    text = out.read_text()
    compile(text, str(out), "exec")
    assert text.endswith("\n") and not text.endswith("\n\n")
    for line in text.splitlines():
        assert len(line) <= 99 and line == line.rstrip() and line.isascii(), repr(line)
    source = text.split("import keras", 1)
    assert 'os.environ.setdefault("KERAS_BACKEND", "jax")' in source[0]  # before the import
    assert "keras.utils.set_random_seed(SEED)" in text and "model.summary()" in text
    names = {n["name"] for n in _summary_layers(model)}
    assert names <= set(_layer_calls(text)) | _input_names(text)


def _summary_layers(model: Path) -> list:
    from export_helpers import netlint_summary

    return netlint_summary(model)["layers"]


def _input_names(source: str) -> set:
    return {ast.literal_eval(k.value) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "keras.Input"
            for k in node.keywords if k.arg == "name"}


def test_options_reach_the_script(tmp_path):
    out = tmp_path / "train.py"
    result = _export(HEADS, out, "--synthetic", "--backend", "torch", "--epochs", "7",
                     "--batch-size", "24")
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert 'os.environ.setdefault("KERAS_BACKEND", "torch")' in text
    constants = _constants(text)
    assert (constants["EPOCHS"], constants["BATCH_SIZE"]) == (7, 24)
    assert _export(HEADS, out, "--synthetic").exit_code == 0
    assert (_constants(out.read_text())["EPOCHS"], _constants(out.read_text())["BATCH_SIZE"]) \
        == (3, 16)  # functional-heads.yaml's train: section


def test_a_fixed_batch_size_wins_and_conflicts_are_refused(tmp_path):
    model = ROOT / "examples" / "conv1d-lstm-timeseries.yaml"
    fixed = yaml.safe_load(model.read_text())["input"]["batch_size"]
    out = tmp_path / "train.py"
    assert _export(model, out, "--synthetic").exit_code == 0
    text = out.read_text()
    assert _constants(text)["BATCH_SIZE"] == fixed and "use_all_devices" not in text
    result = _export(model, out, "--synthetic", "--batch-size", str(fixed + 1))
    assert result.exit_code == 1 and "fixed batch size" in result.stderr


def test_stateful_models_keep_their_order(tmp_path):
    model = ROOT / "tests" / "export" / "models" / "stateful-lstm.yaml"
    out = tmp_path / "train.py"
    assert _export(model, out, "--synthetic").exit_code == 0
    text = out.read_text()
    assert "shuffle=False" in text and "ResetRNNStates()" in text


@pytest.mark.parametrize("precision", ["float16", "bfloat16"])
def test_mixed_precision_keeps_outputs_in_float32(tmp_path, precision):
    out = tmp_path / "train.py"
    assert _export(HEADS, out, "--synthetic", "--mixed-precision", precision).exit_code == 0
    text = out.read_text()
    assert _constants(text)["MIXED_PRECISION_POLICY"] == f"mixed_{precision}"
    assert "keras.mixed_precision.set_global_policy(MIXED_PRECISION_POLICY)" in text
    calls = _layer_calls(text)
    outputs = yaml.safe_load(HEADS.read_text())["outputs"]
    assert all(calls[name].get("dtype") == "float32" for name in outputs)
    assert all("dtype" not in kw for name, kw in calls.items() if name not in outputs)


def test_missing_compile_is_chosen_from_the_output_and_said(tmp_path):
    out = tmp_path / "train.py"
    model = ROOT / "tests" / "export" / "models" / "keras2-no-compile.yaml"
    refused = _export(model, out, "--synthetic")  # Keras 3 refuses its Keras 2 spellings
    assert refused.exit_code == 1 and "NL901 [error]" in refused.stderr
    assert _export(model, out, "--synthetic", "--force").exit_code == 0
    text = out.read_text()
    assert "no `compile:` loss" in text
    assert 'loss="categorical_crossentropy"' in text and "keras.optimizers.Adam()" in text


RNN_SETTINGS = [
    ("LSTM", {"activation": "relu"}, "activation"),
    ("LSTM", {"recurrent_activation": "hard_sigmoid"}, "recurrent_activation"),
    ("GRU", {"recurrent_dropout": 0.1}, "recurrent_dropout"),
    ("LSTM", {"unroll": True}, "unroll"),
    ("GRU", {"use_bias": False}, "use_bias"),
    ("GRU", {"reset_after": False}, "reset_after"),
]


@pytest.mark.parametrize("cls, kwargs, setting", RNN_SETTINGS)
def test_rnn_settings_off_the_cudnn_path_are_explained(tmp_path, cls, kwargs, setting):
    model = {"input": {"shape": [10, 3]}, "layers": [
        {cls: {"units": 4, "return_sequences": True, "name": "fast"}},
        {"Bidirectional": {"layer": {cls: {"units": 4, "name": "slow", **kwargs}}}},
        {"Dense": {"units": 1}}], "compile": {"loss": "mse"}}
    out = tmp_path / "train.py"
    result = _export(_write(tmp_path / "rnn.yaml", model), out, "--synthetic", "--force")
    assert result.exit_code == 0, result.output
    text = " ".join(line.strip(" #") for line in out.read_text().splitlines()
                    if line.strip().startswith("#"))
    assert '"slow"' in text and setting in text and '"fast"' not in text
    assert text.count("GPU:") == 1  # one note, above the Bidirectional that holds it
    findings = {f.code for f in _lint(tmp_path / "rnn.yaml")}
    assert "NL204" in findings  # the rule says it at lint time too


def _lint(model: Path) -> list:
    from netlint.codegen import lint

    return lint(model)[1]


# -- determinism ----------------------------------------------------------------------

def test_exports_are_byte_identical_across_runs_and_hash_seeds(tmp_path):
    first = _export(HEADS, "-", "--synthetic").stdout
    assert _export(HEADS, "-", "--synthetic").stdout == first
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for target in ("script", "keras-json"):
            proc = subprocess.run(
                [sys.executable, "-m", "netlint.cli", "export", str(HEADS), "-o", "-",
                 "--synthetic", "--to", target], capture_output=True, env=env, cwd=tmp_path,
                timeout=120)
            assert proc.returncode == 0, proc.stderr
            expected = first if target == "script" else \
                _export(HEADS, "-", "--to", "keras-json").stdout
            assert proc.stdout.decode() == expected


def test_other_backends_skip_the_distribution_api(capsys):
    # keras.distribution has no device list on torch (or numpy, which these tests run on)
    import keras

    result = _export(HEADS, "-", "--synthetic", "--backend", "torch")
    namespace = {"__name__": "exported_script", "__file__": "train.py"}
    exec(compile(result.stdout, "train.py", "exec"), namespace)
    assert keras.backend.backend() != "jax"
    assert namespace["use_all_devices"](8) == 8
    assert "default device" in capsys.readouterr().out


def test_free_axes_take_their_length_from_the_data_entry(tmp_path):
    model = {"input": {"shape": [None, 3]}, "layers": [
        {"Conv1D": {"filters": 2, "kernel_size": 40}}, "GlobalMaxPooling1D",
        {"Dense": {"units": 1}}], "compile": {"loss": "mse"}}
    out = tmp_path / "train.py"
    result = _export(_write(tmp_path / "free.yaml", model), out, "--synthetic")
    assert result.exit_code == 1 and "data.x.shape" in result.stderr and not out.exists()
    model["data"] = {"x": {"shape": [100, 50, 3]}}
    assert _export(_write(tmp_path / "free.yaml", model), out, "--synthetic").exit_code == 0
    assert "size=(num_samples, 50, 3)" in out.read_text()
