"""Value parsing shared by every tool's flags: `32k` token counts, booleans, sizes, DeepSpeed "auto"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from llmsize.errors import BadInputError
from llmsize.units import is_decimal_number, is_whole_number

# ASCII digits only (re.ASCII): `\d` alone matched '١٢٣' and Decimal read it as 123, so a launch command
# or OLLAMA_CONTEXT_LENGTH in Arabic-Indic digits was sized at that context, where every option of
# llmsize's own refuses them (units.is_whole_number) and llama.cpp's std::stoi and Ollama's
# strconv.ParseUint (envconfig/config.go) do not read them (issue 15, round 8).
_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$", re.ASCII)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|[kmgt]i?b?)?\s*$", re.ASCII)
_MAX_INT = 2**40  # nothing a launch command sizes is larger; bounds hostile input
_MAX_BYTES = 2**60  # an exbibyte


def tokens(text: Any, flag: str) -> int:
    """`32768`, `32k`, `32K`, `1.5k`, `1m` -> tokens (vLLM and SGLang accept the k/m suffixes;
    vLLM's `human_readable_int` reads k as 1000 and K as 1024, which is followed here)."""
    if isinstance(text, bool):
        raise BadInputError(f"{flag} wants a number of tokens, got {text!r}")
    if isinstance(text, int):
        value = text
    else:
        m = _TOKENS.match(str(text))
        if not m:
            raise BadInputError(f"{flag} wants a number of tokens such as 32768 or 32k, got {text!r}")
        number, suffix = Decimal(m.group(1)), m.group(2)  # exact: 400 digits are out of range, not inf
        scale = {"": 1, "k": 1000, "K": 1024, "m": 1_000_000, "M": 1024**2}[suffix]
        value = int(number * scale)
    if not 0 <= value <= _MAX_INT:
        raise BadInputError(f"{flag} {text!r} is out of range")
    return value


def integer(text: Any, flag: str) -> int:
    """An integer as written in a command or a config: ASCII digits ('1_0' and '٣' are what int() reads,
    not what llama.cpp or Ollama do), or a JSON/YAML number with no fraction (3.0 as pydantic takes it)."""
    if isinstance(text, bool):
        raise BadInputError(f"{flag} wants an integer, got {text!r}")
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    word = str(text).strip()
    if isinstance(text, float) or len(word) > 100 or not is_whole_number(word):
        raise BadInputError(f"{flag} wants an integer, got {_shown(text)}")
    value = int(word)
    if abs(value) > _MAX_INT:
        raise BadInputError(f"{flag} {text!r} is out of range")
    return value


def fraction(text: Any, flag: str) -> float:
    if isinstance(text, bool) or not is_decimal_number(str(text)):  # '١.٥', '1_0.5': see _TOKENS
        if isinstance(text, float):  # a JSON/YAML nan or inf
            raise BadInputError(f"{flag} wants a finite number, got {text!r}")
        raise BadInputError(f"{flag} wants a number such as 0.9, got {_shown(text)}")
    value = float(str(text).strip())
    if not value == value or value in (float("inf"), float("-inf")):  # 1e999
        raise BadInputError(f"{flag} wants a finite number, got {_shown(text)}")
    return value


def nonnegative(text: Any, flag: str) -> float:
    """A finite number of at least 0 (vLLM's `cpu_offload_gb: float = Field(default=0, ge=0)`,
    vllm/config/offload.py UVAOffloadConfig: vLLM refuses -1 at start-up)."""
    value = fraction(text, flag)
    if value < 0:
        raise BadInputError(f"{flag} must be 0 or more, got {_shown(text)}")
    return value


def shown(text: Any) -> str:
    """The value as quoted in an error line: its repr (no raw control characters), cut to 100 characters."""
    try:
        said = repr(text)
    except ValueError:  # an int of more than 4,300 digits
        said = f"an integer of about {text.bit_length() * 0.30103:,.0f} digits"
    return said if len(said) <= 100 else said[:48] + "…" + said[-48:]


_shown = shown


def boolean(text: Any, flag: str) -> bool:
    """YAML/JSON booleans and the words tools accept (true/false, on/off, 1/0, yes/no)."""
    if isinstance(text, bool):
        return text
    word = str(text).strip().lower()
    if word in ("1", "true", "on", "yes", "y"):
        return True
    if word in ("0", "false", "off", "no", "n"):
        return False
    raise BadInputError(f"{flag} wants true or false, got {text!r}")


def size_bytes(text: Any, flag: str, default_unit: int = 1) -> int:
    """`4GiB`, `4G`, `4096MiB`, `12` (in `default_unit`) -> bytes."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    m = _SIZE.match(str(text))
    if not m:
        raise BadInputError(f"{flag} wants a size such as 4GiB, got {text!r}")
    number, unit = Decimal(m.group(1)), (m.group(2) or "").upper().rstrip("B")
    scale = {
        "": default_unit,
        "K": 1000,
        "KI": 1024,
        "M": 10**6,
        "MI": 2**20,
        "G": 10**9,
        "GI": 2**30,
        "T": 10**12,
        "TI": 2**40,
    }[unit]
    value = int(number * scale)
    if value > _MAX_BYTES:
        raise BadInputError(f"{flag} {text!r} is out of range")
    return value


def is_auto(value: Any) -> bool:
    """DeepSpeed and Trainer accept "auto" where the trainer fills the value in."""
    return isinstance(value, str) and value.strip().lower() == "auto"
