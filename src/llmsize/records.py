"""Frozen, validated records: the part of pydantic's BaseModel API llmsize uses, without pydantic.

Importing pydantic and building its validators cost a cold `llmsize estimate` about a third of its
start-up (docs/startup.md), for records that are mostly built by llmsize itself. `Record` keeps the
same surface, so a model reads as before: fields are class annotations with `Field(...)` bounds,
`@model_validator` / `@field_validator` checks, `model_validate` for user input (catalog YAML,
--gpu-file, saved reports) with pydantic's lax conversions and its error types and messages
(`ValidationError.errors()`: loc, msg, type), `model_dump(mode="json")`, `model_copy(update=...)`
(no validation, as pydantic), frozen instances with value equality and hashing.

A field is declared as in a dataclass: `name: int = Field(default=0, ge=0)`. Type hints are read on
a class's first use, so `from __future__ import annotations` and forward references work.
"""

from __future__ import annotations

import inspect
import math
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import Enum
from typing import Any, ClassVar, Literal, TypeVar, Union

__all__ = [
    "ConfigDict",
    "Field",
    "FieldInfo",
    "Record",
    "ValidationError",
    "boolean_read_as_number",
    "computed_field",
    "field_validator",
    "model_validator",
]

R = TypeVar("R", bound="Record")
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()

# One error: (loc, type, msg, input).
ErrorTuple = tuple[tuple[str | int, ...], str, str, Any]


class ValidationError(ValueError):
    """Invalid input for a record; `errors()` lists each problem as pydantic does (loc, msg, type)."""

    def __init__(self, title: str, errors: list[ErrorTuple]) -> None:
        self.title = title
        self._errors = errors
        super().__init__(str(self))

    def errors(self, *, include_url: bool = False) -> list[dict[str, Any]]:
        return [{"type": t, "loc": loc, "msg": msg, "input": value} for loc, t, msg, value in self._errors]

    def error_count(self) -> int:
        return len(self._errors)

    def __str__(self) -> str:
        n = len(self._errors)
        lines = [f"{n} validation error{'s' if n != 1 else ''} for {self.title}"]
        for loc, kind, msg, value in self._errors:
            if loc:
                lines.append(".".join(str(p) for p in loc))
            lines.append(
                f"  {msg} [type={kind}, input_value={value!r:.60}, input_type={type(value).__name__}]"
            )
        return "\n".join(lines)


class _Invalid(Exception):
    """Raised inside validation; carries every error found, with locations relative to the value."""

    def __init__(self, errors: list[ErrorTuple]) -> None:
        self.errors = errors


def _prefix(key: str | int, errors: list[ErrorTuple]) -> list[ErrorTuple]:
    """Errors of a nested value, located under `key`."""
    return [((key, *loc), kind, msg, value) for loc, kind, msg, value in errors]


def _fail(kind: str, msg: str, value: Any) -> typing.NoReturn:
    raise _Invalid([((), kind, msg, value)])


def ConfigDict(**settings: Any) -> dict[str, Any]:
    """A record class's settings: only `allow_inf_nan` changes anything (records are frozen, strict)."""
    return settings


