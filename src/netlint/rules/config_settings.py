"""Project settings, as values: a `Config` layer, the `Settings` it resolves to, and the
checks every value gets (selectors, severities, rule options, the keys of a mapping).

A `Config` is one layer of settings (a config file, or the command line);
layers stack with `over()`, the upper one winning, and `settings()` resolves
the stack against the rule registry for one file: which rules run, with what
severity and options. Anything unknown (a key, a rule, an option) is a
`ConfigError`, which the CLI turns into exit code 2. Finding and reading the
files is `netlint.rules.config`'s part.
"""

from __future__ import annotations

import fnmatch
import math
import re
from pathlib import Path, PurePath

from netlint.errors import NetlintError
from netlint.model.findings import SEVERITIES
from netlint.plumbing.records import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEYS = ("select", "ignore", "fail-on", "severity", "options", "per-file-ignores")
DEFAULT_FAIL_ON = "warning"



class ConfigError(NetlintError):
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
                              f"not {shown(self.fail_on_level)}")
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
    raise ConfigError(f"{where}: no rule matches {shown(text)}{_did_you_mean(text, rules)}")


def _one_rule(selector: str, rules: dict, where: str) -> str:
    codes, specificity = resolve_selector(selector, rules, where)
    if specificity < 100:
        raise ConfigError(f"{where}: {shown(selector)} names several rules; give one id or name")
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
    name = PurePath(relative).name
    ignored: set = set()
    for pattern, selectors in layer.per_file_ignores:
        codes: set = set()
        for selector in selectors:  # resolved even when the glob does not match: typos surface
            codes |= resolve_selector(selector, rules,
                                      f"{layer.source}: per-file-ignores {shown(pattern)}")[0]
        # a glob without a slash matches the file name anywhere below the config's folder
        if fnmatch.fnmatchcase(relative, pattern) or (
                "/" not in pattern and fnmatch.fnmatchcase(name, pattern)):
            ignored |= codes
    return ignored


def _relative_posix(path: str, root: str | None) -> str:
    if root:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:  # not below the config's folder
            pass
    return PurePath(path).as_posix()


def _severity(value: Any, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: {shown(value)} is not a severity; use one of "
                          f"{', '.join(SEVERITIES)}")
    return value


def _checked_options(rule: Any, values: Any, source: str) -> dict:
    where = f"{source}: options for {rule.code}"
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table of option = value")
    for key, value in values.items():
        if key not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(f"{where}: unknown option {shown(key)}"
                              f"{_did_you_mean(key, rule.options)} (options: {known})")
        default = rule.options[key]
        if not _same_kind(default, value):
            raise ConfigError(f"{where}: {key} must be {type(default).__name__} like its "
                              f"default {shown(default)}, not {shown(value)}")
        if not _usable_threshold(value):
            raise ConfigError(f"{where}: {key} must be a finite number of 0 or more (every "
                              f"option is a threshold), not {shown(value)}")
        if key.endswith("_budget") and value is not None and not _size(value):
            raise ConfigError(f"{where}: {key} {shown(value)} is not a size: write bytes or "
                              "a size such as 16GiB")
    return dict(values)


def _size(value: Any) -> bool:
    """Whether a `*_budget` option (a memory size: NL606's memory_budget) reads as bytes."""
    from netlint.cost.text import budget_bytes

    return budget_bytes(value) is not None


def _usable_threshold(value: Any) -> bool:
    """Every rule option is a size, count or limit: NaN, infinity, negative values and
    integers too big for a float would make a rule meaningless or crash it."""
    if isinstance(value, (list, tuple)):
        return all(_usable_threshold(item) for item in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    try:  # the rules read thresholds as floats: an int past 1.8e308 has no such value
        return math.isfinite(float(value)) and value >= 0
    except OverflowError:
        return False


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and (isinstance(default, float)
                                                    or isinstance(value, int))
    return default is None or isinstance(value, type(default))


def shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it (its repr), elided past `limit` characters: a
    config may hold a 100,000-character string or a 4,000-digit number."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int past 4,300 digits; a deep nesting
        text = f"a {type(value).__name__}"
    if len(text) <= limit:
        return text
    return f"{text[:limit * 2 // 3]}…{text[-(limit // 4):]} ({len(text):,} characters)"


def _did_you_mean(word: str, choices: Any) -> str:
    if len(str(word)) > 100:  # no rule, key or option is named anything like it
        return ""
    names = list(choices)
    names += [getattr(v, "name", None) for v in getattr(choices, "values", lambda: [])()]
    close = _close_matches(str(word), [n for n in names if n], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""

# -- a mapping of settings (a config file's table) ------------------------------------

def from_mapping(values: Any, source: str, root: str | None) -> Config:
    """A Config from the `[tool.netlint]` table or the `.netlint.yaml` mapping."""
    if not isinstance(values, dict):
        raise ConfigError(f"{source}: expected a mapping of settings")
    for key in values:
        if key not in KEYS:
            raise ConfigError(f"{source}: unknown key {shown(key)}{_did_you_mean(key, KEYS)} "
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
            (str(glob), selector_list(codes, f"{source}: per-file-ignores {shown(glob)}"))
            for glob, codes in sorted(_table(values.get("per-file-ignores", {}),
                                             f"{source}: per-file-ignores").items())),
        root=root, source=source)


def selector_list(value: Any, where: str) -> tuple:
    """`["NL201", "NL3"]` or `"NL201,NL3"` -> ("NL201", "NL3")."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected rule ids or names, not {shown(item)}")
        out += [part.strip() for part in item.split(",") if part.strip()]
    return tuple(out)


def _table(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table/mapping, not {shown(value)}")
    return value

def _close_matches(word: str, candidates: list, n: int, cutoff: float) -> list:
    import difflib  # only when a name is wrong: a suggestion is the rare path

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
