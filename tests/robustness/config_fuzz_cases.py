"""Hostile config files, made deterministically from a seed, and the invariant they keep.

netlint reads settings from a `.netlint.yaml` (or `.yml`) or from the
`[tool.netlint]` table of a `pyproject.toml`, walked up to from every checked
file, or from a file named by `--config`. Used by tests/robustness/
test_config_fuzz.py (a short seeded run) and bench/config_fuzz.py (20,000+).
Six kinds of case, each a (file name, bytes) pair:

* structured: a table of settings with hostile values (wrong types, huge,
  negative, NaN and infinite numbers, unknown keys, rules and options, deep
  nesting, long and unicode strings), written as YAML or as TOML;
* one hostile option value in otherwise valid settings (what reaches the rules);
* pyproject shapes: `tool = "netlint"`, `[tool] netlint = 5`, a dotted
  `tool.netlint = [...]`, tables that are arrays, a [tool.netlint] beside others;
* byte mutations of valid configs (flips, cuts, splices, non-UTF-8 bytes, a BOM, NULs);
* stress: deep nesting (flow and TOML arrays), very long lines, many keys;
* random bytes, and the empty file.

`problems(folder, config_name, model)` is the invariant: checking a model under
the config returns findings or raises ConfigError whose message names the
config file; loading it explicitly does the same; nothing else ever escapes.
"""

from __future__ import annotations

import json
import math
import random
import traceback
from dataclasses import dataclass
from pathlib import Path

NAMES = (".netlint.yaml", ".netlint.yml", "pyproject.toml")
KEYS = ("select", "ignore", "fail-on", "severity", "options", "per-file-ignores")
RULES = ("NL105", "NL2", "NL202", "NL103", "NL501", "NL604", "ALL", "incompatible-shape",
         "long-unbroken-sequence", "NL999", "nl202", "NL", "NL1", "dropout-too-high")
OPTIONS = {"NL202": ("warn_steps", "error_steps"), "NL103": ("channel_sizes", "min_spatial"),
           "NL501": ("max_abs", "min_abs", "max_orders"), "NL604": ("max_params", "max_share"),
           "NL602": ("max_rate",), "NL401": ("adaptive_max", "sgd_max")}
SEVERITY_WORDS = ("error", "warning", "info", "ERROR", "fatal", "", "none")
HOSTILE = (0, -1, 1, 2, -0.0, 0.5, 1e308, -1e308, 10 ** 30, -(10 ** 30), 2 ** 63, 10 ** 400,
           float("nan"), float("inf"), float("-inf"), True, False, None, "", "x" * 5000,
           "NL202", "\u202eevil", "\x1b[31m", "\x00", "é中\U0001d518", [], {}, [1, -3],
           [[1]], {"a": 1}, "*.yaml", "**/[", "[!", "2001-12-14")
GLOBS = ("*.yaml", "m.yaml", "**/[", "[!", "", "x" * 5000, "\u202e*", "*" * 200 + "a",
         "[[[[", "\\", "é中/*", "0", "true")
