"""The typer app, the version flag, and the one place errors become exit codes."""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from llmsize.cli.declare import typer_signature, with_notes
from llmsize.cli.outcome import caused_by_interrupt, interrupted, reader_left
from llmsize.cli.outcome import debug as _debug
from llmsize.cli.outcome import fail as _fail
from llmsize.errors import BadInputError, ExitCode, LlmsizeError, one_line


def _flags_without_type() -> None:
    """Help shows `--force` rather than `--force <bool>`: a flag takes no value (issue 15).

    typer 0.29's TyperOption.display_type_rich labels every option with its type; for boolean
    flags there is nothing to type, so the label is dropped (None: rich help leaves the cell empty).
    """
    from typer import core

    original = core.TyperOption.display_type_rich

    def display(self: core.TyperOption, ctx: object) -> str | None:
        return None if self.is_bool_flag else original(self, ctx)  # type: ignore[arg-type]

    core.TyperOption.display_type_rich = display  # type: ignore[method-assign]


_flags_without_type()


def _no_adapter_for_unset_options() -> None:
    """Build typer's pydantic TypeAdapter for an option only when a value needs one.

    typer 0.29 (core._TyperParameter.process_value) builds one TypeAdapter per parameter of the
    command it runs, before RuntimeParam.coerce returns None or () for an unset option without
    using it; `estimate` has about 50 options and most are unset (issue 15: instant). Unset
    values still go through typer's own RuntimeParam.coerce, so the result is the same.

    A set value of a plain `str` or Enum parameter (no parser, not a file, one value) is converted
    the way typer's adapter does it without building one: typer/_adapters.py build_leaf_adapter
    wraps `_parse_cli_str` (str() of a str: the value itself) and `coerce_cli_choice` (the Enum
    member whose normalised value matches) in a TypeAdapter that adds nothing to a success; an
    int or float parameter's default, already that type and within its min/max, passes unchanged. The
    first TypeAdapter imports pydantic, about a third of a cold `llmsize parse`. Anything else, and
    any value those two reject, goes through typer's real adapter, so errors read as typer writes them.
    """
    from enum import Enum

    from typer import core

    try:
        from typer import _coercion
        from typer._param_types import coerce_cli_choice
    except ImportError:  # a typer without these modules: nothing to skip
        return
    param_cls = getattr(core, "_TyperParameter", None)
    runtime_cls = getattr(_coercion, "RuntimeParam", None)
    if param_cls is None or runtime_cls is None or not hasattr(param_cls, "get_runtime_param"):
        return  # another typer: nothing to skip
    original = param_cls.get_runtime_param
    coerce_unset = runtime_cls.coerce

    def plain(param: Any, value: Any, ctx: Any) -> tuple[bool, Any]:
        """(True, the converted value) where typer's adapter would return it unchanged or a member."""
        desc = getattr(param, "type_descriptor", None)
        info = getattr(desc, "parameter_info", None)
        if (desc is None or info is None or getattr(desc, "file_annotation", None) is not None
                or info.parser is not None or param.multiple or param.nargs != 1):
            return False, None
        annotation = desc.annotation
        if annotation in (int, float) and type(value) is str:
            _check_number(param, value, ctx, whole=annotation is int)
            return False, None  # written by the rule: typer's adapter converts it and checks the range
        if annotation is str and type(value) is str:
            return True, value
        if annotation in (int, float) and type(value) is annotation:  # a default: already the number
            low, high = info.min, info.max
            if (low is None or low <= value) and (high is None or value <= high):
                return True, value  # in range, so neither Field(ge, le) nor clamp changes it
            return False, None
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            try:
                return True, coerce_cli_choice(
                    value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:  # typer's adapter words the error
                return False, None
        return False, None

    class _Unbuilt:
        """Stands in until a value needs the real adapter."""

        def __init__(self, param: Any) -> None:
            self.param = param

        def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
            if value is None:
                return coerce_unset(self, value, param=param, ctx=ctx)  # returns before any adapter
            done, converted = plain(self.param, value, ctx)
            if done:
                return converted
            return original(self.param).coerce(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        return original(self) if self._runtime_param is not None else _Unbuilt(self)

    param_cls.get_runtime_param = get_runtime_param


def _check_number(param: Any, text: str, ctx: Any, *, whole: bool) -> None:
    """Refuse a number typer's pydantic adapter would read but llmsize's other options refuse.

    pydantic reads "1_000" (Python's digit separators) and "12.0" as whole numbers; `--context`,
    `--num-gpus` and the sizes follow llmsize.units' one rule for how a number is written, so every
    int and float option does too (issue 15: `--batch 1_000` was accepted, `--context 1_000` refused).
    A value the rule accepts goes on to typer's own adapter, which converts it and checks the range.
    """
    from llmsize import units

    if whole and not units.is_whole_number(text):
        message = f"{text!r} is not a whole number ({units.WHOLE_NUMBER_HINT})"
        raise typer.BadParameter(message, ctx=ctx, param=param)
    if not whole and not units.is_decimal_number(text):
        message = f"{text!r} is not a number ({units.DECIMAL_NUMBER_HINT})"
        raise typer.BadParameter(message, ctx=ctx, param=param)


_no_adapter_for_unset_options()

F = TypeVar("F", bound=Callable[..., Any])


class _ExamplesCommand(typer.core.TyperCommand):
    """A command whose --help prints its examples as whole shell commands (cli/help_examples.py)."""

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        import inspect

        from llmsize.cli.help_examples import shell_examples

        saved = self.help
        if saved:
            # click indents the help text by formatter.indentation(): two columns less
            width = formatter.width - formatter.current_indent - 2
            self.help = shell_examples(inspect.cleandoc(saved), width)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = saved


class Typer(typer.Typer):
    """typer.Typer whose commands may declare options with cli/declare.py's plain declarations."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", _ExamplesCommand)
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(typer_signature(with_notes(fn)))
            return fn

        return decorator


app = Typer(
    name="llmsize",
    help="What hardware does this LLM need, for this job? Memory, fit and speed estimates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        from llmsize import __version__

        typer.echo(f"llmsize {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version_callback, is_eager=True
        ),
    ] = False,
) -> None:
    """What hardware does this LLM need, for this job?"""


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and translate LlmsizeError into one line and exit code."""
    try:
        _check_completion_env()
        code = app(args=argv, standalone_mode=False)
        if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into Exit(130) and returns its code here
            interrupted()
    except LlmsizeError as err:
        _fail(str(err), err.exit_code, getattr(err, "suggestions", None))
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except SystemExit as ex:
        if ex.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            # typer/core.py _main: a closed stdout (EPIPE) wraps the streams in click's PacifyFlushWrapper
            # and exits 1, even for `--help | head`; llmsize ends a left reader with 0 on every path.
            reader_left()
        raise
    except typer.Abort:
        _fail("aborted", ExitCode.INTERNAL)
    except BrokenPipeError:
        reader_left()
    except Exception as err:  # usage errors (typer's bundled click) and genuine bugs
        if caused_by_interrupt(err):
            interrupted()
        if isinstance(err, OSError) and "--install-completion" in (sys.argv[1:] if argv is None else argv):
            # typer writes the script under $HOME: HOME=/dev/null (or a read-only home) was an internal
            # error (issue 15, round 6); the environment is the bad input here
            where = one_line(str(err.filename or ""), 80)
            _fail(f"cannot install completion: {err.strerror or err}{f': {where}' if where else ''}",
                  ExitCode.BAD_INPUT)
        if _is_usage_error(err):
            if type(err).__name__ == "NoArgsIsHelpError":  # `llmsize` alone: the help itself, as before
                err.show()  # type: ignore[attr-defined]
                sys.exit(ExitCode.BAD_INPUT)
            _fail(usage_line(err), ExitCode.BAD_INPUT)
        if _debug():
            raise
        _fail(f"internal error: {type(err).__name__}: {err} (set LLMSIZE_DEBUG=1 for the traceback)",
              ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)


def usage_line(err: Exception) -> str:
    """A usage error (typer's bundled click) as one line that names the help to read, without the usage block.

    click's UsageError.show prints "Usage: ...", "Try '... --help' for help." and a blank line before the
    error itself; every other bad input is one line (DESIGN.md), so the usage block became one clause
    (issue 15: `estimate X --backend metal` printed five lines). typer 0.29 reports a value its pydantic
    adapter refused as "Value error, <reason>"; the prefix names pydantic's error type, not the input.
    """
    format_message = getattr(err, "format_message", None)
    message = format_message() if callable(format_message) else str(err)
    message = message.replace("Value error, ", "").strip().removesuffix(".")
    ctx = getattr(err, "ctx", None)
    path = getattr(ctx, "command_path", None) or "llmsize"
    training = _plan_training_hint(path, message)
    if training:  # click's "(Possible options: --dp, --ep, --force)" points the wrong way
        return f"{message.split(' (Possible options')[0]}; {training}"
    search = (_models_search_hint(path, message) or _report_file_hint(path, message)
              or _gpus_name_hint(path, message))
    if search:
        return f"{message}; {search}"
    return f"{message}; see '{path} --help'"


def _gpus_name_hint(path: str, message: str) -> str | None:
    """`llmsize gpus 5090` (a GPU looked up by name) says what the listing filters by and where a GPU name
    goes: it said only "Got unexpected extra argument(s)" (issue 15, round 6)."""
    found = _EXTRA_ARGS.match(message) if path.split()[-1:] == ["gpus"] else None
    if found is None:
        return None
    name = shlex.quote(found["words"])
    return f"`llmsize gpus` filters with --vendor, --segment, --min-memory; a GPU name goes to --gpu: " \
        f"llmsize fit MODEL --gpu {name}"


_NO_OPTION = re.compile(r"^No such option: (?P<option>--[\w-]+)")
# Options only a fine-tuning estimate takes (workload_options.py): `plan` serves a model.
_TRAINING_FLAGS = frozenset(
    {"--mode", "--framework", "--zero", "--lora-rank", "--lora-targets", "--optimizer"})


def _plan_training_hint(path: str, message: str) -> str | None:
    """`llmsize plan MODEL --mode qlora` (a newcomer asking for a fine-tuning plan) says where training is
    sized: click suggested "--dp, --ep, --force" (issue 15, newcomer audit of training)."""
    found = _NO_OPTION.match(message) if path.split()[-1:] == ["plan"] else None
    if found is None or found["option"] not in _TRAINING_FLAGS:
        return None
    return ("`llmsize plan` prints a serving launch command; fine-tuning is sized by "
            f"llmsize estimate MODEL {found['option']} ... --gpu GPU (or llmsize fit MODEL --mode qlora)")


_NO_COMMAND = re.compile(r"^No such command '(?P<word>.*)'$")


def _report_file_hint(path: str, message: str) -> str | None:
    """`llmsize report out.json` (the saved file straight after the group) names the subcommand that shows
    it: it said only "No such command 'out.json'" (issue 15, round 6)."""
    found = _NO_COMMAND.match(message) if path.split()[-1:] == ["report"] else None
    if found is None or not found["word"].lower().endswith((".json", ".yaml", ".yml")):
        return None
    return f"to show a saved report: llmsize report show {shlex.quote(found['word'])}"


_EXTRA_ARGS = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<words>.*)\)$")


