"""The loader's schema, cached the way Python caches bytecode.

`schema.model_schema()` builds the schema from the layer registry: every layer's
arguments, shared definitions, descriptions. That is a pure function of
netlint's own source, and it takes longer than checking a typical model, so a
process that only needs to validate reads the result of an earlier run instead.

The cache follows Python's bytecode rules: it lives where the bytecode of this
package goes (`__pycache__` beside it, or under PYTHONPYCACHEPREFIX), it is not
written when Python writes no bytecode (PYTHONDONTWRITEBYTECODE, -B), and its
name carries a fingerprint of every netlint source file (path, size, mtime), so
any edit or reinstall means a fresh build. A cache that cannot be read or
written is simply not used.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

# the netlint package folder; os.path, not pathlib: importing pathlib was 6% of a one-file
# check (see paths.py), and this module is imported by every check
PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
PREFIX = "netlint-schema-"


def fingerprint(package: str = PACKAGE) -> str:
    """A digest of (path, size, mtime) of every .py and .json file under `package`, and Python's
    version. Two 32-bit checksums, not hashlib: loading OpenSSL would cost more than
    the whole look-up, and this guards against edits, not against an adversary."""
    lines = [sys.version]
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):  # the schema reads the Keras vocabulary
                stat = os.stat(os.path.join(folder, name))
                lines.append(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}")
    data = "\n".join(lines).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def cache_folder() -> str | None:
    """Where bytecode for this package would go; None when Python writes no bytecode."""
    if sys.dont_write_bytecode:
        return None
    if sys.pycache_prefix:
        return os.path.join(sys.pycache_prefix, "netlint")
    return os.path.join(PACKAGE, "spec", "__pycache__")


def cached_model_schema() -> dict[str, Any]:
    """`model_schema()`, from the cache when a build of the same source left one."""
    folder = cache_folder()
    if folder is None:
        return _build()
    path = os.path.join(folder, f"{PREFIX}{fingerprint()}.marshal")
    try:
        # marshal, not json: built in (nothing to import) and several times faster to read;
        # its format changes between Python versions, which the fingerprint includes
        with open(path, "rb") as handle:
            schema = marshal.load(handle)
        if isinstance(schema, dict):
            return schema
    except (OSError, ValueError, EOFError, TypeError):
        pass
    schema = _build()
    _store(path, marshal.dumps(schema))
    return schema


def _build() -> dict[str, Any]:
    from netlint.spec.schema import model_schema

    return model_schema()


def _store(path: str, data: bytes) -> None:
    """Write atomically (a reader never sees half a file); drop stale versions; never fail."""
    import tempfile  # only on a cache miss: it imports random, hashlib and shutil

    folder, name = os.path.split(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".marshal", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
        for old in sorted(os.listdir(folder)):
            if old.startswith(PREFIX) and old != name:
                try:
                    os.unlink(os.path.join(folder, old))
                except FileNotFoundError:  # another process removed it first
                    pass
    except OSError:
        try:
            os.unlink(temp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
