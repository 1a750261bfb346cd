"""Draft-07 keyword semantics as jsonschema implements them, one predicate maker each.

The yes/no half of each of jsonschema's keyword functions
(jsonschema/_keywords.py, _legacy_keywords.py, _types.py, _utils.py), for
netlint.spec.conforms.SchemaChecker: a maker takes the checker (for `compile`,
to build predicates of subschemas), the keyword's value and the whole schema
node, and returns a predicate `instance -> bool`, or None when the keyword can
never fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

TYPE_CHECKING = False  # importing typing costs ~8 ms per run; type checkers know this name
if TYPE_CHECKING:
    from typing import Any

    from netlint.spec.conforms import SchemaChecker

Predicate = Callable[[object], bool]

# Every validation keyword of draft-07 (as Draft7Validator.VALIDATORS lists them);
# anything else in a schema (description, default, title, definitions, ...) is an
# annotation, ignored as jsonschema ignores it.
DRAFT7_KEYWORDS = frozenset({
    "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "const",
    "contains", "dependencies", "enum", "exclusiveMaximum", "exclusiveMinimum", "format",
    "if", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
    "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
    "patternProperties", "properties", "propertyNames", "required", "type", "uniqueItems",
})


class Unsupported(Exception):
    """The schema uses something not implemented here; use jsonschema."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))  # as YAML reads them


TYPES: dict[str, Predicate] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "null": lambda v: v is None,
    "number": _is_number,
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


def _unbool(value: Any, true: object = object(), false: object = object()) -> Any:
    if value is True:
        return true
    if value is False:
        return false
    return value


def equal(one: Any, two: Any) -> bool:
    """jsonschema's `equal`: Python equality, except that True/False are not 1/0."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and equal(value, two[key]) for key, value in one.items())
    return _unbool(one) == _unbool(two)


def _unique(items: list) -> bool:
    """jsonschema's `uniq`."""
    try:
        ordered = sorted(_unbool(i) for i in items)
        return not any(equal(a, b) for a, b in pairwise(ordered))
    except (NotImplementedError, TypeError):
        seen: list = []
        for item in items:
            item = _unbool(item)
            if any(equal(s, item) for s in seen):
                return False
            seen.append(item)
        return True


def all_pass(tests: list) -> Predicate:
    """True when every test passes (written out for the usual one to three tests: a
    generator per call costs more than the tests themselves)."""
    if not tests:
        return lambda _: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda instance: first(instance) and second(instance)
    if len(tests) == 3:
        first, second, third = tests
        return lambda instance: first(instance) and second(instance) and third(instance)

    def every(instance: Any) -> bool:
        for test in tests:
            if not test(instance):
                return False
        return True

    return every