def _models_search_hint(path: str, message: str) -> str | None:
    """`llmsize models search qwen3.5` (the `hf models search` / `ollama search` habit) names the option that
    searches: it said only "Got unexpected extra argument(s)" (issue 15, round 3)."""
    found = _EXTRA_ARGS.match(message) if path.split()[-1:] == ["models"] else None
    if found is None:
        return None
    words = found["words"].split()
    if words and words[0].lower() in ("search", "find", "list", "ls"):
        words = words[1:]
    if not words:
        return "`llmsize models` lists the catalog; --search TEXT filters it"
    return f"to search the catalog: llmsize models --search {shlex.quote(' '.join(words))}"


# typer/_completion_shared.py Shells: the shells typer writes completion for.
_COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _check_completion_env() -> None:
    """Shell completion runs when the shell sets _LLMSIZE_COMPLETE; click then reads COMP_CWORD with
    int() (click/shell_completion.py BashComplete.get_completion_args), so a hand-set junk value was
    an internal error. Said as bad input instead."""
    if "_LLMSIZE_COMPLETE" not in os.environ:
        return
    instruction = os.environ["_LLMSIZE_COMPLETE"]
    action, _, shell = instruction.partition("_")  # typer/completion.py shell_complete: "complete_bash"
    if action not in ("source", "complete") or shell not in _COMPLETION_SHELLS:
        # typer printed "Shell complete not supported." and exited 1, the code of an internal error
        raise BadInputError(
            f"_LLMSIZE_COMPLETE {one_line(repr(instruction), 40)} is not a completion instruction",
            hint=f"complete_<shell> or source_<shell>, shell one of {', '.join(_COMPLETION_SHELLS)}; "
            "or unset it to run llmsize",
        )
    cword = os.environ.get("COMP_CWORD")
    if cword is not None and not (cword.isascii() and cword.strip().isdigit()):
        raise BadInputError(
            f"COMP_CWORD {one_line(repr(cword), 40)} is not a word index",
            hint="shell completion sets it; unset _LLMSIZE_COMPLETE to run llmsize",
        )


def _is_usage_error(err: Exception) -> bool:
    """Bad options or arguments, whichever copy of click raised them (typer 0.29 vendors its own)."""
    try:
        import click

        if isinstance(err, click.exceptions.ClickException):
            return True
    except ImportError:
        pass
    typer_error = getattr(typer, "TyperException", None)
    return typer_error is not None and isinstance(err, typer_error)
