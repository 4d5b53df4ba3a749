"""Read safetensors headers (never tensor data) into exact per-dtype parameter counts and bytes.

Format (https://huggingface.co/docs/safetensors/index#format): an 8-byte little-endian unsigned
length N, then N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets}, plus an
optional "__metadata__" entry of strings. The tensor bytes follow and are never read here.

Counts are of stored elements: a GPTQ/AWQ checkpoint stores its 4-bit weights packed into I32,
so its element count is what the checkpoint holds, not the logical parameter count (this matches
the "safetensors" totals the Hub shows).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from llmsize.errors import ConfigError
from llmsize.resources import load_json, open_input
from llmsize.specs.models import CheckpointInfo, TensorInfo

# A header larger than this is not a real safetensors file (the reference implementation caps it at 100 MB:
# https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs MAX_HEADER_SIZE).
MAX_HEADER_BYTES = 100_000_000
METADATA_KEY = "__metadata__"


def read_header(path: Path) -> dict[str, Any]:
    """The JSON header of one .safetensors file, read with two small reads."""
    try:
        with open_input(path) as fh:
            prefix = fh.read(8)
            if len(prefix) < 8:
                raise ConfigError(f"{path} is not a safetensors file: shorter than its 8-byte header length")
            (length,) = struct.unpack("<Q", prefix)
            file_bytes = path.stat().st_size
            if length == 0 or length > MAX_HEADER_BYTES or length > file_bytes - 8:
                raise ConfigError(
                    f"{path} is not a valid safetensors file: header length {length} does not fit "
                    f"a {file_bytes}-byte file",
                    hint="re-download the shard",
                )
            raw = fh.read(length)
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror or err}") from err
    return parse_header_bytes(raw, str(path))


def parse_header_bytes(raw: bytes, where: str) -> dict[str, Any]:
    """Decode and check a header's JSON; `where` names the file in error messages."""
    try:
        header = load_json(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:  # JSONDecodeError, UnreadableText
        raise ConfigError(
            f"{where} has a malformed safetensors header: {err}", hint="re-download the shard"
        ) from err
    if not isinstance(header, dict):
        raise ConfigError(f"{where} has a malformed safetensors header: expected a JSON object")
    for name, entry in header.items():
        if name == METADATA_KEY:
            continue
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("dtype"), str)
            and isinstance(entry.get("shape"), list)
            and isinstance(entry.get("data_offsets"), list)
            and len(entry["data_offsets"]) == 2
        ):
            raise ConfigError(f"{where}: tensor {name!r} lacks dtype, shape or data_offsets in its header")
    return header


def tensors_from_header(header: Mapping[str, Any]) -> list[TensorInfo]:
    """One TensorInfo per tensor; bytes come from the data offsets, so they are exact."""
    out = []
    for name, entry in header.items():
        if name == METADATA_KEY:
            continue
        begin, end = _offsets(entry["data_offsets"], name)
        shape = _shape(entry["shape"], name)
        dtype = str(entry["dtype"])
        size = _DTYPE_BITS.get(dtype.upper())
        if size is not None and math.prod(shape) * size != (end - begin) * 8:
            raise ConfigError(
                f"tensor {name!r} claims shape {list(shape)} of {dtype} but holds {end - begin:,} bytes",
                hint="the header is corrupt; re-download the shard",
            )
        out.append(TensorInfo(name=name, dtype=dtype, shape=shape, n_bytes=end - begin))
    return out


# Bits per element of the safetensors dtypes (safetensors/src/tensor.rs Dtype::bitsize).
_DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "F64": 64,
    "I64": 64,
    "U64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _offsets(raw: Any, name: str) -> tuple[int, int]:
    """[begin, end) as the format defines them: non-negative integers, begin <= end."""
    begin, end = raw
    if not (_is_int(begin) and _is_int(end)) or not 0 <= begin <= end:
        raise ConfigError(
            f"tensor {name!r} has invalid data_offsets {raw!r} in its header",
            hint="the header is corrupt; re-download the shard",
        )
    return begin, end


def _shape(raw: Any, name: str) -> tuple[int, ...]:
    if len(raw) > 8 or not all(_is_int(d) and d >= 0 for d in raw):
        raise ConfigError(
            f"tensor {name!r} has an invalid shape {raw!r} in its header",
            hint="the header is corrupt; re-download the shard",
        )
    return tuple(raw)


def checkpoint_from_tensors(tensors: Iterable[TensorInfo]) -> CheckpointInfo:
    """Sum tensors (from one or many shards) into per-dtype element counts and total bytes."""
    ordered = sorted(tensors, key=lambda t: t.name)
    by_dtype: dict[str, int] = {}
    total_bytes = 0
    for t in ordered:
        by_dtype[t.dtype] = by_dtype.get(t.dtype, 0) + math.prod(t.shape)
        total_bytes += t.n_bytes
    return CheckpointInfo(
        format="safetensors",
        params_by_dtype=dict(sorted(by_dtype.items())),
        total_params=sum(by_dtype.values()),
        total_bytes=total_bytes,
        tensors=tuple(ordered),
    )


def read_checkpoint(shards: Iterable[Path]) -> CheckpointInfo:
    """Headers of every shard of one checkpoint, combined."""
    tensors: list[TensorInfo] = []
    for shard in shards:
        try:
            tensors.extend(tensors_from_header(read_header(shard)))
        except ConfigError as err:
            if str(shard) in err.message:
                raise
            raise ConfigError(f"{shard}: {err.message}", hint=err.hint) from err
    return checkpoint_from_tensors(tensors)
