"""The rule engine: the registry, the context a rule reads, and the run over one file.

A rule is a function `check(ctx)` registered with `@rule(...)`; it reads the
inferred graph through `ctx` and yields findings built with `ctx.report(...)`.
The engine decides everything around it: which rules run (selection), what
severity a finding ends with (per-rule overrides), what is suppressed (config
per-file ignores, inline `# netlint:` comments) and the final order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from netlint.data import read_data
from netlint.findings import SEVERITIES, Finding
from netlint.graph import ModelSpec, Position
from netlint.inference import infer_shapes
from netlint.records import field, record, replace
from netlint.rules.config import NO_CONFIG
from netlint.rules.suppress import apply_suppressions

# read_data, infer_shapes, NO_CONFIG and apply_suppressions are imported here, not in the
# functions that use them: an import statement runs on every call (~8,000 instructions
# each, four per file), and registry() imports those modules anyway.

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from netlint.data import DataInfo
    from netlint.inference import InferredModel
    from netlint.rules.config import Config, Settings
    from netlint.spec import Loaded


@record(frozen=True)
class Rule:
    code: str  # "NL104"
    name: str  # "stacked-rnn-missing-return-sequences"
    severity: str  # default severity: "error" | "warning" | "info"
    summary: str  # one line, for `netlint rules`
    check: Callable[[Context], Iterable[Finding]]
    options: dict = field(default_factory=dict)  # default thresholds, overridable per project
    # What the rule reads of a file, as a test (facts.has_data, facts.has_recurrent): where
    # it is False the rule could find nothing, and the engine does not run it there
    needs: Callable[[Context], bool] | None = None


RULES: dict[str, Rule] = {}


class RuleCrash(Exception):
    """A rule raised: a netlint bug, reported with the rule and file instead of a traceback."""

    def __init__(self, code: str, path: str, error: BaseException):
        super().__init__(f"rule {code} crashed on {path}: {type(error).__name__}: {error}")
        self.code, self.path, self.error = code, path, error


def rule(code: str, name: str, severity: str, summary: str, options: dict | None = None,
         needs: Callable[[Context], bool] | None = None) -> Callable[[Callable], Callable]:
    """Register `def check(ctx)` as rule `code`; returns the function unchanged.

    `needs`: a test of the file (say, that it has a `data:` section) without which the
    rule cannot find anything; the engine then skips it. The rule itself still copes."""
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: severity must be one of {SEVERITIES}, not {severity!r}")

    def register(check: Callable) -> Callable:
        if code in RULES and RULES[code].check is not check:
            raise ValueError(f"rule {code} is registered twice "
                             f"({RULES[code].check.__module__} and {check.__module__})")
        clash = next((r for r in RULES.values() if r.name == name and r.code != code), None)
        if clash:
            raise ValueError(f"rule name {name!r} is used by both {clash.code} and {code}")
        RULES[code] = Rule(code, name, severity, summary, check, dict(options or {}), needs)
        return check

    return register


_loaded_modules = False
_sorted_rules: dict[str, Rule] = {}  # what registry() returned last: RULES in code order


def registry() -> dict[str, Rule]:
    """Every registered rule, code -> Rule in code order, importing the families on first use.

    The same dict on every call while RULES holds the same rules (callers read it, never
    change it): it is asked for once per file checked, sorting it each time showed in the
    benchmarks, and resolved settings are remembered per registry. Comparing is cheap and
    also sees the tests that set RULES directly (replacing a rule, restoring a copy).
    """
    global _loaded_modules, _sorted_rules
    if not _loaded_modules:
        from netlint.rules import RULE_MODULES

        for module in RULE_MODULES:  # a missing family is an error, never skipped quietly
            importlib.import_module(f"netlint.rules.{module}")
        _loaded_modules = True
    if _sorted_rules != RULES:
        _sorted_rules = dict(sorted(RULES.items()))
    return _sorted_rules


@record
class Context:
    """What one rule sees of one file: the model, its inferred graph, its own options."""

    path: str
    model: ModelSpec
    inferred: InferredModel
    options: dict  # this rule's options: its defaults overridden by the config
    rule: Rule
    # per-file values computed once and shared by every rule's context (the data facts,
    # the answers to `needs`)
    shared: dict = field(default_factory=dict, repr=False)

    def has(self, need: Callable[[Context], bool]) -> bool:
        """`need(self)`, a rule's `needs`, asked once per file (several rules share one)."""
        known = self.shared.get(need)
        if known is None:
            known = self.shared[need] = bool(need(self))
        return known

    @property
    def data(self) -> DataInfo | None:
        """Facts about the `data:` section (shapes, dtypes, value ranges), read on first use."""
        if "data" not in self.shared:
            self.shared["data"] = read_data(self.model)
        return self.shared["data"]

    def report(self, message: str, position: Position | None, *, fix: str | None = None,
               layer: str | None = None, severity: str | None = None) -> Finding:
        """A finding of this rule at `position` (severity defaults to the rule's)."""
        severity = severity or self.rule.severity
        if severity not in SEVERITIES:
            raise ValueError(f"{self.rule.code}: unknown severity {severity!r}")
        return Finding(code=self.rule.code, name=self.rule.name, severity=severity,
                       message=message, path=self.path, position=position, fix=fix, layer=layer)


