"""Project settings files: `[tool.netlint]` in pyproject.toml or a `.netlint.yaml`.

Finds the file for each checked model (walking up its folders, cached per
folder), reads it within a bound, and turns its table into a `Config` layer
(`netlint.rules.config_settings`, re-exported here: `Config`, `ConfigError`,
`Settings`, ...). Anything wrong in a file is a `ConfigError` naming it, which
the CLI turns into exit code 2; a pyproject.toml that is not netlint's to read
(too big, not UTF-8, unreadable, no [tool.netlint]) is skipped, with a note
where the user should hear about it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from netlint.plumbing.records import replace
from netlint.rules.config_settings import (  # the public names, where they always were
    DEFAULT_FAIL_ON,
    KEYS,
    NO_CONFIG,
    Config,
    ConfigError,
    Settings,
    from_mapping,
    resolve_selector,
    selector_list,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["DEFAULT_FAIL_ON", "KEYS", "NO_CONFIG", "YAML_NAMES", "Config", "ConfigError",
           "ConfigFinder", "Settings", "effective_config", "from_mapping", "layer_from",
           "load_config_file", "read_config_text", "resolve_selector", "selector_list"]

YAML_NAMES = (".netlint.yaml", ".netlint.yml")


def load_config_file(path: str | Path) -> Config:
    """Read an explicit config file (`--config`): TOML or YAML."""
    file = Path(path)
    path = str(file)  # as messages have always named it
    if not file.is_file():
        raise ConfigError(f"{path}: config file not found")
    if file.suffix == ".toml":
        table = _read_toml(path)
        tool = table.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool` is {type(tool).__name__}, not the table "
                              "that holds [tool.netlint]")
        section = tool.get("netlint") if "tool" in table else table
        if section is None:
            raise ConfigError(f"{path}: has no [tool.netlint] table")
        where = f"{path} [tool.netlint]" if "tool" in table else path
        return from_mapping(section, where, str(file.parent))
    return from_mapping(_read_yaml(path), path, str(file.parent))


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
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") \
            from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # int() refuses a number of over 4,300 digits
        raise ConfigError(f"{path}: cannot read a value: {_first_line(exc)}") from None
    except RecursionError:  # tomllib recurses once per level of `[[[...` or `{a = {a = ...`
        raise ConfigError(f"{path}: arrays or tables nested too deeply to read; a config "
                          "file nests a few levels at most") from None


# A config file is a few hundred bytes; one walked up to from every checked file is read
# at most this far, so a huge pyproject.toml (or a device named so) costs nothing.
MAX_CONFIG_BYTES = 1024 * 1024


def read_config_text(path: str) -> str:
    """A config file's text, UTF-8 with or without a BOM; ConfigError past the bound."""
    from netlint.loader import read_at_most

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
    from netlint.loader.yaml_source import YamlProblem, read_yaml

    try:
        value = read_yaml(read_config_text(path)).value
        return {} if value is None else value  # an empty file: no settings
    except YamlProblem as problem:
        where = f":{problem.position}" if problem.position else ""
        raise ConfigError(f"{path}{where}: {problem.message}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") \
            from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


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
        # Strings and os.path where they do: this runs for every file checked, and
        # building Path objects was most of its cost in the many-files benchmark.
        name = os.fspath(path)
        if os.path.islink(name):  # its config is the one beside the file it points to
            return self._for_folder(os.path.dirname(_resolved(name)))
        # otherwise resolve(file).parent == resolve(parent): resolved once per folder (a
        # relative one per working folder: an API caller may chdir between calls)
        parent = os.path.dirname(name) or "."
        key = parent if os.path.isabs(parent) else (os.getcwd(), parent)
        folder = self._resolved.get(key)
        if folder is None:
            folder = self._resolved[key] = _resolved(parent)
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
            if Path(folder, name).is_file():
                return load_config_file(os.path.join(folder, name))
        pyproject = os.path.join(folder, "pyproject.toml")
        if not Path(pyproject).is_file():
            return None
        try:
            text = read_config_text(pyproject)
        except (OSError, UnicodeDecodeError, ConfigError) as unread:
            # not netlint's file to fix: say why it was passed over, and walk on
            self.notes.append(f"{_why_unread(pyproject, unread)}; its [tool.netlint] (if "
                              "any) is ignored")
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


def _first_line(error: Exception) -> str:
    text = str(error).split(";")[0].strip() or type(error).__name__
    return text[:200]


def _why_unread(path: str, error: Exception) -> str:
    if isinstance(error, ConfigError):
        return error.message
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: not UTF-8 text (byte {error.start})"
    return f"{path}: cannot read: {getattr(error, 'strerror', None) or error}"


def layer_from(config: Any) -> Config:
    """The caller's settings as a Config: a Config as is, a path read as a config file."""
    if config is None:
        return NO_CONFIG
    if isinstance(config, Config):
        return config
    if isinstance(config, (str, Path)):
        return replace(load_config_file(config), isolated=True)
    raise TypeError(f"config must be a Config or a path, not {type(config).__name__}")



def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def effective_config(overrides: Config, path: str | Path, finder: ConfigFinder) -> Config:
    """`overrides` laid over the config file found for `path` (unless isolated).

    The same Config object for every file under the same config file (the finder keeps
    them), so that its resolved settings are remembered too."""
    if overrides.isolated or any(layer.isolated for layer in overrides.layers()):
        return overrides
    return finder.stacked(overrides, finder.for_file(path))
