"""Bytes of one weight tensor under each quantized format, with the format's own metadata.

Every function returns exact integer bytes for one tensor (one linear layer's weight, or one
embedding); `weights.py` decides which tensors a format quantizes and sums them. The layouts are
the ones the loaders allocate on the GPU, read from their source:

- GPTQ: AutoGPTQ / GPTQModel `QuantLinear` buffers (qweight, qzeros, scales, g_idx, bias).
- AWQ: AutoAWQ `WQLinear_GEMM` buffers (qweight, qzeros, scales, bias).
- bitsandbytes: `Params4bit` + `QuantState` (NF4/FP4, double quantization) and `Int8Params` (LLM.int8).
- FP8: fp8 weight plus fp32 scales per tensor, per output channel, or per 128x128 block (DeepSeek-V3).
- MXFP4: OCP microscaling, 4-bit E2M1 values with one E8M0 scale per 32 (gpt-oss).
- compressed-tensors: the W4A16/W8A16 "pack-quantized" layout of llm-compressor (plain int4/int8).
- GGUF: block sizes from the `gguf` package's GGML_QUANT_SIZES (ggml-common.h), and the
  per-tensor type mix of llama.cpp's `llama_tensor_get_type_impl` (src/llama-quant.cpp).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Literal

from llmsize.errors import BadInputError
from llmsize.specs.formats import GGUF_FILE_TYPES as _SPEC_GGUF_FILE_TYPES
from llmsize.specs.formats import MXFP4_EXPERT_PINS
from llmsize.specs.models import QuantMethod, WeightFormat

# ------------------------------------------------------------------------------------------ GPTQ / AWQ

GPTQ_DEFAULT_GROUP = 128  # REFERENCE: Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4 config.json quantization_config
PACK_WORD_BITS = (
    32  # qweight/qzeros pack values into int32 words (AutoGPTQ qlinear_cuda_old.py, AutoAWQ gemm.py)
)
FP16_BYTES = 2
FP32_BYTES = 4
INT32_BYTES = 4


def _groups(in_features: int, group_size: int | None) -> int:
    """Quantization groups along the input dimension; group_size -1/None/0 = one group (per channel)."""
    if not group_size or group_size < 0:
        return 1
    return math.ceil(in_features / group_size)


def _packed_bytes(rows: int, cols: int, bits: float) -> int:
    """rows x cols values of `bits` bits packed into int32 words along one axis (rounded up per word)."""
    per_word = PACK_WORD_BITS / bits
    return (
        math.ceil(rows / per_word) * cols * INT32_BYTES
        if per_word.is_integer()
        else math.ceil(rows * cols * bits / 8)
    )


def gptq_linear_bytes(
    in_features: int, out_features: int, bits: float, group_size: int | None, *, bias: bool = False
) -> int:
    """GPTQ QuantLinear: qweight int32 [in*bits/32, out], qzeros int32 [groups, out*bits/32],
    scales fp16 [groups, out], g_idx int32 [in] (always stored, also without act-order), bias fp16.

    Source: AutoGPTQ `auto_gptq/nn_modules/qlinear/qlinear_cuda_old.py` (register_buffer calls),
    the same layout GPTQModel and transformers' GPTQ integration load.
    """
    groups = _groups(in_features, group_size)
    qweight = _packed_bytes(in_features, out_features, bits)
    qzeros = groups * math.ceil(out_features * bits / PACK_WORD_BITS) * INT32_BYTES
    scales = groups * out_features * FP16_BYTES
    g_idx = in_features * INT32_BYTES
    return qweight + qzeros + scales + g_idx + (out_features * FP16_BYTES if bias else 0)


def awq_linear_bytes(
    in_features: int, out_features: int, bits: float, group_size: int | None, *, bias: bool = False
) -> int:
    """AWQ WQLinear_GEMM: qweight int32 [in, out*bits/32], qzeros int32 [groups, out*bits/32],
    scales fp16 [groups, out], bias fp16. No g_idx. Source: AutoAWQ `awq/modules/linear/gemm.py`.
    """
    groups = _groups(in_features, group_size)
    words_per_row = math.ceil(out_features * bits / PACK_WORD_BITS)
    qweight = in_features * words_per_row * INT32_BYTES
    qzeros = groups * words_per_row * INT32_BYTES
    scales = groups * out_features * FP16_BYTES
    return qweight + qzeros + scales + (out_features * FP16_BYTES if bias else 0)


# --------------------------------------------------------------------------------------- bitsandbytes

BNB_4BIT_BLOCK = 64  # REFERENCE: bitsandbytes functional.quantize_4bit(blocksize=64), Params4bit default
BNB_NESTED_BLOCK = (
    256  # REFERENCE: quantize_4bit(compress_statistics=True) -> quantize_blockwise(blocksize=256)
)
BNB_4BIT_CODE_BYTES = 16 * FP32_BYTES  # NF4/FP4 code book: 16 fp32 values kept on the device per tensor
BNB_DYNAMIC_CODE_BYTES = 256 * FP32_BYTES  # 8-bit dynamic map of the nested state (state2.code)


def bnb_4bit_bytes(numel: int, *, double_quant: bool = True) -> int:
    """bitsandbytes NF4/FP4: packed 4-bit data (numel/2 bytes) + absmax per 64 values.

    With double quantization (bnb_4bit_use_double_quant) the absmax are themselves quantized to
    uint8, with an fp32 absmax per 256 of them and a 256-entry fp32 code (QuantState.state2);
    without it absmax stays fp32. Source: bitsandbytes `functional.py` quantize_4bit / QuantState.
    """
    blocks = math.ceil(numel / BNB_4BIT_BLOCK)
    data = math.ceil(numel / 2)
    if not double_quant:
        return data + blocks * FP32_BYTES + BNB_4BIT_CODE_BYTES
    nested = math.ceil(blocks / BNB_NESTED_BLOCK) * FP32_BYTES + BNB_DYNAMIC_CODE_BYTES
    return data + blocks + nested + BNB_4BIT_CODE_BYTES


def bnb_int8_linear_bytes(
    in_features: int, out_features: int, *, bias: bool = False, bias_bytes: int = 2
) -> int:
    """LLM.int8(): Int8Params CB int8 [out, in] + SCB fp32 row scales [out]; bias stays in the compute dtype.

    Source: bitsandbytes `nn/modules.py` Int8Params / Linear8bitLt (Dettmers et al. 2022, arXiv:2208.07339).
    """
    return in_features * out_features + out_features * FP32_BYTES + (out_features * bias_bytes if bias else 0)


# ------------------------------------------------------------------------------------------ FP8 / MXFP4

FP8_BLOCK = 128  # REFERENCE: DeepSeek-V3 config.json quantization_config weight_block_size [128, 128]
MXFP4_BLOCK = 32  # REFERENCE: OCP Microscaling Formats (MX) v1.0 spec, block of 32 with one E8M0 scale


def fp8_linear_bytes(in_features: int, out_features: int, block: int | None) -> int:
    """FP8 weight (1 byte each) + fp32 scales: block > 0: one per block x block tile
    (weight_scale_inv [ceil(out/b), ceil(in/b)], DeepSeek-V3 / transformers FineGrainedFP8);
    block == -1: one per output channel (compressed-tensors FP8 channel-wise); block 0/None: one per tensor.
    """
    if block is not None and block > 0:
        scales = math.ceil(out_features / block) * math.ceil(in_features / block)
    elif block == -1:
        scales = out_features
    else:
        scales = 1
    return in_features * out_features + scales * FP32_BYTES


def mxfp4_bytes(numel: int) -> int:
    """MXFP4: 4-bit E2M1 values + one 1-byte E8M0 scale per 32 values (17 bytes per 32).

    Source: OCP MX spec v1.0; gpt-oss checkpoints store `*_blocks` (uint8, 2 values each) and `*_scales`.
    """
    return math.ceil(numel / 2) + math.ceil(numel / MXFP4_BLOCK)


NVFP4_BLOCK = 16  # REFERENCE: compressed-tensors preset NVFP4 (quantization/quant_scheme.py): group_size 16


def nvfp4_linear_bytes(in_features: int, out_features: int) -> int:
    """NVFP4: 4-bit E2M1 values (weight_packed uint8 [out, in/2]) + one FP8 E4M3 scale per 16 values
    (weight_scale [out, in/16]) + fp32 weight_global_scale and input_global_scale, one each.

    Source: compressed-tensors `compressors/quantized_compressors/fp4_quantized.py` (NVFP4PackedCompressor,
    format "nvfp4-pack-quantized"); NVIDIA ModelOpt NVFP4 checkpoints store the same three tensors.
    """
    data = out_features * math.ceil(in_features / 2)
    scales = out_features * math.ceil(in_features / NVFP4_BLOCK)
    return data + scales + 2 * FP32_BYTES


# --------------------------------------------------------------------------- compressed-tensors / MLX / EXL2

CT_SHAPE_BYTES = 2 * 8  # weight_shape int64[2] stored beside every pack-quantized weight


def compressed_tensors_linear_bytes(
    in_features: int, out_features: int, bits: float, group_size: int | None, scale_bytes: int = 2
) -> int:
    """llm-compressor W4A16 / W8A16 (symmetric): weight_packed int32 [out, in*bits/32] for sub-byte
    widths or int8 [out, in], weight_scale [out, groups] in the model dtype, weight_shape int64[2].

    Source: compressed-tensors `compressors/quantized_compressors/pack_quantized.py` and
    `int_quantized.py`; presets W4A16 (group 128) and W8A16 (channel-wise) in `quantization/quant_scheme.py`.
    """
    groups = _groups(in_features, group_size)
    if bits >= 8:
        data = in_features * out_features * math.ceil(bits / 8)
        return data + groups * out_features * scale_bytes
    data = out_features * math.ceil(in_features * bits / PACK_WORD_BITS) * INT32_BYTES
    return data + groups * out_features * scale_bytes + CT_SHAPE_BYTES


# Formats whose packed weights only their own runtime loads: no modelled engine runs them. transformers
# quantizers/auto.py AUTO_QUANTIZER_MAPPING has no mlx/exl2/exl3 entry; vLLM and SGLang refuse them
# (their unsupported_formats); llama.cpp reads GGUF only.
OWN_RUNTIME: dict[str, str] = {"mlx": "Apple's MLX (mlx-lm)", "exl2": "ExLlamaV2", "exl3": "ExLlamaV3"}
MLX_DEFAULT_GROUP = 64  # REFERENCE: mlx.nn.quantize(group_size=64, bits=4) defaults (ml-explore/mlx)
MLX_FP_SCALE_BYTES = 1  # REFERENCE: mlx mx.quantize mxfp4/mxfp8 (uint8 E8M0) and nvfp4 (E4M3) scales


def mlx_linear_bytes(
    in_features: int,
    out_features: int,
    bits: float,
    group_size: int | None,
    scale_bytes: int = 2,
    mode: str | None = None,
) -> int:
    """MLX quantization: packed uint32 weights + per group a scale and a bias in the model dtype (affine),
    or one 1-byte scale and no bias (mxfp4 / mxfp8: E8M0; nvfp4: E4M3).

    Source: mlx `python/mlx/nn/layers/quantized.py` QuantizedLinear (weight, scales, *biases from
    mx.quantize: biases only in affine mode).
    """
    groups = _groups(in_features, group_size or MLX_DEFAULT_GROUP)
    data = out_features * math.ceil(in_features * bits / PACK_WORD_BITS) * INT32_BYTES
    if mode not in (None, "affine"):
        return data + groups * out_features * MLX_FP_SCALE_BYTES
    return data + 2 * groups * out_features * scale_bytes


def exl2_bytes(numel: int, bits: float) -> int:
    """EXL2 mixes bit widths inside each tensor to reach an average of `bits` bits per weight.

    Source: exllamav2 `doc/convert.md` (-b target bits per weight, scales included in the average).
    """
    return math.ceil(numel * bits / 8)


# ------------------------------------------------------------------------------------------------ GGUF

GGUF_FILE_TYPES = _SPEC_GGUF_FILE_TYPES  # one list, in specs (the lower layer)

# llama_ftype_get_default_type (src/llama-quant.cpp): the tensor type a file type starts from.
_DEFAULT_TYPE: dict[str, str] = {
    "F32": "F32",
    "F16": "F16",
    "BF16": "BF16",
    "Q4_0": "Q4_0",
    "Q4_1": "Q4_1",
    "Q5_0": "Q5_0",
    "Q5_1": "Q5_1",
    "Q8_0": "Q8_0",
    "Q2_K": "Q2_K",
    "Q2_K_S": "Q2_K",
    "Q3_K_S": "Q3_K",
    "Q3_K_M": "Q3_K",
    "Q3_K_L": "Q3_K",
    "Q4_K_S": "Q4_K",
    "Q4_K_M": "Q4_K",
    "Q5_K_S": "Q5_K",
    "Q5_K_M": "Q5_K",
    "Q6_K": "Q6_K",
    "IQ1_S": "IQ1_S",
    "IQ1_M": "IQ1_M",
    "IQ2_XXS": "IQ2_XXS",
    "IQ2_XS": "IQ2_XS",
    "IQ2_S": "IQ2_XS",
    "IQ2_M": "IQ2_S",
    "IQ3_XXS": "IQ3_XXS",
    "IQ3_XS": "IQ3_S",
    "IQ3_S": "IQ3_S",
    "IQ3_M": "IQ3_S",
    "IQ4_NL": "IQ4_NL",
    "IQ4_XS": "IQ4_XS",
    "TQ1_0": "TQ1_0",
    "TQ2_0": "TQ2_0",
    "MXFP4_MOE": "MXFP4",
}

# Types that need an importance matrix (tensor_requires_imatrix); only those files are assumed to have one.
_IMATRIX_FILE_TYPES = frozenset(
    {"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS", "Q2_K_S"}
)
_IQ_LOW = frozenset({"IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"})
# tensor_type_fallback: a type whose block does not divide the row falls back to a compatible one.
_FALLBACK: dict[str, str] = {
    "IQ1_S": "IQ4_NL",
    "IQ1_M": "IQ4_NL",
    "IQ2_XXS": "IQ4_NL",
    "IQ2_XS": "IQ4_NL",
    "IQ2_S": "IQ4_NL",
    "IQ3_XXS": "IQ4_NL",
    "IQ3_S": "IQ4_NL",
    "IQ4_XS": "IQ4_NL",
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "TQ1_0": "Q4_0",
    "TQ2_0": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
}

GgufCategory = Literal[
    "token_embd",
    "output",
    "attn_q",
    "attn_k",
    "attn_v",
    "attn_qkv",
    "attn_kv_b",
    "attn_output",
    "ffn_up",
    "ffn_gate",
    "ffn_down",
    "other",
]


@functools.cache
def ggml_type_sizes() -> dict[str, tuple[int, int]]:
    """ggml type name -> (values per block, bytes per block), from gguf.constants.GGML_QUANT_SIZES.

    The package mirrors the block structs of ggml-common.h (e.g. block_q4_K = 144 bytes / 256 values).
    Imported lazily: the gguf package takes ~0.15 s to import (numpy with it) and only GGUF estimates need
    it; the table is kept as JSON keyed by the package's constants.py (resources.cached_json), so a GGUF
    estimate reads it without importing numpy (`--engine llama.cpp` sizes a GGUF for every plain name).
    """
    from llmsize.resources import cached_json

    def compute() -> dict[str, list[int]]:
        from gguf.constants import GGML_QUANT_SIZES

        return {t.name: [int(block), int(size)] for t, (block, size) in GGML_QUANT_SIZES.items()}

    source = _gguf_constants_source()
    table = cached_json("ggml-types", [source], compute) if source is not None else compute()
    return {name: (int(block), int(size)) for name, (block, size) in table.items()}


def _gguf_constants_source() -> bytes | None:
    """The text of the installed gguf package's constants.py, found without importing the package."""
    import importlib.util
    from pathlib import Path

    try:
        found = importlib.util.find_spec("gguf")
        folders = list(found.submodule_search_locations or ()) if found is not None else []
        return (Path(folders[0]) / "constants.py").read_bytes() if folders else None
    except (ImportError, ValueError, OSError):
        return None


