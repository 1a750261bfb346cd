"""The exported script is fast on a GPU by default, proved without one.

The script asks its backend for GPUs when it starts (find_gpus), so these tests
run its own main() with that backend's device query replaced by simulated devices
(fake `jax`, `tensorflow` and `torch` modules, as the data-parallel training test
simulates CPU devices with XLA's flag), and stop it once the precision is set: the
policy chosen and the lines printed are what is checked. The cuDNN notes, the
steps per execution and the memory-mapped input pipeline are checked the same way,
by running the script's functions; one run (marked slow) trains through the
pipeline on JAX.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import SimpleNamespace

import keras
import numpy as np
import pytest
import yaml

from export_helpers import ROOT, cli, script_env

HEADS = ROOT / "tests" / "export" / "models" / "functional-heads.yaml"
RNN_MODEL = {"input": {"shape": [10]}, "layers": [
    {"Embedding": {"input_dim": 20, "output_dim": 4, "name": "tokens"}},
    {"LSTM": {"units": 4, "name": "rnn"}},
    {"Dense": {"units": 1, "name": "out"}}], "compile": {"loss": "mse"}}


class Stop(Exception):
    """Raised where main() would go on to build the model: the precision is set by then."""


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    keras.mixed_precision.set_global_policy("float32")


def _write(path: Path, model: dict) -> Path:
    path.write_text(yaml.safe_dump(model, sort_keys=False))
    return path


def _export(model: Path, *options: str, force: bool = False) -> str:
    result = cli("export", str(model), "-o", "-", *options, *(["--force"] if force else []))
    assert result.exit_code == 0, result.output
    return result.stdout


def _load(text: str) -> dict:
    namespace = {"__name__": "exported_script", "__file__": "train.py"}
    exec(compile(text, "train.py", "exec"), namespace)
    return namespace


def _rnn_model(tmp_path: Path, mask: bool = False, **lstm: object) -> Path:
    model = yaml.safe_load(yaml.safe_dump(RNN_MODEL))
    model["layers"][0]["Embedding"]["mask_zero"] = mask
    model["layers"][1]["LSTM"].update(lstm)
    return _write(tmp_path / "rnn.yaml", model)


# -- simulated devices ----------------------------------------------------------------

def _jax(*gpus: tuple) -> SimpleNamespace:
    """jax with a CPU and the given (name, compute capability) GPUs."""
    devices = [SimpleNamespace(platform="cpu", device_kind="cpu")] + [
        SimpleNamespace(platform="gpu", device_kind=name, compute_capability=cc)
        for name, cc in gpus]
    return SimpleNamespace(devices=lambda: devices)


def _tensorflow(*gpus: tuple) -> SimpleNamespace:
    physical = [SimpleNamespace(name=f"/physical_device:GPU:{i}", cc=cc)
                for i, (_, cc) in enumerate(gpus)]
    config = SimpleNamespace(
        list_physical_devices=lambda kind: physical if kind == "GPU" else [],
        experimental=SimpleNamespace(
            get_device_details=lambda gpu: {"compute_capability": gpu.cc}))
    return SimpleNamespace(config=config)


def _torch(*gpus: tuple) -> SimpleNamespace:
    cuda = SimpleNamespace(is_available=lambda: bool(gpus), device_count=lambda: len(gpus),
                           get_device_name=lambda i: gpus[i][0],
                           get_device_capability=lambda i: gpus[i][1])
    return SimpleNamespace(cuda=cuda)


def _start(text: str, monkeypatch, backend: str, module: object | None) -> tuple[dict, str]:
    """Run main() with `module` as the backend's library, up to where it builds the model."""
    namespace = _load(text)
    monkeypatch.setattr(keras.backend, "backend", lambda: backend)
    if module is not None:
        monkeypatch.setitem(sys.modules, backend, module)

    def stop(batch_size):
        raise Stop

    namespace["use_all_devices"] = stop
    with pytest.raises(Stop):
        namespace["main"]([])
    return namespace, keras.mixed_precision.global_policy().name


H100, A100, T4, V100 = ("NVIDIA H100", "9.0"), ("NVIDIA A100", "8.0"), ("Tesla T4", "7.5"), \
    ("Tesla V100", "7.0")
