"""llmsize.records replaces pydantic's BaseModel for llmsize's records (issue 15: instant). Reports,
catalogs and --gpu-file are user input, so it must accept, convert and reject exactly what pydantic
did, with the same error locations, types and messages. Each check runs the same declaration through
both and compares (pydantic is still installed: typer depends on it)."""

import math
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize import records


class Kind(StrEnum):
    A = "a"
    B = "b-x"


def _declare(base: Any, field: Any, config: Any, validators: Any) -> tuple[type, type]:
    """The same record declared on `base` (pydantic or records)."""

    class Inner(base):  # type: ignore[misc, valid-type]
        model_config = config(frozen=True, extra="forbid")
        x: int

    class Rec(base):  # type: ignore[misc, valid-type]
        model_config = config(frozen=True, extra="forbid", allow_inf_nan=False)
        i: int = field(default=0, ge=0, le=1e9)
        f: float = field(default=1.0, gt=0)
        s: str = field(default="a", min_length=1)
        b: bool = False
        e: Kind = Kind.A
        lit: Literal["x", "y"] = "x"
        n: Literal[0, 1, 2] = 0
        t: tuple[str, ...] = ()
        pair: tuple[int, int] | None = None
        d: dict[str, int] = field(default_factory=dict)
        opt: int | None = None
        ob: int | None = field(default=None, gt=0)
        of: float | None = field(default=None, le=1)
        inner: Inner | None = None
        inners: tuple[Inner, ...] = ()

        @validators[0](mode="after")
        def _check(self) -> Any:
            if self.i == 7 and self.s == "seven":
                raise ValueError("i 7 with s seven")
            return self

        @validators[1]("s")
        @classmethod
        def _no_q(cls, value: str) -> str:
            if value == "q":
                raise ValueError("no q")
            return value

    return Rec, Inner


PYD, PYD_INNER = _declare(
    pydantic.BaseModel,
    pydantic.Field,
    pydantic.ConfigDict,
    (pydantic.model_validator, pydantic.field_validator),
)
OURS, OURS_INNER = _declare(
    records.Record, records.Field, records.ConfigDict, (records.model_validator, records.field_validator)
)


def _outcome(cls: type, data: Any) -> Any:
    try:
        obj = cls.model_validate(data)  # type: ignore[attr-defined]
    except (pydantic.ValidationError, records.ValidationError) as err:
        return ("error", [(e["loc"], e["type"], e["msg"]) for e in err.errors()], err.error_count())
    dumped = obj.model_dump()
    return ("ok", {k: (type(v).__name__, v) for k, v in dumped.items()}, obj.model_dump(mode="json"))


CASES: list[Any] = [
    {},
    {"i": 5, "f": 2, "s": "hi", "b": True, "e": "b-x", "lit": "y", "n": 2, "t": ["a", "b"], "d": {"k": 1}},
    {"i": "12", "f": "1.5", "b": "yes", "e": Kind.B, "opt": 3.0, "pair": [1, 2], "inner": {"x": 1}},
    {"i": 5.0, "b": 1, "t": ("a",), "inners": [{"x": 1}, {"x": "2"}]},
    {"i": True, "f": Fraction(3, 2)},
    {"i": Fraction(6, 1)},
    {"i": 5.5},
    {"i": "x"},
    {"i": -1},
    {"i": 2e9},
    {"i": math.inf},
    {"i": None},
    {"f": 0},
    {"f": math.inf},
    {"f": math.nan},
    {"f": "abc"},
    {"f": None},
    {"s": ""},
    {"s": 3},
    {"s": "q"},
    {"b": "maybe"},
    {"b": 2},
    {"b": None},
    {"e": "z"},
    {"lit": "z"},
    {"n": 5},
    {"n": True},
    {"t": "ab"},
    {"t": [1]},
    {"t": None},
    {"pair": [1]},
    {"pair": [1, 2, 3]},
    {"pair": ["a", 2]},
    {"d": []},
    {"d": {"k": "v"}},
    {"opt": "nope"},
    {"ob": 0, "of": 2},
    {"ob": None, "of": None},
    {"ob": 3, "of": 0.5},
    {"of": math.inf},
    {"inner": {}},
    {"inner": 3},
    {"inner": {"x": 1, "y": 2}},
    {"inners": [{"x": 1}, {}]},
    {"unknown": 1},
    {"i": -1, "s": 3, "unknown": 1, "inner": {}},
    {"i": 7, "s": "seven"},
    [1, 2],
    "text",
    None,
]