def ggml_tensor_bytes(type_name: str, numel: int) -> int:
    """Bytes of `numel` values stored as ggml type `type_name` (whole blocks)."""
    block, size = ggml_type_sizes()[type_name]
    return math.ceil(numel / block) * size


@dataclass(frozen=True)
class GgufModelFacts:
    """What llama.cpp's type selection reads from the model (llama_model hparams and arch)."""

    n_layers: int
    n_gqa: int  # attention heads per KV head
    n_expert: int
    hidden_size: int
    tied: bool
    arch_falcon: bool = False
    type_70b: bool = False  # LLM_TYPE_70B: 80-layer llama/qwen2 (llama-model.cpp)
    # qs.n_attention_wv: how many attn_v / attn_qkv / attn_kv_b tensors the file holds (0: one a block).
    # init_quantize_state_counters counts them; the attn_v rules take the ordinal of the tensor among
    # them (qs.i_attention_wv), which is the block index only when every block has one.
    n_attention_wv: int = 0


def _use_more_bits(i_layer: int, n_layers: int) -> bool:
    """llama-quant.cpp use_more_bits: first and last eighth of the layers and every third in between."""
    return i_layer < n_layers // 8 or i_layer >= 7 * n_layers // 8 or (i_layer - n_layers // 8) % 3 == 2