DEVICES = [  # backend, its library, the policy expected, words the reason holds
    ("jax", _jax(), "float32", "no GPU found"),
    ("jax", _jax(H100), "mixed_bfloat16", "NVIDIA H100 has compute capability 9.0"),
    ("jax", _jax(A100), "mixed_bfloat16", "capability 8.0 (8.0 or more)"),
    ("jax", _jax(T4), "mixed_float16", "Tesla T4 has compute capability 7.5 (below 8.0"),
    ("jax", _jax(A100, V100), "mixed_float16", "Tesla V100"),  # the weakest GPU decides
    ("jax", _jax(("Some GPU", None)), "float32", "reports no compute capability"),
    ("tensorflow", _tensorflow(), "float32", "no GPU found"),
    ("tensorflow", _tensorflow(("gpu", (8, 6))), "mixed_bfloat16", "capability 8.6"),
    ("tensorflow", _tensorflow(("gpu", (6, 1))), "mixed_float16", "capability 6.1"),
    ("torch", _torch(), "float32", "no GPU found"),
    ("torch", _torch(("NVIDIA L4", (8, 9))), "mixed_bfloat16", "NVIDIA L4"),
    ("torch", _torch(("Tesla P100", (6, 0))), "mixed_float16", "Tesla P100"),
    ("numpy", None, "float32", "no GPU found"),
]


@pytest.mark.parametrize("backend, module, policy, words", DEVICES,
                         ids=[f"{d[0]}-{d[2]}-{i}" for i, d in enumerate(DEVICES)])
def test_the_precision_follows_the_device_found(monkeypatch, capsys, backend, module, policy,
                                                words):
    _, chosen = _start(_export(HEADS, "--synthetic"), monkeypatch, backend, module)
    out = capsys.readouterr().out
    assert chosen == policy
    assert f"Precision: {policy}, chosen at start-up: " in out and words in out, out


def test_float16_is_loss_scaled_by_keras_and_outputs_stay_float32(monkeypatch):
    namespace, chosen = _start(_export(HEADS, "--synthetic"), monkeypatch, "jax", _jax(T4))
    assert chosen == "mixed_float16"
    model = namespace["build_model"]()
    namespace["compile_model"](model)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    outputs = set(yaml.safe_load(HEADS.read_text())["outputs"])
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers
                if not isinstance(layer, keras.layers.InputLayer)}
    assert {policies[name] for name in outputs} == {"float32"}
    assert {p for name, p in policies.items() if name not in outputs} == {"mixed_float16"}


def test_mixed_precision_at_export_wins_over_the_device(monkeypatch, capsys):
    text = _export(HEADS, "--synthetic", "--mixed-precision", "float16")
    assert "def find_gpus" not in text  # nothing is asked of the device
    _, chosen = _start(text, monkeypatch, "jax", _jax(H100))
    assert chosen == "mixed_float16"
    assert "Precision: mixed_float16, set by --mixed-precision float16 at export" in \
        capsys.readouterr().out


@pytest.mark.parametrize("dtype, policy, words", [
    ("mixed_bfloat16", "mixed_bfloat16", 'set by the model file (dtype "mixed_bfloat16" on '
                                         'layer "rnn")'),
    ("float64", "float32", 'the model file gives its layers their own dtypes ("float64" on '
                           'layer "rnn")'),
])
def test_a_dtype_policy_in_the_model_file_wins_over_the_device(tmp_path, monkeypatch, capsys,
                                                               dtype, policy, words):
    text = _export(_rnn_model(tmp_path, dtype=dtype), "--synthetic")
    assert "def find_gpus" not in text
    _, chosen = _start(text, monkeypatch, "torch", _torch(("NVIDIA T4", (7, 5))))
    assert chosen == policy
    assert f"Precision: {policy}, {words}" in capsys.readouterr().out


def test_a_float32_layer_leaves_the_choice_to_the_device(tmp_path, monkeypatch):
    # `dtype: float32` on an output is what mixed precision asks for: no reason to decide
    text = _export(_rnn_model(tmp_path, dtype="float32"), "--synthetic")
    assert _start(text, monkeypatch, "jax", _jax(H100))[1] == "mixed_bfloat16"


