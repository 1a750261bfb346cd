"""Facts about the `data:` section: what will be fed to the model, read without loading it.

An entry (`x`, `y`, or one named after a model input or output) either
declares its facts (`shape:`, `axes:`, `encoding:`, `classes:`, `range:`) or
points at an `.npy`/`.npz` file, which data_files reads in bounded memory
(relative paths resolve against the model file's folder). Nothing here raises
on a bad file: problems become `DataProblem`s, which rule NL503 reports.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

from netlint.model.data_files import Unreadable, ValueStats, read_array_file
from netlint.model.graph import ModelSpec, Position, Section
from netlint.plumbing.records import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["DataEntry", "DataInfo", "DataProblem", "ValueStats", "iter_entries", "read_data"]


@record(frozen=True)
class DataEntry:
    """One entry of `data:`: declared facts, or facts read from its file."""

    name: str
    shape: tuple | None = None  # samples first, as numpy has it
    axes: tuple | None = None
    dtype: str | None = None
    encoding: str | None = None  # as declared
    classes: int | None = None  # as declared
    declared_range: tuple | None = None  # finite (min, max) as declared
    declared_nonfinite: tuple = ()  # NaN/inf written in `range:` (the data holds them)
    padded: bool = False
    path: str | None = None  # as written
    key: str | None = None  # the array inside an .npz
    stats: ValueStats | None = None  # from the file's values
    position: Position | None = None  # the entry's value
    shape_position: Position | None = None
    range_position: Position | None = None
    path_position: Position | None = None

    @property
    def label(self) -> str:
        """How messages name it: `data x` or `data x (train_x.npy)`."""
        if not self.path:
            return f"data {self.name}"
        from pathlib import PurePath  # only for a data file, which numpy then reads

        return f"data {self.name} ({PurePath(self.path).name})"

    @property
    def sample_shape(self) -> tuple | None:
        return tuple(self.shape[1:]) if self.shape else None

    @property
    def samples(self) -> int | None:
        return self.shape[0] if self.shape else None

    @property
    def value_range(self) -> tuple | None:
        if self.declared_range is not None:
            return self.declared_range
        return self.stats.value_range if self.stats else None

    @property
    def where(self) -> Position | None:
        """The most specific node for a message about the entry as a whole."""
        return self.path_position or self.shape_position or self.position

    @property
    def where_range(self) -> Position | None:
        return self.range_position or self.path_position or self.where

    @property
    def where_shape(self) -> Position | None:
        return self.shape_position or self.path_position or self.position

    @property
    def observed_encoding(self) -> str | None:
        """What the file's values look like: one-hot, multi-hot, binary, integral, continuous."""
        stats = self.stats
        if stats is None or stats.count == 0 or stats.nan_count:
            return None
        wide = bool(self.shape) and len(self.shape) >= 2 and (self.shape[-1] or 0) > 1
        if stats.binary and wide and stats.rows_known:
            if stats.one_hot_rows:
                return "one-hot"
            if stats.multi_hot_rows:
                return "multi-hot"
        if stats.binary:
            return "binary"
        return "integral" if stats.integral else "continuous"

    @property
    def label_encoding(self) -> str | None:
        """The encoding as declared, else what the values show (integral counts stay unknown)."""
        if self.encoding:
            return self.encoding
        observed = self.observed_encoding
        return observed if observed in ("one-hot", "multi-hot") else None

    @property
    def class_count(self) -> int | None:
        """`classes:`, or for integer labels read from a file, the largest id plus one."""
        if self.classes:
            return self.classes
        stats = self.stats
        if self.encoding == "integer" and stats and stats.maximum is not None \
                and stats.integral and stats.minimum >= 0:
            return int(stats.maximum) + 1
        return None


@record(frozen=True)
class DataProblem:
    """A data entry netlint could not read as written (reported by NL503)."""

    entry: str
    message: str
    position: Position | None
    fix: str | None = None
    severity: str = "warning"