def _output_type(ftype: str, default: str, facts: GgufModelFacts) -> str:
    """output.weight (and token_embd when the embeddings are tied)."""
    if ftype == "MXFP4_MOE":
        return "Q8_0"
    block, _ = ggml_type_sizes()[default]
    if facts.arch_falcon or facts.hidden_size % block:
        return "Q8_0"
    if ftype in ("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"):
        return "Q5_K"
    return default if default == "Q8_0" else "Q6_K"


def _token_embd_type(ftype: str, default: str) -> str:
    if ftype in ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"):
        return "Q2_K"
    if ftype in ("IQ2_S", "IQ2_M", "IQ3_XXS"):
        return "IQ3_S"
    if ftype in ("TQ1_0", "TQ2_0"):
        return "Q4_K"
    return default


def _iq_low_type(ftype: str, cat: GgufCategory, layer: int, facts: GgufModelFacts, default: str) -> str:
    """The IQ1/IQ2 branch of llama_tensor_get_type_impl."""
    iq3s = ftype in ("IQ2_S", "IQ2_M")
    if cat in ("attn_v", "attn_qkv", "attn_kv_b"):
        if facts.n_gqa >= 4 or facts.n_expert >= 4:
            return "Q4_K"
        return "IQ3_S" if iq3s else "Q2_K"
    if facts.n_expert == 8 and cat == "attn_k":
        return "Q4_K"
    if cat == "ffn_down":
        return ("IQ3_S" if iq3s else "Q2_K") if layer < facts.n_layers // 8 else default
    if cat == "attn_output":
        if facts.n_expert == 8:
            return "Q5_K"
        if ftype in ("IQ1_S", "IQ1_M"):
            return "IQ2_XXS"
        if iq3s:
            return "IQ3_S"
    return default


