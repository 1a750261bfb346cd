"""The Python API: what `import netlint` offers, and what the CLI itself calls."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from netlint.model.findings import Finding
from netlint.pipeline import Linted, is_text, lint, lint_file
from netlint.plumbing.records import record
from netlint.loader import Loaded, load, load_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["load", "load_text", "lint", "summary", "infer", "check", "model_files", "Linted",
           "Inferred", "Loaded"]


@record(frozen=True)
class Inferred:
    """What `netlint.infer` returns: the pipeline's Linted seen before the rules.

    `loaded`, `model` (the inferred model, None when the loader's errors stopped
    inference), `findings` (the loader's and inference's own, before rules and config)
    and `ok`, as ever; `linted` is the whole result, which every command also takes."""

    linted: Linted

    @property
    def loaded(self) -> Loaded:
        return self.linted.loaded

    @property
    def model(self) -> object | None:  # netlint.layers.inference.InferredModel
        return self.linted.inferred

    @property
    def findings(self) -> list[Finding]:
        return self.linted.core_findings

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(f.severity == "error" for f in self.findings)


def linted(source: str | Path | Loaded | Linted | Inferred) -> Linted:
    """`source` as the pipeline's Linted: itself (or an Inferred's), else `lint(source)`."""
    if isinstance(source, Linted):
        return source
    return source.linted if isinstance(source, Inferred) else lint(source)


def infer(source: str | Path | Loaded) -> Inferred:
    """Load (if needed) and infer every shape, through `lint`; loader errors stop before
    inference."""
    return Inferred(lint(source))


def summary(source: str | Path | Loaded | Linted | Inferred, *,
            as_json: bool = False) -> str | dict | None:
    """The model's layer table, as Keras's `model.summary()` prints it.

    A str: the table, with a model whose shapes could not all be inferred still
    listed (its failing layers marked). With `as_json=True`, a dict instead: `name`,
    `path`, `layers` (one dict per layer: name, class, output_shape, params,
    trainable_params, non_trainable_params, inbound, error), `outputs` and the three
    parameter totals. None only when the file could not be read as a model at all
    (loader errors, NL001-NL004, stop before inference); lint findings never do.
    """
    from netlint.report.summary_table import summary_dict, summary_text

    model = linted(source).inferred
    if model is None:
        return None
    return summary_dict(model) if as_json else summary_text(model)


def check(path_or_text: str | Path | Loaded, config: object = None, *,
          finder: object = None) -> list[Finding]:
    """Lint a model file, a folder of model files, or YAML text; findings sorted.

    `config`: a `netlint.rules.config.Config` (laid over the config file found by
    walking up from each file, unless it is `isolated`), a path to a config file (used
    alone), or None (the config file found, if any). Raises `ConfigError` for bad
    settings and `FileNotFoundError` for a missing path. `finder` (a `ConfigFinder`)
    lets a caller share the config cache across calls.
    """
    from pathlib import Path

    from netlint.rules.config import ConfigFinder, layer_from

    overrides = layer_from(config)  # a config file named is read once, not once a file
    if isinstance(path_or_text, Loaded) or is_text(path_or_text):
        return lint(path_or_text, overrides).findings
    path = Path(path_or_text)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    finder = finder or ConfigFinder()
    findings: list[Finding] = []
    for file in (model_files(path) if path.is_dir() else [path]):
        findings += check_file(file, overrides, finder)
    return findings


def check_file(file: str | Path, overrides: object, finder: object) -> list[Finding]:
    """The findings of one model file, known to be a file: what `check` does per file.

    `overrides` is what `check` takes as `config`, `finder` a ConfigFinder. The parallel
    checker calls this for each file rather than `check`, which would first ask the file
    system whether the path exists and is a folder (two more calls per file)."""
    return lint_file(file, overrides, finder).findings


SNIFF_FIRST, SNIFF_AT_MOST = 64 * 1024, 1024 * 1024  # how much of a YAML file model_files reads


def model_files(folder: str | Path) -> list[Path]:
    """Model files below `folder`: *.yaml/*.yml with a top-level `layers:` key, sorted.

    Hidden folders and files (.git, .venv, .netlint.yaml) are skipped, as are files
    that are not model files (CI configs, docker-compose): a folder holds many YAMLs.
    """
    from pathlib import Path

    return [Path(name) for name in model_file_names(os.fspath(folder))]


def model_file_names(folder: str) -> list[str]:
    """`model_files` as strings: what `netlint check` uses. Given `folder` spelled as
    pathlib spells it (`str(Path(folder))`), each name is the `str()` of the Path that
    model_files returns."""
    top_level_layers = re.compile(_BLOCK_LAYERS_KEY, re.MULTILINE)
    found = []
    for name in _yaml_files(folder):
        try:
            head = _head(name, top_level_layers)
        except OSError:
            # a file that cannot be read (EIO, no permission) may be a model: listed, so
            # that checking it says so, rather than a folder check that passes in silence
            found.append(name)
            continue
        if top_level_layers.search(head) or (b"layers" in head and _has_layers_key(name)):
            found.append(name)
    if folder == ".":  # os.scandir(".") names "./x.yaml"; Path("./x.yaml") is x.yaml
        found = [name[2:] for name in found]
    return sorted(found, key=lambda name: name.replace(os.sep, "/"))


# `layers:` starting a line, the way nearly every model file is written: after a byte
# order mark or not, the key quoted or not.
_BLOCK_LAYERS_KEY = rb"^(?:\xef\xbb\xbf)?([\"']?)layers\1[ \t]*:"


def _has_layers_key(name: str) -> bool:
    """Whether a file the quick look could not place (flow or JSON style,
    `{"layers": [...]}`) is a mapping with a top-level `layers` key: read as the checker
    would read it. A file that cannot be read as YAML counts as a model file, so its
    problem is reported rather than the file silently skipped."""
    from netlint.loader import load

    loaded = load(name)
    document = loaded.document
    if document is None:
        return loaded.model is None and any(f.code == "NL001" for f in loaded.findings)
    return isinstance(document.value, dict) and "layers" in document.value


def _head(name: str, top_level_layers: re.Pattern) -> bytes:
    """The first 64 KiB of a file, or up to 1 MiB when `layers:` is not in those.

    64 KiB holds any model's `layers:`; reading on only when it is not found there spares
    a 1 MiB allocation per file. A bare descriptor, not open(): no buffered file object
    is built for one read (model_files took 19 ms for 1,000 files with open(), 9 ms so)."""
    descriptor = os.open(name, os.O_RDONLY)
    try:
        head = os.read(descriptor, SNIFF_FIRST)
        if len(head) == SNIFF_FIRST and not top_level_layers.search(head):
            head += os.read(descriptor, SNIFF_AT_MOST - SNIFF_FIRST)
    finally:
        os.close(descriptor)
    return head


def _yaml_files(folder: str) -> Iterator[str]:
    """Regular *.yaml/*.yml files below `folder`, hidden ones and hidden folders skipped.

    os.scandir reports each entry's type from the directory listing itself, so only
    symbolic links cost a stat; a FIFO or device named *.yaml is never opened. Walked
    depth first in name order, with a stack of its own rather than recursion, so a
    folder nested 1,200 deep is walked like any other; the caller sorts the result by
    its full path."""
    pending = [folder]
    while pending:
        try:
            entries = sorted(os.scandir(pending.pop()), key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):  # as os.walk: a linked folder is
                    folders.append(entry.path)           # not entered (it may loop back)
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    yield entry.path
            except OSError:
                continue
        pending.extend(reversed(folders))  # the first folder is walked next
