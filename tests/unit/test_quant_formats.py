"""Byte rules of the quantized formats, checked against the tensor shapes their loaders allocate."""

from __future__ import annotations

import math

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate import quant_formats as qf
from llmsize.specs.models import QuantMethod, WeightFormat


def _shape_bytes(*tensors: tuple[tuple[int, ...], int]) -> int:
    """Sum of prod(shape) x element size, written out per tensor as the loaders declare them."""
    return sum(math.prod(shape) * size for shape, size in tensors)


def test_gptq_matches_autogptq_buffers() -> None:
    # AutoGPTQ QuantLinear.__init__: qweight int32 [in // 32 * bits, out], qzeros int32
    # [ceil(in / g), out // 32 * bits], scales fp16 [ceil(in / g), out], g_idx int32 [in], bias fp16 [out].
    i, o, bits, g = 3584, 18944, 4, 128
    expected = _shape_bytes(
        ((i // 32 * bits, o), 4), ((i // g, o // 32 * bits), 4), ((i // g, o), 2), ((i,), 4), ((o,), 2)
    )
    assert qf.gptq_linear_bytes(i, o, bits, g, bias=True) == expected


def test_gptq_per_channel_has_one_group() -> None:
    i, o = 4096, 4096
    expected = _shape_bytes(((i // 32 * 8, o), 4), ((1, o // 32 * 8), 4), ((1, o), 2), ((i,), 4))
    assert qf.gptq_linear_bytes(i, o, 8, -1) == expected


def test_awq_matches_wqlinear_gemm_buffers() -> None:
    # AutoAWQ WQLinear_GEMM: qweight int32 [in, out // (32 / bits)],
    # qzeros int32 [in // g, out // (32 / bits)], scales fp16 [in // g, out]; no g_idx.
    i, o, g = 18944, 3584, 128
    expected = _shape_bytes(((i, o // 8), 4), ((i // g, o // 8), 4), ((i // g, o), 2))
    assert qf.awq_linear_bytes(i, o, 4, g) == expected
    assert qf.gptq_linear_bytes(i, o, 4, g) - expected == i * 4  # GPTQ differs by g_idx only


def test_bnb_nf4_double_quant_layout() -> None:
    numel = 4096 * 4096
    blocks = numel // 64
    # packed data uint8 [numel/2], absmax uint8 [blocks], nested absmax fp32 [blocks/256],
    # nested code fp32 [256], NF4 code fp32 [16]
    expected = numel // 2 + blocks + blocks // 256 * 4 + 256 * 4 + 16 * 4
    assert qf.bnb_4bit_bytes(numel) == expected
    assert qf.bnb_4bit_bytes(numel, double_quant=False) == numel // 2 + blocks * 4 + 16 * 4
    assert qf.bnb_4bit_bytes(numel) < qf.bnb_4bit_bytes(numel, double_quant=False)


def test_llm_int8_row_scales() -> None:
    assert qf.bnb_int8_linear_bytes(4096, 11008) == 4096 * 11008 + 11008 * 4


def test_fp8_block_scales_match_deepseek_v3() -> None:
    # DeepSeek-V3 q_b_proj weight [24576, 1536] carries weight_scale_inv [192, 12] (128 x 128 blocks).
    assert qf.fp8_linear_bytes(1536, 24576, 128) == 24576 * 1536 + 192 * 12 * 4
    assert qf.fp8_linear_bytes(1536, 24576, 0) == 24576 * 1536 + 4
    assert qf.fp8_linear_bytes(1536, 24576, -1) == 24576 * 1536 + 24576 * 4


def test_mxfp4_matches_gpt_oss_blocks_and_scales() -> None:
    # gpt-oss-20b mlp.experts.gate_up_proj_blocks [32, 5760, 90, 16] uint8 and _scales [32, 5760, 90]
    # for 2 x 2880 outputs over 2880 inputs per expert.
    per_expert = 5760 * 2880
    assert qf.mxfp4_bytes(per_expert) == 5760 * 90 * 16 + 5760 * 90


def test_compressed_tensors_w4a16() -> None:
    i, o = 4096, 14336
    expected = _shape_bytes(((o, i // 8), 4), ((o, i // 128), 2), ((2,), 8))
    assert qf.compressed_tensors_linear_bytes(i, o, 4, 128) == expected
    assert qf.compressed_tensors_linear_bytes(i, o, 8, -1) == i * o + o * 2


def test_ggml_block_sizes_follow_ggml_common() -> None:
    # ggml-common.h: block_q4_K 144 B / 256, block_q6_K 210 B / 256,
    # block_q8_0 34 B / 32, block_q4_0 18 B / 32
    sizes = qf.ggml_type_sizes()
    assert sizes["Q4_K"] == (256, 144)
    assert sizes["Q6_K"] == (256, 210)
    assert sizes["Q8_0"] == (32, 34)
    assert sizes["Q4_0"] == (32, 18)
    assert qf.ggml_tensor_bytes("Q4_K", 256 * 10) == 1440


def _facts(
    n_layers: int = 28, hidden: int = 3584, n_gqa: int = 7, n_expert: int = 0, tied: bool = False
) -> qf.GgufModelFacts:
    return qf.GgufModelFacts(n_layers=n_layers, n_gqa=n_gqa, n_expert=n_expert, hidden_size=hidden, tied=tied)


def test_q4_k_m_uses_q6_k_on_about_half_the_ffn_down_and_attn_v() -> None:
    facts = _facts()
    # use_more_bits: i < n/8 or i >= 7n/8 or (i - n/8) % 3 == 2; n = 28 -> 0..2, 5, 8, ..., 23, 24..27
    more = [i for i in range(28) if i < 3 or i >= 24 or (i - 3) % 3 == 2]
    for i in range(28):
        want = "Q6_K" if i in more else "Q4_K"
        assert qf.gguf_tensor_type("Q4_K_M", "ffn_down", i, facts, ncols=18944) == want
        assert qf.gguf_tensor_type("Q4_K_M", "attn_v", i, facts, ncols=3584) == want
        assert qf.gguf_tensor_type("Q4_K_M", "attn_q", i, facts, ncols=3584) == "Q4_K"
    assert qf.gguf_tensor_type("Q4_K_M", "output", 0, facts, ncols=3584) == "Q6_K"
    assert qf.gguf_tensor_type("Q4_K_M", "token_embd", 0, facts, ncols=3584) == "Q4_K"
    assert qf.gguf_tensor_type("Q4_K_M", "token_embd", 0, _facts(tied=True), ncols=3584) == "Q6_K"


def test_gguf_recipes_for_other_file_types() -> None:
    facts = _facts()
    assert qf.gguf_tensor_type("Q8_0", "output", 0, facts, ncols=3584) == "Q8_0"
    assert qf.gguf_tensor_type("Q4_0", "output", 0, facts, ncols=3584) == "Q6_K"
    assert qf.gguf_tensor_type("Q3_K_M", "attn_v", 0, facts, ncols=3584) == "Q5_K"
    assert qf.gguf_tensor_type("Q3_K_M", "attn_v", 5, facts, ncols=3584) == "Q4_K"
    assert qf.gguf_tensor_type("Q3_K_M", "attn_output", 5, facts, ncols=3584) == "Q4_K"
    assert qf.gguf_tensor_type("Q2_K", "ffn_down", 9, facts, ncols=18944) == "Q3_K"
    assert qf.gguf_tensor_type("F16", "attn_q", 0, facts, ncols=3584) == "F16"
    mixtral = _facts(n_layers=32, hidden=4096, n_gqa=4, n_expert=8)
    assert qf.gguf_tensor_type("Q4_K_M", "attn_v", 10, mixtral, ncols=4096) == "Q8_0"
    assert qf.gguf_tensor_type("Q4_K_M", "attn_output", 10, mixtral, ncols=4096) == "Q5_K"
    assert qf.gguf_tensor_type("MXFP4_MOE", "ffn_up", 3, mixtral, ncols=4096, is_expert=True) == "MXFP4"
    assert qf.gguf_tensor_type("MXFP4_MOE", "attn_q", 3, mixtral, ncols=4096) == "Q8_0"


def test_gguf_fallback_when_the_block_does_not_divide_the_row() -> None:
    # Qwen2.5-0.5B: hidden 896 is not a multiple of 256, so K-quants fall back (tensor_type_fallback).
    small = _facts(n_layers=24, hidden=896, n_gqa=7)
    assert qf.gguf_tensor_type("Q4_K_M", "attn_q", 3, small, ncols=896) == "Q5_0"
    assert qf.gguf_tensor_type("Q4_K_M", "attn_v", 0, small, ncols=896) == "Q8_0"  # Q6_K -> Q8_0
    assert qf.gguf_tensor_type("Q4_K_M", "ffn_down", 0, small, ncols=4864) == "Q6_K"  # 4864 = 19 x 256
    assert qf.gguf_tensor_type("Q4_K_M", "output", 0, small, ncols=896) == "Q8_0"


@pytest.mark.parametrize(
    ("text", "method", "bits"),
    [
        ("gptq", QuantMethod.GPTQ, 4),
        ("GPTQ-Int8", QuantMethod.GPTQ, 8),
        ("awq", QuantMethod.AWQ, 4),
        ("bnb-nf4", QuantMethod.BNB_NF4, 4),
        ("bnb-int8", QuantMethod.BNB_INT8, 8),
        ("fp8", QuantMethod.FP8, 8),
        ("mxfp4", QuantMethod.MXFP4, 4),
        ("exl2-4.65", QuantMethod.EXL2, 4.65),
        ("mlx-8bit", QuantMethod.MLX, 8),
    ],
)
def test_parse_quant_methods(text: str, method: QuantMethod, bits: float) -> None:
    fmt = qf.parse_quant(text, WeightFormat(dtype="bf16"))
    assert fmt is not None
    assert fmt.quant == method
    assert fmt.bits == bits
    assert fmt.dtype == "bf16"


def test_parse_quant_gguf_none_and_unknown() -> None:
    fmt = qf.parse_quant("q4_k_m", WeightFormat())
    assert fmt is not None and fmt.quant == QuantMethod.GGUF and fmt.gguf_type == "Q4_K_M"
    assert qf.parse_quant("none", WeightFormat()) is None
    with pytest.raises(BadInputError, match="unknown --quant"):
        qf.parse_quant("q7_z", WeightFormat())


def test_a_gguf_file_type_drops_the_checkpoint_loader_exclusions() -> None:
    # gpt-oss's MXFP4 config keeps attention and lm_head in bf16 for transformers/vLLM; llama-quantize
    # types every tensor itself (the ggml-org MXFP4_MOE file: "type q8_0: 98 tensors", ik_llama.cpp#822).
    mxfp4 = WeightFormat(
        dtype="bf16", quant=QuantMethod.MXFP4, bits=4, modules_not_converted=("self_attn", "lm_head")
    )
    fmt = qf.parse_quant("MXFP4_MOE", mxfp4)
    assert fmt is not None and fmt.gguf_type == "MXFP4_MOE" and fmt.modules_not_converted == ()
    # a GGUF base keeps its publisher's pins (Ollama's f16 tensors): only --quant's type changes
    pinned = WeightFormat(quant=QuantMethod.GGUF, gguf_type="Q4_K_M", modules_not_converted=("per_layer",))
    again = qf.parse_quant("Q8_0", pinned)
    assert again is not None and again.modules_not_converted == ("per_layer",)


def test_a_gguf_file_type_of_an_mxfp4_checkpoint_keeps_its_experts_mxfp4() -> None:
    # convert_hf_to_gguf.py repacks gpt-oss's MXFP4 experts as they are; llama-quantize does not
    # requantize them ("requantizing from type %s is disabled", llama-quant.cpp)
    mxfp4 = WeightFormat(dtype="bf16", quant=QuantMethod.MXFP4, bits=4)
    fmt = qf.parse_quant("Q4_K_M", mxfp4)
    assert fmt is not None and dict(fmt.gguf_tensor_types)["expert.ffn_down"] == "MXFP4"
    # a bf16 checkpoint's experts are quantized by the file type's recipe
    plain = qf.parse_quant("Q4_K_M", WeightFormat())
    assert plain is not None and plain.gguf_tensor_types == ()


def test_parse_quant_keeps_the_checkpoint_group_size() -> None:
    base = WeightFormat(dtype="fp16", quant=QuantMethod.GPTQ, bits=4, group_size=32)
    fmt = qf.parse_quant("gptq", base)
    assert fmt is not None and fmt.group_size == 32
    other = qf.parse_quant("awq", base)
    assert other is not None and other.group_size is None and qf.default_group(other) == 128


_ALL_CATEGORIES = ("token_embd", "output", "attn_q", "attn_k", "attn_v", "attn_qkv", "attn_kv_b",
                   "attn_output", "ffn_up", "ffn_gate", "ffn_down", "other")  # fmt: skip


@pytest.mark.parametrize(
    "facts",
    [
        qf.GgufModelFacts(n_layers=32, n_gqa=4, n_expert=0, hidden_size=4096, tied=False, n_attention_wv=32),
        qf.GgufModelFacts(
            n_layers=80, n_gqa=8, n_expert=8, hidden_size=8192, tied=True, type_70b=True, n_attention_wv=80
        ),
        qf.GgufModelFacts(
            n_layers=40,
            n_gqa=1,
            n_expert=0,
            hidden_size=2048,
            tied=False,
            arch_falcon=True,
            n_attention_wv=10,
        ),
    ],
)
def test_gguf_type_by_block_marks_every_block_dependent_choice(facts: qf.GgufModelFacts) -> None:
    """Where gguf_type_by_block says one type serves every block, llama-quant.cpp's rules (as
    gguf_tensor_type transcribes them) give the same type at every block index; callers size such a
    tensor once for all blocks (issue 15)."""
    for ftype in qf.GGUF_FILE_TYPES:
        for category in _ALL_CATEGORIES:
            for expert in (False, True):
                kinds = {
                    qf.gguf_tensor_type(ftype, category, i, facts, ncols=facts.hidden_size, is_expert=expert)
                    for i in range(facts.n_layers)
                }
                if not qf.gguf_type_by_block(ftype, category, facts):
                    assert len(kinds) == 1, (ftype, category, kinds)


def test_gguf_type_by_block_for_q4_k_m_ffn_down() -> None:
    """Q4_K_M gives ffn_down Q6_K in llama-quant.cpp's use_more_bits blocks (first and last eighth, every
    third between) and Q4_K elsewhere: a block-dependent choice."""
    facts = qf.GgufModelFacts(
        n_layers=32, n_gqa=4, n_expert=0, hidden_size=4096, tied=False, n_attention_wv=32
    )
    assert qf.gguf_type_by_block("Q4_K_M", "ffn_down", facts)
    assert not qf.gguf_type_by_block("Q4_K_M", "attn_q", facts)
    kinds = {qf.gguf_tensor_type("Q4_K_M", "ffn_down", i, facts, ncols=4096) for i in range(32)}
    assert kinds == {"Q4_K", "Q6_K"}