def _attn_v_type(ftype: str, layer: int, facts: GgufModelFacts, default: str) -> str:
    """attn_v / attn_qkv / attn_kv_b (category_is_attn_v): the tensors most sensitive to quantization."""
    imatrix = ftype in _IMATRIX_FILE_TYPES
    new = default
    if ftype == "Q2_K":
        new = "Q4_K" if facts.n_gqa >= 4 else "Q3_K"
    elif ftype == "Q2_K_S" and facts.n_gqa >= 4:
        new = "Q4_K"
    elif ftype == "IQ3_XXS":
        new = "Q4_K" if facts.n_gqa >= 4 else ("IQ3_XXS" if imatrix else "IQ3_S")
    elif (ftype in ("IQ3_XS", "IQ3_S") and facts.n_gqa >= 4) or ftype == "IQ3_M":
        new = "Q4_K"
    elif ftype == "Q3_K_M":
        new = "Q5_K" if layer < 2 else "Q4_K"
    elif ftype == "Q3_K_L" or (ftype in ("IQ4_NL", "IQ4_XS") and facts.n_gqa >= 4):
        new = "Q5_K"
    elif ftype in ("Q4_K_M", "Q5_K_M") and _use_more_bits(layer, facts.n_attention_wv or facts.n_layers):
        new = "Q6_K"
    elif ftype == "Q4_K_S" and layer < 4:
        new = "Q5_K"
    if facts.type_70b and new in ("Q3_K", "Q4_K"):
        new = "Q5_K"
    if facts.n_expert == 8:
        new = "Q8_0"
    return new


