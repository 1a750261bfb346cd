"""Read a model file: YAML with positions -> schema validation -> ModelSpec."""

from __future__ import annotations

import os
import stat

from netlint.model.findings import Autofix, Finding, TextEdit, loader_finding
from netlint.model.graph import ModelSpec, Position
from netlint.plumbing.records import field, record
from netlint.loader.yaml_source import MAX_FILE_BYTES, Document, YamlProblem, read_yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


@record
class Loaded:
    """A model file as read: the model (None when unreadable) and the loader's findings."""

    path: str
    model: ModelSpec | None
    findings: list = field(default_factory=list)
    document: Document | None = None
    # Whether an error stops the analysis; None: any error does. An error about one value
    # of `compile:`, `train:` or `data:` does not (see LOCAL_SECTIONS).
    blocked: bool | None = None

    @property
    def ok(self) -> bool:
        """True when nothing stops inference (no NL001-NL004 error but local ones)."""
        if self.model is None:
            return False
        if self.blocked is not None:
            return not self.blocked
        return not any(f.severity == "error" for f in self.findings)


_stages: tuple = ()  # (reset_suggestions, validate_located, build_model) once imported


def _loader_stages() -> tuple:
    """The loader's later stages, imported on first use, not with `netlint.loader`, and then
    kept: an import statement runs the import machinery on every call even once the module
    is loaded; the three `load_text` had cost ~22,000 instructions a file."""
    global _stages
    if not _stages:
        from netlint.loader.build import build_model
        from netlint.loader.layer_items import reset_suggestions
        from netlint.loader.validate import validate_located

        _stages = (reset_suggestions, validate_located, build_model)
    return _stages


def load_text(text: str, path: str = "<string>") -> Loaded:
    """Read a model from YAML text; never raises on bad input."""
    reset_suggestions, validate_located, build_model = _stages or _loader_stages()
    reset_suggestions()
    try:
        doc = read_yaml(text)
    except YamlProblem as problem:
        return Loaded(path, None, [loader_finding("NL001", problem.message, problem.position,
                                                  fix=problem.fix, path=path)])
    findings, blocked = [], False
    for finding, about in validate_located(doc):
        findings.append(finding)
        if all(_is_local(where) for where in about):
            for where in about:
                _set_aside(doc.value, where)
        else:
            blocked = True
    # a note may end with the text to write over its span: a safe fix (the value is
    # spelt so that every YAML reader reads what netlint reads)
    noted = [loader_finding(code, message, position, fix=fix,
                            autofix=_respelling(position, respelled))
             for code, message, position, fix, *respelled in doc.warnings]
    model, build_findings = build_model(doc, path)
    findings += noted + build_findings
    blocked = blocked or any(f.severity == "error" for f in noted + build_findings)
    findings = _dedupe([f.with_path(path) for f in findings])
    return Loaded(path, model, findings, doc, blocked=blocked)


# A value in these sections that Keras would refuse is reported (NL001), set aside, and
# the rest of the file analysed without it: an unknown metric or a Keras 1 `fit`
# argument says nothing about the layers. A problem in `input:`, `layers:` or
# `outputs:` leaves no model to analyse and stops the file.
LOCAL_SECTIONS = ("compile", "train", "data")


def _is_local(where: tuple) -> bool:
    return bool(where) and where[0] in LOCAL_SECTIONS


def _set_aside(value: object, where: tuple) -> None:
    """Remove the value at `where` from the document (a list item becomes None, so the
    items after it keep their places and positions)."""
    for step in where[:-1]:
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return
    last = where[-1]
    if isinstance(value, dict):
        value.pop(last, None)
    elif isinstance(value, list) and isinstance(last, int) and last < len(value):
        value[last] = None


def load(path: str | Path) -> Loaded:
    """Read a model file; unreadable files become an NL001 finding, not an exception.

    Regular files and pipes (`netlint check <(generate)`) are read, at most 8 MiB of
    them; a device or a socket is refused unread (`/dev/zero` never ends)."""
    name = str(path)
    try:
        status = os.stat(path)
        if not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
            return _refused(name, "is not a regular file (a device or a socket?)",
                            "give the path of a model file")
        if status.st_size > MAX_FILE_BYTES:
            return _refused(name, f"file is {status.st_size // (1024 * 1024)} MiB, over the "
                            f"{MAX_FILE_BYTES // (1024 * 1024)} MiB limit for a model file",
                            "a model file is a few kilobytes; is this a data file?")
        # a bare descriptor, not open(): no buffered file object to build for one read,
        # which showed in the many-files benchmark (issue 7)
        descriptor = os.open(path, os.O_RDONLY)
        try:
            raw = read_at_most(descriptor, MAX_FILE_BYTES, status.st_size)
        finally:
            os.close(descriptor)
        if len(raw) > MAX_FILE_BYTES:
            return _refused(name, f"file is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB "
                            "limit for a model file",
                            "a model file is a few kilobytes; is this a data file?")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _refused(name, f"file is not UTF-8 text (byte {exc.start})",
                        "save the file as UTF-8")
    except OSError as exc:  # missing, unreadable, a read error (EIO): a finding, as promised
        return _refused(name, f"cannot read the file: {exc.strerror or exc}",
                        "check the path and its permissions")
    return load_text(text, name)


def _respelling(position: Position | None, respelled: list) -> Autofix | None:
    if not respelled or respelled[0] is None or position is None:
        return None
    return Autofix((TextEdit(position.line, position.column, position.end_line,
                             position.end_column, respelled[0]),))


def read_at_most(descriptor: int, limit: int, expected: int) -> bytes:
    """Up to `limit + 1` bytes of an open file (one more tells the caller the limit was
    passed).

    Reads into a buffer the size the file is `expected` to have, not the size of the
    limit: `read(8 MiB)` allocates 8 MiB for every 2 KB model (stat, open and read took
    0.037 ms a file that way, 0.016 ms this way, over the benchmark's 1,000 files). A pipe
    (no size) or a file that grew is read on in chunks."""
    chunks, total, size = [], 0, max(expected, 0) + 1
    while total <= limit:
        chunk = os.read(descriptor, min(size, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        size = 64 * 1024
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _refused(name: str, message: str, fix: str) -> Loaded:
    return Loaded(name, None, [loader_finding("NL001", message, Position(1, 1), fix=fix,
                                              path=name)])


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