def any_pass(tests: list) -> Predicate:
    """True when some test passes."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda instance: first(instance) or second(instance)

    def some(instance: Any) -> bool:
        for test in tests:
            if test(instance):
                return True
        return False

    return some


# One maker per keyword: (checker, keyword value, the whole schema node) -> predicate,
# or None when the keyword can never fail. Each mirrors jsonschema's function of the
# same name (jsonschema/_keywords.py, _legacy_keywords.py).

def _type(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    names = value if isinstance(value, list) else [value]
    try:
        tests = [TYPES[name] for name in names]
    except (KeyError, TypeError):
        raise Unsupported(f"type {value!r}") from None
    return any_pass(tests)


# Values for which `equal` is plain `==` (and `==` agrees with hashing): no bool, no
# containers. An enum of these answers such an instance with one set look-up.
_PLAIN = frozenset({str, int, float, type(None)})


def _enum(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    choices = list(value)
    hashable = [c for c in choices if isinstance(c, str)]
    if len(hashable) == len(choices):  # all text: a set look-up says the same
        allowed = frozenset(hashable)
        return lambda instance: isinstance(instance, str) and instance in allowed
    if all(c.__class__ in _PLAIN for c in choices):
        # `netlint: 1`: a look-up instead of a generator of `equal` calls (~4,000
        # instructions a file); True and [1] still go through `equal`, where True != 1
        plain = frozenset(choices)
        return lambda instance: instance in plain if instance.__class__ in _PLAIN else \
            any(equal(each, instance) for each in choices)
    return lambda instance: any(equal(each, instance) for each in choices)


def _const(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    return lambda instance: equal(instance, value)


def _properties(checker: SchemaChecker, value: dict, schema: dict) -> Predicate:
    compiled: dict[str, Predicate] = {}

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, item in instance.items():
            if key in value:
                test = compiled.get(key)
                if test is None:
                    test = compiled[key] = checker.compile(value[key])
                if not test(item):
                    return False
        return True

    return check


def _additional_properties(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    known = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    sub = checker.compile(value) if isinstance(value, dict) else None
    forbidden = sub is None and not value

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, item in instance.items():
            if key in known or (patterns and re.search(patterns, key)):
                continue
            if forbidden or (sub is not None and not sub(item)):
                return False
        return True

    return check


def _pattern_properties(checker: SchemaChecker, value: dict, schema: dict) -> Predicate:
    tests = [(pattern, checker.compile(sub)) for pattern, sub in value.items()]

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(test(item) for pattern, test in tests
                   for key, item in instance.items() if re.search(pattern, key))

    return check


def _property_names(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    test = checker.compile(value)
    return lambda instance: not isinstance(instance, dict) or all(test(k) for k in instance)


def _required(checker: SchemaChecker, value: list, schema: dict) -> Predicate:
    names = list(value)
    return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)


def _dependencies(checker: SchemaChecker, value: dict, schema: dict) -> Predicate:
    tests = []
    for name, dependency in value.items():
        if isinstance(dependency, list):
            needed = list(dependency)
            tests.append((name, lambda instance, needed=needed:
                          all(n in instance for n in needed)))
        else:
            tests.append((name, checker.compile(dependency)))

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(test(instance) for name, test in tests if name in instance)

    return check


def _count(kind: str, compare: Callable[[int, Any], bool]) -> Callable:
    is_kind = TYPES[kind]

    def maker(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
        return lambda instance: not is_kind(instance) or compare(len(instance), value)

    return maker


def _bound(compare: Callable[[Any, Any], bool]) -> Callable:
    def maker(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
        return lambda instance: not _is_number(instance) or not compare(instance, value)

    return maker


def _multiple_of(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    def check(instance: Any) -> bool:
        if not _is_number(instance):
            return True
        if isinstance(value, float):
            quotient = instance / value
            try:
                return int(quotient) == quotient
            except OverflowError:
                from fractions import Fraction

                return (Fraction(instance) / Fraction(value)).denominator == 1
        return not instance % value

    return check


def _pattern(checker: SchemaChecker, value: str, schema: dict) -> Predicate:
    regex = re.compile(value)
    return lambda instance: not isinstance(instance, str) or regex.search(instance) is not None


def _items(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    if isinstance(value, list):
        tests = [checker.compile(sub) for sub in value]
        return lambda instance: not isinstance(instance, list) or all(
            test(item) for test, item in zip(tests, instance))
    test = checker.compile(value)

    def each(instance: Any) -> bool:
        if isinstance(instance, list):
            for item in instance:
                if not test(item):
                    return False
        return True

    return each


def _additional_items(checker: SchemaChecker, value: Any, schema: dict) -> Predicate | None:
    items = schema.get("items", {})
    if isinstance(items, dict):
        return None  # jsonschema ignores additionalItems unless items is a list
    if not isinstance(items, list):
        raise Unsupported("additionalItems beside a boolean items")
    start = len(items)
    if isinstance(value, dict):
        test = checker.compile(value)
        return lambda instance: not isinstance(instance, list) or all(
            test(i) for i in instance[start:])
    if value:
        return None
    return lambda instance: not isinstance(instance, list) or len(instance) <= start


def _contains(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    test = checker.compile(value)
    return lambda instance: not isinstance(instance, list) or any(test(i) for i in instance)


def _unique_items(checker: SchemaChecker, value: Any, schema: dict) -> Predicate | None:
    if not value:
        return None
    return lambda instance: not isinstance(instance, list) or _unique(instance)


def _all_of(checker: SchemaChecker, value: list, schema: dict) -> Predicate:
    return all_pass([checker.compile(sub) for sub in value])


def _any_of(checker: SchemaChecker, value: list, schema: dict) -> Predicate:
    tests = [checker.compile(sub) for sub in value]
    return any_pass(tests) if tests else (lambda _: False)


def _one_of(checker: SchemaChecker, value: list, schema: dict) -> Predicate:
    tests = [checker.compile(sub) for sub in value]
    return lambda instance: sum(1 for test in tests if test(instance)) == 1


def _not(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    test = checker.compile(value)
    return lambda instance: not test(instance)


def _if(checker: SchemaChecker, value: Any, schema: dict) -> Predicate:
    condition = checker.compile(value)
    then = checker.compile(schema["then"]) if "then" in schema else None
    otherwise = checker.compile(schema["else"]) if "else" in schema else None

    def check(instance: Any) -> bool:
        if condition(instance):
            return then is None or then(instance)
        return otherwise is None or otherwise(instance)

    return check


KEYWORDS: dict[str, Callable] = {
    "type": _type, "enum": _enum, "const": _const,
    "properties": _properties, "additionalProperties": _additional_properties,
    "patternProperties": _pattern_properties, "propertyNames": _property_names,
    "required": _required, "dependencies": _dependencies,
    "minProperties": _count("object", lambda n, v: n >= v),
    "maxProperties": _count("object", lambda n, v: n <= v),
    "minItems": _count("array", lambda n, v: n >= v),
    "maxItems": _count("array", lambda n, v: n <= v),
    "minLength": _count("string", lambda n, v: n >= v),
    "maxLength": _count("string", lambda n, v: n <= v),
    "minimum": _bound(lambda x, v: x < v), "maximum": _bound(lambda x, v: x > v),
    "exclusiveMinimum": _bound(lambda x, v: x <= v),
    "exclusiveMaximum": _bound(lambda x, v: x >= v),
    "multipleOf": _multiple_of, "pattern": _pattern,
    "items": _items, "additionalItems": _additional_items, "contains": _contains,
    "uniqueItems": _unique_items,
    "allOf": _all_of, "anyOf": _any_of, "oneOf": _one_of, "not": _not, "if": _if,
}


# -- Fused nodes ----------------------------------------------------------------------------
# A schema node such as {"type": "object", "properties": ..., "required": ...} compiled
# keyword by keyword is a chain of predicates that each test the type again and loop over
# the mapping again. For the node shapes the model schema is made of, `fuse` gives one
# predicate for the type and the keywords that depend on it; any other keyword of the node
# is still compiled on its own and ANDed, so the verdict is the keywords' conjunction as
# before (test_conforms.py compares fused, unfused and jsonschema). This took the check
# of a typical model file from ~137,000 to ~65,000 instructions.

_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "required",
                              "minProperties", "maxProperties"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems"})
_BOUNDS = frozenset({"minimum", "maximum"})


def fuse(checker: SchemaChecker, schema: dict) -> tuple[Predicate | None, frozenset]:
    """One predicate for a node's `type` and the keywords it subsumes, and the names of
    those keywords; (None, nothing) when the node has no shape handled here (a keyword
    value of an unexpected type included: the keyword's own maker then decides)."""
    kind = schema.get("type")
    keys = schema.keys()
    if kind == "object" and "patternProperties" not in schema and \
            isinstance(schema.get("properties", {}), dict) and \
            isinstance(schema.get("required", []), list) and \
            _numbers(schema, ("minProperties", "maxProperties")):
        return _object(checker, schema), frozenset({"type"}) | (_OBJECT_KEYWORDS & keys)
    if kind == "array" and isinstance(schema.get("items", {}), dict) and \
            _numbers(schema, ("minItems", "maxItems")):
        return _array(checker, schema), frozenset({"type"}) | (_ARRAY_KEYWORDS & keys)
    if kind in ("integer", "number") and _numbers(schema, _BOUNDS):
        return _number(kind, schema), frozenset({"type"}) | (_BOUNDS & keys)
    if kind == "string" and isinstance(schema.get("enum"), list) and \
            all(isinstance(c, str) for c in schema["enum"]):
        return None, frozenset({"type"})  # an all-text enum already admits text only
    return None, frozenset()


def _numbers(schema: dict, keywords: Any) -> bool:
    """Each of `keywords` the node has is a number (None, absent here, must not be one)."""
    return all(isinstance(schema[k], (int, float)) for k in keywords if k in schema)


def _object(checker: SchemaChecker, schema: dict) -> Predicate:
    """type: object with properties, additionalProperties, required, min/maxProperties,
    in one pass over the mapping (property schemas compiled when a key first needs one:
    `layerItem` has a property per Keras class)."""
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    sub = checker.compile(extra) if isinstance(extra, dict) else None
    forbidden = sub is None and not extra
    required = tuple(schema.get("required", ()))
    low, high = schema.get("minProperties"), schema.get("maxProperties")
    per_key = bool(properties) or forbidden or sub is not None
    compiled: dict = {}

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return False
        if low is not None and not len(instance) >= low:
            return False
        if high is not None and not len(instance) <= high:
            return False
        for name in required:
            if name not in instance:
                return False
        if not per_key:
            return True
        for key, item in instance.items():
            test = compiled.get(key)
            if test is None:
                if key in properties:
                    test = compiled[key] = checker.compile(properties[key])
                elif forbidden:
                    return False
                elif sub is None:
                    continue
                else:
                    test = sub
            if not test(item):
                return False
        return True

    return check


def _array(checker: SchemaChecker, schema: dict) -> Predicate:
    """type: array with one `items` schema and min/maxItems."""
    test = checker.compile(schema["items"]) if "items" in schema else None
    low, high = schema.get("minItems"), schema.get("maxItems")

    def check(instance: Any) -> bool:
        if not isinstance(instance, list):
            return False
        if low is not None and not len(instance) >= low:
            return False
        if high is not None and not len(instance) <= high:
            return False
        if test is not None:
            for item in instance:
                if not test(item):
                    return False
        return True

    return check


def _number(kind: str, schema: dict) -> Predicate:
    """type: integer or number, with minimum and/or maximum. An int (never a bool: its
    class is bool) is an integer and a number, so it skips the type function."""
    is_kind = TYPES[kind]
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return lambda v: v.__class__ is int or is_kind(v)
    if high is None:
        return lambda v: (v.__class__ is int or is_kind(v)) and not v < low
    if low is None:
        return lambda v: (v.__class__ is int or is_kind(v)) and not v > high
    return lambda v: (v.__class__ is int or is_kind(v)) and not v < low and not v > high