# -- cuDNN ----------------------------------------------------------------------------

def _comments(text: str) -> str:
    return " ".join(line.strip(" #") for line in text.splitlines()
                    if line.strip().startswith("#"))


def _slow_lines(namespace: dict, monkeypatch, capsys, backend: str) -> list[str]:
    monkeypatch.setattr(keras.backend, "backend", lambda: backend)
    capsys.readouterr()
    namespace["report_slow_rnns"]()
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("cuDNN:")]


def test_a_masked_lstm_says_so_in_a_comment_and_at_start_up(tmp_path, monkeypatch, capsys):
    text = _export(_rnn_model(tmp_path, mask=True), "--synthetic")
    comments = _comments(text)
    assert 'GPU: "rnn" (LSTM) cannot use the fused cuDNN kernel because of a mask ' \
           "(mask_zero: true on Embedding 'tokens')" in comments
    assert "TensorFlow keeps cuDNN for right-padded sequences" in comments
    namespace = _load(text)
    for backend in ("jax", "torch"):
        lines = _slow_lines(namespace, monkeypatch, capsys, backend)
        assert len(lines) == 1 and "'rnn'" in lines[0] and "a mask" in lines[0], lines
    assert _slow_lines(namespace, monkeypatch, capsys, "tensorflow") == []
    assert "    report_slow_rnns()" in text.split("def main", 1)[1]


@pytest.mark.parametrize("lstm, words", [
    ({"activation": "relu"}, "activation: relu (cuDNN needs tanh)"),
    ({"unroll": True}, "unroll: true"),
    ({"recurrent_dropout": 0.25}, "recurrent_dropout: 0.25"),
    ({"use_cudnn": False}, "use_cudnn: false"),
])
def test_settings_off_cudnn_are_said_on_every_backend(tmp_path, monkeypatch, capsys, lstm,
                                                      words):
    text = _export(_rnn_model(tmp_path, mask=True, **lstm), "--synthetic", force=True)
    assert words in _comments(text) and "a mask" not in _comments(text)
    namespace = _load(text)
    for backend in ("jax", "tensorflow", "torch"):
        lines = _slow_lines(namespace, monkeypatch, capsys, backend)
        assert len(lines) == 1 and words in lines[0], lines


def test_an_rnn_on_the_cudnn_path_gets_no_note(tmp_path):
    text = _export(_rnn_model(tmp_path), "--synthetic")
    assert "SLOW_RNNS" not in text and "report_slow_rnns" not in text
    assert "GPU:" not in _comments(text)


# -- keeping the device busy ----------------------------------------------------------

def _compile_call(text: str) -> dict:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "model.compile":
            return {kw.arg: ast.unparse(kw.value) for kw in node.keywords}
    raise AssertionError("no model.compile call")


def test_small_models_run_several_steps_per_execution(tmp_path):
    assert _compile_call(_export(_rnn_model(tmp_path), "--synthetic"))[
        "steps_per_execution"] == "16"
    big = {"input": {"shape": [2000]}, "layers": [{"Dense": {"units": 1000}},
                                                  {"Dense": {"units": 1}}],
           "compile": {"loss": "mse"}}
    assert "steps_per_execution" not in _compile_call(
        _export(_write(tmp_path / "big.yaml", big), "--synthetic"))
    own = {**big, "layers": [{"Dense": {"units": 1}}],
           "compile": {"loss": "mse", "steps_per_execution": 4, "jit_compile": False}}
    text = _export(_write(tmp_path / "own.yaml", own), "--synthetic")
    assert _compile_call(text)["steps_per_execution"] == "4"
    assert "turns XLA off" in _comments(text)


def test_batch_sizes_that_fill_tensor_cores_are_suggested_not_forced(tmp_path):
    text = _export(_rnn_model(tmp_path), "--synthetic", "--batch-size", "20")
    assert "20 is not a multiple of 8: 16 or 24" in _comments(text)
    assert "BATCH_SIZE = 20" in text


