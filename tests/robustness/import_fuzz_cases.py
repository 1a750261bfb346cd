"""Hostile inputs for `netlint import`, made deterministically from a seed, and the
invariant each must keep.

Used by tests/robustness/test_import_fuzz.py (a few hundred cases) and by
bench/import_fuzz.py (20,000 and more). The seeds are real Keras saves: models
built with keras here (a compiled Sequential, a functional two-input model with
a nested Sequential head, an RNN with a mask, a Lambda and a keras.ops node),
each as `to_json()` and as a `.keras` file, and the hand-written Keras 2 configs
of tests/ecosystem/data. Kinds of case:

* json: one to four mutations of a seed's parsed config, written back as JSON:
  a key deleted, a value swapped for one of another type (null, strings, huge
  and negative numbers, NaN, containers), nested hundreds deep, an integer of
  thousands of digits, a list made shorter or longer, unicode (lone surrogates,
  bidi and control characters, long text), a layer's class swapped, layers
  duplicated or shuffled;
* text: the JSON text itself truncated, a byte flipped, junk inserted;
* keras: a mutated config.json inside a seed's .keras zip;
* zip: the zip itself damaged: a member missing, bzip2/LZMA compression, a
  header that lies about sizes, truncation, a bloated list of members.

`problems(path)` is the invariant: import_model returns, or raises ImportFailed
with one line that names the file; never anything else.
"""

from __future__ import annotations

import copy
import io
import json
import random
import re
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KERAS2_SEEDS = sorted((ROOT / "tests" / "ecosystem" / "data").glob("keras2-*.json"))
# Placeholders written as strings, then spliced into the JSON text: json.dumps cannot
# write an int past Python's digit limit, and recurses on deep nesting.
HUGE = "\x00huge:"
DEEP = "\x00deep:"
HOSTILE_VALUES = (
    None, True, False, 0, -1, 1, 2, 3, -7, 1.5, -0.0, 1e308, -1e308, float("nan"),
    float("inf"), 2**31, 2**63, -(2**63), 10**30, "", " ", "x", "relu", "Dense", "Sequential",
    "__keras_tensor__", "keras.src.ops.numpy", "float32", "\u202eevil", "\x1b[31mred",
    "a\nb", "\x00", "\ud800", "\udfff", "\U0001f600", "é中文", "x" * 5000, "../../etc",
    [], {}, [None], [[]], [1, 2, 3], [-1, 0], ["a", 0, 0], ["a", "0", "0"], ["a", -1, 0],
    ["a", 0, 0, 5], ["a", 0], [None, 3], {"a": 1}, {"class_name": "Dense"},
    {"class_name": "Dense", "config": []}, {"class_name": ["x"], "config": {}},
    {"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}},
    {"class_name": "__keras_tensor__", "config": {"keras_history": [1, 2]}},
    {"class_name": "Sequential", "config": None}, {"class_name": "Functional", "config": {}},
    HUGE + "5000", HUGE + "4300", HUGE + "400", DEEP + "700", DEEP + "99", DEEP + "150",
)
CLASS_NAMES = ("Dense", "LSTM", "GRU", "Bidirectional", "TimeDistributed", "Conv2D",
               "Embedding", "Concatenate", "Add", "InputLayer", "Lambda", "Sequential",
               "Functional", "Model", "__keras_tensor__", "NoSuchLayer", "", "dense",
               "StackedRNNCells", "Dropout", "Flatten", "MultiHeadAttention")


@dataclass
class Case:
    name: str
    data: bytes
    suffix: str  # ".json" or ".keras"


# -- the seeds: real Keras saves --------------------------------------------------------------
_SEEDS: list = []


def _models() -> list:
    import keras

    keras.backend.clear_session()
    sequential = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Flatten(),
        keras.layers.Dense(16, kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dropout(0.2), keras.layers.Dense(3, activation="softmax")],
        name="seq")
    sequential.compile(optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"],
                       loss=keras.losses.CategoricalCrossentropy(from_logits=False))
    series, static = keras.Input((30, 8), name="series"), keras.Input((4,), name="static")
    head = keras.Sequential([keras.Input((20,)), keras.layers.Dense(4)], name="head")
    merged = keras.layers.Concatenate()([keras.layers.LSTM(16)(series), static])
    two_input = keras.Model([series, static], head(merged) + 1.0, name="two_input")
    tokens = keras.Input((12,), dtype="int32")
    embedded = keras.layers.Embedding(100, 8, mask_zero=True)(tokens)
    recurrent = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True))(
        embedded)
    scaled = keras.layers.Lambda(lambda x: x * 2.0, output_shape=(12, 16))(recurrent)
    pooled = keras.layers.GlobalAveragePooling1D()(scaled)
    rnn = keras.Model(tokens, keras.layers.Dense(1)(pooled), name="rnn")
    return [sequential, two_input, rnn]


