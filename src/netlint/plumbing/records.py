"""`@record`: the part of `dataclasses` netlint uses, without its start-up cost.

Why not `dataclasses`: on Python 3.11 and 3.12 the decorator compiles each
generated method (`__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`,
...) with its own `exec`, about 1 ms per frozen class, and importing the module
pulls in `inspect` (ast, dis, tokenize). The check path defines about thirty
such classes, so `netlint check` spent ~50 ms of its ~140 ms start-up there,
which is what a pre-commit hook pays on every commit (see bench/, issue 7).
Here the methods are closures over the class's field table, built without
`exec` (a class used many times gets a compiled `__init__` later, see `_init`):
defining a record costs microseconds.

The surface is the subset netlint uses, with dataclasses' names and defaults:

    @record(frozen=True, order=True)
    class Position:
        line: int
        column: int = 0
        notes: list = field(default_factory=list, repr=False)

    replace(position, column=3); fields(position); asdict(position)

Fields are the class's own annotations, then its bases', in dataclass order;
`ClassVar` annotations are skipped. `__post_init__` runs after `__init__`.
Methods the class defines itself are kept. tests/core/test_records.py pins the
behaviour against `dataclasses` itself.
"""

from __future__ import annotations

from operator import attrgetter

from netlint.errors import NetlintError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, dataclass_transform
else:
    def dataclass_transform(**_options):  # noqa: D103 - a no-op outside type checkers
        return lambda decorator: decorator

_MISSING = object()


class FrozenRecordError(NetlintError, AttributeError):
    """Assigning to a field of a frozen record (dataclasses' FrozenInstanceError)."""


class _Field:
    __slots__ = ("default_factory", "repr")

    def __init__(self, default_factory: Callable[[], Any], repr: bool) -> None:  # noqa: A002
        self.default_factory = default_factory
        self.repr = repr


def field(*, default_factory: Callable[[], Any], repr: bool = True) -> Any:  # noqa: A002
    """A field whose default is made fresh for each instance (`default_factory`)."""
    return _Field(default_factory, repr)


class _Table:
    """A record class's fields: names in order, defaults, factories, hidden from repr."""

    __slots__ = ("names", "defaults", "factories", "hidden")

    def __init__(self, names: tuple, defaults: dict, factories: dict, hidden: frozenset) -> None:
        self.names = names
        self.defaults = defaults
        self.factories = factories
        self.hidden = hidden


@dataclass_transform(field_specifiers=(field,))
def record(cls: type | None = None, /, *, frozen: bool = False, order: bool = False) -> Any:
    """Make `cls` a record: `@record` or `@record(frozen=True, order=True)`."""
    def wrap(target: type) -> type:
        return _build(target, frozen, order)

    return wrap if cls is None else wrap(cls)


def _is_class_var(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _table(cls: type) -> _Table:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    hidden: set[str] = set()
    for base in reversed(cls.__mro__[1:]):
        inherited = base.__dict__.get("__record_table__")
        if inherited is not None:
            names += [name for name in inherited.names if name not in names]
            defaults.update(inherited.defaults)
            factories.update(inherited.factories)
            hidden |= inherited.hidden
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        if name not in names:
            names.append(name)
        defaults.pop(name, None)
        factories.pop(name, None)
        hidden.discard(name)
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Field):
            factories[name] = value.default_factory
            if not value.repr:
                hidden.add(name)
            delattr(cls, name)
        elif value is not _MISSING:
            defaults[name] = value
    seen_default = ""
    for name in names:
        if name in defaults or name in factories:
            seen_default = seen_default or name
        elif seen_default:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows "
                            f"{seen_default!r}, which has one")
    return _Table(tuple(names), defaults, factories, frozenset(hidden))