class FieldInfo:
    """A field's default and bounds (what `Field(...)` declares)."""

    __slots__ = (
        "allow_inf_nan",
        "default",
        "default_factory",
        "description",
        "ge",
        "gt",
        "le",
        "lt",
        "min_length",
    )

    def __init__(
        self,
        default: Any = _MISSING,
        *,
        default_factory: Callable[[], Any] | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        allow_inf_nan: bool | None = None,
        description: str | None = None,
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.gt, self.ge, self.lt, self.le = gt, ge, lt, le
        self.min_length = min_length
        self.allow_inf_nan = allow_inf_nan
        self.description = description

    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None


def Field(
    default: Any = _MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    min_length: int | None = None,
    allow_inf_nan: bool | None = None,
    description: str | None = None,
) -> Any:
    """Declare a field's default and bounds: `batch: int = Field(default=1, gt=0)`."""
    return FieldInfo(
        default,
        default_factory=default_factory,
        gt=gt,
        ge=ge,
        lt=lt,
        le=le,
        min_length=min_length,
        allow_inf_nan=allow_inf_nan,
        description=description,
    )


F = TypeVar("F", bound=Callable[..., Any])


def model_validator(*, mode: Literal["before", "after"]) -> Callable[[F], F]:
    """Mark a check of the whole record: "after" gets the built record, "before" the raw input."""

    def mark(fn: F) -> F:
        target = fn.__func__ if isinstance(fn, classmethod) else fn
        target._record_validator = ("model", mode)  # type: ignore[attr-defined]
        return fn

    return mark


def field_validator(*names: str) -> Callable[[F], F]:
    """Mark a check of one field's converted value (a classmethod taking and returning the value)."""

    def mark(fn: F) -> F:
        target = fn.__func__ if isinstance(fn, classmethod) else fn
        target._record_validator = ("field", names)  # type: ignore[attr-defined]
        return fn

    return mark


def computed_field(prop: F) -> F:
    """Mark a property that model_dump() includes after the fields."""
    target: Any = prop.fget if isinstance(prop, property) else prop
    target._record_computed = True
    return prop


# --- converters: pydantic's lax mode for the types llmsize declares ---------------------------------


def _bound(b: float) -> str:
    return str(int(b)) if isinstance(b, float) and b.is_integer() else str(b)


def _expected(values: Iterable[Any]) -> str:
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


_I64 = 2.0**63
_ZERO_FRACTION = re.compile(r"[+-]?[0-9_]+\.0*")


def _to_int(v: Any) -> int:
    t = type(v)
    if t is int:
        return v  # type: ignore[no-any-return]
    if t is bool:
        return int(v)
    if t is float:
        if not math.isfinite(v):
            _fail("finite_number", "Input should be a finite number", v)
        if not v.is_integer():
            _fail("int_from_float", "Input should be a valid integer, got a number with a fractional part", v)
        if not -_I64 < v < _I64:  # pydantic-core reads a float as a 64-bit integer
            _fail("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size", v)
        return int(v)
    if isinstance(v, str):
        text = v.strip()
        try:
            return int(text)
        except ValueError:
            if _ZERO_FRACTION.fullmatch(text):  # "5.0" reads as 5
                return int(text.split(".")[0])
            _fail("int_parsing", "Input should be a valid integer, unable to parse string as an integer", v)
    try:
        as_int = int(v)  # int subclasses, Fraction, Decimal: kept when the value is whole
    except (TypeError, ValueError, OverflowError):
        _fail("int_type", "Input should be a valid integer", v)
    if as_int != v:
        _fail("int_from_float", "Input should be a valid integer, got a number with a fractional part", v)
    return as_int


def _to_float(v: Any) -> float:
    t = type(v)
    if t is float:
        return v  # type: ignore[no-any-return]
    if t is int or t is bool:
        try:
            return float(v)
        except OverflowError:
            _fail("float_type", "Input should be a valid number", v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            _fail("float_parsing", "Input should be a valid number, unable to parse string as a number", v)
    try:
        return float(v)  # float and int subclasses, Fraction, Decimal
    except (TypeError, ValueError, OverflowError):
        _fail("float_type", "Input should be a valid number", v)


def _to_str(v: Any) -> str:
    if type(v) is str:
        return v
    if isinstance(v, Enum) and isinstance(v.value, str):
        return v.value
    if isinstance(v, str):
        return str.__str__(v)
    _fail("string_type", "Input should be a valid string", v)


_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def _to_bool(v: Any) -> bool:
    if v is True or v is False:
        return bool(v)
    if isinstance(v, str):
        low = v.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    elif isinstance(v, int) or (isinstance(v, float) and v.is_integer() and -_I64 < v < _I64):
        if v == 1:
            return True
        if v == 0:
            return False
    else:
        _fail("bool_type", "Input should be a valid boolean", v)
    _fail("bool_parsing", "Input should be a valid boolean, unable to interpret input", v)


def _identity(v: Any) -> Any:
    return v


Check = Callable[[Any], Any]


def _enum_check(cls: type[Enum]) -> Check:
    expected = _expected(m.value for m in cls)

    def check(v: Any) -> Any:
        if isinstance(v, cls):
            return v
        try:
            return cls(v)
        except (ValueError, TypeError):
            _fail("enum", f"Input should be {expected}", v)

    return check


def _literal_check(values: tuple[Any, ...]) -> Check:
    expected = _expected(values)
    # a str given exactly as one of the values (most checks: a spec's 80 layer types) is looked up;
    # anything else goes through the loop below, which would return the same value for it (issue 15)
    strings = {a: a for a in values} if all(type(a) is str for a in values) else {}

    def check(v: Any) -> Any:
        if type(v) is str:
            hit = strings.get(v)
            if hit is not None:
                return hit
        for a in values:
            if v == a and (
                type(v) is type(a)
                or (isinstance(v, str) and isinstance(a, str))
                or (type(a) is int and isinstance(v, (int, float)))  # True and 1.0 read as 1
            ):
                return a
        _fail("literal_error", f"Input should be {expected}", v)

    return check


def _items(v: Any, kind: str, label: str) -> list[Any] | tuple[Any, ...]:
    if isinstance(v, (list, tuple)):
        return v
    if isinstance(v, (set, frozenset)) or (
        isinstance(v, Iterable) and not isinstance(v, (str, bytes, bytearray, Mapping))
    ):
        return list(v)
    _fail(kind, f"Input should be a valid {label}", v)


def _each(items: Iterable[Any], check: Check) -> list[Any]:
    out: list[Any] = []
    errors: list[ErrorTuple] = []
    for i, item in enumerate(items):
        try:
            out.append(check(item))
        except _Invalid as err:
            errors.extend(_prefix(i, err.errors))
    if errors:
        raise _Invalid(errors)
    return out


def _seq_check(args: tuple[Any, ...], ns: dict[str, Any], as_list: bool) -> Check:
    kind, label = ("list_type", "list") if as_list else ("tuple_type", "tuple")
    if as_list or (len(args) == 2 and args[1] is Ellipsis):
        item = _check_for(args[0], ns)

        def check_var(v: Any) -> Any:
            items = _items(v, kind, label)
            if item is _identity:
                return list(items) if as_list else tuple(items)
            out = _each(items, item)
            return out if as_list else tuple(out)

        return check_var
    fixed = [_check_for(a, ns) for a in args]

    def check_fixed(v: Any) -> Any:
        items = _items(v, kind, label)
        if len(items) > len(fixed):
            _fail(
                "too_long",
                f"Tuple should have at most {len(fixed)} items after validation, not {len(items)}",
                v,
            )
        errors: list[ErrorTuple] = []
        out: list[Any] = []
        for i, (c, x) in enumerate(zip(fixed, items, strict=False)):
            try:
                out.append(c(x))
            except _Invalid as err:
                errors.extend(_prefix(i, err.errors))
        errors += [((i,), "missing", "Field required", v) for i in range(len(items), len(fixed))]
        if errors:
            raise _Invalid(errors)
        return tuple(out)

    return check_fixed


def _dict_check(args: tuple[Any, ...], ns: dict[str, Any]) -> Check:
    key = _check_for(args[0], ns) if args else _identity
    value = _check_for(args[1], ns) if args else _identity

    def check(v: Any) -> Any:
        if not isinstance(v, Mapping):
            _fail("dict_type", "Input should be a valid dictionary", v)
        if key is _identity and value is _identity:
            return dict(v)
        out: dict[Any, Any] = {}
        errors: list[ErrorTuple] = []
        for k, x in v.items():
            try:
                out[key(k)] = value(x)
            except _Invalid as err:
                errors.extend(_prefix(k, err.errors))
        if errors:
            raise _Invalid(errors)
        return out

    return check


def _union_check(args: tuple[Any, ...], ns: dict[str, Any]) -> Check:
    optional = type(None) in args
    members = [a for a in args if a is not type(None)]
    checks = [_check_for(a, ns) for a in members]
    exact = tuple(m for m in members if m in (int, float, str, bool))
    if len(checks) == 1:
        only = checks[0]

        def check_optional(v: Any) -> Any:
            return None if v is None else only(v)

        return check_optional

    def check(v: Any) -> Any:
        if v is None and optional:
            return None
        if type(v) in exact:
            return v
        failed: list[ErrorTuple] = []
        for c in checks:
            try:
                return c(v)
            except _Invalid as err:
                failed.extend(err.errors)
        raise _Invalid(failed)

    return check


def _record_check(cls: type[Record]) -> Check:
    def check(v: Any) -> Any:
        if isinstance(v, cls):
            return v
        return cls._validate(v)

    return check


_SIMPLE: dict[Any, Check] = {
    int: _to_int,
    float: _to_float,
    str: _to_str,
    bool: _to_bool,
    Any: _identity,
    object: _identity,
}


def _check_for(tp: Any, ns: dict[str, Any]) -> Check:
    """The converter of one declared type (evaluated type hint)."""
    simple = _SIMPLE.get(tp)
    if simple is not None:
        return simple
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        return _literal_check(args)
    if origin is Union or origin is types.UnionType:
        return _union_check(args, ns)
    if origin is tuple:
        return _seq_check(args, ns, as_list=False)
    if origin is list:
        return _seq_check(args, ns, as_list=True)
    if origin is dict or tp is dict:
        return _dict_check(args, ns)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_check(tp)
    if isinstance(tp, type) and issubclass(tp, Record):
        return _record_check(tp)
    if tp is tuple:
        return _seq_check((Any, Ellipsis), ns, as_list=False)
    raise TypeError(f"records: unsupported field type {tp!r}")


_NONE: frozenset[type] = frozenset()


def _exact_types(tp: Any) -> frozenset[type]:
    """The types whose values `tp`'s converter returns unchanged (empty: always convert)."""
    if tp in (int, str, bool, float) or (isinstance(tp, type) and issubclass(tp, (Enum, Record))):
        return frozenset({tp})
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        parts = [
            _exact_types(a) if a is not type(None) else frozenset({type(None)}) for a in typing.get_args(tp)
        ]
        return frozenset().union(*parts) if all(parts) else _NONE
    return _NONE


def _has_bounds(info: FieldInfo, allow_inf_nan: bool) -> bool:
    finite = not (allow_inf_nan if info.allow_inf_nan is None else info.allow_inf_nan)
    return finite or any(b is not None for b in (info.gt, info.ge, info.lt, info.le, info.min_length))


def _with_bounds(check: Check, info: FieldInfo, allow_inf_nan: bool) -> Check:
    """`check` followed by the field's bounds, as pydantic words them."""
    gt, ge, lt, le, min_len = info.gt, info.ge, info.lt, info.le, info.min_length
    finite = not (allow_inf_nan if info.allow_inf_nan is None else info.allow_inf_nan)
    if gt is None and ge is None and lt is None and le is None and min_len is None and not finite:
        return check

    bases: dict[Check, type] = {_to_int: int, _to_float: float, _to_str: str}
    base = bases.get(check)

    def bounded(v: Any) -> Any:
        if type(v) is not base:
            v = check(v)
        if v is None:
            return v
        if finite and isinstance(v, float) and not math.isfinite(v):
            _fail("finite_number", "Input should be a finite number", v)
        if min_len is not None and len(v) < min_len:
            if isinstance(v, str):
                s = "" if min_len == 1 else "s"
                _fail("string_too_short", f"String should have at least {min_len} character{s}", v)
            s = "" if min_len == 1 else "s"
            kind = "List" if isinstance(v, list) else "Tuple"
            _fail(
                "too_short",
                f"{kind} should have at least {min_len} item{s} after validation, not {len(v)}",
                v,
            )
        if gt is not None and not v > gt:
            _fail("greater_than", f"Input should be greater than {_bound(gt)}", v)
        if ge is not None and not v >= ge:
            _fail("greater_than_equal", f"Input should be greater than or equal to {_bound(ge)}", v)
        if lt is not None and not v < lt:
            _fail("less_than", f"Input should be less than {_bound(lt)}", v)
        if le is not None and not v <= le:
            _fail("less_than_equal", f"Input should be less than or equal to {_bound(le)}", v)
        return v

    return bounded


def _value_error(err: Exception, value: Any, loc: tuple[str | int, ...] = ()) -> _Invalid:
    if isinstance(err, AssertionError):
        return _Invalid([(loc, "assertion_error", f"Assertion failed, {err}", value)])
    return _Invalid([(loc, "value_error", f"Value error, {err}", value)])


# The annotations most fields carry, read without eval (typing.get_type_hints compiles each string).
_PLAIN_HINTS: dict[str, Any] = {
    "int": int,
    "str": str,
    "bool": bool,
    "float": float,
    "int | None": int | None,
    "str | None": str | None,
    "bool | None": bool | None,
    "float | None": float | None,
    "tuple[str, ...]": tuple[str, ...],
    "tuple[int, ...]": tuple[int, ...],
    "dict[str, int]": dict[str, int],
    "dict[str, Any]": dict[str, Any],
}
_HINTS: dict[tuple[str, str], Any] = {}


def _field_types(cls: type[Record]) -> dict[str, Any]:
    """Each field's evaluated annotation (what typing.get_type_hints gives, for these fields only)."""
    import sys

    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__module__)
        for name, ann in inspect.get_annotations(klass).items():
            if name not in cls.model_fields:
                continue
            if not isinstance(ann, str):
                out[name] = ann
                continue
            hint = _PLAIN_HINTS.get(ann)
            if hint is None:
                key = (klass.__module__, ann)
                hint = _HINTS.get(key)
                if hint is None:
                    hint = eval(ann, vars(module) if module else {}, {klass.__name__: klass})
                    _HINTS[key] = hint
            out[name] = hint
    return out


class _Compiled:
    """A record class's converters, built on first use."""

    __slots__ = ("after", "before", "fields", "names")

    def __init__(self, cls: type[Record]) -> None:
        ns: dict[str, Any] = {}
        hints = _field_types(cls)
        allow = bool(cls.model_config.get("allow_inf_nan", True))
        field_checks: dict[str, list[Callable[[Any], Any]]] = {}
        before: list[Callable[[Any], Any]] = []
        after: list[Callable[[Any], Any]] = []
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                fn = attr.__func__ if isinstance(attr, (classmethod, staticmethod)) else attr
                mark = getattr(fn, "_record_validator", None)
                if mark is None:
                    continue
                bound = getattr(cls, fn.__name__)
                if mark[0] == "model":
                    (before if mark[1] == "before" else after).append(bound)
                else:
                    for name in mark[1]:
                        field_checks.setdefault(name, []).append(bound)
        # (name, default, factory, check, exact types, whether the default is copied per record)
        self.fields: list[tuple[str, Any, Callable[[], Any] | None, Check, frozenset[type], bool]] = []
        for name, info in cls.model_fields.items():
            tp = hints[name]
            check = _with_bounds(_check_for(tp, ns), info, allow)
            extra = field_checks.get(name)
            if extra:
                check = _then(check, extra, name)
            # Values of these exact types are kept as given (the common case of llmsize's own records).
            plain = check is not _identity and not extra and not _has_bounds(info, allow)
            exact = _exact_types(tp) if plain else _NONE
            mutable = isinstance(info.default, _MUTABLE_DEFAULTS)  # decided once, not per record (issue 15)
            self.fields.append((name, info.default, info.default_factory, check, exact, mutable))
        self.names = frozenset(cls.model_fields)
        self.before = before
        self.after = after


def _fill_fields(
    compiled: _Compiled, values: dict[str, Any], data: Mapping[str, Any]
) -> tuple[list[ErrorTuple] | None, int]:
    """Convert and store each field of `data` (defaults for the rest): (errors, fields present).

    No per-class fill function is written out with exec, as dataclasses does for __init__: compiling
    one took 20-28 ms for Workload and ModelSpec, and built them no faster than this loop with its
    exact-type shortcut (issue 15: `fit --all` compiled twenty, 5% of its instructions)."""
    errors: list[ErrorTuple] | None = None
    present = 0
    for name, default, factory, check, exact, mutable in compiled.fields:
        value = data.get(name, _MISSING)  # one lookup, not `in` then `[]` (issue 15)
        if value is not _MISSING:
            present += 1
            if type(value) in exact:
                values[name] = value
                continue
            try:
                values[name] = check(value)
            except _Invalid as err:
                errors = errors or []
                errors.extend(_prefix(name, err.errors))
        elif default is not _MISSING:
            values[name] = default.copy() if mutable else default
        elif factory is not None:
            values[name] = factory()
        else:
            errors = errors or []
            errors.append(((name,), "missing", "Field required", dict(data)))
    return errors, present


def _then(check: Check, validators: list[Callable[[Any], Any]], name: str) -> Check:
    def run(v: Any) -> Any:
        v = check(v)
        for fn in validators:
            try:
                v = fn(v)
            except (ValueError, AssertionError) as err:
                raise _value_error(err, v) from None
        return v

    return run


_MUTABLE_DEFAULTS = (list, dict, set)


class Record:
    """Base of llmsize's frozen records (see the module docstring)."""

    # The hash, kept once asked: a frozen record's fields never change after it is built (model_copy,
    # copies and unpickling fill a new object, whose slot starts empty). The planner hashes the same
    # workloads and specs as dict keys over and over: ~2% of a cold `fit --all` (issue 15).
    __slots__ = ("__dict__", "_hash")
    _hash: int
    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[dict[str, FieldInfo]] = {}
    _computed: ClassVar[tuple[str, ...]] = ()
    _compiled: ClassVar[_Compiled | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}))
        for name, ann in inspect.get_annotations(cls).items():
            if name.startswith("_") or "ClassVar" in str(ann):
                continue
            value = cls.__dict__.get(name, _MISSING)
            fields[name] = value if isinstance(value, FieldInfo) else FieldInfo(value)
            if name in cls.__dict__:
                delattr(cls, name)
        cls.model_fields = fields
        computed = [
            n
            for base in reversed(cls.__mro__)
            for n, a in vars(base).items()
            if isinstance(a, property) and getattr(a.fget, "_record_computed", False)
        ]
        cls._computed = tuple(dict.fromkeys(computed))
        cls._compiled = None

    @classmethod
    def _compile(cls) -> _Compiled:
        compiled = cls.__dict__.get("_compiled")
        if compiled is None:
            compiled = _Compiled(cls)
            cls._compiled = compiled
        return compiled

    def __init__(self, /, **data: Any) -> None:
        try:
            self._fill(data)
        except _Invalid as err:
            raise ValidationError(type(self).__name__, err.errors) from None

    @classmethod
    def _validate(cls: type[R], data: Any) -> R:
        """Build from raw input, raising _Invalid (nested use) with every error found."""
        compiled = cls._compile()
        for fn in compiled.before:
            try:
                data = fn(data)
            except (ValueError, AssertionError) as err:
                raise _value_error(err, data) from None
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            _fail("model_type", f"Input should be a valid dictionary or instance of {cls.__name__}", data)
        obj = cls.__new__(cls)
        obj._fill(data, ran_before=True)
        return obj

    def _fill(self, data: Mapping[str, Any], ran_before: bool = False) -> None:
        compiled = type(self)._compiled or type(self)._compile()
        if compiled.before and not ran_before:
            for fn in compiled.before:
                try:
                    data = fn(data)
                except (ValueError, AssertionError) as err:
                    raise _value_error(err, data) from None
        values = self.__dict__
        errors, present = _fill_fields(compiled, values, data)
        if present != len(data):
            extra = [k for k in data if k not in compiled.names]
            if extra:
                errors = errors or []
                errors.extend(
                    ((k,), "extra_forbidden", "Extra inputs are not permitted", data[k]) for k in extra
                )
        if errors:
            raise _Invalid(errors)
        for fn in compiled.after:
            try:
                fn(self)
            except (ValueError, AssertionError) as err:
                raise _value_error(err, self) from None

    # --- pydantic's API ---------------------------------------------------------------------------
    @classmethod
    def model_validate(cls: type[R], obj: Any) -> R:
        """Build from user input (a mapping), raising ValidationError with every problem found."""
        try:
            return cls._validate(obj)
        except _Invalid as err:
            raise ValidationError(cls.__name__, err.errors) from None

    @classmethod
    def model_construct(cls: type[R], **values: Any) -> R:
        """Build without validation (values llmsize computed itself); defaults fill the rest."""
        obj = cls.__new__(cls)
        d = obj.__dict__
        for name, info in cls.model_fields.items():
            if name in values:
                d[name] = values[name]
            elif info.default is not _MISSING:
                d[name] = info.default
            elif info.default_factory is not None:
                d[name] = info.default_factory()
        return obj

    def model_copy(self: R, *, update: Mapping[str, Any] | None = None) -> R:
        """A shallow copy with `update` applied, not validated (as pydantic's model_copy)."""
        obj = type(self).__new__(type(self))
        obj.__dict__.update(self.__dict__)
        if update:
            obj.__dict__.update(update)
        return obj

    def model_dump(
        self, *, mode: Literal["python", "json"] = "python", exclude: Iterable[str] = ()
    ) -> dict[str, Any]:
        """The fields (and computed fields) as plain data; mode="json": enums as values, tuples as lists."""
        json = mode == "json"
        skip = frozenset(exclude)
        if json:
            out = {k: _dump(v, True) for k, v in self.__dict__.items() if k not in skip}
        else:
            out = {
                k: v if type(v) in _SCALARS else _dump(v, False)
                for k, v in self.__dict__.items()
                if k not in skip
            }
        for name in self._computed:
            if name not in skip:
                out[name] = _dump(getattr(self, name), json)
        return out

    def model_dump_json(self) -> str:
        import json

        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(name, value) of each field, as pydantic's models iterate: `dict(record)`."""
        return iter(self.__dict__.items())

    def __setattr__(self, name: str, value: Any) -> None:
        raise ValidationError(
            type(self).__name__, [((name,), "frozen_instance", "Instance is frozen", value)]
        )

    def __delattr__(self, name: str) -> None:
        raise ValidationError(type(self).__name__, [((name,), "frozen_instance", "Instance is frozen", None)])

    def __eq__(self, other: object) -> bool:
        if other is self:  # what comparing the fields gives (a dict equals itself, NaN values too)
            return True
        if not isinstance(other, Record):
            return NotImplemented
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            values = tuple(self.__dict__.values())
            kept = hash(values[0] if len(values) == 1 else values)
            object.__setattr__(self, "_hash", kept)  # not the frozen __setattr__: a cache, not a field
            return kept

    def __repr__(self) -> str:
        shown = [f"{k}={v!r}" for k, v in self.__dict__.items()]
        shown += [f"{k}={getattr(self, k)!r}" for k in self._computed]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __copy__(self: R) -> R:
        return self.model_copy()

    def __deepcopy__(self: R, memo: dict[int, Any]) -> R:
        import copy

        obj = type(self).__new__(type(self))
        obj.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return obj

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


