"""Validate a read document against the schema; each problem becomes an NL001 finding."""

from __future__ import annotations

import os
import re

from netlint.model.findings import Finding, loader_finding
from netlint.loader.suggestion_budget import spend_suggestion
from netlint.loader.suggestions import did_you_mean
from netlint.loader.yaml_source import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError

# the loader's schema, written with model_validator.py by
# `python -m netlint.loader.generate_validator`
SCHEMA_FILE = os.path.join(os.path.dirname(__file__), "model_schema.json")
_validator: Draft7Validator | None = None
_REQUIRED = re.compile(r".*: '([^']+)' is a required property$")


def _get_validator() -> Draft7Validator:
    """jsonschema over the committed loader schema: it explains a file that breaks it."""
    global _validator
    if _validator is None:
        import json

        from jsonschema import Draft7Validator

        with open(SCHEMA_FILE, encoding="utf-8") as handle:
            _validator = Draft7Validator(json.load(handle))
    return _validator


def conforms(value: Any) -> bool:
    """True when `value` is valid under the schema, asked of the generated validator
    (loader/model_validator.py), which answers without importing jsonschema.

    False means "invalid, or not decided here": jsonschema then has the last word.
    """
    # imported here, not at the top: a file refused while it is read (a YAML bomb, bad
    # syntax) never needs the 1 MB validator, which costs ~55 MB to compile where no
    # bytecode was written
    from netlint.loader.model_validator import validate as generated_validate

    try:
        generated_validate(value)
    except Exception:  # noqa: BLE001 - SchemaBroken, or a surprise: jsonschema decides
        return False
    return True


def dotted(path: Any) -> str:
    """`layers[2].LSTM.units`: how a person would name the node."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _deepest(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf failures, the branch error that says the most."""
    from jsonschema.exceptions import best_match

    while error.context:
        relevant = [e for e in error.context if e.validator not in ("type", "not")] \
            or list(error.context)
        better = best_match(relevant)
        if better is None or better is error:
            break
        error = better
    return error


def _message(error: ValidationError) -> tuple[str, str | None]:
    where = dotted(error.absolute_path)
    value = error.instance
    if error.validator == "enum":
        choices = [c for c in error.validator_value if isinstance(c, str)]
        return f"{where}: {value!r} is not one of the accepted values", \
            (did_you_mean(str(value), choices) if choices else None) or \
            (f"use one of: {', '.join(choices[:12])}" + (" ..." if len(choices) > 12 else ""))
    if error.validator == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        if "call" in error.schema.get("required", ()):  # a `- call:` item (layer_calls)
            return (f"{where}: a `call:` item takes `from:` and `name:` only, not "
                    f"{', '.join(map(repr, extra))}",
                    "the layer's arguments go on the item that defines it")
        known = error.schema.get("properties", {})
        hints = [(k, did_you_mean(k, known)) for k in extra]
        if len(extra) == 1:
            return f"{where}: unknown key {extra[0]!r}", hints[0][1]
        hint = "; ".join(f"for {k!r}, {h}" for k, h in hints if h)
        return f"{where}: unknown keys {', '.join(repr(k) for k in extra)}", hint or None
    if error.validator == "required":
        return f"{where}: {error.message}", None
    if error.validator == "minimum":
        return f"{where}: {value!r} is below the minimum {error.validator_value}", None
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"{where}: expected {_article(wanted)}, got {value!r}", None
    return f"{where}: {error.message}", None


def _refused_keras_name(error: ValidationError, deepest: ValidationError
                        ) -> tuple[str, str | None] | None:
    """(message, fix) for a string Keras refuses where its vocabulary is expected
    (`metrics: [acurracy]`): the kind named, the suggestion from Keras's own names."""
    from netlint import vocabulary
    from netlint.loader.schema_arguments import VOCABULARY_KEY

    if not isinstance(deepest.instance, str):
        return None
    pending, kind = [error], None
    while pending and kind is None:  # the error tree, for the name check at that node
        branch = pending.pop()
        if branch.absolute_path == deepest.absolute_path and isinstance(branch.schema, dict):
            kind = branch.schema.get(VOCABULARY_KEY)
        pending.extend(branch.context)
    if kind is None:
        return None
    best = vocabulary.suggestion(kind, deepest.instance, by_letters=spend_suggestion())
    what = kind.replace("_", " ")
    return (f"{dotted(deepest.absolute_path)}: Keras 3 accepts no {what} {deepest.instance!r}",
            f"did you mean '{best}'?" if best else
            f"write one of the {what}s Keras 3 names ({', '.join(vocabulary.names(kind)[:8])}"
            + (" ...)" if len(vocabulary.names(kind)) > 8 else ")"))


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def validate(doc: Document) -> list[Finding]:
    """An NL001 finding for each place the document breaks the schema."""
    return [finding for finding, _ in validate_located(doc)]


def validate_located(doc: Document) -> list[tuple[Finding, tuple[tuple, ...]]]:
    """Each NL001 finding with the paths of the values it is about: the node that breaks
    the schema, or each unexpected key of a mapping."""
    if conforms(doc.value):
        return []
    findings = []
    seen = set()
    errors = sorted(_get_validator().iter_errors(doc.value),
                    key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        deepest = _deepest(error)
        path = tuple(deepest.absolute_path)
        if (path, deepest.validator) in seen or _said_by_the_builder(path, deepest):
            continue
        seen.add((path, deepest.validator))
        message, fix = _refused_keras_name(error, deepest) or _message(deepest)
        error = deepest
        position, about = doc.position_of(path), (path,)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # point at the first unexpected key itself, not at the mapping holding it
            known = error.schema.get("properties", {})
            extra = [k for k in error.instance if k not in known]
            if extra:
                position = doc.key_position_of(path + (extra[0],))
                about = tuple(path + (key,) for key in extra)
        findings.append((loader_finding("NL001", message, position, fix=fix), about))
    return _one_per_misspelt_key(findings)


def _said_by_the_builder(path: tuple, error: ValidationError) -> bool:
    """An empty `layers:` item (`-` with nothing after it): the layer reader says so, with
    the fix; the schema's "expected an object, got None" at the same place would repeat it."""
    return len(path) == 2 and path[0] == "layers" and isinstance(path[1], int) \
        and error.instance is None


def _one_per_misspelt_key(findings: list) -> list:
    """Drop "'layers' is a required property" where an unknown key of the same mapping is
    already reported with "did you mean 'layers'?": one misspelt key, one finding."""
    hints = {(about[0][:-1], f.fix) for f, about in findings
             if f.fix and about and about[0] and "unknown key" in f.message}
    out = []
    for finding, about in findings:
        missing = _REQUIRED.match(finding.message)
        if missing and about and any(
                where == about[0] and f"did you mean '{missing.group(1)}'?" in fix
                for where, fix in hints):
            continue
        out.append((finding, about))
    return out
