"""A .gguf file -> ModelSpec, from its header alone: architecture metadata and every tensor's type and shape.

Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (magic "GGUF", version, tensor and
key/value counts, the key/value pairs, then one info record per tensor; the data follows, aligned).
The header is walked here with `struct` over a memory map, using the `gguf` package's enums and its
GGML_QUANT_SIZES table. Why not `gguf.GGUFReader`: it builds numpy views for every element of the
tokenizer's string arrays, which takes seconds for a 150k-token vocabulary; this walk skips them in
well under a second and reads no tensor data. Tests check both agree on the files they write.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import re
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from llmsize.errors import ConfigError, one_line
from llmsize.resources import gc_paused, open_input
from llmsize.specs.formats import GGUF_FILE_TYPES
from llmsize.specs.gguf_arch_fields import MODEL_TYPES as ARCH_MODEL_TYPES
from llmsize.specs.gguf_arch_fields import arch_fields, file_only_params
from llmsize.specs.gguf_hybrid import MODEL_TYPES as HYBRID_MODEL_TYPES
from llmsize.specs.gguf_hybrid import hybrid_fields, nextn_layout
from llmsize.specs.gguf_layer_kinds import MODEL_TYPES as LAYER_KIND_MODEL_TYPES
from llmsize.specs.gguf_layer_kinds import context_notes, layer_kind_fields
from llmsize.specs.models import (
    CheckpointInfo,
    ModelSpec,
    Provenance,
    ProvenanceKind,
    QuantMethod,
    TensorInfo,
    WeightFormat,
)

_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
# Converted models hold a few thousand tensors at most (convert_hf_to_gguf.py merges each layer's
# experts into one tensor) and well under a hundred metadata keys (a tokenizer is one array each);
# far larger counts are corrupt or hostile files, refused before a per-record walk that would take
# seconds (issue 15: every input answered in under 2 s; bench/large_headers.py times 60,000).
MAX_TENSORS = 65_536
MAX_KEYS = 65_536
# Arrays longer than this (token lists, merges, scores) keep only their length.
_KEEP_ARRAY_MAX = 4096


@dataclass(frozen=True)
class GGUFArray:
    """An array value: its length always, its items when short enough to be metadata, not vocabulary."""

    count: int
    items: tuple[Any, ...] | None


class GGUFTensor(NamedTuple):
    """One tensor info record (a NamedTuple: a file can hold tens of thousands)."""

    name: str
    ggml_type: int
    shape: tuple[int, ...]  # ggml order: ne[0] (contiguous) first
    offset: int


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    tensors: tuple[GGUFTensor, ...]
    data_start: int
    file_bytes: int


def _shown(name: str) -> str:
    """A tensor or key name from the file, quoted and cut for a one-line message."""
    return one_line(repr(name), 80)


def _truncated(where: str) -> ConfigError:
    return ConfigError(f"{where} is truncated: its GGUF header ends early", hint="download it again")


class _Cursor:
    """Sequential reads from a buffer, raising ConfigError when the header runs past the end."""

    def __init__(self, buf: mmap.mmap, endian: str, where: str) -> None:
        self.buf, self.endian, self.where, self.pos = buf, endian, where, 0

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(self.endian + fmt)
        if self.pos + size > len(self.buf):
            raise _truncated(self.where)
        (value,) = struct.unpack_from(self.endian + fmt, self.buf, self.pos)
        self.pos += size
        return value

    def string(self) -> str:
        n = self.unpack("Q")
        if self.pos + n > len(self.buf):
            raise _truncated(self.where)
        raw = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        n = self.unpack("Q")  # read first: `self.pos += self.unpack(...)` would lose unpack's advance
        self.pos += n

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            return self.array()
        raise ConfigError(f"{self.where} has an unknown GGUF value type {vtype}")

    def array(self) -> GGUFArray:
        etype, count = self.unpack("I"), self.unpack("Q")
        if etype == _ARRAY:  # ggml gguf.cpp gguf_init_from_file_impl: "key ... has invalid GGUF type"
            raise ConfigError(
                f"{self.where} holds an array of arrays, which GGUF readers (ggml's gguf.cpp) refuse",
                hint="the header is corrupt; download the file again",
            )
        if count <= _KEEP_ARRAY_MAX:
            return GGUFArray(count, tuple(self.value(etype) for _ in range(count)))
        if etype in _SCALARS:
            self.pos += count * struct.calcsize(self.endian + _SCALARS[etype])
        elif etype == _STRING:
            self._skip_strings(count)
        else:
            self.value(etype)  # an unknown element type: refused there
        if self.pos > len(self.buf):
            raise _truncated(self.where)
        return GGUFArray(count, None)

    def _skip_strings(self, count: int) -> None:
        """Step over `count` length-prefixed strings (a vocabulary: a million in some files) with one
        bound method call each, instead of the cursor's checked reads."""
        length = struct.Struct(self.endian + "Q").unpack_from
        buf, pos, end = self.buf, self.pos, len(self.buf) - 8
        for _ in range(count):
            if pos > end:
                raise _truncated(self.where)
            pos += 8 + length(buf, pos)[0]
        self.pos = pos


