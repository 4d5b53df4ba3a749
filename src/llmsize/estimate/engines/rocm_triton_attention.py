"""Decode attention through Triton kernels on AMD CDNA3 (gfx942: MI300X, MI325X): the KV cache streams at
the rate those kernels reach there, measured, not at the share fitted on NVIDIA rows.

Which runs use them (the engines' own selection, modelled for every run in rocm_decode_backend.py, which
vllm.py / sglang_speed.py speed_name and bench/speed_validation.py both call):
- vLLM V1 on ROCm: the ROCM_AITER_UNIFIED_ATTN and TRITON_ATTN backends call a Triton `unified_attention`
  kernel for decode (vllm/platforms/rocm.py _get_backend_priorities: ROCM_ATTN, then ROCM_AITER_FA when
  AITER's MHA is on, then ROCM_AITER_UNIFIED_ATTN, then TRITON_ATTN). ROCM_ATTN's decode is AMD's HIP
  paged-attention kernel only when use_rocm_custom_paged_attention holds (head 64/128, no sliding window,
  no sinks): gpt-oss (sinks, sliding layers) is not among them, and InferenceX's MI300X gpt-oss recipe
  names ROCM_AITER_UNIFIED_ATTN. Before 0.19 the ROCm default was TRITON_ATTN itself ('Before vLLM
  v0.19.0, the default attention backend is TRITON_ATTN for ROCm', vllm-project/vllm-omni PR #2340). The
  0.7-0.10 rows (Llama FP8, head 128, on MI300X) decoded through AMD's HIP paged attention (V0's ROCm
  backend and, until the split of vllm-project/vllm PR #24648, V1's Triton backend sent such decodes to
  chunked_prefill_paged_decode's custom kernel) and keep the NVIDIA-fitted share (profiles untouched).
- SGLang on ROCm: `--attention-backend triton` (srt/layers/attention/triton_backend.py, decode through
  triton_ops/decode_attention.py); its default on HIP is 'aiter' (server_args._get_default_attn_backend),
  except Gemma 4, for which SGLang picks 'triton' everywhere but SM100 (sgl-project/sglang PR #25006,
  merged 2026-05-11).

REFERENCE: ROCm/aiter PR #5664 (MI325X, gfx942, 304 CUs as the MI300X; 'roofs ... 6 TB/s'), AITER's
Triton unified_attention decode, head 512, GQA 32/4, fp8 KV, 8k context, before its gfx942 tuning:
'full512 decode b1/16/64 (8k) | 399/1482/1919 GB/s' (ROCm/aiter PR #5675 measures unmodified main
at 394/1479/1914). A kernel at a third of the HBM figure is bound by its CUs' loads in flight, not by
the memory, so the rate carries to the MI300X (same 304 CUs and clocks, AMD datasheets) as bytes/s,
not as a share of its 5.3 TB/s. SGLang's own Triton decode kernel (split-K stage 1 and 2) is a
different kernel on the same CUs; no gfx942 timing of it was found, so it takes the same rates.
"""

from __future__ import annotations

from llmsize.estimate.engines import sglang, vllm_speed
from llmsize.estimate.engines.speed_profile import EngineSpeedProfile

# (batch, bytes/s) of the measured kernel; between points log-linear in the batch, flat outside.
GFX942_TRITON_DECODE: tuple[tuple[int, float], ...] = ((1, 399e9), (16, 1482e9), (64, 1919e9))
RATES = {"amd-cdna3": GFX942_TRITON_DECODE}
SOURCES = ("https://github.com/ROCm/aiter/pull/5664", "https://github.com/sgl-project/sglang/pull/25006")

VLLM_PROFILES: dict[str, EngineSpeedProfile] = {"vllm-triton-attention": vllm_speed.SPEED.model_copy(update={
    "engine": "vllm-triton-attention", "decode_attention_rate": RATES,
    "version": f"{vllm_speed.SPEED.version}; Triton decode attention (ROCM_AITER_UNIFIED_ATTN, TRITON_ATTN)",
    "sources": (*vllm_speed.SPEED.sources, *SOURCES)}),
    # 0.8-0.13 (synchronous V1): the same kernel's rate where that era's decode ran Triton
    # (estimate/engines/rocm_decode_backend.py vllm_decode).
    "vllm-0.13-triton-attention": vllm_speed.SPEED_V1_SYNC.model_copy(update={
        "engine": "vllm-0.13-triton-attention", "decode_attention_rate": RATES,
        "version": f"{vllm_speed.SPEED_V1_SYNC.version}; Triton decode attention (TRITON_ATTN)",
        "sources": (*vllm_speed.SPEED_V1_SYNC.sources, *SOURCES)})}
SGLANG_PROFILES: dict[str, EngineSpeedProfile] = {"sglang-triton-attention": sglang.SPEED.model_copy(update={
    "engine": "sglang-triton-attention", "decode_attention_rate": RATES,
    "version": f"{sglang.SPEED.version}; --attention-backend triton",
    "sources": (*sglang.SPEED.sources, *SOURCES)})}
