"""Read a model file: YAML with positions -> schema validation -> ModelSpec."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netlint.findings import Finding, loader_finding
from netlint.graph import ModelSpec, Position
from netlint.spec.yaml_source import MAX_FILE_BYTES, Document, YamlProblem, read_yaml


@dataclass
class Loaded:
    """A model file as read: the model (None when unreadable) and the loader's findings."""

    path: str
    model: ModelSpec | None
    findings: list = field(default_factory=list)
    document: Document | None = None

    @property
    def ok(self) -> bool:
        """True when nothing stops inference (no NL001-NL004 error)."""
        return self.model is not None and not any(f.severity == "error" for f in self.findings)


def load_text(text: str, path: str = "<string>") -> Loaded:
    """Read a model from YAML text; never raises on bad input."""
    try:
        doc = read_yaml(text)
    except YamlProblem as problem:
        return Loaded(path, None, [loader_finding("NL001", problem.message, problem.position,
                                                  fix=problem.fix, path=path)])
    from netlint.spec.build import build_model
    from netlint.spec.validate import validate

    findings = validate(doc)
    for message, position, fix in doc.warnings:
        findings.append(loader_finding("NL001", message, position, fix=fix))
    model, build_findings = build_model(doc, path)
    findings.extend(build_findings)
    findings = _dedupe([f.with_path(path) for f in findings])
    return Loaded(path, model, findings, doc)


def load(path: str | Path) -> Loaded:
    """Read a model file; unreadable files become an NL001 finding, not an exception."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            return Loaded(name, None, [loader_finding(
                "NL001", f"file is {size // (1024 * 1024)} MiB, over the "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MiB limit for a model file", Position(1, 1),
                fix="a model file is a few kilobytes; is this a data file?", path=name)])
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Loaded(name, None, [loader_finding(
            "NL001", f"file is not UTF-8 text (byte {exc.start})", Position(1, 1),
            fix="save the file as UTF-8", path=name)])
    return load_text(text, name)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
