"""Which decode-attention kernel vLLM and SGLang run on an AMD CDNA3 GPU (gfx942: MI300X, MI325X), as the
engines' own selectors decide it, so the speed model prices the KV read at that kernel's rate
(estimate/engines/rocm_triton_attention.py) for a user's run and a benchmark row alike.

vLLM (non-MLA layers; `named` is --attention-backend):
- before 0.8 (V0 engine): the ROCm backend decodes through AMD's HIP paged attention (the custom kernel
  or PagedAttention's HIP kernels): no Triton decode.
- 0.8-0.10 (V1): TRITON_ATTN by default, whose decode (chunked_prefill_paged_decode) takes AMD's custom
  HIP kernel when use_rocm_custom_paged_attention holds and its Triton kernel_paged_attention_2d
  otherwise. That era's rule (vllm/platforms/rocm.py use_rocm_custom_paged_attention): under V1 no
  sliding window, fp16/bf16, head 64 or 128, block 16/32, GQA ratio 1-16, max_seq_len <= 32,768.
- 0.11-0.18: vllm-project/vllm PR #24648 (merged 2025-09-22) split TRITON_ATTN into a Triton-only
  backend (unified_attention) and ROCM_ATTN; the default stayed TRITON_ATTN (PR #25507: 'The default is
  TritonAttentionBackend'; vllm-project/vllm-omni PR #2340: 'Before vLLM v0.19.0, the default attention
  backend is TRITON_ATTN for ROCm'): every decode runs the Triton kernel.
- 0.19+: vllm-project/vllm PR #36702 (merged 2026-03-28) reordered vllm/platforms/rocm.py
  _get_backend_priorities to ROCM_ATTN, ROCM_AITER_FA (only with AITER's MHA on), ROCM_AITER_UNIFIED_ATTN,
  TRITON_ATTN; the first whose validate_configuration passes is taken. ROCM_ATTN (v1/attention/backends/
  rocm_attn.py RocmAttentionBackend) takes head sizes 32-256 (get_supported_head_sizes) and no sinks
  (supports_sink False, 'Callink this backend with sinks will cause it to fall back to the Triton
  kernel'); its decode is the HIP kernel when use_rocm_custom_paged_attention holds (0.19: no sliding
  window, fp16/bf16, head 64/128, block 16/32, GQA 1-16, max_seq_len <= 128 x 1024, no sinks), else its
  Triton paged_attention_2d. Sinks (gpt-oss) or a head size outside the list (Gemma 4's 512-wide global
  heads) fall through to ROCM_AITER_UNIFIED_ATTN / TRITON_ATTN, both Triton unified_attention.
- Full CUDA graphs (0.11+): vLLM 0.11.0 made FULL_AND_PIECEWISE the default cudagraph_mode
  (vllm/config/__init__.py VllmConfig.__post_init__; 0.10.2 kept PIECEWISE, attention outside the graphs), so
  a decode-only step replays a full graph, and ROCM_ATTN supports it (rocm_attn.py _cudagraph_support
  ALWAYS). The graph is captured with max_seq_len = max_model_len (v1/worker/gpu_model_runner.py
  _build_attention_metadata: 'if for_cudagraph_capture: max_seq_len = self.max_model_len', read in 0.17.0
  and 0.20.0), and chunked_prefill_paged_decode evaluates use_rocm_custom_paged_attention in Python at
  capture: a server whose max_model_len exceeds 128 x 1024 (vLLM's default is the config's derived length,
  serving_context.vllm_derived_max_len: Ministral 3's 262,144) bakes the Triton kernel_paged_attention_2d
  into every decode graph, whatever the requests' lengths. Mixed prefill/decode steps run piecewise and see
  the batch's own max_seq_len; they are not told apart here.
- --attention-backend: ROCM_AITER_UNIFIED_ATTN and TRITON_ATTN decode in Triton; ROCM_ATTN as above;
  ROCM_AITER_FA through AITER's CK/assembly kernels (not Triton).
- MLA layers (TRITON_MLA / ROCM_AITER_MLA) and DeepSeek V4's sparse attention (use_sparse:
  ROCM_AITER_MLA_SPARSE) are left to the fitted share: no gfx942 rate of them was found.

SGLang (python/sglang/srt/server_args.py _get_default_attn_backend): on HIP the default is 'aiter'
(AITER's paged-attention kernels, not Triton), except Gemma 4, for which SGLang picks 'triton' on every GPU
but SM100 (sgl-project/sglang PR #25006, merged 2026-05-11); `--attention-backend triton` decodes through
srt/layers/attention/triton_ops/decode_attention.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.specs.models import ModelSpec

# GPU architectures whose Triton decode rate is measured (rocm_triton_attention.RATES: 'amd-cdna3').
TRITON_RATE_ARCHITECTURES = frozenset({"cdna3"})
V1_FROM, SPLIT_FROM, ROCM_ATTN_FIRST_FROM = (0, 8), (0, 11), (0, 19)
ROCM_ATTN_HEAD_SIZES = frozenset({32, 64, 80, 96, 128, 160, 192, 224, 256})  # rocm_attn.py, 0.19
CUSTOM_PAGED_HEAD_SIZES = frozenset({64, 128})  # use_rocm_custom_paged_attention
CUSTOM_PAGED_MAX_GQA = 16
CUSTOM_PAGED_MAX_SEQ_V1_EARLY = 32_768  # 0.8-0.10: 'max_seq_len <= 32768'
CUSTOM_PAGED_MAX_SEQ = 128 * 1024  # 0.19: 'max_seq_len <= 128 * 1024'
FULL_GRAPH_FROM = (0, 11)  # FULL_AND_PIECEWISE by default: decode graphs captured at max_model_len
VLLM_TRITON_BACKENDS = frozenset({"ROCM_AITER_UNIFIED_ATTN", "TRITON_ATTN"})
GEMMA4_ARCHITECTURES = frozenset({"Gemma4ForConditionalGeneration", "Gemma4ForCausalLM"})


@dataclass(frozen=True)
class DecodeAttention:
    """The backend a run's decode attention takes, whether its kernel is Triton, and why."""

    backend: str
    triton: bool
    why: str

    def label(self) -> str:
        kernel = "Triton decode kernel" if self.triton else "HIP / AITER decode kernel"
        rate = ("KV read at the measured gfx942 Triton rate (ROCm/aiter PR #5664)" if self.triton
                else "KV read at the fitted share")
        return f"decode attention {self.backend}, {kernel} ({self.why}); {rate}"


