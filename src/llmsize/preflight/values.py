"""Value parsing shared by every tool's flags: `32k` token counts, booleans, sizes, DeepSpeed "auto"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from llmsize.errors import BadInputError

_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|[kmgt]i?b?)?\s*$")
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
    if isinstance(text, bool):
        raise BadInputError(f"{flag} wants an integer, got {text!r}")
    try:
        value = int(str(text).strip())
    except ValueError:
        raise BadInputError(f"{flag} wants an integer, got {text!r}") from None
    if abs(value) > _MAX_INT:
        raise BadInputError(f"{flag} {text!r} is out of range")
    return value


def fraction(text: Any, flag: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise BadInputError(f"{flag} wants a number such as 0.9, got {text!r}") from None
    if not value == value or value in (float("inf"), float("-inf")):
        raise BadInputError(f"{flag} wants a finite number, got {text!r}")
    return value


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
