"""Read a saved Keras model's architecture without Keras: a `.keras` zip or a JSON file.

* `.keras` (Keras 3's format): a zip holding `config.json` (the model, plus
  `compile_config` when it was compiled) and `metadata.json`; the weights file
  beside them is opened only for the sizes of a custom layer's weights (hdf5.py).
* `model.to_json()` output, from Keras 3 or Keras 2 (`keras_version` 2.x, or
  the Keras 2 shapes of the config itself: `batch_input_shape`, list-form
  `inbound_nodes`).

Bounded as `netlint check` bounds a model file (loader.load): a device or a socket
is refused unread, a regular file or a pipe is read at most MAX_CONFIG_BYTES, and
inside a `.keras` zip the central directory and `config.json` are bounded before
they are read.
What was read must then have the structure of a Keras model (structure.py).
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib

from netlint.errors import NetlintError
from netlint.plumbing.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

MIB = 1024 * 1024
# Keras writes ~950 bytes of config per layer: the largest keras.applications model takes
# 0.7 MiB, a 21,000-layer model (the big-input benchmark) 20 MiB. The model file written
# from it is ~20x smaller, well inside the loader's 8 MiB. Memory stays near 10x this.
MAX_CONFIG_BYTES = 32 * MIB
MODEL_CLASSES = ("Sequential", "Functional", "Model")
TOO_LARGE_FIX = "a Keras model's config is a few hundred kilobytes; is this a data file?"
# compressions Keras writes (and zipfile decompresses in bounded steps)
JSON_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# what zipfile raises for a damaged archive, besides BadZipFile
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
              RuntimeError)

__all__ = ["ImportFailed", "Source", "read_source", "MAX_CONFIG_BYTES", "MODEL_CLASSES"]


class ImportFailed(NetlintError):
    """The file cannot be imported at all; `message` says why and what to do, on one
    line (what came from the file, such as a key, has its control characters escaped)."""

    def __init__(self, message: str):
        from netlint.report.text import visible

        message = visible(message)
        super().__init__(message)
        self.message = message


@record(frozen=True)
class Source:
    """A model's serialized config, and what it came from."""

    config: dict  # {"class_name": "Sequential" | "Functional" | "Model", "config": {...}}
    compile_config: dict | None
    format: str  # "keras" (.keras zip), "json" (Keras 3 to_json), "keras2-json"
    keras_version: str | None
    # the .keras file, whose weights a custom layer's parameter count is read from
    archive: str | None = None
    where: str = ""  # how messages name the config: "m.json", "m.keras: config.json"


def read_source(path: Path) -> Source:
    """The model config in `path`; ImportFailed for anything that is not one."""
    suffix = path.suffix.lower()
    if suffix in (".h5", ".hdf5"):
        raise ImportFailed(
            f"{path}: HDF5 (.h5) models need h5py to read; save the architecture as JSON "
            "instead: open('model.json', 'w').write(model.to_json()), or save as .keras")
    if suffix in (".yaml", ".yml"):
        raise ImportFailed(f"{path}: netlint imports .keras and JSON files; is this already "
                           "a netlint model file? (`netlint check` reads it)")
    try:
        status = os.stat(path)
        if stat.S_ISREG(status.st_mode):
            if _is_zip(path):
                return _read_keras_zip(path, path, str(path))
            data = _read_bounded(path, status.st_size)
        elif stat.S_ISFIFO(status.st_mode):  # `netlint import <(cat model.json)`
            data = _read_bounded(path, 0)
            if data.startswith(b"PK"):  # a .keras piped in: read from memory, no weights
                return _read_keras_zip(io.BytesIO(data), path, None)
        else:
            what = "is a folder" if stat.S_ISDIR(status.st_mode) else \
                "is not a regular file (a device or a socket?)"
            raise ImportFailed(f"{path}: {what}; give the path of a .keras or JSON model "
                               "file")
    except OSError as error:  # unreadable, or a read error (EIO) part-way
        raise ImportFailed(f"{path}: cannot read the file: {error.strerror or error}") \
            from None
    return _from_json_document(_parse_json(data, str(path)), str(path))


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"PK" or zipfile.is_zipfile(handle)


def _too_large(where: str, size: int | None) -> ImportFailed:
    how_big = f"is {size // MIB} MiB, over" if size is not None else "is over"
    return ImportFailed(f"{where}: {how_big} the {MAX_CONFIG_BYTES // MIB} MiB limit for a "
                        f"model file; {TOO_LARGE_FIX}")


def _read_bounded(path: Path, size: int) -> bytes:
    """At most MAX_CONFIG_BYTES of the file, read as the loader reads a model file."""
    from netlint.loader import read_at_most

    if size > MAX_CONFIG_BYTES:
        raise _too_large(str(path), size)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        data = read_at_most(descriptor, MAX_CONFIG_BYTES, size)
    finally:
        os.close(descriptor)
    if len(data) > MAX_CONFIG_BYTES:  # a pipe, or a file that grew
        raise _too_large(str(path), None)
    return data


def _read_keras_zip(file: Path | io.BytesIO, path: Path, archive: str | None) -> Source:
    where = f"{path}: config.json"
    try:
        check_central_directory(file, str(path))
        with zipfile.ZipFile(file) as zipped:
            config_bytes = _member(zipped, "config.json", path)
            metadata_bytes = _member(zipped, "metadata.json", path, required=False)
    except ZIP_ERRORS as error:
        raise ImportFailed(f"{path}: not a readable .keras archive: {_zip_reason(error)}") \
            from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file: {error.strerror or error}") \
            from None
    config = _parse_json(config_bytes, where)
    metadata = _parse_json(metadata_bytes, f"{path}: metadata.json") \
        if metadata_bytes is not None else {}
    _require_model(config, where)
    compile_config = config.get("compile_config")
    version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    return Source(config, compile_config if isinstance(compile_config, dict) else None,
                  "keras", version if isinstance(version, str) else None, archive, where)


