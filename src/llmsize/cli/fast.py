"""Run a common command without typer: argv read against the command's own option declarations.

Options are declared once (cli/declare.py); typer reads them for `--help`, completion and usage
errors, and this module reads the same declarations for the plain runs that make up most use
(issue 15: importing typer and building a ~60-option command cost a cold `estimate` about a fifth
of its time). It understands only what it can convert exactly as typer would: `--name value`,
`--flag` / `--no-flag`, short names, repeated list options, positional arguments, and values that
are plain digits, decimals, enum values, strings or paths. Anything else (`--help`, `--name=value`,
an unknown or repeated option, a value starting with "-", a number typer would parse differently,
a value outside min/max, a missing argument) returns None and the typer app runs instead, so its
messages and exit codes stay the only ones.
"""

from __future__ import annotations

import inspect
import re
import sys
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

from llmsize.cli.declare import COMMANDS, ArgumentDecl, Context, OptionDecl
from llmsize.cli.signatures import evaluated_signature

_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# typer.Option settings that change nothing about parsing a value.
_INERT = frozenset(
    {"help", "rich_help_panel", "metavar", "autocompletion", "show_default", "hidden", "min", "max"}
)


class _Param:
    """One parameter of a command as the parser needs it."""

    __slots__ = ("base", "default", "high", "low", "multiple", "name")

    def __init__(self, name: str, base: Any, default: Any, settings: dict[str, Any], multiple: bool) -> None:
        self.name, self.base, self.default, self.multiple = name, base, default, multiple
        self.low, self.high = settings.get("min"), settings.get("max")


def _split(annotation: Any) -> tuple[Any, Any, bool]:
    """(value type, declaration, multiple) of an Annotated parameter; Optional removed."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return annotation, None, False
    base, *meta = typing.get_args(annotation)
    decl = next((m for m in meta if isinstance(m, (OptionDecl, ArgumentDecl))), None)
    args = typing.get_args(base)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        base = rest[0] if len(rest) == 1 else base
    multiple = typing.get_origin(base) is list
    if multiple:
        base = typing.get_args(base)[0]
    return base, decl, multiple


class Grammar:
    """The options and arguments of one command, from its signature's declarations."""

    def __init__(self, command: Callable[..., Any]) -> None:
        self.options: dict[str, tuple[_Param, bool | None]] = {}  # name -> (param, flag value)
        self.arguments: list[_Param] = []
        self.params: list[_Param] = []
        self.context: str | None = None
        self.supported = True
        for p in evaluated_signature(command).parameters.values():
            if p.annotation is Context:
                self.context = p.name
                continue
            base, decl, multiple = _split(p.annotation)
            default = None if p.default is inspect.Parameter.empty else p.default
            if decl is None or set(decl.settings) - _INERT or (multiple and base not in (Path, str)):
                self.supported = False
                return
            param = _Param(p.name, base, default, decl.settings, multiple)
            self.params.append(param)
            if isinstance(decl, ArgumentDecl):
                if p.default is inspect.Parameter.empty:
                    param.default = inspect.Parameter.empty
                self.arguments.append(param)
                continue
            names = [d for d in decl.decls if d.startswith("-")]
            if base is bool:
                for d in names or [f"--{p.name.replace('_', '-')}/--no-{p.name.replace('_', '-')}"]:
                    on, _, off = d.partition("/")
                    self.options[on.strip()] = (param, True)
                    if off:
                        self.options[off.strip()] = (param, False)
            else:
                for d in names or [f"--{p.name.replace('_', '-')}"]:
                    self.options[d] = (param, None)

    def parse(self, argv: Sequence[str]) -> dict[str, Any] | None:
        """The keyword arguments typer would pass, or None where only typer should answer."""
        if not self.supported:
            return None
        values: dict[str, Any] = {}
        positional: list[str] = []
        i = 0
        while i < len(argv):
            token = argv[i]
            i += 1
            if not token.startswith("-") or token == "-":
                positional.append(token)
                continue
            entry = self.options.get(token)
            if entry is None:
                return None  # --help, --name=value, -abc, an unknown option: typer's to answer
            param, flag = entry
            if flag is not None:
                value: Any = flag
            else:
                if i >= len(argv) or argv[i].startswith("-"):
                    return None
                value = _convert(param, argv[i])
                i += 1
                if value is None:
                    return None
            if param.multiple:
                values.setdefault(param.name, []).append(value)
            elif param.name in values:
                return None  # given twice: typer decides which one counts
            else:
                values[param.name] = value
        if len(positional) > len(self.arguments):
            return None
        for param, text in zip(self.arguments, positional, strict=False):
            converted = _convert(param, text)
            if converted is None:
                return None
            values[param.name] = converted
        given = frozenset(values)
        out: dict[str, Any] = {}
        for param in self.params:
            if param.name in values:
                out[param.name] = values[param.name]
            elif param.default is inspect.Parameter.empty:
                return None  # a missing argument: typer's usage error
            else:
                out[param.name] = param.default
        if self.context is not None:
            out[self.context] = Context(given)
        return out


