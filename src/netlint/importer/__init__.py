"""`netlint import`: a saved Keras model -> a netlint model file, without Keras.

    from netlint.importer import import_model
    imported = import_model("model.keras")      # or a model.to_json() file
    if imported.problems:                        # what the file could not express
        ...
    Path("model.yaml").write_text(imported.text)

Reads Keras 3 `.keras` files (their `config.json`, and `compile_config` for the
`compile:` section), Keras 3 `model.to_json()` output and Keras 2 JSON configs.
Of the weights, only the sizes of a custom layer's are read. Nested models are
flattened. A Lambda, a custom layer class or a keras.ops node is written with
the output shape the config records for it, declared for netlint to take on
trust (declared.py). A layer called several times (shared weights) is written
once, with a `- call:` item for each further call. Anything that cannot be
written (a submodel called twice, custom objects) is listed in `problems` and,
when the file is written anyway, in comments at its top.
"""

from __future__ import annotations

from pathlib import Path

from netlint.importer.source import ImportFailed, Source, read_source
from netlint.plumbing.records import field, record

__all__ = ["import_model", "import_source", "Imported", "ImportFailed"]

FORMAT_NAMES = {"keras": "a Keras 3 .keras file", "json": "a Keras 3 model.to_json()",
                "keras2-json": "a Keras 2 JSON config"}


@record
class Imported:
    """An imported model: the document, its YAML text, and what the import had to say."""

    document: dict
    text: str
    problems: list = field(default_factory=list)  # not expressed: the file differs from Keras
    notes: list = field(default_factory=list)  # changed in form only (flattened, renamed)
    format: str = ""

    @property
    def complete(self) -> bool:
        return not self.problems


def import_source(source: Source, label: str = "") -> Imported:
    """Import an already-read Source; `label` names it in the file's first comment."""
    from netlint.importer.compile import compile_section
    from netlint.importer.document import build_document
    from netlint.importer.graph import flatten
    from netlint.importer.layers import Report
    from netlint.importer.structure import check_model, check_values
    from netlint.importer.yaml_out import to_yaml
    from netlint.report.text import visible

    where = source.where or label or "the model"
    if not isinstance(source.config, dict):
        raise ImportFailed(f"{where}: not a Keras model config (a mapping)")
    check_values(source.config, where)
    check_model(source.config, where)
    graph = flatten(source.config)
    if not graph.calls:
        raise ImportFailed(f"{where}: the model has no layers besides its inputs, so there "
                           "is nothing to import")
    report = Report(list(graph.problems), list(graph.notes))
    compiled = compile_section(source.compile_config, report) if source.compile_config \
        else None
    document = build_document(graph, compiled, report, source.archive)
    # one line each, whatever text from the file they quote; each said once
    report.problems = list(dict.fromkeys(map(visible, report.problems)))
    report.notes = list(dict.fromkeys(map(visible, report.notes)))
    made_with = f", Keras {source.keras_version}" if source.keras_version else ""
    header = [f"Imported by `netlint import` from {label or 'a Keras model'} "
              f"({FORMAT_NAMES[source.format]}{made_with})."]
    if report.problems:
        header += ["NOT EXPRESSED in this file (the Keras model differs here):"]
        header += [f"  - {problem}" for problem in report.problems]
    return Imported(document, to_yaml(document, header), report.problems, report.notes,
                    source.format)


def import_model(path: str | Path) -> Imported:
    """Import a `.keras` file or a JSON config; ImportFailed when it holds no model."""
    path = Path(path)
    return import_source(read_source(path), path.name)
