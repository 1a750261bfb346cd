"""Model files the benchmarks run on, written as a user would write them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPICAL = ROOT / "examples" / "mnist-convnet.yaml"


def chain(layers: int) -> str:
    """A Sequential stack of `layers` layers: Dense blocks with a Dropout every third."""
    lines = ["netlint: 1", f"description: a chain of {layers} layers",
             "input: {shape: [64], axes: [features]}", "layers:"]
    for index in range(layers - 1):
        if index % 3 == 2:
            lines.append("  - Dropout: {rate: 0.1}")
        else:
            lines.append(f"  - Dense: {{units: {32 + 32 * (index % 2)}, activation: relu}}")
    lines.append("  - Dense: {units: 10, activation: softmax}")
    lines += ["compile: {loss: categorical_crossentropy, optimizer: adam, metrics: [accuracy]}",
              "data:", "  x: {shape: [1000, 64], range: [0, 1]}",
              "  y: {shape: [1000, 10], encoding: one-hot}", ""]
    return "\n".join(lines)


def branches(count: int) -> str:
    """A functional model: `count` Conv1D -> pooling -> Dense branches over one input,
    concatenated into a 10-way head (3 * count + 2 layers)."""
    lines = ["netlint: 1", f"description: {count} parallel branches",
             "inputs:", "  series: {shape: [128, 16], axes: [time, features]}", "layers:"]
    ends = []
    for index in range(count):
        kernel = 3 + 2 * (index % 4)
        lines += [f"  - Conv1D: {{filters: 16, kernel_size: {kernel}, activation: relu, "
                  f"name: conv_{index}}}", "    from: series",
                  f"  - GlobalMaxPooling1D: {{name: pool_{index}}}",
                  f"  - Dense: {{units: 8, activation: relu, name: branch_{index}}}"]
        ends.append(f"branch_{index}")
    lines += ["  - Concatenate: {name: merged}", f"    from: [{', '.join(ends)}]",
              "  - Dense: {units: 10, activation: softmax, name: classes}",
              "outputs: [classes]",
              "compile: {loss: categorical_crossentropy, optimizer: adam}", ""]
    return "\n".join(lines)


def recurrent(timesteps: int) -> str:
    """Two stacked LSTMs over `timesteps` steps: what the unrolled diagram draws. The
    long-sequence advice (NL202, an error past 2,000 steps, drawn on the layer) is
    disabled, so the drawings differ only in the number T itself."""
    return "\n".join([
        "netlint: 1", f"description: {timesteps} timesteps",
        f"input: {{shape: [{timesteps}, 8], axes: [time, features]}}", "layers:",
        "  - LSTM: {units: 16, return_sequences: true}  # netlint: disable=NL202",
        "  - LSTM: {units: 16}  # netlint: disable=NL202",
        "  - Dense: {units: 1}", ""])


_FAMILIES = (
    lambda i: [f"input: {{shape: [{20 + i % 50}], axes: [features]}}", "layers:",
               f"  - Dense: {{units: {16 + i % 64}, activation: relu}}",
               "  - Dropout: {rate: 0.2}",
               f"  - Dense: {{units: {8 + i % 16}, activation: relu}}",
               f"  - Dense: {{units: {2 + i % 9}, activation: softmax}}",
               "compile: {loss: categorical_crossentropy, optimizer: adam, "
               "metrics: [accuracy]}"],
    lambda i: [f"input: {{shape: [{30 + i % 100}, {1 + i % 8}], axes: [time, features]}}",
               "layers:",
               f"  - LSTM: {{units: {8 + i % 32}, return_sequences: true}}",
               f"  - LSTM: {{units: {8 + i % 16}}}",
               "  - Dense: {units: 1}",
               "compile: {loss: mse, optimizer: {Adam: {learning_rate: 0.001}}}",
               "train: {batch_size: 32, epochs: 10}"],
    lambda i: [f"input: {{shape: [{28 + i % 8}, {28 + i % 8}, 1]}}", "layers:",
               f"  - Conv2D: {{filters: {8 + i % 24}, kernel_size: 3, activation: relu}}",
               "  - MaxPooling2D: {pool_size: 2}",
               "  - Flatten: {}",
               f"  - Dense: {{units: {10}, activation: softmax}}",
               "compile: {loss: categorical_crossentropy, optimizer: adam}"],
)


def many(folder: Path, count: int) -> list:
    """Write `count` small, varied, clean model files into `folder`; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        body = _FAMILIES[index % len(_FAMILIES)](index)
        path = folder / f"model_{index:05d}.yaml"
        path.write_text("\n".join(["netlint: 1", f"name: model-{index}", *body, ""]))
        paths.append(path)
    return paths


