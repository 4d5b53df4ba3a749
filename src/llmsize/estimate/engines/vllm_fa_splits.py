"""FlashAttention-3's split-KV accumulators in vLLM's CUDA-graph pool (Hopper, FULL decode graphs).

With FULL CUDA graphs vLLM caps FlashAttention-3's split count instead of letting its heuristic pick
one per step, "so that large enough intermediate buffers are pre-allocated during capture"
(vllm/v1/attention/backends/flash_attn.py FlashAttentionMetadataBuilder.__init__: max_num_splits =
attention_config.flash_attn_max_num_splits_for_cuda_graph, 32 by default, set only when
aot_schedule, i.e. FlashAttention version 3; build() passes it for every batch up to
max_cudagraph_capture_size; mla/flashattn_mla.py FlashAttnMLAMetadataBuilder does the same). The
kernel then allocates, inside the capture, an fp32 partial output and LSE for every split
(vllm-project/flash-attention hopper/flash_api.cpp mha_fwd: out_accum {num_splits, num_heads, total_q,
head_size_v} and softmax_lse_accum {num_splits, num_heads, total_q}, both float), one layer's worth
since each layer's are freed before the next. mha_fwd turns splitting off above 992 requests
("disable split for varlen and >992 batches": PREPARE_VARLEN_MAX_BATCHES_1CTA), so the accumulators
first appear at the largest FULL capture of at most 992 requests, and the smaller captures after it
reuse them: for gpt-oss, whose captures go to 1,024, the one of 992 tokens, after the two sizes vLLM
profiles (its "FULL ... 8.00 MiB first-capture" sees none).

vLLM's own per-mode estimate (gpu_model_runner.profile_cudagraph_memory, "Estimated FULL CUDA graph
memory: X MiB first-capture", llm-d-planner PR #205 logs, 0.19.0 on H100) shows the term: Llama-3.1-8B
260 MiB (32 x 32 heads x 512 x 129 x 4 B = 258 MiB), Qwen2.5-7B 228 (28 heads: 226), Gemma-2-2B 134
(8 x 256: 129), Phi-2 166 (32 x 80: 162), DeepSeek-V2-Lite on FLASH_ATTN_MLA 522 (16 heads x 513:
513), Llama-3.1-8B at TP 2 / 4 132 / 70; and none where another kernel decodes: 4-8 MiB for Gemma 3
(TRITON_ATTN, its multimodal prefix attention), Llama-3.1-8B in fp32 (TRITON_ATTN) and gpt-oss-20b
(1,024 > 992). This replaces the fp32 lm_head-shard logits the pool was priced with before: those
are computed outside the captured forward (_dummy_run returns hidden states; the sampler warm-up
runs after capture_model), and for Llama the two happen to be within 3% of each other.
"""

from __future__ import annotations

from llmsize.specs.models import ModelSpec

# REFERENCE: vllm/config/attention.py AttentionConfig.flash_attn_max_num_splits_for_cuda_graph = 32.
MAX_SPLITS = 32
# REFERENCE: vllm-project/flash-attention hopper/flash_api.cpp mha_fwd: splitting is disabled for
# varlen batches of more than PREPARE_VARLEN_MAX_BATCHES_1CTA (992) sequences.
MAX_SPLIT_BATCH = 992
ACCUM_BYTES = 4  # float32 partial outputs and LSEs
# REFERENCE: vllm/transformers_utils/model_arch_config_convertor.py is_mm_prefix_lm: these decoders
# attend bidirectionally over image tokens, which FLASH_ATTN does not support (backend.py
# validate_configuration: use_mm_prefix and not supports_mm_prefix), so vLLM picks TRITON_ATTN.
MM_PREFIX_LM_MODEL_TYPES = frozenset({"bagel", "gemma3", "molmo2", "paligemma", "umm"})
# REFERENCE: vllm/v1/attention/backends/flash_attn.py FlashAttentionBackend.supports_head_size:
# head sizes that are multiples of 8 up to 256 (FlashAttention-3).
FA3_MAX_HEAD = 256
FA_BACKENDS = frozenset({"FLASH_ATTN", "FLASH_ATTN_MLA"})


def _flash_attention_decodes(spec: ModelSpec, architecture: str | None, backend: str | None,
                             compute_bytes: int) -> bool:
    """Whether vLLM decodes with FlashAttention-3 (FLASH_ATTN or FLASH_ATTN_MLA) on this GPU.

    Hopper only: aot_schedule is FlashAttention version 3, which vLLM runs on compute capability 9.0;
    Blackwell's first pick is FLASHINFER (platforms/cuda.py _get_backend_priorities). A sparse-MLA model
    (indexer) decodes with FLASHMLA_SPARSE; FlashAttention takes no fp32 (the Llama-3.1-8B fp32 log shows
    TRITON_ATTN) and no head size above 256.
    """
    if architecture != "hopper":
        return False
    if backend is not None and backend.upper() not in FA_BACKENDS | {"AUTO"}:
        return False
    if compute_bytes > 2:
        return False
    if spec.is_mla:
        return spec.indexer is None
    heads = max(spec.head_dim, spec.global_head_dim or 0)
    return spec.model_type not in MM_PREFIX_LM_MODEL_TYPES and heads <= FA3_MAX_HEAD and heads % 8 == 0


def split_accumulator_bytes(spec: ModelSpec, tp: int, full_sizes: list[int], query: int,
                            architecture: str | None, backend: str | None, compute_bytes: int) -> int:
    """One layer's out_accum + softmax_lse_accum at the largest FULL decode capture (of `full_sizes`,
    tokens a capture) that still splits, i.e. of at most 992 requests (0 when none does)."""
    split = [s for s in full_sizes if s > 0 and s // max(1, query) <= MAX_SPLIT_BATCH]
    if not split or not _flash_attention_decodes(spec, architecture, backend, compute_bytes):
        return 0
    full_tokens = max(split)
    heads = -(-spec.num_attention_heads // tp)
    value = spec.kv_lora_rank if spec.is_mla else spec.value_head_dim
    return MAX_SPLITS * heads * full_tokens * (value + 1) * ACCUM_BYTES
