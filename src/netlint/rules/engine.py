"""The rule engine: the registry, the context a rule reads, and the run over one file.

A rule is a card (rules/NLxxx.yaml: its id, name, severity, summary, options) and
a module of `netlint.rules.checks` (its `check(ctx)`, and `needs` where it has
one). The registry is built from catalog.json, the index generate_catalog.py
writes from the cards, importing each rule's module by the name the card gives:
no module registers itself. A check reads the inferred graph through `ctx` and
yields findings built with `ctx.report(...)`. The engine decides everything
around it: which rules run (selection), what severity a finding ends with
(per-rule overrides), what is suppressed (config per-file ignores, inline
`# netlint:` comments) and the final order.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable

from netlint.errors import NetlintError
from netlint.model.data import read_data
from netlint.model.findings import SEVERITIES, Autofix, Finding
from netlint.model.graph import ModelSpec, Position
from netlint.plumbing.records import field, record, replace
from netlint.rules import facts
from netlint.rules.checks.incompatible_shape import GENERIC_SHAPE_CODE
from netlint.rules.config import NO_CONFIG
from netlint.rules.suppress import apply_suppressions

# read_data, NO_CONFIG and apply_suppressions are imported here, not in the
# functions that use them: an import statement runs on every call (~8,000 instructions
# each, three per file), and the rules' modules import those modules anyway.

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.data import DataInfo
    from netlint.layers.inference import InferredModel
    from netlint.rules.config import Config, Settings
    from netlint.loader import Loaded
    from netlint.loader.yaml_document import Document

CATALOG = os.path.join(os.path.dirname(__file__), "catalog.json")
CHECKS_PACKAGE = "netlint.rules.checks"


@record(frozen=True)
class Rule:
    code: str  # "NL104"
    name: str  # "stacked-rnn-missing-return-sequences"
    severity: str  # default severity: "error" | "warning" | "info"
    summary: str  # one line, for `netlint rules`
    check: Callable[[Context], Iterable[Finding]]
    options: dict = field(default_factory=dict)  # default thresholds, overridable per project
    # What the rule reads of a file, as a test (facts.has_data, facts.has_recurrent; its
    # module's `needs`): where it is False the rule could find nothing, and the engine
    # does not run it there
    needs: Callable[[Context], bool] | None = None


RULES: dict[str, Rule] = {}


class RuleCrash(NetlintError):
    """A rule raised: a netlint bug, reported with the rule and file instead of a traceback."""

    def __init__(self, code: str, path: str, error: BaseException):
        super().__init__(f"rule {code} crashed on {path}: {type(error).__name__}: {error}")
        self.code, self.path, self.error = code, path, error


def add_rule(rule_: Rule) -> Rule:
    """Register a rule made in Python (a test's, a plugin's) beside the catalog's.

    The catalog's own rules were checked when it was generated; this checks the same
    for one more: a known severity, a free id and a name no other rule has."""
    registry()
    if rule_.severity not in SEVERITIES:
        raise ValueError(f"{rule_.code}: severity must be one of {SEVERITIES}, "
                         f"not {rule_.severity!r}")
    if rule_.code in RULES and RULES[rule_.code].check is not rule_.check:
        raise ValueError(f"rule {rule_.code} is registered twice "
                         f"({RULES[rule_.code].check.__module__} and {rule_.check.__module__})")
    clash = next((r for r in RULES.values() if r.name == rule_.name and r.code != rule_.code),
                 None)
    if clash:
        raise ValueError(f"rule name {rule_.name!r} is used by both {clash.code} and {rule_.code}")
    RULES[rule_.code] = rule_
    return rule_


def _reported_elsewhere(ctx: Context) -> Iterable[Finding]:
    """The check of a rule whose findings the loader or the suppression pass makes."""
    return ()


def read_catalog() -> dict[str, dict]:
    """catalog.json: code -> name, severity, summary, options, module and needs (the
    name of a facts function), in code order."""
    with open(CATALOG, encoding="utf-8") as handle:
        return json.load(handle)


def _catalog_rule(code: str, entry: dict) -> Rule:
    module, needs = entry["module"], entry["needs"]
    if module is None:  # the card says which stage makes its findings (`reported_by:`)
        check = _reported_elsewhere
    elif needs is None:
        check = importlib.import_module(f"{CHECKS_PACKAGE}.{module}").check
    else:
        check, needs = _deferred_check(module), getattr(facts, needs)
    return Rule(code, entry["name"], entry["severity"], entry["summary"], check,
                entry["options"], needs)


def _deferred_check(module: str) -> Callable[[Context], Iterable[Finding]]:
    """The check of a rule with a `needs`, its module imported the first time it runs.

    Most files have no `data:` section and no recurrent layer, and the engine never runs
    the 18 rules that need one there: importing their modules anyway cost ~8 M
    instructions, 3% of a one-file check (a module import is ~0.45 M). The catalog names
    each module's `needs` so that the engine can ask it without the module."""
    loaded: list = []

    def check(ctx: Context) -> Iterable[Finding]:
        if not loaded:
            loaded.append(importlib.import_module(f"{CHECKS_PACKAGE}.{module}").check)
        return loaded[0](ctx)

    return check


