"""The one road from a model file to what every command shows: `lint(source) -> Linted`.

    loaded ─► inferred (once) ─► rules (once, on that inferred model) ─► findings

`check`, `summary`, `diagram`, `export` and the Python API all take a Linted, so no
command loads, infers or runs the rules twice, and each shape error has one producer
(rules.checks.incompatible_shape.shape_findings).
"""

from __future__ import annotations

import functools

from netlint.model.findings import Finding
from netlint.layers.inference import infer_shapes
from netlint.plumbing.records import record
from netlint.rules.checks.incompatible_shape import shape_findings
from netlint.rules.engine import run_rules, shape_explanations
from netlint.loader import Loaded, load, load_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from netlint.layers.inference import InferredModel

__all__ = ["Linted", "lint", "lint_file", "lint_loaded"]


@record(frozen=True)
class Linted:
    """A loaded model, its inferred shapes (None when the loader's errors stop inference)
    and every finding `netlint check` reports for it, sorted."""

    loaded: Loaded
    inferred: InferredModel | None
    findings: list

    @property
    def model(self) -> InferredModel | None:
        """The inferred model, by the name `netlint.infer(...).model` has always had."""
        return self.inferred

    @property
    def ok(self) -> bool:
        """Whether there is a model and no finding at error level."""
        return self.inferred is not None and not any(f.severity == "error"
                                                     for f in self.findings)

    @property
    def core_findings(self) -> list[Finding]:
        """The loader's findings and the shape errors inference recorded, before any
        config selects or suppresses: what `summary` prints and `export` refuses on,
        whatever the config. A shape error a rule explains (NL104 for a stacked RNN) is
        that rule's finding, as in `check`; the others are NL105."""
        return list(self._core_findings)

    @functools.cached_property
    def _core_findings(self) -> tuple:
        # worked out once: naming a shape error's rule runs the rules again, and the API's
        # Inferred asks for these on every `.findings` and `.ok`
        found = list(self.loaded.findings)
        if self.inferred is not None:
            explained = shape_explanations(self.loaded, self.inferred)
            found += [explained.get(f.layer, f)
                      for f in shape_findings(self.inferred, self.loaded.path)]
        return tuple(found)


def lint(source: str | Path | Loaded, config: object = None, *,
         finder: object = None) -> Linted:
    """Load (a path, YAML text or a Loaded), infer once, run the rules once.

    `config` as `netlint.check` takes it. A path is linted under the config file found
    by walking up from it (`finder`, a ConfigFinder, shares that search across calls);
    text and a Loaded under `config` alone."""
    from netlint.rules.config import layer_from

    if isinstance(source, Loaded):
        return lint_loaded(source, layer_from(config))
    if is_text(source):
        return lint_loaded(load_text(str(source)), layer_from(config))
    from netlint.rules.config import ConfigFinder

    return lint_file(source, config, finder or ConfigFinder())


def lint_file(file: str | Path, config: object, finder: object) -> Linted:
    """`lint` of a path known to be a file: what `netlint check` runs per file."""
    from netlint.rules.config import effective_config, layer_from

    return lint_loaded(load(file), effective_config(layer_from(config), file, finder))


def lint_loaded(loaded: Loaded, config: object = None) -> Linted:
    """`lint` of a Loaded under a resolved Config (or None: the defaults)."""
    inferred = infer_shapes(loaded.model) if loaded.ok else None
    return Linted(loaded, inferred, run_rules(loaded, inferred, config))  # type: ignore[arg-type]


def is_text(value: object) -> bool:
    """Whether a str handed to `lint` is YAML text rather than a path."""
    if not isinstance(value, str):
        return False
    from pathlib import Path

    return "\n" in value or (":" in value and not Path(value).exists())