@record(frozen=True)
class DataInfo:
    entries: dict = field(default_factory=dict)  # name -> DataEntry, in file order
    problems: tuple = ()

    def get(self, name: str) -> DataEntry | None:
        return self.entries.get(name)

    def for_input(self, model: ModelSpec, name: str) -> DataEntry | None:
        """The entry fed to input `name`: one named after it, or `x` for a single input."""
        if name in self.entries and name not in ("x", "y"):
            return self.entries[name]
        return self.entries.get("x") if len(model.inputs) == 1 else None

    def for_output(self, model: ModelSpec, name: str) -> DataEntry | None:
        """The labels of output `name`: an entry named after it, or `y` for a single output."""
        if name in self.entries and name not in ("x", "y"):
            return self.entries[name]
        return self.entries.get("y") if len(model.outputs) == 1 else None


# -- the section ------------------------------------------------------------------------

def read_data(model: ModelSpec) -> DataInfo | None:
    """The facts of every `data:` entry; None when the model has no `data:` section."""
    section = model.data
    if section is None:
        return None
    folder = _model_folder(model.path)
    entries, problems = {}, []
    for name, raw in section.values.items():
        if not isinstance(raw, dict):
            continue  # validation_split and the like
        entry = _declared(section, name, raw)
        if entry.path is not None:
            entry, problem = _with_file(entry, folder)
            if problem:
                problems.append(problem)
        entries[name] = entry
    return DataInfo(entries, tuple(problems))


def _model_folder(path: str) -> str:
    """The folder data paths are relative to."""
    if not path or path.startswith("<"):
        return os.getcwd()
    from pathlib import Path

    return str(Path(path).resolve().parent)


def _declared(section: Section, name: str, raw: dict) -> DataEntry:
    def at(*key: Any) -> Position | None:
        return section.positions.get((name, *key))

    shape = raw.get("shape")
    limits = raw.get("range")
    numbers = isinstance(limits, list) and len(limits) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in limits)
    classes = raw.get("classes")
    return DataEntry(
        name=name,
        shape=tuple(shape) if isinstance(shape, list) else None,
        axes=tuple(raw["axes"]) if isinstance(raw.get("axes"), list) else None,
        dtype=raw.get("dtype") if isinstance(raw.get("dtype"), str) else None,
        encoding=raw.get("encoding") if isinstance(raw.get("encoding"), str) else None,
        classes=classes if isinstance(classes, int) and not isinstance(classes, bool) else None,
        declared_range=(float(min(limits)), float(max(limits)))
        if numbers and all(math.isfinite(v) for v in limits) else None,
        declared_nonfinite=tuple(float(v) for v in limits if not math.isfinite(v))
        if numbers else (),
        padded=raw.get("padded") is True,
        path=raw.get("path") if isinstance(raw.get("path"), str) else None,
        key=raw.get("key") if isinstance(raw.get("key"), str) else None,
        position=at(), shape_position=at("shape"), range_position=at("range"),
        path_position=at("path"))


def _with_file(entry: DataEntry, folder: str) -> tuple[DataEntry, DataProblem | None]:
    """The entry completed from its file, or unchanged with the problem that stopped us."""
    from pathlib import Path  # only for a data file, which numpy then reads

    where = entry.path_position or entry.position
    file = (Path(folder) / entry.path) if not Path(entry.path).is_absolute() else Path(entry.path)
    try:
        shape, dtype, stats = read_array_file(file, entry.path, name=entry.name, key=entry.key,
                                              shape_declared=entry.shape is not None)
    except Unreadable as problem:
        return entry, DataProblem(entry.name, f"{entry.label}: {problem.message}", where,
                                  problem.fix, problem.severity)
    problem = None
    if entry.shape is not None and tuple(entry.shape) != shape:
        problem = DataProblem(
            entry.name, f"{entry.label} declares shape {_shape(entry.shape)} but the file "
            f"holds {_shape(shape)}; netlint uses the file's", entry.shape_position or where,
            "remove `shape:` (the file says it) or correct it")
    return replace(entry, shape=shape, dtype=dtype, stats=stats), problem


def _shape(shape: Any) -> str:
    items = ", ".join(str(d) for d in shape)
    return f"({items},)" if len(shape) == 1 else f"({items})"


def iter_entries(info: DataInfo | None) -> Iterator[DataEntry]:
    return iter(info.entries.values()) if info else iter(())
