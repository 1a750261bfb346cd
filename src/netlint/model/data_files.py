"""Read .npy/.npz data files without loading them: header, then values in chunks.

numpy reads the header for shape and dtype. The values are scanned in
fixed-size chunks (memory-mapped for .npy, streamed out of the zip for .npz)
for their range, NaN/inf and label encoding; beyond a byte budget they are
sampled evenly, so a 10 GB array costs a pre-commit hook milliseconds and a
few megabytes. Pickled (object) arrays are never loaded.
"""

from __future__ import annotations

import math

from netlint.errors import NetlintError
from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import zipfile
    from pathlib import Path
    from typing import Any, BinaryIO

CHUNK_ELEMENTS = 1 << 20  # values per chunk: 8 MiB as float64, whatever the file size
SCAN_BYTES = 64 << 20  # beyond this, a file's values are sampled, not read in full
READABLE_SUFFIXES = (".npy", ".npz")
NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float: the dtypes whose values we scan


@record(frozen=True)
class ValueStats:
    """What the values of one array look like (finite values only, for min/max)."""

    count: int = 0  # values read
    minimum: float | None = None
    maximum: float | None = None
    nan_count: int = 0
    inf_count: int = 0
    integral: bool = True  # every finite value is a whole number
    binary: bool = True  # every value is 0 or 1
    one_hot_rows: bool = True  # binary, and every row (last axis) has exactly one 1
    multi_hot_rows: bool = False  # binary, and some row has several 1s
    rows_known: bool = False  # the scan saw whole rows, so the two above mean something
    sampled: bool = False  # part of the file only (evenly spaced blocks)

    @property
    def value_range(self) -> tuple | None:
        return None if self.minimum is None else (self.minimum, self.maximum)


class Unreadable(NetlintError):
    """A data file netlint cannot read as written; message and fix say why."""

    def __init__(self, message: str, fix: str | None = None, severity: str = "warning"):
        super().__init__(message)
        self.message, self.fix, self.severity = message, fix, severity


# -- files ------------------------------------------------------------------------------

def read_array_file(file: Path, written: str, *, name: str, key: str | None = None,
                    shape_declared: bool = False) -> tuple[tuple, str, ValueStats | None]:
    """(shape, dtype, value stats) of an .npy file or an .npz member; `Unreadable` if not.

    `written` is the path as the model file gives it (for messages), `name` the data
    entry's name (an .npz member of that name is the default), `key` the member asked for.
    """
    suffix = file.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        severity = "info" if shape_declared else "warning"
        raise Unreadable(f"netlint reads .npy and .npz files, not {suffix or 'this file'}",
                         "save it with np.save, or declare `shape:` (and `range:`) instead",
                         severity)
    if not file.exists():
        raise Unreadable(f"there is no file '{written}'",
                         "paths are relative to the model file's folder")
    if not file.is_file():  # a folder, a FIFO or a device: never open it
        raise Unreadable(f"'{written}' is not a regular file")
    try:
        if suffix == ".npy":
            return _read_npy(file)
        return _read_npz(file, name, key)
    except Unreadable:
        raise
    except (OSError, ValueError, EOFError, KeyError) as exc:
        raise Unreadable(f"cannot read {file.name}: {exc}") from None


def _header(handle: BinaryIO) -> tuple[tuple, bool, Any]:
    """(shape, fortran_order, dtype) from an .npy header; the values are not touched."""
    import numpy as np

    fmt = np.lib.format
    version = fmt.read_magic(handle)
    if version == (1, 0):
        return fmt.read_array_header_1_0(handle)
    if version == (2, 0):
        return fmt.read_array_header_2_0(handle)
    reader = getattr(fmt, "_read_array_header", None)
    if reader is None:
        raise Unreadable(f"unsupported .npy format version {version}")
    return reader(handle, version)


def _check_dtype(dtype: Any) -> None:
    if dtype.hasobject:
        raise Unreadable("the array holds Python objects (pickled); netlint never unpickles",
                          "save a numeric array (e.g. np.asarray(x, dtype='float32'))")


def _read_npy(file: Path) -> tuple[tuple, str, ValueStats | None]:
    import numpy as np

    with open(file, "rb") as handle:
        shape, _, dtype = _header(handle)
    _check_dtype(dtype)
    if dtype.kind not in NUMERIC_KINDS:
        return tuple(shape), str(dtype), None
    array = np.load(file, mmap_mode="r", allow_pickle=False)
    if array.size == 0:
        return tuple(shape), str(dtype), ValueStats()
    # ravel(order="K") is a view of the memory map for either memory order: no copy
    flat = array.ravel(order="K")
    row = shape[-1] if len(shape) >= 2 and array.flags.c_contiguous else 0
    return tuple(shape), str(dtype), _scan_flat(flat, row)


def _read_npz(file: Path, name: str, key: str | None) -> tuple[tuple, str, ValueStats | None]:
    import zipfile  # only for .npz files: it pulls in bz2, lzma, shutil and threading

    try:
        return _read_npz_archive(zipfile.ZipFile(file), file, name, key)
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"cannot read {file.name}: {exc}") from None


