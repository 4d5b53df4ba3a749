"""Dtypes, bytes per element and byte formatting. Pure: no I/O, no llmsize imports."""

from __future__ import annotations

import re
from enum import StrEnum
from fractions import Fraction
from typing import Any

GIB = 2**30
MIB = 2**20
GB = 10**9


class Dtype(StrEnum):
    """Compute / storage dtypes a user can ask for with --dtype."""

    FP32 = "fp32"
    FP16 = "fp16"
    BF16 = "bf16"
    FP8 = "fp8"
    INT8 = "int8"
    INT4 = "int4"


class KvDtype(StrEnum):
    """KV-cache element types (--kv-dtype); q8_0/q4_0 are llama.cpp's, nvfp4 vLLM's, fp4_e2m1 SGLang's."""

    FP32 = "fp32"
    FP16 = "fp16"
    BF16 = "bf16"
    FP8 = "fp8"
    INT8 = "int8"
    INT4 = "int4"
    Q8_0 = "q8_0"
    Q4_0 = "q4_0"
    NVFP4 = "nvfp4"
    FP4_E2M1 = "fp4_e2m1"


# Bytes per element. Fractions keep 4-bit exact; callers round once, at the end.
BYTES_PER_ELEMENT: dict[str, Fraction] = {
    "fp32": Fraction(4),
    "fp16": Fraction(2),
    "bf16": Fraction(2),
    "fp8": Fraction(1),
    "int8": Fraction(1),
    "int4": Fraction(1, 2),
    # REFERENCE: ggml-common.h block_q8_0 = fp16 scale + 32 int8 -> 34 bytes / 32 values.
    "q8_0": Fraction(34, 32),
    # REFERENCE: ggml-common.h block_q4_0 = fp16 scale + 16 bytes of nibbles -> 18 bytes / 32 values.
    "q4_0": Fraction(18, 32),
    # REFERENCE: vLLM's NVFP4 KV cache (vllm/config/cache.py CacheDType "nvfp4"; vllm-project/vllm
    # PRs #37332 and #40177): one packed uint8 row per head and token, head_size/2 bytes of E2M1
    # values then head_size/16 bytes of E4M3 block scales -> 9 bytes / 16 values (PR #37192: a
    # 16-token page of 8 heads x 128 is 18,432 bytes against 65,536 in bf16). The per-layer global
    # K/V scales live outside the pool.
    "nvfp4": Fraction(9, 16),
    # REFERENCE: SGLang's FP4 KV cache (--kv-cache-dtype fp4_e2m1; python/sglang/srt/mem_cache/memory_pool.py
    # MHATokenToKVPoolFP4 / MLATokenToKVPoolFP4): a uint8 buffer of head_dim/2 bytes per head and token
    # (two E2M1 values a byte) plus a uint8 scale buffer of one exponent (E8M0) per 16 values.
    "fp4_e2m1": Fraction(9, 16),
}

# safetensors dtype strings -> bytes per element (safetensors format spec).
SAFETENSORS_DTYPE_BYTES: dict[str, Fraction] = {
    "F64": Fraction(8), "F32": Fraction(4), "F16": Fraction(2), "BF16": Fraction(2),
    "F8_E4M3": Fraction(1), "F8_E5M2": Fraction(1), "F8_E8M0": Fraction(1), "F4": Fraction(1, 2),
    "I64": Fraction(8), "I32": Fraction(4), "I16": Fraction(2), "I8": Fraction(1),
    "U64": Fraction(8), "U32": Fraction(4), "U16": Fraction(2), "U8": Fraction(1), "BOOL": Fraction(1),
}


def bytes_per_element(dtype: str) -> Fraction:
    """Bytes one element of `dtype` takes (a Fraction, so int4 stays exact)."""
    try:
        return BYTES_PER_ELEMENT[str(dtype).lower()]
    except KeyError:
        raise ValueError(f"unknown dtype {dtype!r}") from None


def format_gib(n_bytes: int, digits: int = 2) -> str:
    """Bytes as GiB (2^30), labelled so nobody mistakes it for GB."""
    return f"{n_bytes / GIB:.{digits}f} GiB"


def format_gb(n_bytes: int, digits: int = 2) -> str:
    """Bytes as GB (10^9), the unit vendors sell memory in."""
    return f"{n_bytes / GB:.{digits}f} GB"


def format_bytes(n_bytes: int) -> str:
    """Human size with a binary unit (B, KiB, MiB, GiB, TiB)."""
    value = float(n_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} TiB"


# How a number is written on llmsize's command line, one rule for every option (issue 15): ASCII digits,
# an optional sign, and for options that take fractions a decimal point and an exponent; blanks around it
# are ignored. Digit-group separators are refused everywhere: '_' is Python's own syntax (int("1_000") and
# float("2_4") read it, so `--batch 1_000` and `--min-memory 2_4GiB` were accepted while `--context 1_000`
# was refused), shells, YAML 1.2 and llama.cpp's or vLLM's own flags (strtol, argparse int) share no such
# rule with it, and ',' or '.' group digits differently by locale ("1,000" is one thousand in the US and
# one in Germany). Other scripts' digits ("٣", which int() reads) are refused for the same reason.
_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)
_DECIMAL_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*", re.ASCII)
WHOLE_NUMBER_HINT = "digits only, e.g. 1000, without '_' or ',' separators"
DECIMAL_NUMBER_HINT = "digits with an optional point or exponent, e.g. 0.9 or 1e-3, without '_' or ','"


def is_whole_number(text: str) -> bool:
    """Whether `text` is a whole number as every count option takes it ("8", " +8 "; not "1_000", "8.0")."""
    return _WHOLE_NUMBER.fullmatch(text) is not None


def is_decimal_number(text: str) -> bool:
    """Whether `text` is a number as every fractional option takes it ("0.9", ".9", "1e-3"; not "0,9")."""
    return _DECIMAL_NUMBER.fullmatch(text) is not None


_SIZE_UNITS = {
    "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}


def parse_size(text: str) -> int:
    """'24GiB', '80 GB', '512MiB' or a plain byte count -> bytes. Raises ValueError."""
    s = text.strip().lower().replace(" ", "")
    num = s.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = s[len(num) :] or "b"
    if unit not in _SIZE_UNITS or len(num) > 30 or not is_decimal_number(num):  # float() reads "٣", "2_4"
        raise ValueError(f"cannot read size {text[:40]!r}; write e.g. 24GiB or 80GB")
    try:
        value = float(num) * _SIZE_UNITS[unit]
    except ValueError:
        raise ValueError(f"cannot read size {text!r}; write e.g. 24GiB or 80GB") from None
    if not 0 <= value < 2**80:  # NaN, negative, and 1e309 (inf) fail here
        raise ValueError(f"size {text!r} is not a positive amount of memory below a yottabyte")
    return int(value)


def text_read_as_number(raw: Any, read_as: Any, path: str = "") -> str | None:
    """The first place (a dotted path) where the raw document holds text that is no ASCII decimal number
    and the validated record holds a number, or None. Lax validation reads a string with Python's float(),
    which takes '８０' (full-width) and '１e1' as 80 and 10; every option and config value refuses them
    (units.is_decimal_number, the one rule for numbers), so a user file must too (issue 15, round 22)."""
    from llmsize.records import first_place

    def text_for_a_number(text: Any, value: Any) -> bool:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(text, str) and number and not is_decimal_number(text)

    return first_place(raw, read_as, text_for_a_number, path)
