"""The Python API: what `import netlint` offers, and what the CLI itself calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netlint.findings import Finding
from netlint.spec import Loaded, load, load_text

__all__ = ["load", "load_text", "summary", "infer", "Inferred", "Loaded"]


@dataclass
class Inferred:
    """A loaded model and, when it could be built, its inferred shapes."""

    loaded: Loaded
    model: object | None = None  # netlint.infer.InferredModel
    findings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(f.severity == "error" for f in self.findings)


def shape_findings(inferred_model: object, path: str) -> list[Finding]:
    """Layers that cannot take their input, as NL105 findings (rules refine them)."""
    out = []
    for node in inferred_model.errors:  # type: ignore[attr-defined]
        spec = node.spec
        out.append(Finding(code="NL105", name="incompatible-shape", severity="error",
                           message=f"{node.class_name} '{node.name}': {node.error.message}",
                           path=path, position=spec.position if spec else None,
                           fix=node.error.fix, layer=node.name))
    return out


def infer(source: str | Path | Loaded) -> Inferred:
    """Load (if needed) and infer every shape; loader errors stop before inference."""
    from netlint.infer import infer_shapes

    loaded = source if isinstance(source, Loaded) else load(source)
    if not loaded.ok:
        return Inferred(loaded, None, list(loaded.findings))
    model = infer_shapes(loaded.model)
    return Inferred(loaded, model, list(loaded.findings) + shape_findings(model, loaded.path))


def summary(source: str | Path | Loaded, *, as_json: bool = False) -> str | dict | None:
    """Keras's `model.summary()` table (or its dict form); None when the model has errors."""
    from netlint.summary import summary_dict, summary_text

    result = infer(source)
    if result.model is None:
        return None
    return summary_dict(result.model) if as_json else summary_text(result.model)
