"""One scalar's value: the YAML core types only, numbers as YAML 1.2 reads them.

The event reader (yaml_source) hands each scalar event here. Its tag decides
the type (no Python tags, ever); a plain scalar that YAML 1.1 (PyYAML) would
read otherwise gets an NL903 note. Values are remembered across files, as the
same few scalars ("relu", "32", "true") fill every model file.
"""

from __future__ import annotations

import sys

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from netlint.loader.yaml12_numbers import described, respelled, spelled_for_both, yaml12_number
from netlint.loader.yaml_document import YamlProblem, event_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TAG = "tag:yaml.org,2002:"
RESOLVER = Resolver()
CONSTRUCTOR = SafeConstructor()

# Scalar values remembered by scalar_value (and looked up first by yaml_source): the
# text of an untagged plain scalar, or (tag, text, implicit, style) of any other, -> value.
# Bounded, so a huge file cannot grow it; values are immutable (str, int, float, bool,
# None), so handing one out again is safe.
CACHE_LIMIT = 4096
SCALARS: dict = {}
UNKNOWN = object()  # "not remembered" / "YAML 1.1 and 1.2 agree"


def scalar_value(event: Any, warnings: list) -> Any:
    """The value of a scalar event; an NL903 note on `warnings` where YAML 1.1 differs."""
    # the same few scalars fill every model file ("relu", "32", "true"): their values
    # are remembered (see SCALARS), unless they come with a warning, which must be
    # given at each place
    if event.tag is None and not event.style:
        key: Any = event.value  # untagged and plain: the text alone decides the value
    else:
        key = (event.tag, event.value, event.implicit, event.style)
    value = SCALARS.get(key, UNKNOWN)
    if value is not UNKNOWN:
        return value
    written = len(warnings)
    value = _new_scalar(event, warnings)
    if len(warnings) == written:
        if len(SCALARS) >= CACHE_LIMIT:
            SCALARS.clear()
        SCALARS[key] = value
    return value


def _new_scalar(event: Any, warnings: list) -> Any:
    tag = event.tag
    text = event.value
    if tag is None or tag == "!":
        tag = _resolve_tag(text, event.implicit)
    if not tag.startswith(TAG):
        raise YamlProblem(f"tag {tag} is not allowed in a model file", event_span(event),
                          "remove the tag; write plain values")
    kind = tag[len(TAG):]
    if kind in ("str", "int", "float") and event.tag is None and not event.style:
        value = _plain_number(text, kind, tag, event, warnings)
        if value is not UNKNOWN:
            return value
    if kind == "str":
        return text
    if kind in ("int", "float", "bool", "null"):
        try:
            return _construct(tag, text)  # a NaN or inf: the schema reports it at its node
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            # `!!int abc`, `!!bool maybe`, or an integer of more digits than Python
            # converts (4300): the text is not a value of the type it claims
            raise YamlProblem(_bad_scalar(text, kind, exc), event_span(event),
                              "quote it if it is text, or write a plain number") from None
    if kind == "merge":
        return text  # `<<`; _set_key treats it as a merge key
    if kind == "timestamp":
        return text  # a date where text was meant; the schema says what is expected
    raise YamlProblem(f"YAML type !!{kind} is not allowed in a model file", event_span(event))


def _plain_number(text: str, kind: str, tag: str, event: Any, warnings: list) -> Any:
    """A plain scalar as YAML 1.2 reads it, where YAML 1.1 (PyYAML's resolver) reads
    it otherwise, with an NL903 note; UNKNOWN where the two agree.

    YAML 1.2 (2009), JSON and most readers today say `1e-3` and `5.7e20` are
    numbers, `010` is ten and `2:30` and `1_000` are text; PyYAML's YAML 1.1
    says the opposite of each. A model file means what YAML 1.2 says, and the
    note says how to write the value so that both agree."""
    number = yaml12_number(text)
    if number is None and kind == "str":
        return UNKNOWN  # text to both: the common case
    try:
        value11 = text if kind == "str" else _construct(tag, text)
    except (ValueError, KeyError, TypeError, OverflowError):
        return UNKNOWN  # too many digits: reported where it is built
    if number is not None and type(number) is type(value11) and \
            (number == value11 or number != number and value11 != value11):  # NaN
        return UNKNOWN
    value = text if number is None else number
    warnings.append((
        "NL903", f"{text!r} is {described(value)} in YAML 1.2 (and JSON), but "
        f"{described(value11)} to YAML 1.1 readers such as PyYAML",
        event_span(event), spelled_for_both(text, value, value11), respelled(text, value)))
    return value


def _bad_scalar(text: str, kind: str, exc: Exception) -> str:
    shown = text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text)} characters)"
    if kind == "int" and sum(c.isdigit() for c in text) > sys.get_int_max_str_digits():
        return f"the number {shown} has too many digits to read"
    return f"{shown!r} cannot be read as {'a' if kind != 'int' else 'an'} {kind}"


def _resolve_tag(text: str, implicit: tuple) -> str:
    return RESOLVER.resolve(yaml.ScalarNode, text, implicit)


def _construct(tag: str, text: str) -> Any:
    """The value of an int/float/bool/null scalar, as PyYAML's SafeConstructor builds it.

    The constructor is called directly: `construct_object` would also remember every
    node it ever built, a leak across the files of a long run."""
    return SafeConstructor.yaml_constructors[tag](CONSTRUCTOR, yaml.ScalarNode(tag, text))
