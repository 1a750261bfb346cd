"""Project settings: `[tool.netlint]` in pyproject.toml or a `.netlint.yaml`.

A `Config` is one layer of settings (a config file, or the command line);
layers stack with `over()`, the upper one winning, and `settings()` resolves
the stack against the rule registry for one file: which rules run, with what
severity and options. Anything unknown (a key, a rule, an option) is a
`ConfigError`, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
import sys

from netlint.findings import SEVERITIES
from netlint.paths import (
    is_file,
    name_of,
    parent_of,
    posix,
    relative_to,
    resolved,
    spelling,
    suffix_of,
)
from netlint.records import field, record, replace

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

KEYS = ("select", "ignore", "fail-on", "severity", "options", "per-file-ignores")
YAML_NAMES = (".netlint.yaml", ".netlint.yml")
DEFAULT_FAIL_ON = "warning"


class ConfigError(Exception):
    """A settings problem the user must fix; the message says where and how."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@record(frozen=True)
class Config:
    """One layer of settings; unset fields leave the layer below in charge."""

    select: tuple | None = None  # selectors (ids, prefixes such as NL2, names, ALL)
    ignore: tuple = ()
    fail_on: str | None = None
    severity: dict = field(default_factory=dict)  # code or name -> severity
    options: dict = field(default_factory=dict)  # code or name -> {option: value}
    per_file_ignores: tuple = ()  # ((glob, (selectors...)), ...)
    root: str | None = None  # the folder per-file-ignores globs are relative to
    source: str = "command line"  # where this layer came from, for messages
    base: Config | None = None  # the layer underneath
    isolated: bool = False  # True: look for no config file (an explicit --config was given)

    def over(self, base: Config | None) -> Config:
        """This layer on top of `base` (e.g. command-line options over the project file)."""
        if base is None:
            return self
        below = base if self.base is None else self.base.over(base)
        return replace(self, base=below)

    def layers(self) -> list[Config]:
        """Bottom layer first."""
        return (self.base.layers() if self.base else []) + [self]

    @property
    def fail_on_level(self) -> str:
        for layer in reversed(self.layers()):
            if layer.fail_on is not None:
                return layer.fail_on
        return DEFAULT_FAIL_ON

    def settings(self, rules: dict, path: str = "") -> Settings:
        """Resolve every layer against the registry for the file at `path`.

        Remembered per (config, registry), and per path only when a layer has
        per-file-ignores: a folder of files that share one config resolves it once."""
        layers = self.layers()
        by_path = any(layer.per_file_ignores for layer in layers)
        key = (id(self), id(rules), str(path) if by_path else "")
        remembered = _SETTINGS_MEMO.get(key)
        # the entry holds the config and registry themselves, so their ids stay theirs
        if remembered is not None and remembered[0] is self and remembered[1] is rules:
            return remembered[2]
        found = self._resolve(layers, rules, path)
        if len(_SETTINGS_MEMO) >= _SETTINGS_MEMO_SIZE:
            _SETTINGS_MEMO.clear()
        _SETTINGS_MEMO[key] = (self, rules, found)
        return found

    def _resolve(self, layers: list[Config], rules: dict, path: str) -> Settings:
        enabled = set(rules)
        for layer in layers:
            enabled = _apply_selection(layer, rules, enabled)
        for layer in layers:
            enabled -= _per_file_ignored(layer, rules, path)
        severity: dict[str, str] = {}
        options = {code: dict(r.options) for code, r in rules.items()}
        for layer in layers:
            for selector, level in layer.severity.items():
                code = _one_rule(selector, rules, f"{layer.source}: severity")
                severity[code] = _severity(level, f"{layer.source}: severity for {code}")
            for selector, values in layer.options.items():
                code = _one_rule(selector, rules, f"{layer.source}: options")
                options[code].update(_checked_options(rules[code], values, layer.source))
        if self.fail_on_level not in SEVERITIES:
            raise ConfigError(f"fail-on must be one of {', '.join(SEVERITIES)}, "
                              f"not {self.fail_on_level!r}")
        # what runs on a file, worked out here once rather than by the engine per file
        # (selecting the rules and their options for every file cost ~30,000 instructions)
        plan = tuple((code, rule_, options[code]) for code, rule_ in rules.items()
                     if code in enabled)
        return Settings(frozenset(enabled), severity, options, self.fail_on_level, plan)


_SETTINGS_MEMO: dict[tuple, tuple[Config, dict, Settings]] = {}
_SETTINGS_MEMO_SIZE = 256

# No settings: what `config=None` means (layer_from, run_rules). One object for every
# call, so that its resolved settings are remembered; a fresh Config() per file resolved
# them again each time, ~130,000 instructions a file.
NO_CONFIG = Config()


