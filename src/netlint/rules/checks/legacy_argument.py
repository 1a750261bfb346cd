"""Code pasted from old tutorials uses names Keras 3 no longer takes (seed 002:
`dropout_W`, `nb_epoch`; seed 001: `Adam(lr=0.2)`): Keras 3 refuses every one of
them (a layer, an optimizer or `fit` raises on an argument it does not know), so
each is an error. netlint reads them as their Keras 3 names, so the rest of the
checks still run, and says what to write; a first layer's `input_shape` is only an
info, since Keras 3 still accepts it.

The loader (loader/legacy.py) already rewrote the old spellings and remembered
where they were (`LayerSpec.written_class`, `LayerSpec.legacy_kwargs`,
`Section.legacy`, `InputSpec.origin`); this rule only says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from netlint import vocabulary
from netlint.model.findings import Finding
from netlint.model.graph import InputSpec, LayerSpec
from netlint.rules.batch_axis import batch_axis
from netlint.rules.legacy_fixes import carrier, moved_input, renamed_argument, renamed_section_key
from netlint.rules.facts import file_specs
from netlint.loader.legacy import REMOVED_KWARGS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.rules.engine import Context
    from typing import Any


def yaml_value(value: Any) -> str:
    """A value as it would be written in the model file: [3, 3], true, relu."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _layer_findings(ctx: Context, spec: LayerSpec, skip: set) -> Iterator[Finding]:
    groups: dict = {}
    for old, new in spec.legacy_kwargs.items():
        if old in skip:
            continue
        groups.setdefault(new if new is not None else f"-{old}", []).append(old)
    for target, olds in groups.items():
        where = spec.kwarg_positions.get(olds[0]) or spec.position
        names = ", ".join(f"'{o}'" for o in olds)
        severity, still = _keras_verdict(olds)
        if target.startswith("-"):
            old = olds[0]
            said = "still takes but ignores" if still else "has no argument"
            yield ctx.report(f"{spec.class_name} '{spec.name}': Keras 3 {said} "
                             f"'{old}' (Keras 1/2)", where, fix=REMOVED_KWARGS.get(old),
                             layer=spec.name, severity=severity)
            continue
        value = spec.kwargs.get(target)
        verb = "are Keras 1/2 names" if len(olds) > 1 else "is the Keras 1/2 name"
        yield ctx.report(f"{spec.class_name} '{spec.name}': {names} {verb} of {target}"
                         + (" (Keras 3 still takes it, with a deprecation warning)"
                            if still else ""), where,
                         fix=f"write {target}: {yaml_value(value)}", layer=spec.name,
                         severity=severity, autofix=renamed_argument(ctx, spec, olds, target))


def _keras_verdict(olds: list) -> tuple[str | None, bool]:
    """(severity, whether Keras 3 still takes them): the rule's error where Keras 3
    refuses any of the names, an info where it takes them all (netlint.vocabulary asked
    Keras: LSTM's `implementation`, Embedding's `input_length`)."""
    still = all(vocabulary.accepts("argument", old) for old in olds)
    return ("info" if still else None), still


def _wanted_input(spec: InputSpec) -> str:
    """The Keras 3 `input:` line for an input written the Keras 2 way."""
    return f"input: {{shape: {yaml_value(list(spec.shape))}" + (
        f", batch_size: {spec.batch_size}}}" if spec.batch_size else "}")


def _input_finding(ctx: Context, spec: InputSpec) -> Finding | None:
    if spec.origin in ("input_shape", "input_dim"):
        if batch_axis(ctx, spec) is not None:
            return None  # NL114: the shape itself is wrong, copying it to `input:` is no fix
        return ctx.report(f"{spec.origin} on the first layer is Keras 2 style: Keras 3 still "
                          f"takes it but warns (\"Do not pass an `input_shape`/`input_dim` "
                          f"argument to a layer\")", spec.shape_position,
                          fix=f"write `{_wanted_input(spec)}` at the top instead",
                          severity="info", autofix=moved_input(ctx, spec, _wanted_input(spec)))
    if spec.origin == "batch_input_shape":
        layer = carrier(ctx, spec)
        if layer is not None:  # Keras 3's layers refuse it; only InputLayer still reads it
            return ctx.report(f"{layer.class_name} '{layer.name}': Keras 3 refuses "
                              f"batch_input_shape on a layer (\"Unrecognized keyword "
                              f"arguments passed to {layer.class_name}\")",
                              spec.shape_position,
                              fix=f"write `{_wanted_input(spec)}` at the top instead",
                              layer=layer.name,
                              autofix=moved_input(ctx, spec, _wanted_input(spec)))
        return ctx.report("batch_input_shape is Keras 2's name; Keras 3's InputLayer calls it "
                          "batch_shape", spec.shape_position,
                          fix=f"write `{_wanted_input(spec)}` at the top instead",
                          severity="info")
    return None


def _nested(values: dict, path: tuple, new: str) -> Any:
    current: Any = values
    for key in path[:-1]:
        current = current.get(key) if isinstance(current, dict) else None
    return current.get(new) if isinstance(current, dict) else None


def check(ctx: Context) -> Iterator[Finding]:
    skip = {spec.origin for spec in ctx.model.inputs} & {"batch_input_shape"}
    for spec in file_specs(ctx):
        if spec.legacy_kwargs:  # most layers have none
            yield from _layer_findings(ctx, spec, skip=skip)
    for section in (ctx.model.compile, ctx.model.train):
        if section is None:
            continue
        for old, new, path in section.legacy:
            value = section.get(new) if len(path) == 1 else _nested(section.values, path, new)
            yield ctx.report(f"'{old}' is the Keras 1/2 name of {new}", section.position_of(*path),
                             fix=f"write {new}: {yaml_value(value)}",
                             severity=_keras_verdict([old])[0],
                             autofix=renamed_section_key(ctx, section, path, new))
    for spec in ctx.model.inputs:
        finding = _input_finding(ctx, spec)
        if finding is not None:
            yield finding