def _custom_paged(spec: ModelSpec, context: int, max_seq: int) -> str | None:
    """Why use_rocm_custom_paged_attention refuses this model (None: AMD's HIP kernel runs the decode)."""
    heads = {spec.head_dim, spec.global_head_dim or spec.head_dim}
    if spec.attention_sinks:
        return "attention sinks"
    if spec.sliding_window and spec.layer_types and "sliding_attention" in spec.layer_types:
        return "sliding-window layers"
    if spec.sliding_window and not spec.layer_types:
        return "sliding window"
    if not heads <= CUSTOM_PAGED_HEAD_SIZES:
        return f"head size {max(heads)}, not 64/128"
    if spec.num_attention_heads // spec.num_kv_heads > CUSTOM_PAGED_MAX_GQA:
        return f"GQA ratio {spec.num_attention_heads // spec.num_kv_heads} > 16"
    if context > max_seq:
        return f"context {context:,} > {max_seq:,}"
    return None


def vllm_decode(spec: ModelSpec, gpu_architecture: str | None, release: tuple[int, int] | None,
                named: str | None, context: int, max_model_len: int | None = None) -> DecodeAttention | None:
    """vLLM's decode-attention backend on a CDNA3 GPU (None: another GPU, or MLA; the fitted share holds).
    `release` None is the release modelled (0.19); `context` the request's tokens; `max_model_len` the
    server's, which a graph-captured decode sees from 0.11 on (None: the request's; callers pass None with
    --enforce-eager)."""
    if gpu_architecture not in TRITON_RATE_ARCHITECTURES or spec.is_mla or spec.compressed is not None:
        return None
    rel = release or ROCM_ATTN_FIRST_FROM
    if rel < V1_FROM:
        return DecodeAttention("V0 ROCm backend", False,
                               "vLLM before 0.8 decodes through HIP paged attention")
    backend = (named or "").upper()
    if backend == "AUTO":  # vllm/config/attention.py validate_backend_before: 'auto' is the default pick
        backend = ""
    if backend in VLLM_TRITON_BACKENDS:
        return DecodeAttention(backend, True, "--attention-backend")
    if backend == "ROCM_AITER_FA":
        return DecodeAttention(backend, False, "--attention-backend: AITER's CK flash attention")
    if backend and backend != "ROCM_ATTN":
        return None  # not one of the ROCm backends modelled: no claim, the fitted share
    if rel < SPLIT_FROM and not backend:
        refused = _custom_paged(spec, context, CUSTOM_PAGED_MAX_SEQ_V1_EARLY)
        if refused is None:
            return DecodeAttention("TRITON_ATTN", False, "vLLM 0.8-0.10 on ROCm sends head 64/128 decodes "
                                   "to AMD's custom paged attention")
        return DecodeAttention("TRITON_ATTN", True, f"vLLM 0.8-0.10 default; {refused}")
    if rel < ROCM_ATTN_FIRST_FROM and not backend:
        return DecodeAttention("TRITON_ATTN", True, "vLLM's ROCm default before 0.19")
    if not backend:
        if spec.attention_sinks:
            return DecodeAttention("ROCM_AITER_UNIFIED_ATTN", True, "ROCM_ATTN takes no attention sinks")
        heads = {spec.head_dim, spec.global_head_dim or spec.head_dim}
        if not heads <= ROCM_ATTN_HEAD_SIZES:
            return DecodeAttention("ROCM_AITER_UNIFIED_ATTN", True,
                                   f"ROCM_ATTN takes no head size {max(heads)}")
    seen = max(context, max_model_len or 0) if rel >= FULL_GRAPH_FROM else context
    refused = _custom_paged(spec, context, CUSTOM_PAGED_MAX_SEQ)
    if refused is None and seen > CUSTOM_PAGED_MAX_SEQ:
        refused = f"decode graphs captured at max_model_len {seen:,} > {CUSTOM_PAGED_MAX_SEQ:,}"
    if refused is None:
        return DecodeAttention("ROCM_ATTN", False, "AMD's custom paged attention: head 64/128, no sliding "
                               "window, no sinks")
    return DecodeAttention("ROCM_ATTN", True, f"its Triton paged_attention_2d fallback: {refused}")