VALID_YAML = (
    "select: [NL1, NL2]\nignore: [NL105]\nfail-on: error\n",
    "severity: {NL202: error}\noptions:\n  NL202: {warn_steps: 10, error_steps: 20}\n",
    "per-file-ignores:\n  'tests/*.yaml': [NL105, NL3]\n  '*.yml': NL202\n",
    "select: ALL\noptions: {NL103: {channel_sizes: [1, 3], min_spatial: 4}}\n",
)
VALID_TOML = (
    '[tool.netlint]\nselect = ["NL1", "NL2"]\nignore = ["NL105"]\nfail-on = "error"\n',
    '[tool.netlint]\nseverity = {NL202 = "error"}\n\n[tool.netlint.options.NL202]\n'
    'warn_steps = 10\nerror_steps = 20\n',
    '[project]\nname = "x"\n\n[tool.netlint.per-file-ignores]\n"tests/*.yaml" = ["NL105"]\n',
    '[tool.ruff]\nline-length = 99\n[tool.netlint]\nselect = "ALL"\n',
)
PYPROJECT_SHAPES = (
    'tool = "netlint"\n', "[tool]\nnetlint = 5\n", "tool.netlint = []\n",
    'tool.netlint = "ALL"\n', "[tool]\nnetlint = {}\n", "[[tool.netlint]]\nselect = 1\n",
    "[tool.netlint]\n", 'tool = {netlint = {select = ["NL1"]}}\n',
    '[tool."netlint"]\nignore = "NL105"\n', "[ tool . netlint ]\nfail-on = 3\n",
    "[tool.netlint]\n[tool.netlint]\n", '[tool.netlint]\nselect = ["NL1"]\nselect = []\n',
    "[tool.netlint.options]\nNL202 = 7\n", "[tool.netlint.severity]\nNL202 = [\"error\"]\n",
    "tool = 1979-05-27T07:32:00Z\n", "[tool.netlint]\nfail-on = 1979-05-27\n",
)


@dataclass
class Case:
    name: str
    file: str  # the config file's name: .netlint.yaml, .netlint.yml or pyproject.toml
    data: bytes


# -- writing values ---------------------------------------------------------------------

