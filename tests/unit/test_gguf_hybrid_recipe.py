"""llama-quantize's recipe on hybrid (gated delta-net, attention) blocks, and bartowski's Qwen3.5 files.

Rules from ggml-org/llama.cpp src/llama-quant.cpp (commit 007dbbf): a tensor named attn_qkv is
attn_v-like (category_is_attn_v), and the attn_v rules count only the tensors of that category
(qs.i_attention_wv of qs.n_attention_wv). Qwen3.5 stores its delta-net in_proj_qkv as blk.N.attn_qkv.
"""

from __future__ import annotations

import pytest

from llmsize.estimate import quant_formats as qf
from llmsize.estimate.placement import Stage
from llmsize.estimate.weights import _stage_shards, model_weight_bytes, shard_bytes
from llmsize.specs.resolve import resolve

MIB = 2**20
GIB = 2**30


def _group_bytes(name: str, model: str, quant: str | None = None) -> int:
    spec = resolve(model)
    fmt = spec.weight_format if quant is None else qf.parse_quant(quant, spec.weight_format)
    assert fmt is not None
    whole = Stage(0, tuple(range(spec.num_layers)), True, True)
    return sum(shard_bytes(spec, s, fmt) for s in _stage_shards(spec, 1, whole) if s.group.name == name)


def _more_bits(i: int, n: int) -> bool:
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def test_qwen35_delta_net_qkv_is_quantized_as_attn_qkv() -> None:
    # Qwen3.5-9B: 32 blocks, every 4th full attention; the 24 delta-net blocks each hold one attn_qkv
    # (4,096 -> 8,192), the 8 attention blocks one attn_v: 32 attn_v-like tensors, ordinal = block index.
    delta = [i for i in range(32) if i % 4 != 3]
    q6, q4 = qf.ggml_tensor_bytes("Q6_K", 4096 * 8192), qf.ggml_tensor_bytes("Q4_K", 4096 * 8192)
    expected = sum(q6 if _more_bits(i, 32) else q4 for i in delta)
    assert _group_bytes("in_proj_qkv", "Qwen3.5-9B", "Q4_K_M") == expected
    # in_proj_z (attn_gate) and out_proj (ssm_out) are OTHER: the file type's Q4_K.
    assert _group_bytes("out_proj", "Qwen3.5-9B", "Q4_K_M") == 24 * qf.ggml_tensor_bytes("Q4_K", 4096 * 4096)


def test_plain_recipe_matches_a_published_qwen35_q4_k_m_file() -> None:
    # lmstudio-community Qwen3.5-9B-Q4_K_M.gguf, llama.cpp log (a public GitHub notes file):
    # "print_info: file size = 5.23 GiB (5.02 BPW)" for the text GGUF (no vision tower).
    spec = resolve("Qwen3.5-9B")
    fmt = qf.parse_quant("Q4_K_M", spec.weight_format)
    assert fmt is not None
    text = model_weight_bytes(spec, fmt) - _group_bytes("extra", "Qwen3.5-9B", "Q4_K_M")
    assert text / GIB == pytest.approx(5.23, abs=0.005)


def test_a_hybrids_attn_v_rule_counts_only_its_attention_blocks() -> None:
    # Qwen3-Next-80B-A3B: 12 attention blocks (3, 7, ..., 47) hold attn_v; the delta-net blocks store a
    # fused ssm_in, not attn_qkv. use_more_bits over ordinals 0..11 of 12 picks 0, 3, 6, 9, 10, 11.
    attn = [3 + 4 * k for k in range(12)]
    width = 2 * 256  # 2 KV heads x 256
    q6, q4 = qf.ggml_tensor_bytes("Q6_K", 2048 * width), qf.ggml_tensor_bytes("Q4_K", 2048 * width)
    expected = sum(q6 if _more_bits(k, 12) else q4 for k, _ in enumerate(attn))
    assert _group_bytes("v_proj", "Qwen3-Next-80B-A3B-Instruct", "Q4_K_M") == expected


def test_bartowski_names_resolve_to_the_model_with_his_recipe() -> None:
    spec = resolve("Qwen_Qwen3.5-9B-Q4_K_M")
    assert spec.model_type == "qwen3_5" and spec.weight_format.gguf_type == "Q4_K_M"
    pins = dict(spec.weight_format.gguf_tensor_types)
    assert pins["mixer.in_proj_a"] == "F32" and pins["mixer.out_proj"] == "Q8_0"
    assert pins["mixer.attn_qkv"] == "Q5_K"
    assert spec.vision is None and spec.extra_params == 0  # the mmproj is its own file
    assert (
        dict(resolve("Qwen_Qwen3.5-9B-IQ2_XXS").weight_format.gguf_tensor_types)["mixer.out_proj"] == "Q4_K"
    )
    # A model without delta-net blocks keeps llama-quantize's rules.
    assert resolve("meta-llama_Llama-3.1-8B-Instruct-Q4_K_M").weight_format.gguf_tensor_types == ()


@pytest.mark.parametrize(
    ("quant", "published_gib"),
    # r/LocalLLaMA "Qwen3.5-9B Quantization Comparison" (u/TitwitMuffbiscuit, March 2026): bartowski's
    # Q4_K_S "5.18 GiB", IQ4_XS "4.93 GiB" (IQ4_XS: llmsize assumes no imatrix, +30 MiB of ffn_down).
    [("Q4_K_S", 5.18), ("IQ4_XS", 4.93)],
)
def test_bartowski_qwen35_file_sizes(quant: str, published_gib: float) -> None:
    spec = resolve(f"Qwen_Qwen3.5-9B-{quant}")
    assert model_weight_bytes(spec, spec.weight_format) / GIB == pytest.approx(published_gib, rel=0.01)


def test_an_unknown_model_after_an_org_prefix_is_not_a_bartowski_name() -> None:
    from llmsize.specs.bartowski import model_part

    assert model_part("Qwen_Qwen3.5-9B-Q4_K_M") == "Qwen3.5-9B-Q4_K_M"
    assert model_part("bartowski/Qwen_Qwen3.5-9B-GGUF") == "Qwen3.5-9B"
    assert model_part("Qwen3.5-9B") is None


def test_llama_cpp_loads_a_text_gguf_without_the_vision_tower() -> None:
    # llama.cpp keeps a VL model's tower in the separate mmproj file; Ollama's library blob carries its
    # projector ("6.8 GiB text weights + 795.9 MiB projector" for gemma3:12b, ollama/ollama logs).
    from llmsize.estimate.weights import effective_format
    from llmsize.estimate.workload import Engine, Workload

    # Q8_0: under Ollama, Q4_K_M names the library tag's own file (newcomer round 14), whose text tensors
    # are typed a little differently from llama.cpp's quantizer; Q8_0 is the same recipe in both.
    spec = resolve("Qwen3.5-9B")
    llama = effective_format(spec, Workload(engine=Engine.LLAMA_CPP, quant="Q8_0"))[0]
    ollama = effective_format(spec, Workload(engine=Engine.OLLAMA, quant="Q8_0"))[0]
    tower = model_weight_bytes(spec, ollama) - model_weight_bytes(spec, llama)
    assert tower == 456_010_480 * 2  # the tower's parameters in F16, as Ollama's projector counts them