def run_rules(loaded: Loaded, config: Config | None = None) -> list[Finding]:
    """Every finding for one loaded file, after selection, suppression and overrides; sorted."""
    rules = registry()
    settings = (config or NO_CONFIG).settings(rules, loaded.path)
    findings = list(loaded.findings)
    if loaded.ok and loaded.model is not None:
        findings.extend(_rule_findings(loaded, settings))
    findings = [f for f in findings if f.code in settings.enabled]
    findings = apply_suppressions(findings, loaded, settings.enabled, rules)
    findings = [_with_severity(f, settings.severity.get(f.code)) for f in findings]
    return _sorted_unique(findings)


def _rule_findings(loaded: Loaded, settings: Settings) -> list[Finding]:
    inferred = infer_shapes(loaded.model)
    findings: list[Finding] = []
    ctx: Context | None = None
    for code, rule_, options in settings.plan:  # the enabled rules, in code order
        # one context per file, re-pointed at each rule in turn: a rule's findings are all
        # collected before the next rule runs, and building ~40 contexts per file
        # showed in the many-files benchmark
        if ctx is None:  # the inferred model: a deferred input has its shape there
            ctx = Context(loaded.path, inferred.model, inferred, options, rule_)
        else:
            ctx.options, ctx.rule = options, rule_
        try:
            # most files have no `data:` and no recurrent layer: not running the 17 rules
            # that need one saved ~46,000 instructions a file
            if rule_.needs is not None and not ctx.has(rule_.needs):
                continue
            # append, not list.extend: extend sizes the list for a generator it cannot
            # measure and shrinks it back, ~1,100 instructions a rule (45 rules a file)
            for finding in rule_.check(ctx) or ():
                findings.append(finding)  # noqa: PERF402
        except RuleCrash:
            raise
        except Exception as exc:  # a bug in a rule; say which one, on which file
            raise RuleCrash(code, loaded.path, exc) from exc
    return drop_explained_shape_errors(findings)


GENERIC_SHAPE_CODE = "NL105"


def drop_explained_shape_errors(findings: list[Finding]) -> list[Finding]:
    """Drop the generic NL105 for a layer a more specific shape rule already explains.

    Inference records one error per layer that cannot take its input, and NL105 reports
    it as is. When a rule has said why at error level for that same layer (NL104 "needs
    a sequence", NL103 "channels first", NL203 "stateful without a fixed batch"), the
    generic message only repeats it, less helpfully. Only findings that ran (selected rules) can explain: with NL104
    ignored the model is still broken, so NL105 is reported.
    """
    explained = {f.layer for f in findings
                 if f.layer and f.severity == "error" and f.code != GENERIC_SHAPE_CODE}
    return [f for f in findings
            if not (f.code == GENERIC_SHAPE_CODE and f.layer in explained)]


def _with_severity(finding: Finding, severity: str | None) -> Finding:
    return finding if severity is None or severity == finding.severity else \
        replace(finding, severity=severity)


def _sorted_unique(findings: list[Finding]) -> list[Finding]:
    unique: dict[tuple, Finding] = {}
    for f in findings:
        unique.setdefault((f.path, f.line, f.column, f.code, f.message, f.severity), f)
    return sorted(unique.values(), key=lambda f: (*f.sort_key(), f.severity))
