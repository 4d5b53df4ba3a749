"""cli/app.py converts plain option values without typer's TypeAdapters (issue 15: instant); every
value must come out exactly as typer's own adapter makes it, and every value it rejects must fail
with typer's own error."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer import _coercion, main

from llmsize.cli import app as full_app
from llmsize.units import is_decimal_number, is_whole_number

_command = main.get_command(full_app)


def _params(kind: type) -> list[Any]:
    """(context, parameter) of every command's option whose annotation is `kind` (or an Enum)."""
    out = []
    for name, cmd in _command.commands.items():  # type: ignore[attr-defined]
        ctx = cmd.make_context(name, [], resilient_parsing=True)
        for param in cmd.params:
            desc = getattr(param, "type_descriptor", None)
            if desc is None or param.multiple or param.nargs != 1 or desc.parameter_info.parser is not None:
                continue
            ann = desc.annotation
            if (kind is Enum and isinstance(ann, type) and issubclass(ann, Enum)) or ann is kind:
                out.append((ctx, param))
    return out


def _both(ctx: Any, param: Any, value: Any) -> tuple[Any, Any]:
    """(what llmsize's converter gives, what typer's own adapter gives): a value or the error text."""

    def run(runtime: Any) -> Any:
        try:
            return ("ok", runtime.coerce(value, param=param, ctx=ctx))
        except Exception as err:  # typer's BadParameter, compared by its text
            return ("error", type(err).__name__, str(err))

    param._runtime_param = None  # as in a fresh process: a fallback below caches typer's adapter here
    ours = run(param.get_runtime_param())
    assert param.get_runtime_param() is not None
    return ours, run(_coercion.build_runtime_param(param.type_descriptor))


def test_there_are_options_of_each_kind() -> None:
    assert len(_params(str)) > 5 and len(_params(Enum)) > 5 and len(_params(int)) > 5


@settings(max_examples=150, deadline=None)
@given(data=st.data(), text=st.text(max_size=12))
def test_enum_and_str_values_match_typers_adapter(data: st.DataObject, text: str) -> None:
    ctx, param = data.draw(st.sampled_from(_params(Enum) + _params(str)))
    ann = param.type_descriptor.annotation
    choices = [text] + (
        [m.value for m in ann] + list(ann) + [str(m.value).upper() for m in ann]
        if isinstance(ann, type) and issubclass(ann, Enum)
        else []
    )
    value = data.draw(st.sampled_from(choices))
    ours, typers = _both(ctx, param, value)
    assert ours == typers
    if ours[0] == "ok":
        assert type(ours[1]) is type(typers[1])


@pytest.mark.parametrize("kind", [int, float])
def test_number_defaults_and_values_match_typers_adapter(kind: type) -> None:
    # Except numbers written against llmsize's one rule (units.is_whole_number / is_decimal_number),
    # which typer's pydantic adapter reads ("1_000" as 1000) and llmsize refuses in every option.
    written = is_whole_number if kind is int else is_decimal_number
    for ctx, param in _params(kind):
        info = param.type_descriptor.parameter_info
        values = [param.default, kind(0), kind(-1), kind(10**6), "7", "x", True, "1_000", "٣", " 8 ", "+2"]
        values += [v for v in (info.min, info.max) if v is not None]
        for value in values:
            if value is None:
                continue
            ours, typers = _both(ctx, param, value)
            if isinstance(value, str) and not written(value):
                assert ours[0] == "error" and "without '_'" in ours[2], (param.name, value)
                continue
            assert ours == typers, (param.name, value)
            if ours[0] == "ok":
                assert type(ours[1]) is type(typers[1]), (param.name, value)
