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
