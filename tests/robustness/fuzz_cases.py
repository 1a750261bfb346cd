"""Hostile model files, made deterministically from a seed, and the checks every one must pass.

Used by tests/robustness/test_fuzz.py (a few hundred cases per run, thousands
with NETLINT_FUZZ_LONG=1) and by bench/fuzz.py (as many as asked). Five kinds:

* mutations of real model files (examples/, the test models, the rule cards'
  bad/good models): byte flips, line deletions/duplications/swaps, key swaps,
  a value replaced by a hostile one, an anchor/alias or merge key added,
  indentation shifted, truncation, a class name changed;
* real models with numbers changed to legal extremes (past the loader, into the
  inference and the rules);
* random models built from the registry's own class and argument names, with
  values of every wrong type (huge/negative/NaN/inf numbers, long and unicode
  strings, nested containers), written in block or flow style;
* random bytes (invalid UTF-8, NULs, BOMs, UTF-16);
* structures that stress the reader: deep flow and block nesting, the
  billion-laughs family, merge-key bombs, very long lines, many keys.

fuzz_checks.py holds the invariant every case must keep.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_SCALARS = (
    "0", "-1", "-7", "1", "2", "3", "1.5", "-0.0", "1e-3", "1.0e-3", "1e308", "1.0e999",
    "-1.0e999", ".nan", ".NaN", ".inf", "-.inf", "123456789012345678901234567890",
    "-123456789012345678901234567890", "9223372036854775808", "0x1F", "0o17", "0b101",
    "1_000", "~", "null", "true", "false", "yes", "no", "on", "''", '""',
    "'\u202eevil'", '"\\u0000"', '"\\x1b[31mred"', '"a\\nb"', "'a\"b'", "'{x}'",
    "'%s %d {0}'", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:00", "[]", "{}",
    "[1, 2, 3]", "[-1, 0]", "[null, 3]", "[1.5, 2]", "[[1]]", "{a: 1}", "{units: 3}",
    "{Dense: {units: 2}}", "[[[[[[[[1]]]]]]]]", "relu", "softmax", "LSTM", "Dense",
    "'\u00e9\u00e8\u4e2d\u6587\U0001d518'", "'\U0001f600'", "'" + "x" * 3000 + "'",
    "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!python/object:os.system ls",
    "!!str 5", "!!int '7'", "!!float 1", "!custom 3", "*nowhere", "&anchor 5",
    "|\n    block text", ">-\n    folded", "'<script>'", "'\"; import os; #'",
    "'$(rm -rf /)'", "'\\\\'", "'..'", "'/etc/passwd'", "'/dev/zero'", "'data.npy'",
)

_KEY = re.compile(r"(?m)^(\s*-?\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)")
_VALUE = re.compile(r"(:\s+)([^\s{}\[\],#][^,}\]\n#]*)")


@dataclass
class Case:
    name: str
    data: bytes


def seed_texts() -> list[tuple[str, str]]:
    """(name, YAML text) of every real model file the repository holds."""
    found = []
    for folder in ("examples", "tests"):
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            if "golden" in path.parts:
                continue
            try:
                found.append((path.relative_to(ROOT).as_posix(), path.read_text("utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    for card in sorted((ROOT / "rules").glob("NL*.yaml")):
        try:
            data = yaml.safe_load(card.read_text("utf-8")) or {}
        except yaml.YAMLError:
            continue
        for side in ("bad", "good"):
            model = (data.get(side) or {}).get("model") if isinstance(data, dict) else None
            if isinstance(model, str):
                found.append((f"{card.stem}.{side}", model))
    return found


def layer_vocabulary() -> tuple[list[str], dict[str, list[str]]]:
    """Class names (with the Keras 1/2 ones) and each class's argument names."""
    from netlint.layers import registry
    from netlint.loader import legacy

    defs = registry.all_defs()
    names = sorted(defs) + sorted(legacy.LEGACY_LAYERS)
    params = {name: sorted(d.all_params) for name, d in defs.items()}
    return names, params


# -- the four kinds ---------------------------------------------------------------------------