def _convert(param: _Param, text: str) -> Any:
    """`text` as typer converts it for `param`, or None where the fast path cannot be sure."""
    base = param.base
    if base is str:
        return text
    if base is Path:
        return Path(text)
    if isinstance(base, type) and issubclass(base, Enum):
        for member in base:
            if str(member.value) == text:
                return member
        return None
    if base is int and _DIGITS.fullmatch(text):
        number: int | float = int(text)
    elif base is float and _DECIMAL.fullmatch(text):
        number = float(text)
    else:
        return None
    if (param.low is not None and number < param.low) or (param.high is not None and number > param.high):
        return None  # typer words the range error
    return number


FAST_COMMANDS: dict[str, str] = {
    "parse": "cmd_parse",
    "estimate": "cmd_estimate",
    "explain": "cmd_explain",
    "fit": "cmd_fit",
}


def run(argv: list[str]) -> None:
    """Run argv's command here when it is a fast command and argv is plain; return to let typer run it."""
    module = FAST_COMMANDS.get(argv[0]) if argv else None
    if module is None:
        return
    import_module(f"llmsize.cli.{module}")
    kwargs = Grammar(COMMANDS[argv[0]]).parse(argv[1:])
    if kwargs is None:
        return
    execute(COMMANDS[argv[0]], kwargs)


def execute(command: Callable[..., Any], kwargs: dict[str, Any]) -> typing.NoReturn:
    """Call the command and end the process as the typer app's main() would."""
    import errno

    from llmsize.cli.declare import echo, with_notes
    from llmsize.cli.outcome import caused_by_interrupt, debug, fail, interrupted, reader_left
    from llmsize.errors import ExitCode, LlmsizeError

    try:
        try:
            with_notes(command)(**kwargs)
        except KeyboardInterrupt:  # typer 0.29 core._main: Exit(130), as the typer app ends too
            interrupted()
        except EOFError:  # typer: an empty line, then Abort, which main() reports as "aborted"
            echo("", err=True)
            fail("aborted", ExitCode.INTERNAL)
        except OSError as err:  # a closed pipe: quiet, exit 0, as on the typer path (outcome.reader_left)
            if err.errno != errno.EPIPE:
                raise
            reader_left()
    except LlmsizeError as err:
        fail(str(err), err.exit_code, getattr(err, "suggestions", None))
    except BrokenPipeError:
        reader_left()
    except Exception as err:  # a genuine bug: one line, as the typer app reports it
        if caused_by_interrupt(err):
            interrupted()
        if debug():
            raise
        fail(
            f"internal error: {type(err).__name__}: {err} (set LLMSIZE_DEBUG=1 for the traceback)",
            ExitCode.INTERNAL,
        )
    sys.exit(ExitCode.OK)