def _read_npz_archive(archive: zipfile.ZipFile, file: Path, name: str,
                      key: str | None) -> tuple[tuple, str, ValueStats | None]:
    with archive:
        member = _npz_member(archive, name, key, file)
        with archive.open(member) as handle:
            shape, fortran, dtype = _header(handle)
            _check_dtype(dtype)
            if dtype.kind not in NUMERIC_KINDS:
                return tuple(shape), str(dtype), None
            total = math.prod(shape)
            row = shape[-1] if len(shape) >= 2 and not fortran else 0
            return tuple(shape), str(dtype), _scan_stream(handle, dtype, total, row)


def _npz_member(archive: zipfile.ZipFile, name: str, key: str | None, file: Path) -> str:
    """The array an entry means: `key:`, else one named like the entry, else the only one."""
    names = [n[:-4] for n in archive.namelist() if n.endswith(".npy")]
    wanted = key or (name if name in names else None)
    if wanted is None and len(names) == 1:
        wanted = names[0]
    if wanted is None or wanted not in names:
        listed = ", ".join(sorted(names)) or "none"
        raise Unreadable(f"{file.name} holds the arrays {listed}; "
                          + (f"there is no '{wanted}'" if wanted else "which one is meant?"),
                          "name the array with `key:`")
    return wanted + ".npy"


# -- scanning values in bounded memory --------------------------------------------------

def _chunk_length(row: int) -> int:
    """Values per chunk, a whole number of rows when rows are short enough to keep."""
    if 1 < row <= CHUNK_ELEMENTS:
        return (CHUNK_ELEMENTS // row) * row
    return CHUNK_ELEMENTS


def _scan_flat(flat: Any, row: int) -> ValueStats:
    """Scan a (memory-mapped) flat array, all of it or evenly spaced blocks of it."""
    size = flat.shape[0]
    step = _chunk_length(row)
    budget = max(step, SCAN_BYTES // max(flat.dtype.itemsize, 1))
    if size <= budget:
        starts = range(0, size, step)
        sampled = False
    else:
        blocks = max(1, budget // step)
        stride = (size // blocks) // step * step or step
        starts = range(0, size, stride)[:blocks]
        sampled = True
    stats = _Accumulator(row if row > 1 and row <= step else 0)
    for start in starts:
        stats.add(flat[start:start + step])
    return stats.result(sampled)


def _scan_stream(handle: BinaryIO, dtype: Any, total: int, row: int) -> ValueStats:
    """Scan values read from a stream (a zip member), up to the scan budget."""
    import numpy as np

    step = _chunk_length(row)
    stats = _Accumulator(row if row > 1 and row <= step else 0)
    remaining = min(total, max(step, SCAN_BYTES // max(dtype.itemsize, 1)))
    while remaining > 0:
        count = min(step, remaining)
        raw = handle.read(count * dtype.itemsize)
        if not raw:
            break
        usable = len(raw) // dtype.itemsize
        stats.add(np.frombuffer(raw[:usable * dtype.itemsize], dtype=dtype))
        remaining -= usable
    return stats.result(sampled=remaining > 0 or stats.count < total)


class _Accumulator:
    """Running facts over chunks; each chunk is converted on its own, so memory stays flat."""

    def __init__(self, row: int):
        self.row = row
        self.count = self.nan = self.inf = 0
        self.low = self.high = None
        self.integral = self.binary = self.one_hot = True
        self.multi_hot = False

    def add(self, chunk: Any) -> None:
        import numpy as np

        values = np.asarray(chunk)
        if values.dtype.kind == "b":
            values = values.astype(np.uint8)
        self.count += values.size
        if values.dtype.kind == "f":
            nan = np.isnan(values)
            inf = np.isinf(values)
            self.nan += int(nan.sum())
            self.inf += int(inf.sum())
            finite = values[~(nan | inf)] if (self.nan or self.inf) else values
        else:
            finite = values
        if finite.size:
            low, high = finite.min().item(), finite.max().item()
            self.low = low if self.low is None else min(self.low, low)
            self.high = high if self.high is None else max(self.high, high)
            if self.integral and values.dtype.kind == "f":
                self.integral = bool(np.all(np.floor(finite) == finite))
            if self.binary:
                self.binary = bool(np.all((finite == 0) | (finite == 1)))
        self._rows(values)

    def _rows(self, values: Any) -> None:
        if not (self.row and self.binary and values.size % self.row == 0) or self.nan:
            return
        sums = values.reshape(-1, self.row).sum(axis=1)
        self.one_hot = self.one_hot and bool((sums == 1).all())
        self.multi_hot = self.multi_hot or bool((sums > 1).any())

    def result(self, sampled: bool) -> ValueStats:
        rows = bool(self.row) and self.binary and not self.nan
        return ValueStats(
            count=self.count, minimum=None if self.low is None else float(self.low),
            maximum=None if self.high is None else float(self.high), nan_count=self.nan,
            inf_count=self.inf, integral=self.integral, binary=self.binary and self.count > 0,
            one_hot_rows=rows and self.one_hot, multi_hot_rows=rows and self.multi_hot,
            rows_known=rows, sampled=sampled)