_loaded_catalog = False
_sorted_rules: dict[str, Rule] = {}  # what registry() returned last: RULES in code order


def registry() -> dict[str, Rule]:
    """Every rule, code -> Rule in code order, read from the catalog on first use.

    The same dict on every call while RULES holds the same rules (callers read it, never
    change it): it is asked for once per file checked, sorting it each time showed in the
    benchmarks, and resolved settings are remembered per registry. Comparing is cheap and
    also sees the tests that set RULES directly (replacing a rule, restoring a copy).
    """
    global _loaded_catalog, _sorted_rules
    if not _loaded_catalog:
        for code, entry in read_catalog().items():  # a missing module is an error, loudly
            RULES[code] = _catalog_rule(code, entry)
        _loaded_catalog = True
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
    # the file as read (its text and every key's and value's span), for fixes as edits
    document: Document | None = field(default_factory=lambda: None, repr=False)

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
               layer: str | None = None, severity: str | None = None,
               autofix: Autofix | None = None) -> Finding:
        """A finding of this rule at `position` (severity defaults to the rule's)."""
        severity = severity or self.rule.severity
        if severity not in SEVERITIES:
            raise ValueError(f"{self.rule.code}: unknown severity {severity!r}")
        return Finding(code=self.rule.code, name=self.rule.name, severity=severity,
                       message=message, path=self.path, position=position, fix=fix, layer=layer,
                       autofix=autofix)


def run_rules(loaded: Loaded, inferred: InferredModel | None,
              config: Config | None = None) -> list[Finding]:
    """Every finding for one loaded file, after selection, suppression and overrides; sorted.

    `inferred` is the file's inferred model (netlint.pipeline infers it once), None when
    the loader's errors stopped inference: then only the loader's findings are reported."""
    rules = registry()
    settings = (config or NO_CONFIG).settings(rules, loaded.path)
    findings = list(loaded.findings)
    if inferred is not None:
        findings.extend(_rule_findings(loaded, inferred, settings))
    findings = [f for f in findings if f.code in settings.enabled]
    findings = apply_suppressions(findings, loaded, settings.enabled, rules)
    findings = [_with_severity(f, settings.severity.get(f.code)) for f in findings]
    return _sorted_unique(findings)


