"""What one decode step reads of a sliding-window layer: the window the engine's kernel runs over,
not the pool the engine keeps for it (issue 11; BaseEngine.tokens_read, sglang_swa.kernel_tokens)."""

from __future__ import annotations

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.plan import speed_inputs
from llmsize.specs.resolve import resolve

# gpt-oss-20b's config.json: 24 blocks alternating sliding_attention (sliding_window 128) and
# full_attention, 8 KV heads of head_dim 64; a BF16 / F16 cache holds K and V: 2 x 8 x 64 x 2 bytes.
GPT_OSS_TOKEN_BYTES = 2 * 8 * 64 * 2
# gemma-3-4b-it: 34 blocks, every 6th global (5), the other 29 a 1,024-token window; 4 KV heads of 256.
GEMMA3_TOKEN_BYTES = 2 * 4 * 256 * 2


def _curve(model: str, engine: str, context: int = 32768) -> dict[int, float]:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": engine, "context": context, "batch": 1})
    return dict(speed_inputs(spec, wl, estimate(spec, wl), engine=engine).kv_read_curve)


def test_sglang_reads_the_window_not_the_swa_pool_reserve() -> None:
    # gpt-oss has SGLang's SWA pool: a request keeps window + 128 (eviction interval) + 2 pages and the
    # prefill chunks in flight, but FlashInfer / Triton / FA3 index only the last 128 positions.
    curve = _curve("gpt-oss-20b", "sglang")
    full = 12 * GPT_OSS_TOKEN_BYTES
    sliding = 12 * GPT_OSS_TOKEN_BYTES * 128
    assert curve[32768] == full * 32768 + sliding
    assert curve[4096] == full * 4096 + sliding
    # past the window only the 12 full-attention blocks grow
    assert curve[32768] - curve[4096] == full * (32768 - 4096)


def test_sglang_reads_the_window_without_the_pool_too() -> None:
    # Gemma 3 is not in SGLang's hybrid-SWA list: its sliding blocks keep a cell per token in memory,
    # yet RadixAttention's sliding_window_size still bounds what the kernel reads.
    curve = _curve("gemma-3-4b-it", "sglang")
    assert curve[32768] == (5 * 32768 + 29 * 1024) * GEMMA3_TOKEN_BYTES


def test_vllm_reads_whole_blocks_of_the_window() -> None:
    # 128 is a whole number of vLLM's 16-token blocks, so the window is read exactly.
    curve = _curve("gpt-oss-20b", "vllm")
    assert curve[32768] == 12 * GPT_OSS_TOKEN_BYTES * (32768 + 128)


def test_llama_cpp_reads_every_cell_of_its_swa_cache() -> None:
    # ggml-cuda's flash attention runs over the whole cache view and masks what lies outside the
    # window (flash_attn_mask_to_KV_max only trims trailing tiles, and not for a one-token step): the
    # SWA cache is GGML_PAD(128 + n_ubatch 512, 256) = 768 cells, all read.
    curve = _curve("gpt-oss-20b", "llama.cpp")
    assert curve[32768] == 12 * GPT_OSS_TOKEN_BYTES * (32768 + 768)


def _prompt_flops(model: str, engine: str, prompt: int) -> float:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": engine, "context": prompt + 128, "prompt_tokens": prompt})
    return speed_inputs(spec, wl, estimate(spec, wl), engine=engine).attention_flops_prefill


# gpt-oss-20b: 64 query heads of 64 dims, so 2 x 64 x (64 + 64) FLOPs a scored query-key pair.
GPT_OSS_PAIR_FLOPS = 2 * 64 * (64 + 64)


def test_window_skipping_kernels_score_the_causal_band() -> None:
    # vLLM's FlashAttention skips tiles outside window_size: Σ_i min(i, window) pairs.
    full = 2048 * 2049 // 2
    band = 128 * 129 // 2 + (2048 - 128) * 128
    assert _prompt_flops("gpt-oss-20b", "vllm", 2048) == 12 * GPT_OSS_PAIR_FLOPS * (full + band)


def test_llama_cpp_prompt_scores_every_cell_of_each_ubatch_swa_view() -> None:
    # -ub 512 (default): 4 ubatches of 512 queries. Sliding blocks score their whole SWA view, at most
    # GGML_PAD(128 + 512, 256) = 768 cells, capped by a full block's causal count (the triangle the
    # fitted prompt shares assume): ubatch 1 scores 512 x 513 / 2 (its view, 512 cells, is no
    # smaller), ubatches 2-4 512 x 768 each.
    full = 2048 * 2049 // 2
    sliding = 512 * 513 // 2 + 3 * 512 * 768
    assert _prompt_flops("gpt-oss-20b", "llama.cpp", 2048) == 12 * GPT_OSS_PAIR_FLOPS * (full + sliding)
