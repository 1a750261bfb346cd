"""The script's data functions: arrays from the `data:` paths, or synthetic ones.

Synthetic arrays have the shapes, dtypes and label encodings the model
expects, so a first run proves that model, loss and training loop fit
together before any real data is at hand.
"""

from __future__ import annotations

from netlint.codegen.emitter import (
    INDENT,
    LINE_WIDTH,
    ExportError,
    Expr,
    Seq,
    assign,
    attr,
    call,
    comment,
    flat,
    literal,
    name,
    quoted,
    render,
)
from netlint.codegen.plan import ArrayPlan, TrainingPlan

LOAD_ARRAY = '''\
def load_array(path, key=None):
    """One array of the `data:` section (paths are relative to the model file).

    An .npy file is memory-mapped: fit() reads each batch from disk as it needs it,
    so data larger than memory trains fine. An .npz archive is a zip file, which
    cannot be memory-mapped, so that array is read into memory.
    """
    full_path = os.path.join(DATA_DIR, path)
    if key is None:
        return np.load(full_path, mmap_mode="r")
    with np.load(full_path) as archive:
        return archive[key]
'''


def _size(plan: ArrayPlan, drop_last: bool = False) -> Seq:
    shape = plan.shape[:-1] if drop_last else plan.shape
    return Seq("tuple", (name("num_samples"),) + tuple(literal(int(d)) for d in shape))


def _astype(expr: Expr, dtype: str) -> Expr:
    return call(attr(expr, "astype"), literal(dtype))


def input_expr(plan: ArrayPlan) -> Expr:
    if plan.kind == "ids":
        ids = call("rng.integers", literal(0), literal(plan.high), size=_size(plan))
        return _astype(ids, plan.dtype)
    if plan.kind == "bool":
        return _astype(call("rng.integers", literal(0), literal(2), size=_size(plan)), "bool")
    return _astype(call("rng.normal", size=_size(plan)), plan.dtype)


def label_expr(plan: ArrayPlan) -> Expr:
    if plan.kind in ("one-hot", "integer"):
        if not plan.high:
            raise ExportError(f"labels of {quoted(plan.name)} need a class count")
        ids = call("rng.integers", literal(0), literal(plan.high), size=_size(plan, True))
        if plan.kind == "integer":
            return ids
        # rows of the identity matrix; keras.utils.to_categorical would drop a last axis of 1
        identity = call("np.eye", literal(plan.high), dtype=literal("float32"))
        return call("np.take", identity, ids, axis=literal(0))
    if plan.kind == "multi-hot":
        return _astype(call("rng.integers", literal(0), literal(2), size=_size(plan)),
                       "float32")
    if plan.activation == "sigmoid":
        return _astype(call("rng.random", size=_size(plan)), "float32")
    if plan.activation == "tanh":
        values = call("rng.uniform", literal(-1.0), literal(1.0), size=_size(plan))
        return _astype(values, "float32")
    return _astype(call("rng.normal", size=_size(plan)), "float32")


def _input_note(plan: ArrayPlan, declared: tuple) -> str:
    what = {"ids": f"integer ids below {plan.high} (the Embedding vocabulary)",
            "bool": "true/false values", "float": "standard-normal values"}[plan.kind]
    note = (f"{quoted(plan.name)}: {what}, dtype {quoted(plan.dtype)}, per-sample shape "
            f"{plan.shape}")
    if None in declared:
        note += "; the free (None) axes get a fixed length here"
    return note


def _label_note(plan: ArrayPlan, loss: object) -> str:
    what = {"one-hot": f"one-hot rows over {plan.high} classes",
            "integer": f"integer class ids below {plan.high}",
            "multi-hot": "independent 0/1 targets",
            "continuous": "continuous targets"}[plan.kind]
    return f"{quoted(plan.name)}: {what}, per-sample shape {plan.shape} (loss {quoted(loss)})"


def _variables(prefix: str, count: int) -> list[str]:
    return [prefix] if count == 1 else [f"{prefix}_{i}" for i in range(count)]


def _returned(names: list[str]) -> Expr:
    return name(names[0]) if len(names) == 1 else Seq("list", tuple(name(n) for n in names))


def _return_line(x_names: list[str], y_names: list[str]) -> list[str]:
    line = f"{INDENT}return {flat(_returned(x_names))}, {flat(_returned(y_names))}"
    if len(line) <= LINE_WIDTH:
        return [line]
    return render(Seq("tuple", (_returned(x_names), _returned(y_names))), INDENT, "return ")


def synthetic_function(plan: TrainingPlan, declared_shapes: dict) -> list[str]:
    lines = [
        "def make_synthetic_data(num_samples):",
        f'{INDENT}"""Random arrays with the shapes, dtypes and label encodings the model '
        'expects.',
        "",
        f"{INDENT}The model learns nothing from noise; a run proves that the model, the loss "
        "and the",
        f"{INDENT}training loop fit together. Replace this with real data (or give `data:` "
        "paths in the",
        f"{INDENT}model file and export without --synthetic).",
        f'{INDENT}"""',
        f"{INDENT}rng = np.random.default_rng(SEED)",
    ]
    x_names = _variables("x", len(plan.inputs))
    for var, array in zip(x_names, plan.inputs):
        lines += comment(_input_note(array, declared_shapes.get(array.name, ())))
        lines += assign([var], input_expr(array))
    y_names = _variables("y", len(plan.labels))
    for var, array, loss in zip(y_names, plan.labels, plan.losses):
        if array.shape is None:
            raise ExportError(f"cannot make synthetic labels for {quoted(array.name)}: its "
                              "output shape is unknown (a layer before it cannot take its "
                              "input)")
        lines += comment(_label_note(array, loss_text(loss)))
        lines += assign([var], label_expr(array))
    lines += _return_line(x_names, y_names)
    return lines


def loss_text(loss: object) -> str:
    if isinstance(loss, dict) and len(loss) == 1:
        return str(next(iter(loss)))
    return str(loss)


def _load_call(array: ArrayPlan, role: str) -> Expr:
    entry = array.entry or {}
    path = entry.get("path")
    if not isinstance(path, str) or not path:
        raise ExportError(f"no data path for {role} {quoted(array.name)} (`path:` in the "
                          f"data entry {quoted(array.entry_key)}); add it to `data:` in the "
                          "model file, or pass --synthetic to train on random arrays of the "
                          "right shapes")
    if path.lower().endswith(".npz"):
        key = entry.get("key") if isinstance(entry.get("key"), str) else array.entry_key
        return call("load_array", literal(path), key=literal(key))
    return call("load_array", literal(path))


def load_function(plan: TrainingPlan) -> list[str]:
    lines = [
        "def load_data():",
        f'{INDENT}"""The arrays the model file names in `data:` (inputs, then labels)."""',
    ]
    x_names = _variables("x", len(plan.inputs))
    for var, array in zip(x_names, plan.inputs):
        lines += assign([var], _load_call(array, "input"))
    y_names = _variables("y", len(plan.labels))
    for var, array in zip(y_names, plan.labels):
        lines += assign([var], _load_call(array, "labels of"))
    lines += _return_line(x_names, y_names)
    return lines