def seeds() -> list[tuple[str, dict, dict | None]]:
    """(name, parsed to_json() config, .keras members by name or None), built once."""
    if not _SEEDS:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            for model in _models():
                path = Path(folder) / f"{model.name}.keras"
                model.save(path)
                with zipfile.ZipFile(path) as saved:
                    members = {info.filename: saved.read(info) for info in saved.infolist()}
                _SEEDS.append((model.name, json.loads(model.to_json()), members))
        for path in KERAS2_SEEDS:
            _SEEDS.append((path.stem, json.loads(path.read_text()), None))
    return _SEEDS


# -- mutations of a parsed config ---------------------------------------------------------------
def _slots(document: object) -> list[tuple[object, object]]:
    """Every (container, key) below the top."""
    out, pending = [], [document]
    while pending:
        value = pending.pop()
        items = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            out.append((value, key))
            pending.append(item)
    return out


def _structural(slots: list) -> list:
    """The slots the importer walks: layers, configs, calls, tensors, names."""
    keys = ("layers", "config", "inbound_nodes", "keras_history", "class_name", "name",
            "args", "kwargs", "input_layers", "output_layers", "batch_shape", "shape",
            "module", "registered_name", "build_config", "compile_config", "layer", "cell")
    return [(c, k) for c, k in slots if k in keys or isinstance(c, list)]


def _swap_type(value: object, rng: random.Random) -> object:
    if isinstance(value, dict):
        return rng.choice([list(value.values()), list(value), None, json.dumps(value)[:50]])
    if isinstance(value, list):
        return rng.choice([{str(i): v for i, v in enumerate(value)}, tuple(value)[:1] or None,
                           str(value)[:40], len(value)])
    if isinstance(value, str):
        return rng.choice([[value], {value: value}, len(value), None])
    if isinstance(value, (int, float)):
        return rng.choice([str(value), [value], {"value": value}, -value, value * 10**12])
    return rng.choice(HOSTILE_VALUES)


def _resize(value: object, rng: random.Random) -> object:
    if isinstance(value, list):
        if value and rng.random() < 0.5:
            return value[:rng.randrange(len(value))]
        return value + [copy.deepcopy(rng.choice(value)) if value else None] * \
            rng.choice([1, 2, 50])
    if isinstance(value, str) and len(value) < 100:
        return value * rng.choice([0, 2, 200])
    return value


def _nest(value: object, rng: random.Random) -> object:
    depth = rng.choice([3, 40, 99, 101, 150])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"a": value}
    return value


def _mutate_once(document: dict, rng: random.Random) -> str:
    slots = _slots(document)
    if not slots:
        return "nothing"
    pool = _structural(slots) if rng.random() < 0.7 else slots
    container, key = rng.choice(pool or slots)
    value = container[key]
    how = rng.choice(["delete", "hostile", "swap", "resize", "nest", "null", "class",
                      "unicode", "huge", "duplicate"])
    if how == "delete":
        del container[key]
    elif how == "hostile":
        container[key] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    elif how == "swap":
        container[key] = _swap_type(value, rng)
    elif how == "resize":
        container[key] = _resize(value, rng)
    elif how == "nest":
        container[key] = _nest(value, rng)
    elif how == "null":
        container[key] = None
    elif how == "class":
        target = value if isinstance(value, dict) else container
        if isinstance(target, dict):
            target["class_name"] = rng.choice(CLASS_NAMES)
    elif how == "unicode":
        container[key] = rng.choice(["\ud800x", "\u202e" + str(value)[:20], "名前", "a\x07b",
                                     "\U0001f600" * 50, "dense\u200b"])
    elif how == "huge":
        container[key] = HUGE + str(rng.choice([30, 400, 4300, 4301, 5000]))
    elif how == "duplicate" and isinstance(container, list):
        container.insert(rng.randrange(len(container) + 1), copy.deepcopy(value))
        rng.shuffle(container) if rng.random() < 0.3 else None
    return how


def _write(document: object) -> bytes:
    text = json.dumps(document, allow_nan=True)
    text = re.sub(r'"\\u0000huge:(\d+)"', lambda found: "9" * int(found[1]), text)
    text = re.sub(r'"\\u0000deep:(\d+)"',
                  lambda found: "[" * int(found[1]) + "0" + "]" * int(found[1]), text)
    return text.encode("utf-8")