def yaml_value(value: object) -> str:
    """A value in YAML flow style (JSON is YAML, but not for NaN and infinities)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_value(str(k))}: {yaml_value(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(value)


def toml_value(value: object) -> str:
    """A value in TOML (inline tables and arrays; None has no TOML spelling: a date)."""
    if value is None:
        return "1979-05-27"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(value)


def _any(rng: random.Random, depth: int = 0) -> object:
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        return [_any(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 3 and roll < 0.25:
        return {rng.choice(RULES + KEYS): _any(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    if roll < 0.45:
        return rng.choice(RULES)
    return rng.choice(HOSTILE)


def _selectors(rng: random.Random) -> object:
    if rng.random() < 0.3:
        return _any(rng)
    chosen = [rng.choice(RULES) for _ in range(rng.randint(0, 4))]
    return ",".join(chosen) if rng.random() < 0.2 else chosen


def _options(rng: random.Random) -> object:
    if rng.random() < 0.1:
        return _any(rng)
    table: dict = {}
    for _ in range(rng.randint(0, 3)):
        code = rng.choice(tuple(OPTIONS) * 3 + RULES)
        names = OPTIONS.get(code, ("nonsense", "max_rate"))
        if rng.random() < 0.1:
            table[code] = _any(rng)
            continue
        table[code] = {(rng.choice(names) if rng.random() < 0.8 else "unknown_option"):
                       (rng.choice(HOSTILE[:15]) if rng.random() < 0.6 else _any(rng))
                       for _ in range(rng.randint(0, 3))}
    return table


def settings_table(rng: random.Random) -> dict:
    """A [tool.netlint] table: mostly the real keys, with hostile values."""
    table: dict = {}
    makers = {"select": _selectors, "ignore": _selectors, "options": _options,
              "fail-on": lambda r: r.choice(SEVERITY_WORDS) if r.random() < 0.7 else _any(r),
              "severity": lambda r: {r.choice(RULES): r.choice(SEVERITY_WORDS + (3, None))
                                     for _ in range(r.randint(0, 3))} if r.random() < 0.8
              else _any(r),
              "per-file-ignores": lambda r: {r.choice(GLOBS):
                                             _selectors(r) for _ in range(r.randint(0, 3))}
              if r.random() < 0.8 else _any(r)}
    for key in rng.sample(KEYS, rng.randint(0, len(KEYS))):
        table[key] = makers[key](rng)
    if rng.random() < 0.1:
        table[rng.choice(("selct", "Select", "fail_on", "rules", "", "x" * 300))] = _any(rng)
    return table


def structured(rng: random.Random, index: int) -> Case:
    table = settings_table(rng)
    if rng.random() < 0.5:
        name = rng.choice(NAMES[:2])
        text = "".join(f"{yaml_value(k)}: {yaml_value(v)}\n" for k, v in table.items())
        return Case(f"{index}:structured:yaml", name, text.encode("utf-8", "surrogatepass"))
    body = "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in table.items())
    return Case(f"{index}:structured:toml", "pyproject.toml",
                ("[tool.netlint]\n" + body).encode("utf-8", "surrogatepass"))


def one_hostile(rng: random.Random, index: int) -> Case:
    """Valid settings with one option value made hostile: what gets past the checks of a
    table into the rules themselves."""
    code = rng.choice(tuple(OPTIONS))
    value = rng.choice(HOSTILE[:15] + (10 ** 20, 1e-300, 5e-324, 10 ** 18, 2 ** 64, [3] * 50))
    options = {code: {rng.choice(OPTIONS[code]): value}}
    table = {"select": ["ALL"], "options": options}
    if rng.random() < 0.5:
        text = "".join(f"{yaml_value(k)}: {yaml_value(v)}\n" for k, v in table.items())
        return Case(f"{index}:one-hostile:yaml", ".netlint.yaml", text.encode())
    body = "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in table.items())
    return Case(f"{index}:one-hostile:toml", "pyproject.toml",
                ("[tool.netlint]\n" + body).encode())


def pyproject_shape(rng: random.Random, index: int) -> Case:
    text = rng.choice(PYPROJECT_SHAPES)
    if rng.random() < 0.3:
        text = rng.choice(VALID_TOML) + text
    return Case(f"{index}:shape:toml", "pyproject.toml", text.encode())


def mutated(rng: random.Random, index: int) -> Case:
    name = rng.choice(NAMES)
    data = bytearray(rng.choice(VALID_TOML if name == "pyproject.toml" else VALID_YAML).encode())
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        at = rng.randrange(len(data) + 1)
        if roll < 0.3 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)  # a flipped byte, maybe not UTF-8
        elif roll < 0.5:
            data[at:at] = rng.choice((b"\xff", b"\xc3(", b"\x00", b"\xef\xbb\xbf", b"\ud800",
                                      b"[", b"{", b'"', b"\n", b"=", b":", b"- ", b"\\u"))
        elif roll < 0.7:
            del data[at:at + rng.randint(1, 20)]
        elif roll < 0.85:
            data = data[:at]  # cut short
        else:
            data[at:at] = data[:rng.randrange(len(data) + 1)]  # spliced into itself
    return Case(f"{index}:mutated:{name}", name, bytes(data))


def stress(rng: random.Random, index: int) -> Case:
    depth = rng.choice((50, 500, 5000, 50000))
    choice = rng.randrange(7)
    if choice == 6:
        number = b"1" + b"0" * rng.choice((310, 4400, 20000))
        return Case(f"{index}:stress:huge-number", rng.choice(NAMES),
                    (b"[tool.netlint.options.NL501]\nmax_abs = " if rng.random() < 0.5 else
                     b"options: {NL501: {max_abs: ") + number + b"}}\n")
    if choice == 0:
        return Case(f"{index}:stress:yaml-deep", ".netlint.yaml",
                    b"select: " + b"[" * depth + b"]" * depth + b"\n")
    if choice == 1:
        return Case(f"{index}:stress:toml-deep", "pyproject.toml",
                    b"[tool.netlint]\nselect = " + b"[" * depth + b"]" * depth + b"\n")
    if choice == 2:
        return Case(f"{index}:stress:toml-deep-table", "pyproject.toml",
                    b"[tool.netlint]\noptions = " + b"{a = " * depth + b"1" + b"}" * depth)
    if choice == 3:
        keys = "".join(f"NL{n % 1000:03d}x{n}: error\n" for n in range(depth))
        return Case(f"{index}:stress:yaml-many-keys", ".netlint.yaml",
                    ("severity:\n" + "".join("  " + k for k in keys.splitlines(True))).encode())
    if choice == 4:
        return Case(f"{index}:stress:long-line", rng.choice(NAMES),
                    b"[tool.netlint]\nselect = \"" + b"NL1," * depth + b"\"\n")
    return Case(f"{index}:stress:yaml-alias", ".netlint.yaml",
                b"a: &a [NL1, NL1]\nb: &b [*a, *a]\nc: &c [*b, *b]\nselect: [*c, *c]\n")


def random_bytes(rng: random.Random, index: int) -> Case:
    size = rng.choice((0, 0, 1, 3, 40, 400))
    return Case(f"{index}:random-bytes", rng.choice(NAMES),
                bytes(rng.randrange(256) for _ in range(size)))


KINDS = ((structured, 0.35), (one_hostile, 0.15), (pyproject_shape, 0.1), (mutated, 0.25),
         (stress, 0.05), (random_bytes, 0.1))


def cases(count: int, seed: int):
    """`count` cases, the same ones for the same seed."""
    rng = random.Random(seed)
    makers, weights = zip(*KINDS)
    for index in range(count):
        yield rng.choices(makers, weights)[0](rng, index)


# -- the invariant ----------------------------------------------------------------------

# models that reach every rule with options (NL103, NL202, NL401, NL501, NL502, NL602-605)
MODELS = (
    b"netlint: 1\ninput: {shape: [2500, 2]}\nlayers:\n  - LSTM: {units: 20}\n  - Dense: 1\n"
    b"compile: {loss: mse, optimizer: {SGD: {learning_rate: 5.0}}}\n",
    b"netlint: 1\ninput: {shape: [3, 64, 64]}\nlayers:\n  - Conv2D: {filters: 8, kernel_size: 3}\n"
    b"  - Flatten: {}\n  - Dropout: 0.9\n  - Dense: {units: 4000, kernel_regularizer: "
    b"{L2: {l2: 0.5}}, kernel_initializer: {RandomNormal: {stddev: 3.0}}}\n"
    b"  - Dense: {units: 1, activation: sigmoid}\n"
    b"compile: {loss: binary_crossentropy, optimizer: {Adam: {learning_rate: 0.5}}}\n",
    b"netlint: 1\ninput: {shape: [4]}\nlayers:\n  - Dense: 1\n"
    b"compile: {loss: mse, optimizer: adam}\n"
    b"data:\n  x: {shape: [100, 4], range: [0.0001, 1000000]}\n"
    b"  y: {shape: [100, 1], range: [0, 50000]}\n",
)


def problems(folder: Path, case: Case) -> list[str]:
    """What breaks the invariant for this config (empty: all good). The folder is fresh."""
    from netlint.api import check
    from netlint.rules.config import ConfigError, ConfigFinder, load_config_file
    from netlint.rules.engine import registry

    config = folder / case.file
    config.write_bytes(case.data)
    models = []
    for index, text in enumerate(MODELS):
        models.append(folder / f"m{index}.yaml")
        models[-1].write_bytes(text)
    finder = ConfigFinder()
    steps = [(f"check {model.name}", lambda model=model: check(model, finder=finder))
             for model in models]
    steps.append(("--config", lambda: load_config_file(config).settings(registry(), "")))
    out: list[str] = []
    for step, run in steps:
        try:
            run()
        except ConfigError as error:
            if not error.message.strip() or case.file not in error.message:
                out.append(f"{step}: ConfigError without the file's name: {error.message!r}")
            elif "\n" in error.message.strip() and "Traceback" in error.message:
                out.append(f"{step}: ConfigError carries a traceback: {error.message!r}")
        except Exception:  # noqa: BLE001 - the point is to catch anything at all
            out.append(f"{step} raised:\n{traceback.format_exc()}")
    out += [f"a note that is not one line naming the file: {note!r}" for note in finder.notes
            if "\n" in note or case.file not in note]
    return out