_SCALARS = frozenset({int, str, float, bool, type(None)})


def _dump(v: Any, json: bool) -> Any:
    t = type(v)
    if t is int or t is str or t is float or t is bool or v is None:
        return v
    if isinstance(v, Record):
        return v.model_dump(mode="json" if json else "python")
    if isinstance(v, Enum):
        return v.value if json else v
    if t is tuple:
        items = [_dump(x, json) for x in v]
        return items if json else tuple(items)
    if t is list:
        return [_dump(x, json) for x in v]
    if isinstance(v, dict):
        return {(_dump(k, json) if json else k): _dump(x, json) for k, x in v.items()}
    if json and isinstance(v, (set, frozenset)):
        return [_dump(x, json) for x in v]
    if json and not isinstance(v, (int, float, str)):
        return str(v)
    return v


def first_place(raw: Any, read_as: Any, leaf: Callable[[Any, Any], bool], path: str = "") -> str | None:
    """The first place (a dotted path) where `leaf(raw value, validated value)` holds, walking the raw
    document and the record validated from it side by side (mappings by key, lists of equal length)."""
    if not isinstance(raw, dict | list):
        return path if leaf(raw, read_as) else None
    pairs: Any = ()
    if isinstance(raw, dict) and isinstance(read_as, dict):
        pairs = ((f"{path}.{k}" if path else str(k), v, read_as[k]) for k, v in raw.items() if k in read_as)
    elif isinstance(raw, list) and isinstance(read_as, list) and len(raw) == len(read_as):
        pairs = ((f"{path}[{i}]", v, w) for i, (v, w) in enumerate(zip(raw, read_as, strict=True)))
    for where, value, validated in pairs:
        found = first_place(value, validated, leaf, where)
        if found is not None:
            return found
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def boolean_read_as_number(raw: Any, read_as: Any, path: str = "") -> str | None:
    """The first place (a dotted path) where the raw document says true/false and the validated record
    holds a number, or None. Lax validation reads true as 1 (as Python and pydantic do), so a hand-edited
    `batch: true` in a report or `driver_mib: true` in a GPU file would pass as a one (issue 15)."""
    return first_place(raw, read_as, lambda text, value: isinstance(text, bool) and _is_number(value), path)