def keras_script(model_file: Path) -> str:
    """Python that builds the same model with Keras (and prints its summary): what a
    user runs today to see the shapes. Generated from the loaded netlint model."""
    from netlint.loader import load

    loaded = load(model_file)
    model = loaded.model
    if model is None or not model.sequential or len(model.inputs) != 1:
        raise ValueError(f"{model_file}: the Keras baseline handles one-input Sequential "
                         "models")
    lines = ["import os", "os.environ.setdefault('KERAS_BACKEND', 'numpy')", "import keras",
             "model = keras.Sequential([",
             f"    keras.Input(shape={tuple(model.inputs[0].shape)!r}),"]
    for layer in model.layers:
        lines.append(f"    {_layer_call(layer)},")
    lines.append("])")
    if model.compile is not None:
        compile_args = {k: v for k, v in model.compile.values.items()
                        if k in ("loss", "optimizer", "metrics") and isinstance(v, (str, list))}
        lines.append(f"model.compile(**{compile_args!r})")
    lines.append("model.summary()")
    return "\n".join(lines) + "\n"


def _layer_call(layer: object) -> str:
    kwargs = dict(layer.kwargs)  # type: ignore[attr-defined]
    parts = [f"{key}={value!r}" for key, value in sorted(kwargs.items())
             if key not in ("layer",)]
    if layer.wrapped is not None:  # type: ignore[attr-defined]
        parts.insert(0, f"layer={_layer_call(layer.wrapped)}")  # type: ignore[attr-defined]
    return f"keras.layers.{layer.class_name}({', '.join(parts)})"  # type: ignore[attr-defined]


def dense_chain(layers: int) -> str:
    """A Sequential chain of `layers` Dense layers (the last a 10-way softmax)."""
    lines = ["netlint: 1", f"description: {layers} Dense layers in a row",
             "input: {shape: [64], axes: [features]}", "layers:"]
    lines += [f"  - Dense: {{units: {16 + 16 * (index % 2)}, activation: relu}}"
              for index in range(layers - 1)]
    lines += ["  - Dense: {units: 10, activation: softmax}",
              "compile: {loss: categorical_crossentropy, optimizer: adam}", ""]
    return "\n".join(lines)


def residual(layers: int) -> str:
    """A functional model of `layers` layers: a stem, then blocks Dense -> Dense -> Add
    (the block's input skips to the Add), wired with `from:` where a layer does not take
    the one before it. Names only where `from:` needs them, so 21,000 layers stay within
    the loader's 150,000 values. `{units: 16}`, not the shorthand `- Dense: 16`: the
    loader re-validates a rewritten positional argument in a document as long as the
    layer's index (loader/normalised.py `_nest`), quadratic in the layers (4,000: 18 s)."""
    # one value more per block (activation: relu) and 21,000 layers are past the limit
    lines = ["# netlint: disable-file=NL601  # each block's two Dense layers are linear",
             "netlint: 1", f"description: {layers} layers in residual blocks",
             "inputs:", "  x: {shape: [16], axes: [features]}", "layers:",
             "  - Dense: {units: 16, name: s}", "    from: x"]
    previous, count, block = "s", 1, 0
    while count + 3 <= layers - 1:
        lines += ["  - Dense: {units: 16}", f"  - Dense: {{units: 16, name: b{block}}}",
                  f"  - Add: {{name: s{block}}}", f"    from: [{previous}, b{block}]"]
        previous, count, block = f"s{block}", count + 3, block + 1
    lines += ["  - Dense: {units: 16}"] * (layers - 1 - count)
    lines += ["  - Dense: {units: 1, name: head}", "outputs: [head]",
              "compile: {loss: mse, optimizer: adam}", ""]
    return "\n".join(lines)