# A .keras file holds three members; a central directory past this is no Keras file, and
# zipfile would hold a record of every entry in memory.
MAX_DIRECTORY_BYTES = 1024 * 1024
_END, _END64, _LOCATOR64 = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"


def check_central_directory(file: Path | io.BytesIO, where: str) -> None:
    """ImportFailed when the zip's central directory (the list of its members, which
    zipfile reads whole) is larger than any .keras file's."""
    size = _directory_size(file)
    if size > MAX_DIRECTORY_BYTES:
        raise ImportFailed(f"{where}: its list of members is {size // 1024} KiB, over the "
                           f"{MAX_DIRECTORY_BYTES // 1024} KiB a .keras file needs; it is no "
                           "Keras model file")


def _directory_size(file: Path | io.BytesIO) -> int:
    """The central directory size the end record declares (zip64's where it defers)."""
    handle = open(file, "rb") if not isinstance(file, io.BytesIO) else file
    try:
        end = handle.seek(0, os.SEEK_END)
        start = max(0, end - (22 + 0xFFFF + 20))  # end record, comment, zip64 locator
        handle.seek(start)
        tail = handle.read(end - start)
        at = len(tail) - 22 if tail[-22:-18] == _END else tail.rfind(_END)
        if at < 0:
            return 0  # no end record: zipfile says it is no zip
        size = int.from_bytes(tail[at + 12:at + 16], "little")
        locator = tail.rfind(_LOCATOR64, 0, at)
        if size != 0xFFFFFFFF or locator < 0:
            return size
        offset = int.from_bytes(tail[locator + 8:locator + 16], "little")
        if offset >= end:
            return size
        handle.seek(offset)
        record64 = handle.read(56)
        return int.from_bytes(record64[40:48], "little") if record64[:4] == _END64 \
            else size
    finally:
        if handle is not file:
            handle.close()
        else:
            handle.seek(0)


def _zip_reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return "an encrypted member" if "encrypted" in text else text[:200]


def _member(zipped: zipfile.ZipFile, name: str, path: Path,
            required: bool = True) -> bytes | None:
    try:
        info = zipped.getinfo(name)
    except KeyError:
        if required:
            raise ImportFailed(f"{path}: no {name} inside; is it a Keras 3 .keras file?") \
                from None
        return None
    if info.file_size > MAX_CONFIG_BYTES:
        raise _too_large(f"{path}: {name}", info.file_size)
    if info.compress_type not in JSON_COMPRESSIONS:
        raise ImportFailed(f"{path}: {name} is compressed in a way Keras never writes "
                           f"(method {info.compress_type}); save the model again with Keras")
    with zipped.open(info) as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)  # the header's size may lie
    if len(data) > MAX_CONFIG_BYTES:
        raise _too_large(f"{path}: {name}", None)
    return data


def _parse_json(data: bytes, where: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{where}: not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{where}:{error.lineno}:{error.colno}: not JSON: {error.msg}") \
            from None
    except RecursionError:
        raise ImportFailed(f"{where}: nested too deeply to be a model config (a Keras "
                           "config nests a few dozen levels)") from None
    except ValueError:  # an integer past Python's digit limit for str -> int
        raise ImportFailed(f"{where}:{_long_number_at(text)}: a number with over "
                           f"{_digit_limit():,} digits; no model setting is that "
                           "long") from None


def _digit_limit() -> int:
    import sys

    return sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300


def _long_number_at(text: str) -> str:
    """`line:column` of the first run of more digits than Python reads as an int."""
    import re

    found = re.search(r"\d{%d,}" % (_digit_limit() + 1), text)
    if found is None:
        return "1:1"
    line = text.count("\n", 0, found.start()) + 1
    return f"{line}:{found.start() - (text.rfind(chr(10), 0, found.start()) + 1) + 1}"


def _from_json_document(document: Any, where: str) -> Source:
    _require_model(document, where)
    version = document.get("keras_version")
    version = version if isinstance(version, str) else None
    keras2 = bool(version and version.startswith(("1.", "2."))) or _looks_like_keras2(document)
    return Source(document, None, "keras2-json" if keras2 else "json", version, None, where)


def _require_model(document: Any, where: str) -> None:
    if not isinstance(document, dict) or document.get("class_name") not in MODEL_CLASSES:
        found = document.get("class_name") if isinstance(document, dict) else \
            type(document).__name__
        raise ImportFailed(f"{where}: not a Keras model config (expected class_name "
                           f"Sequential, Functional or Model; found {_short(found)})")
    if "config" not in document:
        raise ImportFailed(f"{where}: the model has no `config`")


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _looks_like_keras2(document: dict) -> bool:
    """Keras 2 spellings: a list-form Sequential config, or `batch_input_shape` on layers."""
    config = document.get("config")
    if isinstance(config, list) or document.get("class_name") == "Model":
        return True
    layers = config.get("layers") if isinstance(config, dict) else None
    return isinstance(layers, list) and any(
        isinstance(layer, dict) and isinstance(layer.get("config"), dict)
        and "batch_input_shape" in layer["config"] for layer in layers)