def read_header(path: Path) -> GGUFHeader:
    """Parse the header of a .gguf file; anything that is not one is a ConfigError."""
    where = str(path)
    try:
        with open_input(path) as fh:
            if os.fstat(fh.fileno()).st_size < 24:
                raise ConfigError(f"{where} is not a GGUF file: too short", hint="pass a .gguf model file")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _parse(buf, where)
    except OSError as err:
        raise ConfigError(f"cannot read {where}: {err.strerror or err}") from err


def _parse(buf: mmap.mmap, where: str) -> GGUFHeader:
    import gguf

    if buf[:4] != b"GGUF":
        raise ConfigError(
            f"{where} is not a GGUF file (no GGUF magic at its start)", hint="pass a .gguf model file"
        )
    (version,) = struct.unpack_from("<I", buf, 4)
    endian = "<"
    if version & 0xFFFF == 0:  # written on a big-endian machine
        endian = ">"
        (version,) = struct.unpack_from(">I", buf, 4)
    if version not in (2, 3):
        raise ConfigError(f"{where} is GGUF version {version}; llmsize reads versions 2 and 3")
    cur = _Cursor(buf, endian, where)
    cur.pos = 8
    n_tensors, n_kv = cur.unpack("Q"), cur.unpack("Q")
    if n_tensors > len(buf) or n_kv > len(buf):
        raise ConfigError(f"{where} has an impossible GGUF header (counts larger than the file)")
    if n_tensors > MAX_TENSORS or n_kv > MAX_KEYS:
        raise ConfigError(
            f"{where} states {n_tensors:,} tensors and {n_kv:,} metadata keys; llmsize reads GGUF models "
            f"of up to {MAX_TENSORS:,} tensors and {MAX_KEYS:,} keys",
            hint="the header is corrupt, or the file is not a model",
        )
    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        key = cur.string()
        if key in metadata:  # gguf.cpp refuses a file that states a key twice
            raise ConfigError(f"{where} states the GGUF key {_shown(key)} twice; the file is corrupt")
        metadata[key] = cur.value(cur.unpack("I"))
    tensors, cur.pos = _tensor_infos(buf, cur.pos, n_tensors, endian, where)
    alignment = metadata.get(gguf.Keys.General.ALIGNMENT, gguf.GGUF_DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or isinstance(alignment, bool) or alignment <= 0:
        raise ConfigError(f"{where} states an impossible data alignment ({alignment!r})")
    data_start = cur.pos + (-cur.pos % alignment)
    return GGUFHeader(version, metadata, tuple(tensors), data_start, len(buf))


# ggml.h GGML_MAX_DIMS: gguf.cpp refuses a tensor with more dimensions.
_MAX_DIMS = 4


def _tensor_infos(
    buf: mmap.mmap, pos: int, count: int, endian: str, where: str
) -> tuple[tuple[GGUFTensor, ...], int]:
    """The `count` tensor info records from `pos` on (name, n_dims, dims, ggml type, offset) and where
    they end. Like gguf.cpp (gguf_init_from_file_impl), a record of more than GGML_MAX_DIMS dimensions
    or a name given twice is refused. Precompiled structs and no per-field cursor calls: a header can
    hold 65,536 records and is read in a fraction of a second (issue 15; bench/large_headers.py).
    """
    u64 = struct.Struct(endian + "Q").unpack_from
    u32 = struct.Struct(endian + "I").unpack_from
    type_and_offset = struct.Struct(endian + "IQ").unpack_from
    dims_of = [struct.Struct(endian + "Q" * n).unpack_from for n in range(_MAX_DIMS + 1)]
    size = len(buf)
    tensors: list[GGUFTensor] = []
    seen: set[str] = set()
    try:
        for _ in range(count):
            (n,) = u64(buf, pos)
            if pos + 8 + n > size:
                raise _truncated(where)
            name = bytes(buf[pos + 8 : pos + 8 + n]).decode("utf-8", errors="replace")
            (n_dims,) = u32(buf, pos + 8 + n)
            pos += 12 + n
            if n_dims > _MAX_DIMS:
                raise ConfigError(
                    f"{where}: tensor {_shown(name)} claims {n_dims} dimensions; the file is corrupt"
                )
            shape = dims_of[n_dims](buf, pos)
            ggml_type, offset = type_and_offset(buf, pos + 8 * n_dims)
            pos += 8 * n_dims + 12
            if name in seen:
                raise ConfigError(f"{where} names the tensor {_shown(name)} twice; the file is corrupt")
            seen.add(name)
            tensors.append(GGUFTensor(name, ggml_type, shape, offset))
    except struct.error:  # a fixed-size field runs past the end
        raise _truncated(where) from None
    return tuple(tensors), pos


@cache
def _ggml_type(ggml_type: int) -> tuple[str, int, int] | None:
    """(name, elements per block, bytes per block) of a ggml type id, from gguf's tables; None if unknown."""
    import gguf

    try:
        qtype = gguf.GGMLQuantizationType(ggml_type)
        block, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    except (ValueError, KeyError):
        return None
    return qtype.name, block, block_bytes


def tensor_bytes(tensor: GGUFTensor, where: str) -> tuple[str, int]:
    """(type name, exact bytes) of one tensor from ggml's block size and bytes per block."""
    known = _ggml_type(tensor.ggml_type)
    if known is None:
        raise ConfigError(
            f"{where}: tensor {_shown(tensor.name)} has an unknown ggml type {tensor.ggml_type}"
        )
    type_name, block, block_bytes = known
    numel = math.prod(tensor.shape)
    if tensor.shape and tensor.shape[0] % block:
        raise ConfigError(
            f"{where}: tensor {_shown(tensor.name)} has {tensor.shape[0]} columns, not a multiple of {block}"
        )
    return type_name, numel // block * block_bytes


def checkpoint_from_headers(parts: list[tuple[Path, GGUFHeader]]) -> CheckpointInfo:
    """Every tensor of every part with its ggml type, shape (PyTorch order) and bytes.

    Also checks each tensor's data lies inside its file, so a truncated download is caught.
    """
    infos: list[TensorInfo] = []
    by_type: dict[str, int] = {}
    total = 0
    with gc_paused():  # a record per tensor, none in a cycle (resources.gc_paused)
        for path, header in parts:
            for t in header.tensors:
                type_name, n_bytes = tensor_bytes(t, str(path))
                if header.data_start + t.offset + n_bytes > header.file_bytes:
                    raise ConfigError(
                        f"{path} is truncated: tensor {_shown(t.name)} runs past the end of the file",
                        hint="download it again",
                    )
                shape = t.shape[::-1]
                infos.append(TensorInfo(name=t.name, dtype=type_name, shape=shape, n_bytes=n_bytes))
                by_type[type_name] = by_type.get(type_name, 0) + math.prod(shape)
                total += n_bytes
    return CheckpointInfo(
        format="gguf", params_by_dtype=dict(sorted(by_type.items())), total_params=sum(by_type.values()),
        total_bytes=total, tensors=tuple(infos),
    )


_SPLIT_NAME = re.compile(r"^(?P<prefix>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


# gguf-split numbers parts with five digits (examples/gguf-split/gguf-split.cpp LLM_FILE_SPLIT_FORMAT).
_MAX_SPLITS = 99_999


def read_parts(path: Path) -> tuple[list[tuple[Path, GGUFHeader]], str | None]:
    """The header of `path`, or of every part of a split model (llama.cpp gguf-split names parts
    `<prefix>-00001-of-00003.gguf`; the first holds the metadata). Returns the parts, first first,
    and a warning when some part is missing (its tensors are then not counted)."""
    header = read_header(path)
    raw_count = _scalar(header.metadata.get("split.count")) or 1
    if not isinstance(raw_count, int) or isinstance(raw_count, bool) or not 1 <= raw_count <= _MAX_SPLITS:
        raise ConfigError(
            f"{path} states split.count {raw_count!r}, which no split GGUF model has",
            hint="the header is corrupt; download the file again",
        )
    count = raw_count
    m = _SPLIT_NAME.match(path.name)
    if count <= 1 or m is None:
        return [(path, header)], None
    names = [path.with_name(f"{m['prefix']}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1)]
    missing = [p.name for p in names if not p.is_file()]
    if names[0].name in missing:
        raise ConfigError(f"{path} is part of a split GGUF model whose first part {names[0].name} is missing",
                          hint="download every part into one folder")
    parts = [(p, header if p == path else read_header(p)) for p in names if p.name not in missing]
    warning = (f"{len(missing)} of {count} parts of the split GGUF model are missing (e.g. {missing[0]}); "
               "their tensors are not counted") if missing else None
    return parts, warning


# llama.cpp architecture name -> Hugging Face model_type whose config fields the metadata mirrors
# (gguf-py constants.py MODEL_ARCH_NAMES; convert_hf_to_gguf.py registers each HF class to one of them).
_MODEL_TYPES = {
    "llama": "llama", "qwen2": "qwen2", "qwen2moe": "qwen2_moe", "qwen3": "qwen3", "qwen3moe": "qwen3_moe",
    "gemma": "gemma", "gemma2": "gemma2", "gemma3": "gemma3_text", "phi3": "phi3", "deepseek2": "deepseek_v2",
    "gpt-oss": "gpt_oss", "glm4": "glm4", "chatglm": "chatglm", "falcon": "falcon", "mistral3": "mistral",
    **HYBRID_MODEL_TYPES, **LAYER_KIND_MODEL_TYPES, **ARCH_MODEL_TYPES,
}


def _scalar(value: Any) -> Any:
    """A per-layer array (e.g. head_count_kv in some files) collapses to its largest entry."""
    if isinstance(value, GGUFArray):
        return max(value.items) if value.items else None
    return value


def _numeric(key: str, value: Any) -> Any:
    """Every `{arch}.*` key llmsize reads is a count, a length or a float in llama.cpp's loader
    (llama-model-loader.cpp get_key / get_key_or_arr: a key of another type is "key ... has wrong type"),
    or an array of numbers or per-layer flags.
    A string or boolean there reached arithmetic and format strings deep inside (`expert_count: "x"` was
    "internal error: Cannot specify ',' with 's'", issue 15 round 11): refused here, where it enters."""
    if isinstance(value, GGUFArray):  # per-layer flags: gemma3n's attention.sliding_window_pattern
        odd = next((v for v in value.items or () if not isinstance(v, int | float)), None)
    else:
        odd = value if isinstance(value, bool) or not isinstance(value, int | float | None) else None
    if odd is None:
        return value
    raise ConfigError(
        f"the GGUF metadata states {_shown(key)} as {one_line(repr(odd), 40)}, "
        "where llama.cpp reads a number",
        hint="the header is corrupt; download or convert the file again",
    )


def hf_config_from_header(header: GGUFHeader) -> dict[str, Any]:
    """The config.json fields the GGUF metadata and tensor list determine (keys: gguf.Keys, per arch)."""
    md = header.metadata
    arch = str(md.get("general.architecture", ""))
    if not arch:
        raise ConfigError("the GGUF file has no general.architecture", hint="the file is not a model")
    if arch == "clip":  # gguf-py MODEL_ARCH.MMPROJ: llama.cpp's mmproj files, a vision/audio projector alone
        raise ConfigError(
            "the GGUF file is a multimodal projector (architecture 'clip', an mmproj file), not a model",
            hint="pass the model's own .gguf; llama.cpp loads the projector beside it with --mmproj",
        )

    def raw(key: str) -> Any:
        return _numeric(f"{arch}.{key}", md.get(f"{arch}.{key}"))

    def get(key: str) -> Any:
        return _scalar(raw(key))

    names = {t.name for t in header.tensors}
    embd = next((t for t in header.tensors if t.name == "token_embd.weight"), None)
    tokens = md.get("tokenizer.ggml.tokens")
    vocab = get("vocab_size") or (embd.shape[1] if embd and len(embd.shape) == 2 else None) or (
        tokens.count if isinstance(tokens, GGUFArray) else None
    )
    experts = get("expert_count") or 0
    model_type = "mixtral" if arch == "llama" and experts else _MODEL_TYPES.get(arch, arch)
    heads = get("attention.head_count")
    config: dict[str, Any] = {
        "model_type": model_type,
        "num_hidden_layers": get("block_count"),
        "hidden_size": get("embedding_length"),
        "intermediate_size": get("feed_forward_length"),
        "num_attention_heads": heads,
        "num_key_value_heads": get("attention.head_count_kv") or heads,
        "max_position_embeddings": get("context_length"),
        "vocab_size": vocab,
        "tie_word_embeddings": "output.weight" not in names,
        "attention_bias": "blk.0.attn_q.bias" in names or "blk.0.attn_qkv.bias" in names,
    }
    if get("attention.key_length"):
        config["head_dim"] = get("attention.key_length")
    if get("attention.sliding_window"):
        config["sliding_window"] = get("attention.sliding_window")
    for key, hf_key in (("attn_logit_softcapping", "attn_logit_softcapping"),
                        ("final_logit_softcapping", "final_logit_softcapping")):
        if get(key):
            config[hf_key] = get(key)
    if experts:
        _moe_fields(config, get, names)
    if get("attention.kv_lora_rank"):
        _mla_fields(config, get)
    hybrid_fields(config, get, names)
    layer_kind_fields(config, arch, raw, names)
    if arch in ARCH_MODEL_TYPES:
        shapes = {t.name: t.shape for t in header.tensors}
        arch_fields(config, arch, raw, shapes)
    required = ("num_hidden_layers", "hidden_size", "num_attention_heads", "vocab_size")
    missing = [k for k in required if not config[k]]
    if missing:
        raise ConfigError(f"the GGUF metadata lacks {', '.join(missing)} for architecture {arch!r}")
    return {k: v for k, v in config.items() if v is not None}


def _moe_fields(config: dict[str, Any], get: Any, names: set[str]) -> None:
    experts, used = get("expert_count"), get("expert_used_count")
    # Each HF family names the expert count differently; all aliases are set, each mapping reads its own.
    config.update(num_local_experts=experts, num_experts=experts, n_routed_experts=experts,
                  num_experts_per_tok=used)
    if get("expert_feed_forward_length"):
        config["moe_intermediate_size"] = get("expert_feed_forward_length")
    if get("expert_shared_count"):
        config["n_shared_experts"] = get("expert_shared_count")
    if get("expert_shared_feed_forward_length"):
        config["shared_expert_intermediate_size"] = get("expert_shared_feed_forward_length")
    if get("leading_dense_block_count"):
        config["first_k_dense_replace"] = get("leading_dense_block_count")
    if config["model_type"] == "deepseek_v2" and get("expert_gating_func") == 2:  # sigmoid routing = V3
        config["model_type"] = "deepseek_v3"


def _mla_fields(config: dict[str, Any], get: Any) -> None:
    """DeepSeek MLA dims; newer conversions store the absorbed layout and the HF dims under *_mla keys."""
    rope = get("rope.dimension_count") or 0
    qk_head = get("attention.key_length_mla") or get("attention.key_length") or 0
    v_head = get("attention.value_length_mla") or get("attention.value_length") or 0
    config.update(
        q_lora_rank=get("attention.q_lora_rank") or None, kv_lora_rank=get("attention.kv_lora_rank"),
        qk_rope_head_dim=rope, qk_nope_head_dim=qk_head - rope, v_head_dim=v_head,
    )
    config.pop("head_dim", None)


def _file_type(header: GGUFHeader, checkpoint: CheckpointInfo) -> str:
    """general.file_type's llama.cpp name (Q4_K_M, ...), else the type holding most parameters."""
    import gguf

    value = header.metadata.get(gguf.Keys.General.FILE_TYPE)
    ftype = None
    # llama.cpp reads general.file_type as a uint32 (llama-model-loader.cpp:
    # get_key(LLM_KV_GENERAL_FILE_TYPE)); anything else (an array, inf, a string) is read as absent and
    # the type comes from the tensors. An array or inf was an internal error in int() (issue 15 round 11).
    if isinstance(value, int) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):
            ftype = gguf.LlamaFileType(value)
    if ftype is not None and ftype != gguf.LlamaFileType.GUESSED:
        return ftype.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    by_type = checkpoint.params_by_dtype
    if not by_type:
        return "unknown"
    most = max(by_type, key=lambda k: by_type[k])
    guessed = _FILE_TYPE_OF_TENSOR_TYPE.get(most, most)
    if guessed not in GGUF_FILE_TYPES:
        raise ConfigError(
            f"the GGUF file states no general.file_type and most of its weights are {one_line(most, 20)}, "
            "which is no llama.cpp file type llmsize sizes",
            hint="pass a file written by llama-quantize or convert_hf_to_gguf.py",
        )
    return guessed


# A tensor type that is not itself a file type's name -> the file type llama-quantize writes for it
# (tools/quantize/quantize.cpp QUANT_OPTIONS: "Q3_K"/"Q4_K"/"Q5_K" are aliases of the _M types;
# LLAMA_FTYPE_MOSTLY_MXFP4_MOE is the one MXFP4 type, the gpt-oss conversion). A gpt-oss GGUF without
# general.file_type was "unknown GGUF file type 'MXFP4'" (issue 15, round 10).
_FILE_TYPE_OF_TENSOR_TYPE = {"Q3_K": "Q3_K_M", "Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M", "MXFP4": "MXFP4_MOE"}


_PLAIN_TYPES = {"F32": "fp32", "F16": "fp16", "BF16": "bf16"}


def _check_expert_tensors(path: Path, checkpoint: CheckpointInfo, experts: int) -> None:
    """The expert tensors the metadata's expert_count promises: llama.cpp creates each MoE layer's
    ffn_*_exps with n_expert slices and refuses a file where one is missing or holds another count
    (src/llama-model-loader.cpp `check_tensor_dims`: "missing tensor" / "tensor ... has wrong shape").
    Sized anyway, experts the file does not hold were moved to the CPU by --n-cpu-moe from a GPU share
    that never had them (negative bytes: an internal error, issue 15 round 10)."""
    stacks = [t for t in checkpoint.tensors if "_exps." in t.name and len(t.shape) == 3]
    if not experts and not stacks:
        return
    hint = "llama.cpp refuses such a file too; download or convert it again"
    if not stacks:
        raise ConfigError(
            f"{path.name}'s metadata declares {experts:,} experts but the file holds no expert tensors "
            "(blk.N.ffn_*_exps)", hint=hint,
        )
    odd = next((t for t in stacks if t.shape[0] != experts), None)
    if odd is not None:
        raise ConfigError(
            f"{path.name}: tensor {_shown(odd.name)} holds {odd.shape[0]:,} experts where the metadata "
            f"declares {experts:,}", hint=hint,
        )


def spec_from_gguf(path: Path) -> ModelSpec:
    """A ModelSpec whose architecture comes from the GGUF metadata and whose weights are its tensors."""
    from llmsize.specs.local import spec_from_config
    from llmsize.specs.params import mtp_params, total_params

    parts, split_warning = read_parts(path)
    first, header = parts[0]
    checkpoint = checkpoint_from_headers(parts)
    if not checkpoint.tensors:
        raise ConfigError(
            f"{path} holds no tensors (a vocabulary-only GGUF?)", hint="pass the model's .gguf file"
        )
    # The weight format comes from the tensors below; a dtype here only keeps the mapping from
    # warning that config.json states none.
    config = hf_config_from_header(header) | {"torch_dtype": "float16"}
    _check_expert_tensors(first, checkpoint, config.get("num_local_experts") or 0)
    provenance = Provenance(kind=ProvenanceKind.GGUF, source=str(path.resolve()))
    name = _SPLIT_NAME.sub(r"\g<prefix>", first.name) if len(parts) > 1 or split_warning else path.stem
    try:
        spec = spec_from_config(config, name=name, provenance=provenance, where=str(first),
                                trust_remote_code=True)
    except ConfigError as err:  # the config's rules speak of config.json: here it is the GGUF's metadata
        raise ConfigError(
            err.message.replace("config.json", f"{first.name}'s GGUF metadata (as config.json)", 1), err.hint
        ) from err
    arch = str(header.metadata.get("general.architecture", ""))
    notes = context_notes(arch, lambda key: header.metadata.get(f"{arch}.{key}"))
    if split_warning or notes:
        extra = (split_warning,) if split_warning else ()
        spec = spec.model_copy(update={"warnings": (*spec.warnings, *extra, *notes)})
    spec = nextn_layout(spec, {t.name for t in checkpoint.tensors})
    file_type = _file_type(header, checkpoint)
    bits = round(8 * checkpoint.total_bytes / checkpoint.total_params, 2) if checkpoint.total_params else None
    # llama.cpp keeps what it does not quantize (norms, biases) in F32;
    # an F16/BF16 file is F16/BF16 throughout.
    dtype: Any = _PLAIN_TYPES.get(file_type, "fp32")
    fmt = WeightFormat(dtype=dtype, quant=QuantMethod.GGUF, bits=bits, gguf_type=file_type)
    spec = spec.model_copy(update={"checkpoint": checkpoint, "weight_format": fmt})
    # next-n blocks are in the file (gguf_hybrid.py), and so are Gemma 3n's unused shared-layer K/V
    computed = total_params(spec) + mtp_params(spec) + file_only_params(spec)
    if computed != checkpoint.total_params and not split_warning:
        note = (f"the architecture accounts for {computed:,} parameters but the GGUF file holds "
                f"{checkpoint.total_params:,}")
        spec = spec.model_copy(update={"warnings": (*spec.warnings, note)})
    return spec
