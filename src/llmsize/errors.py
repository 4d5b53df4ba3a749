"""The one exception root of llmsize and the exit codes the CLI maps it to.

Imports nothing from llmsize, so every layer can raise these.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (DESIGN.md: 2 for any bad input, 3 when a fit check finds nothing fits)."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    NOTHING_FITS = 3
    INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command Ctrl-C ended


class LlmsizeError(Exception):
    """Base of every error llmsize raises on purpose; the CLI prints its message in one line."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BadInputError(LlmsizeError):
    """An option or combination of options that cannot be honoured."""


class WrongTypeError(BadInputError, TypeError):
    """A library call given an argument of the wrong type (`llmsize.resolve(7)`, `llmsize.estimate("Qwen3-8B",
    wl)`): an LlmsizeError as every refusal is, and a TypeError as Python's own; it was an AttributeError
    from deep inside ("'int' object has no attribute 'strip'"; issue 15, round 8)."""


def require_type(
    value: object, wanted: type | tuple[type, ...], what: str, expected: str, hint: str | None = None
) -> None:
    """Raise WrongTypeError ("`what` takes `expected`, not int") unless `value` is a `wanted` (a bool is
    no number here)."""
    if isinstance(value, wanted) and not (isinstance(value, bool) and bool not in _types(wanted)):
        return
    raise WrongTypeError(f"{what} takes {expected}, not {type(value).__name__}", hint=hint)


def _types(wanted: type | tuple[type, ...]) -> tuple[type, ...]:
    return wanted if isinstance(wanted, tuple) else (wanted,)


class ModelNotFoundError(LlmsizeError):
    """A model name, repo id or path that resolves to nothing."""

    def __init__(self, message: str, hint: str | None = None, suggestions: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.suggestions = suggestions or []


class ConfigError(LlmsizeError):
    """A config.json, safetensors header, GGUF file or catalog YAML that cannot be read."""


class HubError(LlmsizeError):
    """The Hugging Face Hub refused or could not be reached and nothing cached could stand in."""


class GatedRepoError(HubError):
    """A gated or private repository asked for without a usable HF_TOKEN."""


class GpuNotFoundError(LlmsizeError):
    """A GPU name that matches nothing in the catalog."""

    def __init__(self, message: str, hint: str | None = None, suggestions: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.suggestions = suggestions or []


class MissingExtraError(LlmsizeError):
    """An optional dependency (the [measure] extra) is not installed."""


class NothingFitsError(LlmsizeError):
    """A `--check` fit found no GPU layout that holds the workload."""

    exit_code = ExitCode.NOTHING_FITS


# The longest error line the CLI prints (a 5,000-character name is cut in the middle, issue 15).
MAX_ERROR_CHARS = 500
# Any escape `one_line` writes is at most this long ("\U000e0001").
_LONGEST_ESCAPE = 10


def one_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """`text` as one printable line of at most `limit` characters, for messages that quote input.

    A newline, NUL, escape sequence or bidirectional override from the input is shown as its Python
    escape ("\\n", "\\x1b", "\\u202e"), never obeyed by the terminal; printable characters, non-ASCII
    included, stay as typed, so a path or name reads as the user wrote it. Past `limit`, the middle
    is replaced by "…" (issue 15: the CLI's error line and the paths of --output messages alike).
    """
    if len(text) > 2 * limit:  # escape only what can be shown: a 10 MB value costs no more than 1 kB
        text = text[:limit] + "\0" + text[-limit:]  # the NUL is dropped with the middle below
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    if len(shown) <= limit:
        return shown
    head = (limit - 1) // 2
    return f"{shown[:head]}…{shown[len(shown) - (limit - 1 - head):]}"


def json_kind(value: object) -> str:
    """What a parsed JSON value is, in JSON's own words ("an array", "null"), for messages about a file:
    "must hold a JSON object, not NoneType" named a Python type the user never wrote (issue 15, round 6)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string"), (int, "a number"),
                       (float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__