def _rule_findings(loaded: Loaded, inferred: InferredModel,
                   settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    _run_plan(loaded, inferred, settings.plan, findings)  # the enabled rules, in code order
    explained = _explained_layers(findings)
    if inferred.errors and len(explained) < len(inferred.errors):
        # a rule the config does not run may explain a layer all the same: one mistake is
        # named by one rule, so ignoring NL104 does not bring it back as NL105
        explained |= set(shape_explanations(loaded, inferred, skip=settings.enabled,
                                            options=settings.options))
    return drop_repeated_by_calls(drop_explained_shape_errors(findings, explained), inferred)


def _run_plan(loaded: Loaded, inferred: InferredModel, plan: Iterable[tuple],
              findings: list[Finding]) -> None:
    """Append the findings of each (code, rule, options) of `plan` on one file; a rule
    that raises is a RuleCrash naming the rule and the file.

    The many-files benchmark shaped this loop: one context per file, re-pointed at each
    rule in turn (a rule's findings are all collected before the next runs; building
    ~40 contexts a file showed), and each rule run here rather than in a function of its
    own (a call less for each of the ~50 rules a file meets: ~35,000 instructions)."""
    ctx: Context | None = None
    for code, rule_, options in plan:
        if ctx is None:  # the inferred model: a deferred input has its shape there
            ctx = Context(loaded.path, inferred.model, inferred, options, rule_,
                          document=loaded.document)
        else:
            ctx.options, ctx.rule = options, rule_
        try:
            # most files have no `data:` and no recurrent layer: not running the rules
            # that need one saved ~46,000 instructions a file
            if rule_.needs is not None and not ctx.has(rule_.needs):
                continue
            # append, not list.extend: extend sizes the list for a generator it cannot
            # measure and shrinks it back, ~1,100 instructions a rule
            for finding in rule_.check(ctx) or ():
                findings.append(finding)  # noqa: PERF402
        except RuleCrash:
            raise
        except Exception as exc:  # a bug in a rule; say which one, on which file
            raise RuleCrash(code, ctx.path, exc) from exc


def shape_explanations(loaded: Loaded, inferred: InferredModel, *, skip: Iterable = (),
                       options: dict | None = None) -> dict[str, Finding]:
    """layer -> the finding of the rule that says why it cannot take its input, from every
    rule (but those in `skip`, which ran already), whatever a config selects: what
    `summary` and `export` name for a shape error, so that every command names the rule
    `check` names. `options`: code -> a rule's options (default: its card's). Empty
    when no layer fails (the rules run only when one does)."""
    if not inferred.errors:
        return {}
    found: list[Finding] = []
    chosen = options or {}
    _run_plan(loaded, inferred, ((code, rule_, dict(chosen.get(code, rule_.options)))
                                 for code, rule_ in registry().items()
                                 if code != GENERIC_SHAPE_CODE and code not in skip), found)
    explaining: dict[str, Finding] = {}
    for finding in sorted(found, key=lambda f: f.sort_key()):
        if finding.layer and finding.severity == "error":
            explaining.setdefault(finding.layer, finding)
    return {node.name: explaining[node.name] for node in inferred.errors
            if node.name in explaining}


def _explained_layers(findings: list[Finding]) -> set:
    return {f.layer for f in findings
            if f.layer and f.severity == "error" and f.code != GENERIC_SHAPE_CODE}


def drop_repeated_by_calls(findings: list[Finding], inferred: InferredModel) -> list[Finding]:
    """Drop a shared layer's call's finding that repeats the layer's own.

    A `- call: encoder` node repeats the layer's arguments and their positions, so a rule
    about the arguments alone (a dropout rate, a legacy name) fires at the same place for
    the layer and for each call. It is one fault: the layer's finding stays. A finding
    only the call has (its own input's shape) stays too."""
    shares = {node.name: node.spec.shares for node in inferred.layers
              if node.spec.shares is not None}
    if not shares:
        return findings
    said = {(f.code, f.position, f.layer) for f in findings}
    return [f for f in findings if f.layer not in shares
            or (f.code, f.position, shares[f.layer]) not in said]


def drop_explained_shape_errors(findings: list[Finding], explained: set) -> list[Finding]:
    """Drop the generic NL105 for a layer a more specific shape rule explains.

    Inference records one error per layer that cannot take its input, and NL105 reports
    it as is. When a rule says why at error level for that same layer (NL104 "needs
    a sequence", NL103 "channels first", NL203 "stateful without a fixed batch"), the
    generic message only repeats it, less helpfully. `explained` holds the layers
    `findings` explain and those rules the config does not run explain: the mistake is
    that rule's, and `ignore: [NL104]` silences it rather than renaming it.
    """
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
