"""Weight bytes of quantized checkpoints against published sizes of the real files.

GGUF: llama.cpp reports "model size" as the sum of tensor bytes (no header), so those figures are
compared to the byte. A whole file adds its header (metadata and the tokenizer's vocabulary and
merges), which only a file-size comparison has to allow for.
"""

from __future__ import annotations

from llmsize.estimate.weights import effective_format, model_weight_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve


def _gguf_bytes(model: str, ftype: str) -> int:
    spec = resolve(model)
    fmt = effective_format(spec, Workload(quant=ftype, engine="llama.cpp"))[0]
    return model_weight_bytes(spec, fmt)


def test_qwen2_5_7b_instruct_q4_k_m_to_the_byte() -> None:
    # "model_size": 4677120000 for models/Qwen2.5-7B-Instruct-Q4_K_M.gguf in llama-bench's JSON/CSV
    # examples: https://github.com/ggml-org/llama.cpp/blob/master/tools/llama-bench/README.md
    assert _gguf_bytes("Qwen2.5-7B-Instruct", "Q4_K_M") == 4_677_120_000


def test_llama_3_1_8b_instruct_q4_k_m_to_the_byte() -> None:
    # GET /v1/models example for ../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf: "n_params": 8030261312,
    # "size": 4912898304 (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md).
    # The file has one tensor Hugging Face's model has not: rope_freqs.weight, 64 F32 values of Llama 3.1's
    # rope scaling that convert_hf_to_gguf.py writes; 8,030,261,312 - 64 = the 8,030,261,248 HF parameters.
    rope_freqs = 64 * 4
    assert _gguf_bytes("Llama-3.1-8B", "Q4_K_M") == 4_912_898_304 - rope_freqs


def test_llama_3_2_3b_instruct_q4_k_m_file() -> None:
    # wget log "Llama-3.2-3B-Instruct-Q4_K_M.gguf' saved [2019377696/2019377696]" and llama-bench
    # "llama 3B Q4_K - Medium | 1.87 GiB | 3.21 B": https://github.com/geerlingguy/ai-benchmarks/issues/53
    tensors = _gguf_bytes("Llama-3.2-3B-Instruct", "Q4_K_M")
    assert round(tensors / 2**30, 2) == 1.87
    file_bytes = 2_019_377_696
    # The rest of the file is its header: 128,256 tokens and 280,147 merges of the Llama 3 tokenizer, ~7.8 MB.
    assert 0 < file_bytes - tensors < 0.005 * file_bytes


def test_gpt_oss_ggufs_keep_the_experts_in_mxfp4() -> None:
    # convert_hf_to_gguf.py writes gpt-oss's experts as MXFP4 and llama-quantize leaves them
    # (quant_formats.MXFP4_EXPERT_PINS): every file type of the 120B is ~59-61 GiB, not 82 GiB for Q4_K_M.
    # llama-bench on the ggml-org MXFP4 file and unsloth's F16 file: "gpt-oss ?B MXFP4 MoE | 59.02 GiB"
    # and "gpt-oss ?B F16 | 60.87 GiB" (community.frame.work/t/will-the-ai-max-395-128gb-be-able-to-run-
    # gpt-oss-120b/73280/26): tensor bytes, compared at the printed precision.
    gib = 2**30
    assert round(_gguf_bytes("gpt-oss-120b", "MXFP4_MOE") / gib, 2) == 59.02
    assert round(_gguf_bytes("gpt-oss-120b", "F16") / gib, 2) == 60.87
    # unsloth/gpt-oss-120b-GGUF files: Q2_K 58.27, Q4_K_M 58.46, Q8_0 59.03 GiB
    # (ailocalcheck.com/model/unsloth/gpt-oss-120b-GGUF, "Weights" column; file sizes with their header)
    for ftype, published in (("Q2_K", 58.27), ("Q4_K_M", 58.46), ("Q8_0", 59.03)):
        assert abs(_gguf_bytes("gpt-oss-120b", ftype) / gib - published) < 0.02, ftype


def test_gpt_oss_20b_gguf_sizes() -> None:
    # bartowski/openai_gpt-oss-20b-GGUF: "gpt-oss-20b-MXFP4.gguf | MXFP4 | 12.1GB"; "All quants keep the feed
    # forward networks at mxfp4". convert_hf_to_gguf.py --outtype bf16: "gpt-oss-20b.gguf: n_tensors = 459,
    # total_size = 13.8G" (danbev/learning-ai notes/llama.cpp/gpt-oss.md).
    assert round(_gguf_bytes("gpt-oss-20b", "MXFP4_MOE") / 1e9, 1) == 12.1
    assert round(_gguf_bytes("gpt-oss-20b", "BF16") / 1e9, 1) == 13.8