def _text_mutation(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(["truncate", "flip", "junk", "bom", "utf16"])
    at = rng.randrange(len(data) or 1)
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
    if how == "junk":
        return data[:at] + rng.choice([b"\xff\xfe", b"}", b"]]]", b"NaN", b"\x00", b",,"]) \
            + data[at:]
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    return data.decode("utf-8", "replace").encode("utf-16")


# -- .keras zips ---------------------------------------------------------------------------------
def _zip(members: dict, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_mutation(members: dict, rng: random.Random) -> bytes:
    how = rng.choice(["missing", "bzip2", "lzma", "lie", "truncate", "bloat", "encrypted",
                      "flip", "not-json", "empty"])
    if how == "missing":
        return _zip({k: v for k, v in members.items() if k != "config.json"})
    if how in ("bzip2", "lzma"):
        return _zip(members, zipfile.ZIP_BZIP2 if how == "bzip2" else zipfile.ZIP_LZMA)
    if how == "bloat":
        extra = {f"assets/{i}": b"" for i in range(rng.choice([10, 30000]))}
        return _zip({**members, **extra})
    if how == "not-json":
        return _zip({**members, "config.json": rng.choice([b"", b"\xff", b"[1]", b"null"])})
    if how == "empty":
        return _zip({})
    data = bytearray(_zip(members, zipfile.ZIP_DEFLATED))
    if how == "lie":  # every local and central header's sizes set to another number
        for signature, offset in ((b"PK\x03\x04", 18), (b"PK\x01\x02", 20)):
            at = data.find(signature)
            while at >= 0:
                for field in (offset, offset + 4):
                    data[at + field:at + field + 4] = rng.choice(
                        [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x10\x00\x00\x00"])
                at = data.find(signature, at + 4)
    elif how == "encrypted":
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset] |= 1
                at = data.find(signature, at + 4)
    elif how == "truncate":
        data = data[:rng.randrange(len(data))]
    else:
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    return bytes(data)


def cases(count: int, seed: int) -> Iterator[Case]:
    """`count` cases, the same for the same seed, made one at a time."""
    rng = random.Random(seed)
    made = seeds()
    for number in range(count):
        name, config, members = made[number % len(made)]
        roll = rng.random()
        kind = "zip" if members and roll < 0.08 else "keras" if members and roll < 0.3 \
            else "text" if roll < 0.4 else "json"
        if kind == "zip":
            data = _zip_mutation(members, rng)
        else:
            document = copy.deepcopy(config)
            for _ in range(rng.choice([1, 1, 2, 4])):
                _mutate_once(document, rng)
            data = _write(document)
            if kind == "text":
                data = _text_mutation(data, rng)
            elif kind == "keras":
                data = _zip({**members, "config.json": data})
        suffix = ".keras" if kind in ("zip", "keras") else ".json"
        yield Case(f"{seed}:{number}:{kind}:{name}", data, suffix)


# -- the invariant -------------------------------------------------------------------------------
def problems(path: Path) -> list[str]:
    """What breaks the invariant for this file (empty: all good)."""
    return check(path)[1]


def check(path: Path) -> tuple[str, list[str]]:
    """(outcome: imported, partial, refused or crashed; what breaks the invariant)."""
    import yaml

    from netlint.importer import ImportFailed, import_model

    try:
        imported = import_model(path)
    except ImportFailed as failure:
        message = failure.message
        if not message.startswith(str(path)) or "\n" in message or \
                len(message) > len(str(path)) + 1000:
            return "refused", [f"ImportFailed is not one line naming the file: {message!r}"]
        return "refused", []
    except Exception:  # noqa: BLE001 - the point is to catch anything at all
        return "crashed", [f"import raised:\n{traceback.format_exc()}"]
    outcome = "partial" if imported.problems else "imported"
    try:
        imported.text.encode("utf-8")
        document = yaml.safe_load(imported.text)
        assert isinstance(document, dict) and document.get("layers"), "no layers written"
        assert all(isinstance(p, str) and "\n" not in p
                   for p in imported.problems + imported.notes), "a message of many lines"
    except Exception:  # noqa: BLE001
        return outcome, [f"the imported text is broken:\n{traceback.format_exc()}"]
    return outcome, []


def cli_problems(path: Path, target: Path) -> list[str]:
    """The command in-process: exit 0, 1 or 2, no exception, no traceback."""
    from typer.testing import CliRunner

    from netlint.cli import app

    result = CliRunner().invoke(app, ["import", str(path), "-o", str(target), "--force"])
    out = []
    if result.exit_code not in (0, 1, 2):
        out.append(f"netlint import exited {result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        out.append(f"netlint import raised {type(result.exception).__name__}: "
                   f"{result.exception}")
    if "Traceback" in result.output:
        out.append("netlint import printed a traceback")
    if result.exit_code == 2 and not result.output.strip():
        out.append("netlint import exited 2 without a message")
    return out
