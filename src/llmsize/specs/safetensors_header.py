"""Read safetensors headers (never tensor data) into exact per-dtype parameter counts and bytes.

Format (https://huggingface.co/docs/safetensors/index#format): an 8-byte little-endian unsigned
length N, then N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets}, plus an
optional "__metadata__" entry of strings. The tensor bytes follow and are never read here.

Counts are of stored elements: a GPTQ/AWQ checkpoint stores its 4-bit weights packed into I32,
so its element count is what the checkpoint holds, not the logical parameter count (this matches
the "safetensors" totals the Hub shows).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from llmsize.errors import ConfigError
from llmsize.resources import load_json, open_input
from llmsize.specs.models import CheckpointInfo, TensorInfo

# A header larger than this is not a real safetensors file (the reference implementation caps it at 100 MB:
# https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs MAX_HEADER_SIZE).
MAX_HEADER_BYTES = 100_000_000
METADATA_KEY = "__metadata__"


def read_header(path: Path) -> dict[str, Any]:
    """The JSON header of one .safetensors file, read with two small reads."""
    return _read(path)[0]


def _read(path: Path) -> tuple[dict[str, Any], int]:
    """The header and how many bytes of tensor data follow it in the file."""
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
    return parse_header_bytes(raw, str(path)), file_bytes - 8 - length


def parse_header_bytes(raw: bytes, where: str) -> dict[str, Any]:
    """Decode a header's JSON object; `where` names the file in error messages. Its entries are
    checked where they are read (`header_totals`, `tensors_from_header`)."""
    try:
        header = load_json(raw.decode("utf-8"))  # with the GC paused (resources.load_json)
    except (UnicodeDecodeError, ValueError) as err:  # JSONDecodeError, UnreadableText
        raise ConfigError(
            f"{where} has a malformed safetensors header: {err}", hint="re-download the shard"
        ) from err
    if not isinstance(header, dict):
        raise ConfigError(f"{where} has a malformed safetensors header: expected a JSON object")
    return header


def _entries(header: Mapping[str, Any], where: str) -> Iterator[tuple[str, str, list[int], int, int, int]]:
    """(name, dtype, shape, elements, bytes, data end) of every tensor, each checked as the format
    requires: dtype a string, shape at most 8 non-negative integers, data_offsets two non-negative
    integers in order, and for a known dtype, shape and offsets agreeing on the size.

    One pass of inline checks (`type(x) is int` also refuses booleans), because it runs once per
    tensor and a checkpoint can hold 300,000 (issue 15; bench/large_headers.py).
    """
    bits_of = _DTYPE_BITS.get
    for name, entry in header.items():
        if name == METADATA_KEY:
            continue
        if not (
            type(entry) is dict
            and type(dtype := entry.get("dtype")) is str
            and type(shape := entry.get("shape")) is list
            and type(offsets := entry.get("data_offsets")) is list
            and len(offsets) == 2
        ):
            raise ConfigError(f"{where}: tensor {name!r} lacks dtype, shape or data_offsets in its header")
        begin, end = offsets
        if type(begin) is not int or type(end) is not int or not 0 <= begin <= end:
            raise ConfigError(
                f"tensor {name!r} has invalid data_offsets {offsets!r} in its header",
                hint="the header is corrupt; re-download the shard",
            )
        numel = 1
        for d in shape if len(shape) <= 8 else (None,):
            if type(d) is not int or d < 0:
                raise ConfigError(
                    f"tensor {name!r} has an invalid shape {shape!r} in its header",
                    hint="the header is corrupt; re-download the shard",
                )
            numel *= d
        bits = bits_of(dtype.upper())
        if bits is not None and numel * bits != (end - begin) * 8:
            raise ConfigError(
                f"tensor {name!r} claims shape {shape} of {dtype} but holds {end - begin:,} bytes",
                hint="the header is corrupt; re-download the shard",
            )
        yield name, dtype, shape, numel, end - begin, end


def tensors_from_header(header: Mapping[str, Any], where: str = "the header") -> list[TensorInfo]:
    """One TensorInfo per tensor; bytes come from the data offsets, so they are exact."""
    return [
        TensorInfo(name=name, dtype=dtype, shape=tuple(shape), n_bytes=n_bytes)
        for name, dtype, shape, _, n_bytes, _ in _entries(header, where)
    ]


class HeaderTotals(NamedTuple):
    """What a checkpoint's size needs from one header: elements per dtype and bytes."""

    by_dtype: dict[str, int]
    total_bytes: int


def header_totals(header: Mapping[str, Any], where: str, data_bytes: int | None = None) -> HeaderTotals:
    """Elements per dtype and total bytes, with no record per tensor; given the file's `data_bytes`,
    a tensor that ends past them (a truncated download, or offsets of 2^62) or tensors sharing bytes
    (which would count the same bytes twice) are refused."""
    by_dtype: dict[str, int] = {}
    total_bytes = data_end = 0
    for _, dtype, _, numel, n_bytes, end in _entries(header, where):
        by_dtype[dtype] = by_dtype.get(dtype, 0) + numel
        total_bytes += n_bytes
        data_end = max(data_end, end)
    if data_bytes is not None and data_end > data_bytes:
        raise ConfigError(
            f"{where} is truncated: its tensors need {data_end:,} bytes of data but it holds {data_bytes:,}",
            hint="re-download the shard",
        )
    if data_bytes is not None and total_bytes > data_bytes:  # the format lays tensors end to end
        raise ConfigError(
            f"{where}: its tensors claim {total_bytes:,} bytes but the file holds {data_bytes:,}; "
            "their data_offsets overlap",
            hint="the header is corrupt; re-download the shard",
        )
    return HeaderTotals(by_dtype, total_bytes)


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


def checkpoint_from_totals(parts: Iterable[HeaderTotals]) -> CheckpointInfo:
    """Every shard's totals summed. No per-tensor records: for a 300,000-tensor checkpoint they cost
    more time and memory than reading its header, and no estimate reads them (`tensors_from_header`
    builds them for whoever wants them)."""
    by_dtype: dict[str, int] = {}
    total_bytes = 0
    for part in parts:
        for dtype, count in part.by_dtype.items():
            by_dtype[dtype] = by_dtype.get(dtype, 0) + count
        total_bytes += part.total_bytes
    return CheckpointInfo(
        format="safetensors",
        params_by_dtype=dict(sorted(by_dtype.items())),
        total_params=sum(by_dtype.values()),
        total_bytes=total_bytes,
    )


def read_checkpoint(shards: Iterable[Path]) -> CheckpointInfo:
    """Headers of every shard of one checkpoint, combined (each shard's parsed header is dropped
    once counted, so memory is bounded by the largest shard, not the checkpoint)."""
    parts: list[HeaderTotals] = []
    for shard in shards:
        try:
            header, data_bytes = _read(shard)
            parts.append(header_totals(header, str(shard), data_bytes))
        except ConfigError as err:
            if str(shard) in err.message:
                raise
            raise ConfigError(f"{shard}: {err.message}", hint=err.hint) from err
    return checkpoint_from_totals(parts)
