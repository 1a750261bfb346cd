"""Read a saved Keras model's architecture without Keras: a `.keras` zip or a JSON file.

* `.keras` (Keras 3's format): a zip holding `config.json` (the model, plus
  `compile_config` when it was compiled) and `metadata.json`; the weights file
  beside them is opened only for the sizes of a custom layer's weights (hdf5.py).
* `model.to_json()` output, from Keras 3 or Keras 2 (`keras_version` 2.x, or
  the Keras 2 shapes of the config itself: `batch_input_shape`, list-form
  `inbound_nodes`).

Sizes are bounded before anything is read into memory: an architecture is a
few hundred kilobytes, so a 64 MiB config is refused rather than parsed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from netlint.records import record

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

MAX_CONFIG_BYTES = 64 * 1024 * 1024
MODEL_CLASSES = ("Sequential", "Functional", "Model")


class ImportFailed(Exception):
    """The file cannot be imported at all; `message` says why and what to do."""

    def __init__(self, message: str):
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
        if zipfile.is_zipfile(path):
            return _read_keras_zip(path)
        size = path.stat().st_size
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    if size > MAX_CONFIG_BYTES:
        raise ImportFailed(f"{path}: {size // (1024 * 1024)} MiB is too large for a model "
                           "config (weights are not needed: save model.to_json())")
    document = _parse_json(path.read_bytes(), str(path))
    return _from_json_document(document, str(path))


def _read_keras_zip(path: Path) -> Source:
    try:
        with zipfile.ZipFile(path) as archive:
            config = _json_member(archive, "config.json", path)
            metadata = _json_member(archive, "metadata.json", path, required=False) or {}
    except zipfile.BadZipFile as error:
        raise ImportFailed(f"{path}: not a readable .keras archive: {error}") from None
    _require_model(config, f"{path}: config.json")
    compile_config = config.get("compile_config")
    version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    return Source(config, compile_config if isinstance(compile_config, dict) else None,
                  "keras", version if isinstance(version, str) else None, str(path))


def _json_member(archive: zipfile.ZipFile, name: str, path: Path,
                 required: bool = True) -> Any:
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise ImportFailed(f"{path}: no {name} inside; is it a Keras 3 .keras file?") \
                from None
        return None
    if info.file_size > MAX_CONFIG_BYTES:
        raise ImportFailed(f"{path}: {name} is {info.file_size // (1024 * 1024)} MiB; "
                           "too large for a model config")
    with archive.open(info) as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)  # the header's size may lie
    if len(data) > MAX_CONFIG_BYTES:
        raise ImportFailed(f"{path}: {name} is too large for a model config")
    return _parse_json(data, f"{path}: {name}")


def _parse_json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{where}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{where}:{error.lineno}:{error.colno}: not JSON: {error.msg}") \
            from None
    except RecursionError:
        raise ImportFailed(f"{where}: nested too deeply to be a model config") from None


def _from_json_document(document: Any, where: str) -> Source:
    _require_model(document, where)
    version = document.get("keras_version")
    version = version if isinstance(version, str) else None
    keras2 = bool(version and version.startswith(("1.", "2."))) or _looks_like_keras2(document)
    return Source(document, None, "keras2-json" if keras2 else "json", version)


def _require_model(document: Any, where: str) -> None:
    if not isinstance(document, dict) or document.get("class_name") not in MODEL_CLASSES:
        found = document.get("class_name") if isinstance(document, dict) else \
            type(document).__name__
        raise ImportFailed(f"{where}: not a Keras model config (expected class_name "
                           f"Sequential, Functional or Model; found {found!r})")
    if "config" not in document:
        raise ImportFailed(f"{where}: the model has no `config`")


def _looks_like_keras2(document: dict) -> bool:
    """Keras 2 spellings: a list-form Sequential config, or `batch_input_shape` on layers."""
    config = document.get("config")
    if isinstance(config, list) or document.get("class_name") == "Model":
        return True
    layers = config.get("layers") if isinstance(config, dict) else None
    return isinstance(layers, list) and any(
        isinstance(layer, dict) and isinstance(layer.get("config"), dict)
        and "batch_input_shape" in layer["config"] for layer in layers)