@record(frozen=True)
class Settings:
    """The resolved settings for one file."""

    enabled: frozenset  # codes that run and may be reported for this file
    severity: dict  # code -> overriding severity
    options: dict  # code -> options (defaults overridden)
    fail_on: str
    # (code, Rule, its options) of each enabled rule, in the registry's (code) order
    plan: tuple = ()


# -- selection ---------------------------------------------------------------------------

def resolve_selector(selector: str, rules: dict, where: str) -> tuple[set, int]:
    """The codes a selector names and how specific it is (an exact id beats a prefix)."""
    text = str(selector).strip()
    if text.upper() == "ALL":
        return set(rules), 0
    upper = text.upper()
    if upper in rules:
        return {upper}, 100
    by_name = {r.name: code for code, r in rules.items()}
    if text.lower() in by_name:
        return {by_name[text.lower()]}, 100
    if re.fullmatch(r"NL\d{0,2}", upper):
        codes = {code for code in rules if code.startswith(upper)}
        if codes:
            return codes, len(upper)
    raise ConfigError(f"{where}: no rule matches {text!r}{_did_you_mean(text, rules)}")


def _one_rule(selector: str, rules: dict, where: str) -> str:
    codes, specificity = resolve_selector(selector, rules, where)
    if specificity < 100:
        raise ConfigError(f"{where}: {selector!r} names several rules; give one id or name")
    return next(iter(codes))


def _apply_selection(layer: Config, rules: dict, enabled: set) -> set:
    ignored = _specificities(layer.ignore, rules, f"{layer.source}: ignore")
    if layer.select is None:
        return enabled - set(ignored)
    selected = _specificities(layer.select, rules, f"{layer.source}: select")
    # within one layer the more specific selector wins: select NL2 + ignore NL201 drops
    # NL201; select NL201 + ignore NL2 keeps it (as ruff does)
    return {code for code, level in selected.items() if level > ignored.get(code, -1)}


def _specificities(selectors: tuple, rules: dict, where: str) -> dict[str, int]:
    best: dict[str, int] = {}
    for selector in selectors:
        codes, level = resolve_selector(selector, rules, where)
        for code in codes:
            best[code] = max(level, best.get(code, -1))
    return best


def _per_file_ignored(layer: Config, rules: dict, path: str) -> set:
    if not layer.per_file_ignores:
        return set()
    relative = _relative_posix(path, layer.root)
    name = name_of(relative)
    ignored: set = set()
    for pattern, selectors in layer.per_file_ignores:
        codes: set = set()
        for selector in selectors:  # resolved even when the glob does not match: typos surface
            codes |= resolve_selector(selector, rules,
                                      f"{layer.source}: per-file-ignores {pattern!r}")[0]
        # a glob without a slash matches the file name anywhere below the config's folder
        if fnmatch.fnmatchcase(relative, pattern) or (
                "/" not in pattern and fnmatch.fnmatchcase(name, pattern)):
            ignored |= codes
    return ignored


def _relative_posix(path: str, root: str | None) -> str:
    # strings spelled as pathlib spells them (see paths.py), not pathlib itself: importing
    # it was 6% of a one-file check
    if root:
        relative = relative_to(resolved(path), resolved(root))
        if relative is not None:
            return posix(relative)
    return posix(spelling(path))


def _severity(value: Any, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: {value!r} is not a severity; use one of "
                          f"{', '.join(SEVERITIES)}")
    return value


def _checked_options(rule: Any, values: Any, source: str) -> dict:
    where = f"{source}: options for {rule.code}"
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table of option = value")
    for key, value in values.items():
        if key not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(f"{where}: unknown option {key!r}"
                              f"{_did_you_mean(key, rule.options)} (options: {known})")
        default = rule.options[key]
        if not _same_kind(default, value):
            raise ConfigError(f"{where}: {key} must be {type(default).__name__} like its "
                              f"default {default!r}, not {value!r}")
        if not _usable_threshold(value):
            raise ConfigError(f"{where}: {key} must be a finite number of 0 or more (every "
                              f"option is a threshold), not {value!r}")
    return dict(values)


