"""Option and argument declarations as plain data, read by typer and by the fast argv parser alike.

Each option is declared once (`Annotated[int, Option("--batch", help=..., min=1)]`, the arguments
typer.Option takes). `typer_signature` turns a command's declarations into typer's own objects when
the typer app is built (help, completion, usage errors); `cli/fast.py` reads the same declarations
to run the common commands without importing typer (issue 15: a cold `estimate` paid ~40 ms for
typer and click before doing anything).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from llmsize.cli.signatures import evaluated_signature

F = TypeVar("F", bound=Callable[..., Any])


class Declared:
    """typer.Option / typer.Argument's arguments, kept until typer (or the fast parser) needs them."""

    kind = "option"

    def __init__(self, *decls: str, **settings: Any) -> None:
        self.decls = decls
        self.settings = settings

    def to_typer(self) -> Any:
        import typer

        make = typer.Option if self.kind == "option" else typer.Argument
        return make(*self.decls, **self.settings)


class OptionDecl(Declared):
    kind = "option"


class ArgumentDecl(Declared):
    kind = "argument"


def Option(*decls: str, **settings: Any) -> Any:
    """An option: the names ("--batch", "-b", "--x/--no-x") and typer.Option's keyword arguments."""
    return OptionDecl(*decls, **settings)


def Argument(**settings: Any) -> Any:
    """A positional argument: typer.Argument's keyword arguments."""
    return ArgumentDecl(**settings)


class Context:
    """Stands for typer.Context in a command's signature: what it reads of the parse."""

    def __init__(self, given: frozenset[str] = frozenset()) -> None:
        self._given = given

    def get_parameter_source(self, name: str) -> Any:
        """DEFAULT or COMMANDLINE, as click's ParameterSource names them."""
        return _Source("COMMANDLINE" if name in self._given else "DEFAULT")


class _Source:
    def __init__(self, name: str) -> None:
        self.name = name


def _to_typer_annotation(annotation: Any) -> Any:
    if annotation is Context:
        import typer

        return typer.Context
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if any(isinstance(m, Declared) for m in meta):
            converted = tuple(m.to_typer() if isinstance(m, Declared) else m for m in meta)
            return typing.Annotated[(base, *converted)]
    return annotation


def typer_signature(command: F) -> F:
    """`command` with its declarations as typer objects, for typer to read (called by the typer app)."""
    signature = evaluated_signature(command)
    params = [p.replace(annotation=_to_typer_annotation(p.annotation)) for p in signature.parameters.values()]
    if all(p.annotation is q.annotation for p, q in zip(params, signature.parameters.values(), strict=True)):
        return command

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": signature.return_annotation}
    return run  # type: ignore[return-value]


COMMANDS: dict[str, Callable[..., Any]] = {}
"""Commands declared with @command, by name, in the order their modules registered them."""


def command(name: str) -> Callable[[F], F]:
    """Register a command for the typer app and the fast parser, without importing typer."""

    def register(fn: F) -> F:
        COMMANDS[name] = fn
        return fn

    return register


def echo(message: str, *, err: bool = False) -> None:
    """One line to stdout (or stderr), flushed: what typer.echo does with a plain string."""
    import sys

    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()



_NOTES: list[str] = []
_BAD_INPUT = 2  # errors.ExitCode.BAD_INPUT (declare.py imports nothing of llmsize)


def note(message: str) -> None:
    """A stderr line that describes the run (this machine's detected GPUs), said once the run has an answer.

    Held until the command ends (`with_notes`): a run that ends in bad input prints its one error line
    alone (DESIGN.md), and a note made twice (`--gpu local` is detected for the context default and
    again for the plan) is said once (issue 15, round 6: `fit Qwen3-8BB` on a machine without a GPU
    printed four detection lines before its error; `estimate M --gpu local` printed them twice).
    """
    if message not in _NOTES:
        _NOTES.append(message)


def with_notes(command: F) -> F:
    """`command`, printing the notes it held when it ends: on success, and before an exit-3 "nothing
    fits" (an answer), but not before a bad-input error; the typer app and the fast path both run it."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        _NOTES.clear()
        try:
            result = command(*args, **kwargs)
        except BaseException as err:
            held = list(_NOTES)
            _NOTES.clear()
            if getattr(err, "exit_code", None) != _BAD_INPUT and not isinstance(err, KeyboardInterrupt):
                for line in held:
                    echo(line, err=True)
            raise
        held = list(_NOTES)
        _NOTES.clear()
        for line in held:
            echo(line, err=True)
        return result

    return run  # type: ignore[return-value]