def _data_model(tmp_path: Path, count: int = 40) -> Path:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.integers(0, 20, size=(count, 10)).astype("float32"))
    np.save(tmp_path / "y.npy", rng.normal(size=(count, 1)).astype("float32"))
    model = {**RNN_MODEL, "data": {"x": {"path": "x.npy"}, "y": {"path": "y.npy"}},
             "train": {"batch_size": 8}}
    return _write(tmp_path / "model.yaml", model)


def test_data_larger_than_memory_is_streamed_in_whole_batches(tmp_path, monkeypatch):
    model = _data_model(tmp_path)
    text = _export(model)
    namespace = _load(text)
    namespace["DATA_DIR"] = str(tmp_path)
    x, y = namespace["load_data"]()
    assert isinstance(x, np.memmap) and isinstance(y, np.memmap)
    train, validation = namespace["split_validation"](x, y, 0.2, 8)
    small = namespace["input_pipeline"](train, validation, 8, shuffle=True)
    assert small["x"] is train[0] and small["batch_size"] == 8  # fits: fit() slices them
    namespace["physical_memory"] = lambda: 1024  # a machine with 1 KiB of memory
    streamed = namespace["input_pipeline"](train, validation, 8, shuffle=True)
    batches = streamed["x"]
    assert isinstance(batches, keras.utils.PyDataset) and len(batches) == 4
    seen = []
    for index in range(len(batches)):
        bx, by = batches[index]
        assert bx.shape == (8, 10) and by.shape == (8, 1) and not isinstance(bx, np.memmap)
        start = int(np.flatnonzero((np.asarray(x[:32]) == bx[0]).all(axis=1))[0])
        assert np.array_equal(bx, x[start:start + 8])  # one contiguous slice
        seen.append(start)
    assert sorted(seen) == [0, 8, 16, 24]
    orders = [list(batches.order)]
    for _ in range(3):
        batches.on_epoch_end()
        orders.append(list(batches.order))
    assert len({tuple(o) for o in orders}) > 1  # a new batch order each epoch
    assert list(streamed["validation_data"].order) == [0]  # held-out batches in order


@pytest.mark.slow
def test_the_streamed_pipeline_in_a_training_run(tmp_path):
    """One real run (JAX on CPU): memory-mapped files streamed through the PyDataset,
    16 steps per execution, the precision chosen for the CPU."""
    import subprocess

    script = tmp_path / "train.py"
    result = cli("export", str(_data_model(tmp_path, count=80)), "-o", str(script))
    assert result.exit_code == 0, result.output
    runner = ("import runpy, sys; script = runpy.run_path('train.py'); "
              "script['main'].__globals__['physical_memory'] = lambda: 1; "
              "script['main'](['--epochs', '2'])")
    proc = subprocess.run([sys.executable, "-c", runner], cwd=tmp_path, env=script_env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Precision: float32, chosen at start-up: no GPU found" in proc.stdout
    assert "streaming batches from them (MemmapBatches" in proc.stdout
    assert "Epoch 2/2" in proc.stdout and "Saved the trained model" in proc.stdout


# -- safety ---------------------------------------------------------------------------

def _hostile_model(strings: list[str]) -> dict:
    s = strings
    return {"input": {"shape": [10]}, "layers": [
        {"Embedding": {"input_dim": 20, "output_dim": 4, "mask_zero": True, "name": s[0]}},
        {"LSTM": {"units": 4, "return_sequences": True, "name": s[1]}},
        {"GRU": {"units": 4, "activation": s[2], "name": s[3], "dtype": "mixed_float16"}},
        {"Dense": {"units": 1, "name": s[4]}}], "compile": {"loss": "mse"}}


def test_hostile_names_in_gpu_notes_stay_in_string_literals(tmp_path):
    from test_export_safety import _blanked, _pair

    hostile, harmless = _pair(tmp_path, _hostile_model, ("--synthetic",))
    assert _blanked(hostile) == _blanked(harmless)
    assert "SLOW_RNNS" in hostile and "PRECISION_REASON" in hostile
    for line in hostile.splitlines():
        assert all(" " <= char <= "~" for char in line), repr(line)