def _ffn_down_type(ftype: str, layer: int, facts: GgufModelFacts, default: str) -> str:
    n = facts.n_layers
    imatrix = ftype in _IMATRIX_FILE_TYPES
    if ftype == "Q2_K":
        return "Q3_K"
    if ftype == "Q2_K_S":
        return "Q4_K" if layer < n // 8 else default
    if ftype == "IQ3_XXS" and not imatrix:
        return "Q4_K" if layer < n // 8 else "Q3_K"
    if ftype == "Q3_K_M":
        if layer < n // 16:
            return "Q5_K"
        return "Q4_K" if not facts.arch_falcon or _use_more_bits(layer, n) else "Q3_K"
    if ftype == "IQ3_M" and (layer < n // 8 or (facts.n_expert == 8 and _use_more_bits(layer, n))):
        return "Q4_K"
    if ftype == "Q3_K_L":
        return "Q4_K" if facts.arch_falcon else "Q5_K"
    if ftype == "Q4_K_M":
        if facts.arch_falcon:
            return "Q6_K" if layer < n // 16 else ("Q5_K" if _use_more_bits(layer, n) else "Q4_K")
        return "Q6_K" if _use_more_bits(layer, n) else default
    if layer < n // 8 and ftype in ("IQ4_NL", "IQ4_XS") and not imatrix:
        return "Q5_K"
    if ftype == "Q5_K_M" and _use_more_bits(layer, n):
        return "Q6_K"
    if ftype == "Q4_K_S" and not facts.arch_falcon and layer < n // 8:
        return "Q5_K"
    return default


def _attn_output_type(ftype: str, facts: GgufModelFacts, default: str) -> str:
    if facts.arch_falcon:
        return "Q4_K" if ftype == "Q3_K_L" else default
    if facts.n_expert == 8:
        bumped = (
            "Q2_K",
            "IQ3_XS",
            "IQ3_XXS",
            "Q3_K_S",
            "Q3_K_M",
            "IQ4_NL",
            "Q4_K_S",
            "Q4_K_M",
            "IQ3_S",
            "IQ3_M",
            "IQ4_XS",
        )
        return "Q5_K" if ftype in bumped else default
    return {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}.get(
        ftype, default
    )


def gguf_tensor_type(
    ftype: str,
    category: GgufCategory,
    layer: int,
    facts: GgufModelFacts,
    *,
    ncols: int,
    is_expert: bool = False,
) -> str:
    """The ggml type llama.cpp's quantizer gives one 2-D/3-D weight tensor of a `ftype` file.

    A transcription of `llama_tensor_get_type_impl` and `tensor_type_fallback` in
    https://github.com/ggml-org/llama.cpp/blob/master/src/llama-quant.cpp (read at commit 007dbbf).
    `layer` is the block index (llama.cpp's i_ffn_down counter equals it, one tensor per block) and, for
    the attn_v-like categories, the tensor's ordinal among them (i_attention_wv, which counts only
    blocks that hold one: the attention blocks of a hybrid); `ncols` is the row length (ne[0] =
    in_features) that the block size must divide.
    """
    default = _DEFAULT_TYPE[ftype]
    block, _ = ggml_type_sizes()[default]
    if block == 1:  # F32/F16/BF16 files: every 2-D weight in that type
        return default
    if category == "output" or (facts.tied and category == "token_embd"):
        new = _output_type(ftype, default, facts)
    elif ftype == "MXFP4_MOE":
        new = "MXFP4" if is_expert else "Q8_0"
    elif category == "token_embd":
        new = _token_embd_type(ftype, default)
    elif ftype in _IQ_LOW:
        new = _iq_low_type(ftype, category, layer, facts, default)
    elif category in ("attn_v", "attn_qkv", "attn_kv_b"):
        new = _attn_v_type(ftype, layer, facts, default)
    elif category == "attn_k":
        new = "Q8_0" if facts.n_expert == 8 else {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(ftype, default)
    elif category == "attn_q":
        new = {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(ftype, default)
    elif category == "ffn_down":
        new = _ffn_down_type(ftype, layer, facts, default)
    elif category == "attn_output":
        new = _attn_output_type(ftype, facts, default)
    elif category in ("ffn_gate", "ffn_up") and ftype == "IQ3_XS":
        n = facts.n_layers
        new = "IQ3_XXS" if n // 8 <= layer < 7 * n // 8 else default
    else:
        new = default
    return _fallback(new, ncols)


def gguf_type_by_block(ftype: str, category: GgufCategory, facts: GgufModelFacts) -> bool:
    """Whether gguf_tensor_type reads `layer` for this file type and category: only the branches of
    llama_tensor_get_type_impl that count blocks (the low IQ types, attn_v-like i_attention_wv,
    ffn_down's i_ffn_down, IQ3_XS's middle ffn_gate/up). Elsewhere one type serves every block, so a
    caller sizes the tensor once (issue 15: `fit --all --engine llama.cpp` asked ~300k times)."""
    block, _ = ggml_type_sizes()[_DEFAULT_TYPE[ftype]]
    if block == 1 or category == "output" or (facts.tied and category == "token_embd"):
        return False
    if ftype == "MXFP4_MOE" or category == "token_embd":
        return False
    if ftype in _IQ_LOW or category in ("attn_v", "attn_qkv", "attn_kv_b", "ffn_down"):
        return True
    return category in ("ffn_gate", "ffn_up") and ftype == "IQ3_XS"


def default_gguf_type(ftype: str) -> str:
    """The ggml type a file type gives a weight no rule singles out (Q4_K_M -> Q4_K)."""
    return _DEFAULT_TYPE[ftype]


def pinned_tensor_type(type_name: str, ncols: int) -> str:
    """A type a quantizer was told to use for a tensor, with the block-size fallback it still applies
    (Ollama server/quantization.go getTensorNewType "finalize": Q4_K -> Q5_0, Q6_K -> Q8_0, else F16)."""
    return _fallback(type_name, ncols)


def _fallback(type_name: str, ncols: int) -> str:
    block, _ = ggml_type_sizes()[type_name]
    if ncols % block == 0:
        return type_name
    fallback = _FALLBACK.get(type_name, "F16")
    return fallback if ncols % ggml_type_sizes()[fallback][0] == 0 else "F16"


# ------------------------------------------------------------------------------------- --quant parsing

# A GGUF of an MXFP4 checkpoint keeps its experts in MXFP4: specs/formats.py MXFP4_EXPERT_PINS.


QUANT_CHOICES = (
    "gptq[-int4|-int8|-int3|-int2]",
    "awq",
    "bnb-nf4",
    "bnb-fp4",
    "bnb-int8",
    "fp8",
    "mxfp4",
    "nvfp4",
    "int8/int4/w4a16/w8a8 (compressed-tensors)",
    "mlx[-4bit|-8bit]",
    "exl2-<bits>",
    "none",
    "GGUF types (Q4_K_M, Q8_0, ...)",
)

# Float precisions written where a quantization goes (Workload dtype names on the right).
_PLAIN_DTYPES = {"fp16": "fp16", "float16": "fp16", "half": "fp16", "fp32": "fp32", "float32": "fp32",
                 "float": "fp32", "bfloat16": "bf16"}  # fmt: skip

_BITS = re.compile(r"(?:int|w|q|-|_)?(\d+(?:\.\d+)?)(?:bit|bits|bpw|b)?$")


def _bits_in(text: str, default: float) -> float:
    """Trailing bit width of a --quant value: gptq-int8 -> 8, exl2-4.65 -> 4.65, mlx-4bit -> 4."""
    tail = text.split("-", 1)[1] if "-" in text else ""
    match = _BITS.search(tail) if tail else None
    return float(match.group(1)) if match else default


def parse_quant(text: str, base: WeightFormat) -> WeightFormat | None:
    """A --quant value -> WeightFormat (None for `none`: the plain dtype). `base.dtype` stays the dtype
    of what the format leaves unquantized; parameters the text does not give come from `base` when it
    is the same method (a checkpoint's own group size), else from the method's common default.
    """
    raw = text.strip()
    low = raw.lower().replace("_", "-")
    same = base.quant
    if low in ("none", "no", "plain"):
        return None
    gguf_name = raw.upper().removeprefix("GGUF:").removeprefix("GGUF-").replace("-", "_")
    if gguf_name in GGUF_FILE_TYPES:
        gguf: dict[str, object] = {"quant": QuantMethod.GGUF, "gguf_type": gguf_name, "bits": None}
        if same != QuantMethod.GGUF:
            # A checkpoint's `modules_to_not_convert` (gpt-oss's MXFP4 config keeps attention, router,
            # embeddings and lm_head in bf16) is the transformers/vLLM loader's rule, not the GGUF's:
            # llama-quantize types every tensor itself (llama-quant.cpp llama_tensor_get_type_impl;
            # MXFP4_MOE writes the non-expert matrices as Q8_0: the ggml-org gpt-oss-20b-mxfp4.gguf
            # loads as "type q8_0: 98 tensors, type mxfp4: 72 tensors", ikawrakow/ik_llama.cpp#822).
            # Pins a GGUF publisher set (Ollama's, QAT builds) come with a GGUF base and stay.
            gguf["modules_not_converted"] = ()
        if same == QuantMethod.MXFP4:
            gguf["gguf_tensor_types"] = (*base.gguf_tensor_types, *MXFP4_EXPERT_PINS)
        return base.model_copy(update=gguf)
    method, bits, group = _method_of(low)
    if method is None and low in _PLAIN_DTYPES:
        # `--quant fp16` was "unknown" beside 30 choices, while `--quant bf16` (GGUF's BF16 file type) ran
        raise BadInputError(
            f"--quant {text!r} is a precision, not a quantization",
            hint=f"use --dtype {_PLAIN_DTYPES[low]} (or --quant F16/F32 for a GGUF file of that type)",
        )
    if method is None:
        raise BadInputError(f"unknown --quant {text!r}", hint=f"use one of: {', '.join(QUANT_CHOICES)}")
    update: dict[str, object] = {"quant": method, "gguf_type": None}
    if method == same and base.bits and bits is None:
        update["bits"] = base.bits
    else:
        update["bits"] = bits
    if method == same and base.group_size is not None and group is None:
        update["group_size"] = base.group_size
    else:
        update["group_size"] = group
    return base.model_copy(update=update)


def _method_of(low: str) -> tuple[QuantMethod | None, float | None, int | None]:
    """(method, bits, group_size) for a lower-cased --quant value; bits/group None = method default."""
    if low.startswith("gptq"):
        return QuantMethod.GPTQ, _bits_in(low, 4), None
    if low.startswith("awq"):
        return QuantMethod.AWQ, _bits_in(low, 4), None
    if low in ("bnb-nf4", "nf4", "bnb-4bit", "bnb4", "4bit"):
        return QuantMethod.BNB_NF4, 4, None
    if low in ("bnb-fp4", "fp4"):
        return QuantMethod.BNB_FP4, 4, None
    if low in ("bnb-int8", "bnb-8bit", "bnb8", "llm.int8", "llm-int8", "8bit"):
        return QuantMethod.BNB_INT8, 8, None
    if low.startswith("fp8"):
        return QuantMethod.FP8, 8, None
    if low == "mxfp4":
        return QuantMethod.MXFP4, 4, None
    if low == "nvfp4":
        return QuantMethod.NVFP4, 4, NVFP4_BLOCK
    if low in ("int4", "w4a16", "int4-awq-free", "compressed-tensors", "ct-int4"):
        return QuantMethod.COMPRESSED_TENSORS, 4, GPTQ_DEFAULT_GROUP
    if low in ("int8", "w8a16", "w8a8", "ct-int8"):
        return QuantMethod.COMPRESSED_TENSORS, 8, -1
    if low.startswith("mlx"):
        return QuantMethod.MLX, _bits_in(low, 4), None
    if low.startswith("exl2"):
        return QuantMethod.EXL2, _bits_in(low, 4.0), None
    return None, None, None


def default_bits(fmt: WeightFormat) -> float:
    """Bits per quantized weight a format uses when the checkpoint does not say."""
    if fmt.bits:
        return float(fmt.bits)
    return {QuantMethod.BNB_INT8: 8.0, QuantMethod.FP8: 8.0}.get(fmt.quant, 4.0) if fmt.quant else 16.0


def default_group(fmt: WeightFormat) -> int | None:
    """Group size a format uses when the checkpoint does not say (GPTQ/AWQ 128, MLX 64, FP8 128-block)."""
    if fmt.group_size is not None:
        return fmt.group_size
    return (
        {
            QuantMethod.GPTQ: GPTQ_DEFAULT_GROUP,
            QuantMethod.AWQ: GPTQ_DEFAULT_GROUP,
            QuantMethod.MLX: MLX_DEFAULT_GROUP,
            QuantMethod.FP8: FP8_BLOCK,
            QuantMethod.COMPRESSED_TENSORS: GPTQ_DEFAULT_GROUP,
        }.get(fmt.quant)
        if fmt.quant
        else None
    )
