"""Export a model file: a Keras 3 training script, or the Keras model JSON.

    from netlint.codegen import export_file
    result = export_file("model.yaml", synthetic=True)   # raises ExportRefused on lint errors
    print(result.text)

Both targets are built from the inferred model; every value from the file
goes through a checked literal (see emitter.py), never pasted text.
"""

from __future__ import annotations

from pathlib import Path

from netlint.codegen.emitter import ExportError
from netlint.codegen.script import BACKENDS, MIXED_POLICIES, ScriptOptions
from netlint.errors import NetlintError
from netlint.plumbing.records import field, record

__all__ = ["export_file", "export_model", "export_script", "export_keras_json", "lint",
           "ExportError", "ExportRefused", "Exported", "ScriptOptions", "TARGETS", "BACKENDS",
           "MIXED_POLICIES"]

TARGETS = ("script", "keras-json")


class ExportRefused(NetlintError):
    """The model has lint errors (or could not be read); `findings` says which."""

    def __init__(self, findings: list, reason: str):
        super().__init__(reason)
        self.findings = findings
        self.reason = reason


@record
class Exported:
    """What `netlint.export` returns: the exported `text`, and the lint errors it was
    exported despite (`findings`, only ever non-empty with `force`)."""

    text: str
    findings: list = field(default_factory=list)  # what lint said (errors only if forced)


def export_script(inferred: object, options: ScriptOptions | None = None) -> str:
    """The training script of an inferred model (`netlint.lint(path).inferred`)."""
    from netlint.codegen.script import training_script

    return training_script(inferred, options or ScriptOptions())  # type: ignore[arg-type]


def export_keras_json(inferred: object, mixed_precision: str | None = None) -> str:
    """The `model.to_json()` text of an inferred model, for `keras.models.model_from_json`."""
    from netlint.codegen.keras_json import keras_json

    return keras_json(inferred, mixed_precision)  # type: ignore[arg-type]


def _refuse_unknown_input_shape(inferred: object) -> None:
    """A model written without an input shape exports only when every layer could be
    built without one (Embedding first); otherwise the script would fail in Keras."""
    from netlint.layers.inference import DEFERRED

    model = inferred.model  # type: ignore[attr-defined]
    unbuilt = [n.name for n in inferred.layers  # type: ignore[attr-defined]
               if n.skipped or n.params_unknown]
    if unbuilt and any(inp.origin == DEFERRED for inp in model.inputs):
        raise ExportError(f"the model has no input shape, and '{unbuilt[0]}' needs one to be "
                          "built: add `input: {shape: [...]}` (per-sample shape, batch "
                          "excluded), or `data: {x: {shape: [...]}}`")


def _refuse_declared(inferred: object) -> None:
    """A Lambda, custom layer or keras.ops node is in the file as a declared shape only
    (layers.declared): its code is not there to write, and a script without it would
    build another model or fail in Keras."""
    from netlint.layers.declared import is_declared, is_ops

    for spec in inferred.model.layers:  # type: ignore[attr-defined]
        for layer in (spec, spec.wrapped, spec.backward):
            if layer is None or not is_declared(layer.class_name):
                continue
            what = f"keras.{layer.class_name}" if is_ops(layer.class_name) else \
                layer.class_name if layer.class_name == "Lambda" else \
                f"the custom layer {layer.class_name}"
            raise ExportError(f"netlint cannot write the code of {what} '{spec.name}': the "
                              "model file holds what it makes, not its code. Write it with "
                              "Keras layers to export this model",
                              layer.position)


def lint(source: str | Path | object) -> tuple[object, list]:
    """(InferredModel or None, findings sorted) of a path or the pipeline's Linted: what
    `netlint check` reports (with the project's config), plus the loader's and the shape
    inference's own findings that it does not (a generic NL105 a rule explained, one the
    config ignores): export refuses those too.

    The model is None only when the file could not be read into a model at all; a
    model with loader errors (NL001-NL004) is still inferred, for `--force`.
    """
    from netlint.api import linted
    from netlint.rules.config import ConfigError

    try:
        result = linted(Path(source) if isinstance(source, str) else source)
    except ConfigError as problem:
        raise ExportError(f"netlint configuration: {problem}") from None
    model = result.inferred
    if model is None and result.loaded.model is not None:
        # the loader's errors stopped the pipeline before inference: inferred here
        # (the only time for this file), for --force
        from netlint.layers.inference import infer_shapes

        model = infer_shapes(result.loaded.model)
    reported = {_shown_as(f) for f in result.findings}
    findings = result.findings + [f for f in result.core_findings
                                  if _shown_as(f) not in reported]
    return model, sorted(findings, key=lambda f: f.sort_key())


def _shown_as(finding: object) -> tuple:
    """What tells two findings apart on the export's listing (not the severity a config
    gave one: a loader error the config made a warning is listed once)."""
    return (finding.code, finding.line,  # type: ignore[attr-defined]
            finding.column, finding.message)  # type: ignore[attr-defined]


def export_model(inferred: object, to: str = "script",
                 options: ScriptOptions | None = None) -> str:
    """The export of an inferred model, as text (no lint gate: see export_file)."""
    if to not in TARGETS:
        raise ExportError(f"unknown target {to!r}; use one of {', '.join(TARGETS)}")
    _refuse_declared(inferred)
    _refuse_unknown_input_shape(inferred)
    options = options or ScriptOptions()
    if to == "keras-json":
        return export_keras_json(inferred, options.mixed_precision)
    return export_script(inferred, options)


def export_file(path: str | Path | object, *, to: str = "script", force: bool = False,
                options: ScriptOptions | None = None) -> Exported:
    """Lint `path` (or take the pipeline's Linted) and export it (`netlint.export`).

    `to` is "script" (a Keras 3 training script; `options`, a ScriptOptions, sets its
    backend, precision, epochs, batch size and synthetic data) or "keras-json" (for
    `keras.models.model_from_json`). Returns an Exported: `text`, and in `findings`
    the lint errors exported despite (only with `force`). Raises ExportRefused when
    lint finds errors (unless `force`) or the file holds no model, and ExportError
    for a model or value that cannot be written as code; both are NetlintErrors.
    """
    model, findings = lint(path)
    errors = [f for f in findings if f.severity == "error"]
    if model is None:
        raise ExportRefused(findings, "the file holds no model netlint can build")
    if errors and not force:
        raise ExportRefused(findings, f"{len(errors)} error(s)")
    return Exported(export_model(model, to, options), errors)