def mutate(rng: random.Random, text: str, names: list[str]) -> str:
    """One to three random edits of a real model file (usually one)."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        text = rng.choice(_MUTATIONS)(rng, text, names)
    return text


def _flip_byte(rng: random.Random, text: str, names: list) -> str:
    if not text:
        return text
    data = bytearray(text.encode("utf-8"))
    index = rng.randrange(len(data))
    data[index] ^= rng.choice((1, 2, 4, 8, 16, 32, 64, 128, 0xFF))
    return data.decode("utf-8", "replace")


def _lines_edit(rng: random.Random, text: str, names: list) -> str:
    lines = text.splitlines()
    if not lines:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    choice = rng.randrange(4)
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[i])
    elif choice == 2:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines[i] = (" " * rng.choice((1, 2, 4)) + lines[i]) if rng.random() < 0.5 \
            else lines[i].lstrip()
    return "\n".join(lines) + "\n"


def _swap_keys(rng: random.Random, text: str, names: list) -> str:
    keys = _KEY.findall(text)
    if len(keys) < 2:
        return text
    a, b = rng.sample([k[1] for k in keys], 2)
    return text.replace(f"{a}:", "\0").replace(f"{b}:", f"{a}:").replace("\0", f"{b}:")


def _replace_value(rng: random.Random, text: str, names: list) -> str:
    spots = list(_VALUE.finditer(text))
    if not spots:
        return text
    spot = rng.choice(spots)
    value = rng.choice(HOSTILE_SCALARS)
    if "\n" in value:  # a block scalar needs its own lines
        value = value.replace("\n", "\n" + " " * 8)
    return text[:spot.start(2)] + value + text[spot.end(2):]


def _alias(rng: random.Random, text: str, names: list) -> str:
    spots = list(_VALUE.finditer(text))
    if len(spots) < 2:
        return text
    first, second = sorted(rng.sample(spots, 2), key=lambda m: m.start())
    if rng.random() < 0.5:
        return (text[:first.start(2)] + "&v " + text[first.start(2):second.start(2)] + "*v"
                + text[second.end(2):])
    # a merge key into the first mapping after the anchor
    lines = text.splitlines()
    index = rng.randrange(len(lines))
    lines.insert(index, "  <<: {units: 4, name: merged}" if rng.random() < 0.5
                 else "<<: *v")
    return "\n".join(lines) + "\n"


def _truncate(rng: random.Random, text: str, names: list) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _rename_class(rng: random.Random, text: str, names: list) -> str:
    known = [n for n in names if f"{n}:" in text]
    if not known:
        return text
    old = rng.choice(known)
    new = rng.choice(names) if rng.random() < 0.7 else old[:-1] + old[-1].swapcase() + "x"
    return text.replace(f"{old}:", f"{new}:", 1)


def _second_document(rng: random.Random, text: str, names: list) -> str:
    return text + "\n---\n" + text if rng.random() < 0.5 else "%YAML 1.1\n---\n" + text


_MUTATIONS = (_flip_byte, _lines_edit, _lines_edit, _swap_keys, _replace_value, _replace_value,
              _replace_value, _alias, _truncate, _rename_class, _rename_class, _second_document)


BOUNDARY_NUMBERS = (1, 2, 3, 4, 5, 7, 8, 16, 100, 1000, 10**6, 2**31, 2**63, 10**30, 1.0, 2.0,
                    0, 0.0, 0.5, 1e-9)


def tweak(rng: random.Random, text: str) -> str | None:
    """A real model with a few numbers changed to legal but extreme values (kernels
    larger than their input, a million units, 2**63 timesteps, 1.0 where an int goes):
    these get past the loader and into the inference and the rules."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    spots: list = []
    _numbers(doc, spots)
    if not spots:
        return None
    for container, key in rng.sample(spots, min(len(spots), rng.choice((1, 1, 2, 3)))):
        old = container[key]
        container[key] = rng.choice(BOUNDARY_NUMBERS) if rng.random() < 0.8 else \
            (old * rng.choice((2, 10, 1000)) if isinstance(old, (int, float)) else old)
    try:
        return yaml.safe_dump(doc, default_flow_style=rng.random() < 0.5, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None


def _numbers(node: object, spots: list) -> None:
    """(container, key) of every number in a parsed document."""
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            spots.append((node, key))
        else:
            _numbers(value, spots)


def hostile_value(rng: random.Random, depth: int = 0) -> object:
    """A Python value of some wrong (or right) type, for the model builder."""
    choice = rng.randrange(14)
    if choice == 0:
        return rng.choice((0, 1, 2, 3, 7, 64, -1, -100, 10**30, -(10**30), 2**63))
    if choice == 1:
        return rng.choice((0.0, -0.0, 0.5, 1.5, 1e-300, 1e300, float("nan"), float("inf"),
                           float("-inf"), 2.0, 3.0))
    if choice == 2:
        return rng.choice((True, False, None))
    if choice == 3:
        return rng.choice(("", "relu", "same", "valid", "causal", "channels_first", "x" * 500,
                           "\u202e\u0000\x1b[0m", "名前", "a b", "../x", "Dense", "concat"))
    if choice in (4, 5) and depth < 3:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if choice == 6 and depth < 3:
        return {rng.choice(("a", "units", "Dense", "from", "1", "")):
                hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    if choice == 7:
        return [rng.choice((1, 2, 3, 8, 16, 28, None, 0, -1)) for _ in range(rng.randint(0, 5))]
    return rng.choice((1, 2, 3, 4, 8, 16, 32, 100, None, True, "relu", [3, 3], [2], 0.5))


def random_model(rng: random.Random, names: list[str], params: dict) -> str:
    """A model built from real class and argument names, with values of any type."""
    doc: dict = {}
    if rng.random() < 0.8:
        doc["input"] = {"shape": [rng.choice((1, 2, 3, 8, 28, 100, None, 0, -1))
                                  for _ in range(rng.randint(0, 4))]}
        if rng.random() < 0.3:
            doc["input"]["axes"] = rng.sample(["time", "features", "channels", "height",
                                               "width", "samples", "bogus"], 2)
        if rng.random() < 0.2:
            doc["input"]["batch_size"] = hostile_value(rng)
    elif rng.random() < 0.5:
        doc["inputs"] = {f"in{i}": {"shape": [rng.choice((1, 4, 16, None))
                                              for _ in range(rng.randint(1, 3))]}
                         for i in range(rng.randint(1, 3))}
    layers = []
    made: list[str] = list(doc.get("inputs", {}))
    for index in range(rng.randint(0, 7)):
        cls = rng.choice(names)
        kwargs = {}
        for arg in rng.sample(params.get(cls, ["units"]),
                              min(len(params.get(cls, ["units"])), rng.randint(0, 4))):
            kwargs[arg] = hostile_value(rng)
        if rng.random() < 0.3:
            value = hostile_value(rng) if rng.random() < 0.5 else {"LSTM": {"units": 4}}
            kwargs[rng.choice(("units", "filters", "rate", "layer", "bogus",
                               "return_sequence"))] = value
        if rng.random() < 0.4:
            kwargs["name"] = f"l{index}"
        item: dict = {cls: kwargs if rng.random() < 0.9 else hostile_value(rng)}
        if made and rng.random() < 0.3:
            item["from"] = rng.choice(made) if rng.random() < 0.7 else rng.sample(
                made, min(len(made), 2)) + (["nowhere"] if rng.random() < 0.2 else [])
        made.append(kwargs.get("name", "x"))
        layers.append(item)
    if rng.random() < 0.95:
        doc["layers"] = layers if rng.random() < 0.95 else hostile_value(rng)
    if rng.random() < 0.5:
        doc["compile"] = {"loss": rng.choice(("mse", "categorical_crossentropy", "bogus", None,
                                              {"CategoricalCrossentropy": {"from_logits": True}},
                                              ["mse", "mae"], 3)),
                          "optimizer": rng.choice(("adam", {"Adam": {"learning_rate": 0.5}},
                                                   {"SGD": {"lr": 10}}, 7, None)),
                          "metrics": rng.choice((["accuracy"], [], "accuracy", [None]))}
    if rng.random() < 0.5:
        doc["data"] = {"x": {"shape": [rng.choice((0, 10, 1000, None)) for _ in range(3)],
                             "range": rng.choice(([0, 1], [-1e30, 1e30], [1], "x", [1, 0]))},
                       "y": {"shape": [rng.choice((10, 1000)), rng.choice((1, 10))],
                             "encoding": rng.choice(("one-hot", "integer", "continuous", "x")),
                             "path": rng.choice((None, "missing.npy", "/dev/zero",
                                                 "../../etc/passwd", "."))}}
    if rng.random() < 0.3:
        doc["train"] = {"batch_size": hostile_value(rng), "epochs": hostile_value(rng)}
    if rng.random() < 0.2:
        doc["outputs"] = rng.choice((["l1"], "nowhere", [], 5))
    if rng.random() < 0.1:
        doc[rng.choice(("bogus", "Layers", "netlint"))] = hostile_value(rng)
    try:
        return yaml.safe_dump(doc, default_flow_style=rng.random() < 0.3, allow_unicode=True,
                              sort_keys=False, width=rng.choice((80, 10**6)))
    except (yaml.YAMLError, ValueError, OverflowError):
        return "layers: []\n"


def random_bytes(rng: random.Random) -> bytes:
    size = rng.choice((0, 1, 3, 17, 200, 2000))
    data = bytes(rng.randrange(256) for _ in range(size))
    prefix = rng.choice((b"", b"\xef\xbb\xbf", b"layers:\n  - ", b"\xff\xfe", b"\0"))
    if rng.random() < 0.2:
        return "layers:\n  - Dense: {units: 3}\n".encode("utf-16")
    return prefix + data


def stress_structure(rng: random.Random) -> str:
    """Nesting, alias bombs, size: what a bounded reader must refuse quickly."""
    kind = rng.randrange(9)
    depth = rng.choice((10, 63, 64, 65, 100, 5000, 200000))
    if kind == 0:
        return "layers: " + "[" * depth + "]" * depth + "\n"
    if kind == 1:
        return "layers:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(min(depth, 3000)))
    if kind == 2:
        return "layers:\n" + "  " + "- " * min(depth, 20000) + "x\n"
    if kind == 3:  # the classic billion laughs
        width = rng.choice((2, 9, 10))
        lines = ["a0: &a0 [lol]"]
        for level in range(1, rng.choice((5, 9, 12))):
            refs = ", ".join(f"*a{level - 1}" for _ in range(width))
            lines.append(f"a{level}: &a{level} [{refs}]")
        lines.append(f"layers: *a{level}")
        return "\n".join(lines) + "\n"
    if kind == 4:  # mappings, and merge keys that multiply
        lines = ["b0: &b0 {x: 1, y: 2}"]
        for level in range(1, 12):
            lines.append(f"b{level}: &b{level} {{<<: [*b{level - 1}], k{level}: *b{level - 1}, "
                         f"j{level}: *b{level - 1}}}")
        lines.append("layers: [{Dense: *b11}]")
        return "\n".join(lines) + "\n"
    if kind == 5:  # very many small aliases
        return "x: &x 1\nlayers:\n" + "".join("  - *x\n" for _ in range(rng.choice((100, 20000))))
    if kind == 6:  # one long line
        return "name: '" + "n" * rng.choice((10**5, 10**6)) + "'\nlayers: [Dense]\n"
    if kind == 7:  # many keys
        count = rng.choice((1000, 20000))
        return "input: {shape: [4]}\nlayers:\n  - Dense:\n" + "".join(
            f"      k{i}: {i}\n" for i in range(count))
    count = rng.choice((200, 3000))
    return "input: {shape: [8]}\nlayers:\n" + "".join(
        f"  - Dense: {{units: {1 + i % 7}}}\n" for i in range(count))


# -- the stream of cases ----------------------------------------------------------------------

def cases(count: int, seed: int = 0) -> Iterator[Case]:
    """`count` cases, the same ones for the same seed."""
    rng = random.Random(seed)
    seeds = seed_texts()
    names, params = layer_vocabulary()
    for index in range(count):
        roll = rng.random()
        origin, text = rng.choice(seeds)
        tweaked = tweak(rng, text) if 0.35 <= roll < 0.6 else None
        if roll < 0.35 or (roll < 0.6 and tweaked is None):
            yield Case(f"{index}:mutated:{origin}", mutate(rng, text, names).encode("utf-8",
                                                                                    "replace"))
        elif roll < 0.6:
            yield Case(f"{index}:tweaked:{origin}", tweaked.encode("utf-8"))
        elif roll < 0.8:
            yield Case(f"{index}:random-model", random_model(rng, names, params).encode())
        elif roll < 0.9:
            yield Case(f"{index}:random-bytes", random_bytes(rng))
        else:
            yield Case(f"{index}:stress", stress_structure(rng).encode())