def sglang_decode(spec: ModelSpec, gpu_architecture: str | None,
                  named: str | None) -> DecodeAttention | None:
    """SGLang's decode-attention backend on a CDNA3 GPU (None: another GPU, or MLA)."""
    if gpu_architecture not in TRITON_RATE_ARCHITECTURES or spec.is_mla or spec.compressed is not None:
        return None
    backend = (named or "").lower()
    if backend in ("triton", "aiter"):
        return DecodeAttention(backend, backend == "triton", "--attention-backend")
    if backend:
        return None  # another backend: no claim, the fitted share
    if spec.architecture in GEMMA4_ARCHITECTURES:
        return DecodeAttention("triton", True, "SGLang's default for Gemma 4 off SM100, sgl-project/sglang "
                               "PR #25006")
    return DecodeAttention("aiter", False, "SGLang's default on ROCm")


# The speed profile of each release with its decode KV priced at the Triton rate (rocm_triton_attention.py).
TRITON_PROFILES = {"vllm": "vllm-triton-attention", "vllm-0.13": "vllm-0.13-triton-attention",
                   "sglang": "sglang-triton-attention"}


def speed_profile(base: str, choice: DecodeAttention | None) -> str:
    """`base` (the release's profile), or its Triton-attention twin when the decode runs a Triton kernel."""
    if choice is None or not choice.triton:
        return base
    return TRITON_PROFILES.get(base, base)