def _usable_threshold(value: Any) -> bool:
    """Every rule option is a size, count or limit: NaN, infinity and negative values
    would make a rule meaningless or crash it."""
    if isinstance(value, (list, tuple)):
        return all(_usable_threshold(item) for item in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return math.isfinite(value) and value >= 0


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and (isinstance(default, float)
                                                    or isinstance(value, int))
    return default is None or isinstance(value, type(default))


def _did_you_mean(word: str, choices: Any) -> str:
    names = list(choices)
    names += [getattr(v, "name", None) for v in getattr(choices, "values", lambda: [])()]
    close = _close_matches(str(word), [n for n in names if n], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- reading config files ----------------------------------------------------------------

def from_mapping(values: Any, source: str, root: str | None) -> Config:
    """A Config from the `[tool.netlint]` table or the `.netlint.yaml` mapping."""
    if not isinstance(values, dict):
        raise ConfigError(f"{source}: expected a mapping of settings")
    for key in values:
        if key not in KEYS:
            raise ConfigError(f"{source}: unknown key {key!r}{_did_you_mean(key, KEYS)} "
                              f"(keys: {', '.join(KEYS)})")
    fail_on = values.get("fail-on")
    if fail_on is not None:
        _severity(fail_on, f"{source}: fail-on")
    select = values.get("select")
    selected = None if select is None else selector_list(select, f"{source}: select")
    if selected == ():  # as on the command line: an empty select would run no rule at all
        raise ConfigError(f"{source}: select names no rule; give ids, prefixes (NL2) or "
                          "names, or leave it out to run the default rules")
    return Config(
        select=selected,
        ignore=selector_list(values.get("ignore", []), f"{source}: ignore"),
        fail_on=fail_on,
        severity=_table(values.get("severity", {}), f"{source}: severity"),
        options=_table(values.get("options", {}), f"{source}: options"),
        per_file_ignores=tuple(
            (str(glob), selector_list(codes, f"{source}: per-file-ignores {glob!r}"))
            for glob, codes in sorted(_table(values.get("per-file-ignores", {}),
                                             f"{source}: per-file-ignores").items())),
        root=root, source=source)


def selector_list(value: Any, where: str) -> tuple:
    """`["NL201", "NL3"]` or `"NL201,NL3"` -> ("NL201", "NL3")."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected rule ids or names, not {item!r}")
        out += [part.strip() for part in item.split(",") if part.strip()]
    return tuple(out)


def _table(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table/mapping, not {value!r}")
    return value


def load_config_file(path: str | Path) -> Config:
    """Read an explicit config file (`--config`): TOML or YAML."""
    path = spelling(path)  # str(Path(path)), as messages have always named it
    if not is_file(path):
        raise ConfigError(f"{path}: config file not found")
    if suffix_of(path) == ".toml":
        table = _read_toml(path)
        tool = table.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool` is {type(tool).__name__}, not the table "
                              "that holds [tool.netlint]")
        section = tool.get("netlint") if "tool" in table else table
        if section is None:
            raise ConfigError(f"{path}: has no [tool.netlint] table")
        where = f"{path} [tool.netlint]" if "tool" in table else path
        return from_mapping(section, where, parent_of(path))
    return from_mapping(_read_yaml(path), path, parent_of(path))


def _read_toml(path: str) -> dict:
    toml = _toml_module()
    if toml is None:
        raise ConfigError(f"{path}: reading TOML on Python {sys.version_info[0]}."
                          f"{sys.version_info[1]} needs the 'tomli' package "
                          "(pip install tomli), or use a .netlint.yaml")
    try:
        return toml.loads(read_config_text(path))
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


# A config file is a few hundred bytes; one walked up to from every checked file is read
# at most this far, so a huge pyproject.toml (or a device named so) costs nothing.
MAX_CONFIG_BYTES = 1024 * 1024


def read_config_text(path: str) -> str:
    """A config file's text, UTF-8 with or without a BOM; ConfigError past the bound."""
    from netlint.spec import read_at_most

    descriptor = os.open(path, os.O_RDONLY)
    try:
        raw = read_at_most(descriptor, MAX_CONFIG_BYTES, os.fstat(descriptor).st_size)
    finally:
        os.close(descriptor)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: over {MAX_CONFIG_BYTES // 1024 // 1024} MiB; a config "
                          "file (or a pyproject.toml netlint reads for [tool.netlint]) is "
                          "a few kilobytes")
    return raw.decode("utf-8-sig")


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10 only
        import tomli

        return tomli
    except ImportError:  # pragma: no cover
        return None


def _read_yaml(path: str) -> Any:
    from netlint.spec.yaml_source import YamlProblem, read_yaml

    try:
        return read_yaml(read_config_text(path)).value or {}
    except YamlProblem as problem:
        where = f":{problem.position}" if problem.position else ""
        raise ConfigError(f"{path}{where}: {problem.message}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


# Every way TOML can spell the `tool.netlint` table opens a line with one of: a `[tool]` or
# `[tool.netlint...]` header, a dotted key `tool.netlint... =`, or `tool = {` (keys may be
# quoted, spaces allowed around dots). A pyproject that only mentions netlint elsewhere (a
# dependency `keras-netlint`, a script) is then skipped without importing tomllib and
# typing (~8 ms); one that matches is parsed, and its parsed table decides.
_MAY_HAVE_TOOL_NETLINT = re.compile(
    r"""^[ \t]*(?:\[[ \t]*["']?tool["']?[ \t]*(?:\]|\.[ \t]*["']?netlint\b)"""
    r"""|["']?tool["']?[ \t]*(?:=|\.[ \t]*["']?netlint\b))""",
    re.MULTILINE)


class ConfigFinder:
    """Finds the config for each file by walking up its folders; caches per folder."""

    def __init__(self) -> None:
        self._cache: dict[str, Config | None] = {}  # real folder -> its config
        self._resolved: dict = {}  # folder as written (and working folder) -> real folder
        self.notes: list[str] = []  # things the user should hear about (printed by the CLI)
        self._stacked: dict[tuple, tuple] = {}  # see stacked()

    def stacked(self, overrides: Config, found: Config | None) -> Config:
        """`overrides.over(found)`, made once per pair (both live as long as this finder)."""
        key = (id(overrides), id(found))
        entry = self._stacked.get(key)
        if entry is None or entry[0] is not overrides or entry[1] is not found:
            entry = self._stacked[key] = (overrides, found, overrides.over(found))
        return entry[2]

    def for_file(self, path: str | Path) -> Config | None:
        # Strings and os.path here, not pathlib: this runs for every file checked, and
        # building Path objects was most of its cost in the many-files benchmark.
        name = os.fspath(path)
        if os.path.islink(name):  # its config is the one beside the file it points to
            return self._for_folder(os.path.dirname(resolved(name)))
        # otherwise resolve(file).parent == resolve(parent): resolved once per folder (a
        # relative one per working folder: an API caller may chdir between calls)
        parent = os.path.dirname(name) or "."
        key = parent if os.path.isabs(parent) else (os.getcwd(), parent)
        folder = self._resolved.get(key)
        if folder is None:
            folder = self._resolved[key] = resolved(parent)
        return self._for_folder(folder)

    def _for_folder(self, folder: str) -> Config | None:
        """The config of the nearest folder at or above `folder` that has one. Walked up
        in a loop, not by recursion: a folder may be nested 1,200 deep."""
        walked = []
        found = None
        while True:
            if folder in self._cache:
                found = self._cache[folder]
                break
            walked.append(folder)
            found = self._in_folder(folder)
            parent = os.path.dirname(folder)  # folder is resolved: Path.parent
            if found is not None or parent == folder:
                break
            folder = parent
        for below in walked:  # each folder walked through has the config found above it
            self._cache[below] = found
        return found

    def _in_folder(self, folder: str) -> Config | None:
        for name in YAML_NAMES:
            if is_file(os.path.join(folder, name)):
                return load_config_file(os.path.join(folder, name))
        pyproject = os.path.join(folder, "pyproject.toml")
        if not is_file(pyproject):
            return None
        try:
            text = read_config_text(pyproject)
        except (OSError, UnicodeDecodeError):
            return None
        except ConfigError as too_big:  # not netlint's file: say so, and walk on
            self.notes.append(f"{too_big.message}; its [tool.netlint] (if any) is ignored")
            return None
        if not _MAY_HAVE_TOOL_NETLINT.search(text):
            return None  # a pyproject without our table: keep walking up, as ruff does
        if _toml_module() is None:  # Python 3.10 without tomli
            self.notes.append(f"{pyproject}: [tool.netlint] ignored: Python 3.10 needs the "
                              "'tomli' package to read TOML (pip install tomli), or use "
                              ".netlint.yaml")
            return None
        tool = _read_toml(pyproject).get("tool", {})
        if not isinstance(tool, dict) or "netlint" not in tool:
            return None  # `tool = "netlint"` is no [tool.netlint] table
        return load_config_file(pyproject)


def layer_from(config: Any) -> Config:
    """The caller's settings as a Config: a Config as is, a path read as a config file."""
    if config is None:
        return NO_CONFIG
    if isinstance(config, Config):
        return config
    # a Path is only ever given when pathlib is already imported: no need to import it here
    pathlib = sys.modules.get("pathlib")
    if isinstance(config, str) or (pathlib is not None and isinstance(config, pathlib.Path)):
        return replace(load_config_file(config), isolated=True)
    raise TypeError(f"config must be a Config or a path, not {type(config).__name__}")


def effective_config(overrides: Config, path: str | Path, finder: ConfigFinder) -> Config:
    """`overrides` laid over the config file found for `path` (unless isolated).

    The same Config object for every file under the same config file (the finder keeps
    them), so that its resolved settings are remembered too."""
    if overrides.isolated or any(layer.isolated for layer in overrides.layers()):
        return overrides
    return finder.stacked(overrides, finder.for_file(path))


def _close_matches(word: str, candidates: list, n: int, cutoff: float) -> list:
    import difflib  # only when a name is wrong: a suggestion is the rare path

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
