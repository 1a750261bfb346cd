"""`netlint.plumbing.records` behaves as `dataclasses` does for everything netlint uses.

Each case builds the same class both ways and compares what they do, so the
expected behaviour is the standard library's, not numbers written down here.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar  # noqa: F401 - dataclasses looks it up by name

import pytest

from netlint.plumbing import records


def _both(frozen: bool = False, order: bool = False) -> tuple[type, type]:
    """The same three-field class as a dataclass and as a record."""
    def body() -> dict:
        return {"__annotations__": {"line": "int", "column": "int", "notes": "list",
                                    "kind": "ClassVar[str]"},
                "column": 0, "kind": "span"}

    plain = type("Span", (), body())
    plain.notes = dataclasses.field(default_factory=list)
    made_by_dataclasses = dataclasses.dataclass(frozen=frozen, order=order)(plain)
    ours = type("Span", (), body())
    ours.notes = records.field(default_factory=list)
    made_by_records = records.record(frozen=frozen, order=order)(ours)
    return made_by_dataclasses, made_by_records


def _outcome(call):
    try:
        return ("ok", call())
    except Exception as error:  # noqa: BLE001 - the kind of failure is what is compared
        return ("raises", type(error).__mro__[1] if isinstance(
            error, (dataclasses.FrozenInstanceError, records.FrozenRecordError)) else type(error))


CALLS = [
    lambda cls: cls(1),
    lambda cls: cls(1, 2),
    lambda cls: cls(line=1, column=2, notes=[3]),
    lambda cls: cls(1, 2, [3], 4),
    lambda cls: cls(),
    lambda cls: cls(1, line=2),
    lambda cls: cls(1, colum=2),
]


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("init", ["generic", "compiled"])
def test_construction_matches_dataclasses(frozen, call, init, monkeypatch):
    # a class starts with the generic __init__ and gets a compiled one after COMPILE_AFTER
    # calls: the first call here compiles it, so the second one uses it
    monkeypatch.setattr(records, "COMPILE_AFTER", 1)
    reference, ours = _both(frozen)
    generic = ours.__init__
    ours(0)
    assert (ours.__init__ is generic) is False
    if init == "generic":
        ours.__init__ = generic
    expected, got = _outcome(lambda: call(reference)), _outcome(lambda: call(ours))
    assert expected[0] == got[0]
    if expected[0] == "ok":
        assert repr(expected[1]) == repr(got[1])
        assert dataclasses.astuple(expected[1]) == tuple(
            getattr(got[1], name) for name in records.fields(got[1]))
    else:
        assert expected[1] == got[1]


def test_fields_skip_class_vars_and_factories_are_fresh():
    _, Span = _both()
    assert records.fields(Span) == ("line", "column", "notes")
    made = [Span(1) for _ in range(records.COMPILE_AFTER + 2)]  # both kinds of __init__
    made[0].notes.append("x")
    made[-1].notes.append("y")
    assert [item.notes for item in made[1:-1]] == [[]] * records.COMPILE_AFTER
    assert Span.kind == "span"


@pytest.mark.parametrize("frozen", [False, True])
def test_equality_and_hashing_match_dataclasses(frozen):
    reference, ours = _both(frozen)
    for cls in (reference, ours):
        assert cls(1, 2) == cls(1, 2) and cls(1, 2) != cls(1, 3)
        assert (cls(1, 2) == (1, 2, [])) is False
    if frozen:
        assert hash(ours(1, 2, ())) == hash(ours(1, 2, ()))
        assert len({ours(1, 2, ()), ours(1, 2, ())}) == 1
    else:
        with pytest.raises(TypeError):
            hash(reference(1))
        with pytest.raises(TypeError):
            hash(ours(1))


def test_frozen_records_refuse_assignment_as_dataclasses_do():
    reference, ours = _both(frozen=True)
    for cls in (reference, ours):
        item = cls(1)
        with pytest.raises(AttributeError):
            item.line = 2
        with pytest.raises(AttributeError):
            del item.line
    assert _both(frozen=False)[1](1).__setattr__("line", 5) is None


def test_order_matches_dataclasses():
    reference, ours = _both(frozen=True, order=True)
    pairs = [((1, 2, ()), (1, 3, ())), ((2, 0, ()), (1, 9, ())), ((1, 1, ()), (1, 1, ()))]
    for left, right in pairs:
        for test in ("__lt__", "__le__", "__gt__", "__ge__"):
            assert getattr(reference(*left), test)(reference(*right)) == \
                getattr(ours(*left), test)(ours(*right))
    assert sorted([ours(3), ours(1, 5), ours(1, 2)]) == [ours(1, 2), ours(1, 5), ours(3)]
    with pytest.raises(TypeError):
        ours(1) < (1, 0)  # noqa: B015 - comparing with another type is an error, as in Keras


def test_replace_asdict_and_copies():
    reference, ours = _both(frozen=True)
    item = ours(1, 2, [ours(5)])
    assert records.replace(item, column=7) == ours(1, 7, [ours(5)])
    with pytest.raises(TypeError):
        records.replace(item, colour=1)
    expected = dataclasses.asdict(reference(1, 2, [reference(5)]))
    assert records.asdict(item) == expected
    assert copy.deepcopy(item) == item and copy.copy(item) == item


@records.record(frozen=True, order=True)
class Point:  # module level, so that pickle can find it (the parallel checker pickles findings)
    x: int
    y: int = 0


def test_frozen_records_pickle():
    point = Point(1, 2)
    again = pickle.loads(pickle.dumps(point))
    assert again == point and again is not point and hash(again) == hash(point)


def test_inheritance_post_init_and_own_methods():
    @records.record(frozen=True)
    class Base:
        name: str
        size: int = 1

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __str__(self) -> str:
            return f"[{self.name}]"

    @records.record(frozen=True)
    class Child(Base):
        extra: tuple = ()

        def __post_init__(self) -> None:
            if self.size < 0:
                raise ValueError("size must not be negative")

    assert records.fields(Child) == ("name", "size", "extra")
    # as with dataclasses, a base's own __repr__ is replaced in a record subclass; __str__ stays
    assert repr(Child("a", 2, (1,))).endswith("Child(name='a', size=2, extra=(1,))")
    assert repr(Base("a")) == "<a>" and str(Child("a")) == "[a]"
    assert Child("a") != Base("a")
    for _ in range(records.COMPILE_AFTER + 1):  # with both kinds of __init__
        with pytest.raises(ValueError):
            Child("a", -1)


def test_a_field_without_default_after_one_with_is_an_error():
    namespace = {"__annotations__": {"a": "int", "b": "int"}, "a": 0}
    with pytest.raises(TypeError):
        records.record(type("Bad", (), dict(namespace)))
    with pytest.raises(TypeError):
        dataclasses.dataclass(type("Bad", (), dict(namespace)))


def test_hidden_fields_stay_out_of_repr():
    @records.record
    class Context:
        path: str
        shared: dict = records.field(default_factory=dict, repr=False)

    assert repr(Context("m.yaml")) == "test_hidden_fields_stay_out_of_repr.<locals>." \
                                      "Context(path='m.yaml')"