def _build(cls: type, frozen: bool, order: bool) -> type:
    table = _table(cls)
    cls.__record_table__ = table  # type: ignore[attr-defined]
    cls.__match_args__ = table.names  # type: ignore[attr-defined]
    methods = {"__init__": _init(cls, table, frozen), "__repr__": _repr(table)}
    values = _values_getter(table.names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    methods["__eq__"] = __eq__
    if frozen:
        methods["__setattr__"] = _refuse
        methods["__delattr__"] = _refuse
        methods["__hash__"] = lambda self: hash(values(self))
    elif "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
        cls.__hash__ = None  # type: ignore[assignment]  # as dataclasses: eq without frozen
    if order:
        methods.update(_comparisons(values))
    for name, method in methods.items():
        if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    return cls


def _values_getter(names: tuple) -> Callable[[Any], tuple]:
    if not names:
        return lambda _self: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return attrgetter(*names)


# Calls of a record class's generic __init__ before a compiled one replaces it (see _init).
COMPILE_AFTER = 32


def _init(cls: type, table: _Table, frozen: bool) -> Callable[..., None]:
    """`__init__`: generic at first, compiled for the class once it is used a lot.

    Most record classes are made a handful of times per run (a Config, a Loaded), and
    compiling an `__init__` costs ~0.2 ms, so they keep the generic one (~2 us a call).
    Some are made by the hundred thousand on a big model (Position), where straight-line
    code (~0.5 us) matters; after COMPILE_AFTER calls the class gets one, built by
    `_compiled_init`. Both take the same arguments and set the same fields.
    """
    names, defaults, factories = table.names, table.defaults, table.factories
    count = len(names)
    has_post_init = hasattr(cls, "__post_init__")
    set_field = object.__setattr__  # works on frozen records too, as dataclasses does
    calls = 0

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == COMPILE_AFTER and cls.__dict__.get("__init__") is __init__:
            cls.__init__ = _compiled_init(cls, table, frozen)  # type: ignore[misc]
        if len(args) > count:
            raise TypeError(f"{type(self).__name__}() takes {count} arguments but "
                            f"{len(args)} were given")
        for name, value in zip(names, args):
            set_field(self, name, value)
        for name in names[len(args):]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in defaults:
                value = defaults[name]
            elif name in factories:
                value = factories[name]()
            else:
                raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
            set_field(self, name, value)
        if kwargs:
            name = next(iter(kwargs))
            problem = "multiple values for argument" if name in names else \
                "an unexpected keyword argument"
            raise TypeError(f"{type(self).__name__}() got {problem} {name!r}")
        if has_post_init:
            self.__post_init__()

    return __init__


def _compiled_init(cls: type, table: _Table, frozen: bool) -> Callable[..., None]:
    """`def __init__(self, line, column, end_line=0, ...)` as source, compiled.

    Field names are identifiers (they come from annotations); defaults and factories
    are passed in the namespace, never written into the source."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING, "_factories": table.factories}
    parameters = []
    # a frozen record refuses __setattr__, so its fields go straight into the instance
    # dict (dataclasses calls object.__setattr__ per field: a call each, measurably slower)
    body = ["    _fields = self.__dict__"] if frozen else []
    for name in table.names:
        if name in table.defaults:
            namespace[f"_default_{name}"] = table.defaults[name]
            parameters.append(f"{name}=_default_{name}")
        elif name in table.factories:
            parameters.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING: {name} = _factories[{name!r}]()")
        else:
            parameters.append(name)
        body.append(f"    _fields[{name!r}] = {name}" if frozen else f"    self.{name} = {name}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body or ["    pass"])
    exec(source, namespace)  # noqa: S102 - source built above from identifiers only
    method = namespace["__init__"]
    method.__qualname__ = f"{cls.__qualname__}.__init__"
    return method


def _repr(table: _Table) -> Callable[[Any], str]:
    shown = tuple(name for name in table.names if name not in table.hidden)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _refuse(self: Any, name: str, *_value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen "
                            f"{type(self).__name__}")


def _comparisons(values: Callable[[Any], tuple]) -> dict[str, Callable[[Any, Any], Any]]:
    def compare(test: Callable[[tuple, tuple], bool]) -> Callable[[Any, Any], Any]:
        def method(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return test(values(self), values(other))
            return NotImplemented
        return method

    return {"__lt__": compare(lambda a, b: a < b), "__le__": compare(lambda a, b: a <= b),
            "__gt__": compare(lambda a, b: a > b), "__ge__": compare(lambda a, b: a >= b)}


def fields(obj: Any) -> tuple[str, ...]:
    """The field names of a record or record class, in order."""
    return _table_of(obj).names


def is_record(obj: Any) -> bool:
    return hasattr(obj, "__record_table__")


def replace(obj: Any, /, **changes: Any) -> Any:
    """A copy of the record `obj` with some fields changed (dataclasses.replace)."""
    names = _table_of(obj).names
    for name in changes:
        if name not in names:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: Any) -> Any:
    """Records to dicts, recursively through lists, tuples and dicts (dataclasses.asdict)."""
    if is_record(obj) and not isinstance(obj, type):
        return {name: asdict(getattr(obj, name)) for name in fields(obj)}
    if isinstance(obj, list):
        return [asdict(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(asdict(item) for item in obj)
    if isinstance(obj, dict):
        return {asdict(key): asdict(value) for key, value in obj.items()}
    return obj


def _table_of(obj: Any) -> _Table:
    table = getattr(obj, "__record_table__", None)
    if table is None:
        raise TypeError(f"{obj!r} is not a record")
    return table