@pytest.mark.parametrize("data", CASES, ids=repr)
def test_records_validate_as_pydantic_does(data: Any) -> None:
    assert _outcome(OURS, data) == _outcome(PYD, data)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=4),
    st.sampled_from(["1", "0", "yes", "a", "b-x", "x", "y", "1.5", "", " 7 "]),
)
VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=2), SCALARS, max_size=2)
)
FIELDS = st.sampled_from(["ob", "of"]) | st.sampled_from(
    ["i", "f", "s", "b", "e", "lit", "n", "t", "pair", "d", "opt", "inner", "inners", "zz"]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, VALUES, max_size=4))
def test_any_input_gets_pydantic_s_answer(data: dict[str, Any]) -> None:
    """Property: for any mapping, the same values or the same errors (locations, types, messages)."""
    assert _outcome(OURS, data) == _outcome(PYD, data)


def test_records_are_frozen_equal_hashable_and_copied_without_validation() -> None:
    a = OURS.model_validate({"i": 3, "t": ["a"]})
    b = OURS(i=3, t=("a",))
    assert a == b and a != OURS(i=4)
    assert hash(OURS_INNER(x=1)) == hash(OURS_INNER.model_validate({"x": "1"}))
    with pytest.raises(records.ValidationError):
        a.i = 5  # type: ignore[misc]
    c = a.model_copy(update={"i": -5})  # pydantic's model_copy does not validate either
    assert c.i == -5 and a.i == 3
    assert OURS.model_construct(i=9).s == "a"  # defaults filled, nothing checked
    assert a.model_dump(exclude={"d", "inner"}).keys() == PYD.model_validate({}).model_dump().keys() - {
        "d",
        "inner",
    }


class _Point(records.Record):
    x: int = 0
    y: float = 1.0
    name: str = "a"


def test_a_record_s_hash_is_kept_and_a_copy_hashes_its_own_fields() -> None:
    """The hash is computed once per record (issue 15: the planner hashes the same workloads as dict
    keys); copies, deep copies and unpickled records start without it, so each hashes its own fields."""
    import copy
    import pickle

    a = _Point(x=3)
    assert not hasattr(a, "_hash")
    first = hash(a)
    assert a._hash == first == hash(a)  # kept in a slot, not a field: the dump and equality ignore it
    assert a.model_dump() == {"x": 3, "y": 1.0, "name": "a"} and a == _Point(x=3)
    changed = a.model_copy(update={"x": 4})
    assert not hasattr(changed, "_hash") and hash(changed) == hash(_Point(x=4))
    for again in (copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert not hasattr(again, "_hash") and again == a and hash(again) == first
    nan = _Point.model_construct(y=float("nan"))
    assert nan == nan and nan != _Point.model_construct(y=float("nan"))  # itself, as its dict equals itself


def test_unhashable_field_values_make_the_record_unhashable_as_in_pydantic() -> None:
    with pytest.raises(TypeError):
        hash(OURS(d={"k": 1}))
    with pytest.raises(TypeError):
        hash(PYD(d={"k": 1}))


def test_literal_lookup_and_mutable_defaults_keep_their_meaning() -> None:
    """The fast paths of _fill_fields and _literal_check (issue 15) give what the loop gave: an exact str
    is its literal, a str subclass equal to one reads as it, a mutable default is copied per record."""

    class Rec(records.Record):
        lit: Literal["x", "y"] = "x"
        mixed: Literal[Kind.A, "a"] = "a"
        items: list[int] = records.Field(default=[])

    assert Rec.model_validate({"lit": "y"}).lit == "y"
    class Text(str):
        pass

    got = Rec.model_validate({"lit": Text("y")}).lit
    assert got == "y" and type(got) is str  # the literal itself, not the subclass given
    assert Rec.model_validate({"mixed": "a"}).mixed is Kind.A  # the first value that equals it, as before
    with pytest.raises(records.ValidationError):
        Rec.model_validate({"lit": "z"})
    one, two = Rec(), Rec()
    assert one.items == [] and one.items is not two.items
