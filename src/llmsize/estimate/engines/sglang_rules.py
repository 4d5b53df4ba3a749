"""SGLang 0.5.23's sizing rules, as pure functions the engine module (sglang.py) applies.

Read from the released wheel (`pip download sglang==0.5.23`, the newest on PyPI in December 2026):
- GPU-memory defaults, `sglang/srt/arg_groups/memory_hook.py` `handle_gpu_memory_settings` (what
  server_args.py `_handle_gpu_memory_settings` was before the arg_groups split): chunked_prefill_size
  and the decode CUDA-graph max_bs by the card's memory (nvidia-smi memory.total, MiB), then
  mem_fraction_static = round((gpu_mem - reserved) / gpu_mem, 3) with reserved = 512 + 1.5 x
  max(chunked_prefill_size, 2048) + tp x pp / 8 x 1024 + the graph reserve (`reserve_for_graph_mb`:
  2 per captured decode batch size, 8 per captured prefill token bucket, 1536 flat for MLA), at
  least 10,240 MiB on cards over 60 GiB.
- the hybrid state pool, `sglang/srt/mem_cache/kv_cache_configurator.py` `_handle_max_mamba_cache`
  and `resolve_max_num_reqs`, `sglang/srt/configs/mamba_utils.py` (`Mamba2StateShape.create`,
  `KimiLinearStateShape.create`, `mamba2_state_dtype`) and `sglang/srt/mem_cache/memory_pool.py`
  `MambaPool` (every buffer has max_mamba_cache_size + 1 slots: slot 0 pads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.mixer_tp import replicated_groups
from llmsize.units import GIB

if TYPE_CHECKING:
    from llmsize.specs.models import RecurrentSpec

SGLANG_VERSION_MODELLED = "0.5.23"

# REFERENCE: memory_hook.py handle_gpu_memory_settings: (below MiB, chunked_prefill_size, decode
# max_bs at TP < 4, at TP >= 4). T4/4080; A10/4090/5090; A100-40G/L40; H100/A100-80G; H20/H200; B200.
GPU_TIERS: tuple[tuple[float, int, int, int], ...] = (
    (20 * 1024, 2048, 8, 8),
    (35 * 1024, 4096, 48, 160),
    (60 * 1024, 4096, 32, 160),
    (90 * 1024, 8192, 256, 512),
    (160 * 1024, 8192, 256, 512),
    (float("inf"), 16384, 512, 512),
)
# REFERENCE: memory_hook.py, the branch for a device whose memory SGLang cannot read.
UNKNOWN_GPU_CHUNK, UNKNOWN_GPU_MAX_BS = 4096, 160
LARGE_GPU_MIB, LARGE_GPU_FLOOR_MIB = 60 * 1024, 10 * 1024
MLA_PREFILL_GRAPH_MIB = 1536  # REFERENCE: memory_hook.py reserve_for_graph_mb, MLA prefill graphs

# REFERENCE: schedule.py mamba_full_memory_ratio fallback 0.9; kv_cache_configurator.py
# MAMBA_CACHE_SIZE_MAX_RUNNING_REQUESTS_RATIO = 3; allocation_sizing.py get_mamba_tracking_slots: 2
# ping-pong slots with the extra_buffer strategy and the overlap scheduler.
MAMBA_FULL_MEMORY_RATIO = 0.9
# REFERENCE: schedule.py swa_full_tokens_ratio fallback 0.8; configs/model_config.py is_hybrid_swa_model
# (the architectures whose sliding layers get their own pool; Gemma 2/3/3n are turned off by
# arg_groups/model_overrides/gemma2_gemma3.py: "Disable hybrid SWA memory ... not yet supported").
SWA_FULL_TOKENS_RATIO = 0.8
HYBRID_SWA_ARCHITECTURES = frozenset(
    {
        "GptOssForCausalLM",
        "Llama4ForConditionalGeneration",
        "Gemma4ForCausalLM",
        "Gemma4ForConditionalGeneration",
        "MiMoV2ForCausalLM",
        "MiMoV2FlashForCausalLM",
        "Step3p5ForCausalLM",
        "GraniteSWAForCausalLM",
        "GraniteMoeSWAForCausalLM",
        "LagunaForCausalLM",
    }
)
BASE_SLOTS_PER_REQUEST, EXTRA_BUFFER_SLOTS = 3, 2
CONV_STATE_BYTES = 2  # REFERENCE: mamba_utils.py mamba2_state_dtype: SGLANG_MAMBA_CONV_DTYPE bfloat16
SSM_DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}


def gpu_tier(gpu_mib: float | None, tp: int) -> tuple[int, int]:
    """(chunked_prefill_size, decode CUDA-graph max_bs) SGLang picks for a card of `gpu_mib` MiB."""
    if gpu_mib is None:
        return UNKNOWN_GPU_CHUNK, UNKNOWN_GPU_MAX_BS
    _, chunk, small_tp, large_tp = next(t for t in GPU_TIERS if gpu_mib < t[0])
    return chunk, small_tp if tp < 4 else large_tp


# REFERENCE: memory_hook.py reserve_for_graph_mb: the extra DP-attention padding above this decode max_bs.
DP_PADDING_LARGE_BS = 300


# REFERENCE: cuda_graph_hook.py generate_prefill_cuda_graph_batch_sizes: (start, stop, step) of each run
# of token buckets; the last run goes on in steps of 512 up to the captured maximum.
PREFILL_BUCKET_RUNS = ((4, 33, 4), (48, 257, 16), (288, 513, 32), (576, 1025, 64), (1280, 4097, 256))
PREFILL_BUCKET_TAIL = (4608, 512)


def prefill_graph_buckets(max_tokens: int) -> int:
    """How many prefill token buckets the breakable CUDA graph captures up to `max_tokens`
    (cuda_graph_hook.py generate_prefill_cuda_graph_batch_sizes). Counted as range lengths, not listed:
    a --chunked-prefill-size of 2^40 listed two billion buckets (23 GB, issue 15 round 16)."""
    stop = max_tokens + 1
    runs = (*PREFILL_BUCKET_RUNS, (PREFILL_BUCKET_TAIL[0], stop, PREFILL_BUCKET_TAIL[1]))
    return sum(len(range(start, min(end, stop), step)) for start, end, step in runs)


def reserved_mib(chunk: int, tp: int, pp: int, decode_max_bs: int, mla: bool, dp_attention: int = 1) -> float:
    """Activations + CUDA graphs SGLang keeps outside mem_fraction_static, before the large-card floor.

    With DP attention `reserve_for_graph_mb` (0.5.x server_args.py `_handle_gpu_memory_settings` before the
    split) adds padding for the gathered decode batches: max_bs x dp_size x 3 MiB, and x 1.5 more above a
    max_bs of 300 ("DP attention needs more padding for some operations")."""
    graphs: float = decode_max_bs * 2 + (MLA_PREFILL_GRAPH_MIB if mla else prefill_graph_buckets(chunk) * 8)
    if dp_attention > 1:
        graphs += decode_max_bs * dp_attention * (3 + (1.5 if decode_max_bs > DP_PADDING_LARGE_BS else 0))
    return 512 + max(chunk, 2048) * 1.5 + tp * pp / 8 * 1024 + graphs


def mem_fraction_default(gpu_mib: float, reserved: float) -> float:
    """mem_fraction_static = round((gpu_mem - reserved) / gpu_mem, 3); at least 10 GiB kept out on
    cards of more than 60 GiB."""
    if gpu_mib > LARGE_GPU_MIB:
        reserved = max(reserved, LARGE_GPU_FLOOR_MIB)
    return round((gpu_mib - reserved) / gpu_mib, 3)


def _sharded_groups(groups: int, tp: int) -> int:
    """mamba_utils.py extra_groups_for_head_shards: groups TP does not divide are replicated up to the
    next multiple of TP."""
    return replicated_groups(groups, tp)


def layer_state_bytes(rec: RecurrentSpec, tp: int, ssm_bytes: int) -> tuple[int, int]:
    """(conv, ssm) bytes one request keeps in one state layer on one rank, as MambaPool allocates them:
    the conv window of kernel - 1 positions in bf16, the SSM / delta state in `ssm_bytes` per value."""
    window = max(0, rec.conv_kernel - 1)
    tp = max(tp, 1)
    if rec.kind == "gated_deltanet":  # Qwen3-Next / 3.5: Mamba2StateShape with groups = key heads
        groups = _sharded_groups(rec.num_key_heads, tp)
        channels = (rec.num_heads * rec.value_head_dim + 2 * groups * rec.key_head_dim) // tp
        ssm = rec.num_heads // tp * rec.value_head_dim * rec.key_head_dim
    elif rec.kind == "mamba2":
        groups = _sharded_groups(rec.n_groups, tp)
        channels = (rec.inner_size + 2 * groups * rec.state_size) // tp
        ssm = rec.num_heads // tp * rec.value_head_dim * rec.state_size
    elif rec.kind == "kimi_delta":  # KimiLinearStateShape: q, k and v sharded one by one
        proj = rec.num_heads * rec.value_head_dim
        proj_k = rec.num_heads * rec.key_head_dim
        channels = proj // tp + 2 * (proj_k // tp)
        ssm = rec.num_heads // tp * rec.key_head_dim * rec.value_head_dim
    elif rec.kind == "lightning":  # BailingMoeLinearConfig.mamba2_cache_params: heads x head_dim x head_dim
        channels = 0  # intermediate_size 0, n_groups 0, conv_kernel 1: no conv window
        ssm = rec.num_heads // tp * rec.key_head_dim * rec.value_head_dim
    elif rec.kind == "mamba":  # Mamba2StateShape.create_full_rank: head_dim 1, heads = d_inner
        channels = rec.inner_size // tp
        ssm = rec.inner_size // tp * rec.state_size
    else:  # short_conv (LFM2): the conv state alone
        channels = rec.inner_size // tp
        ssm = 0
    return channels * window * CONV_STATE_BYTES, ssm * ssm_bytes


def slots_per_request(kind: str, radix_cache: bool) -> int:
    """MambaPool slots one running request may hold: 1 without the radix cache; with it 3 (no_buffer),
    or 3 + 2 ping-pong slots where the architecture runs the extra_buffer strategy on CUDA
    (overrides.py _mamba_radix_cache_resolution: every hybrid family but LFM2's short convolutions)."""
    if not radix_cache:
        return 1
    return BASE_SLOTS_PER_REQUEST + (0 if kind == "short_conv" else EXTRA_BUFFER_SLOTS)


def auto_mamba_cache_size(rest_bytes: int, slot_bytes: int, ratio: float) -> int:
    """max_mamba_cache_size when neither it nor (without radix cache) max_running_requests is set:
    the state pool takes ratio / (1 + ratio) of what the static share leaves after the weights,
    less the padding slot."""
    budget = rest_bytes / GIB * ratio / (1 + ratio) * GIB
    return int((budget - slot_bytes) // slot_bytes)


def as_gb(nbytes: int) -> str:
    """SGLang's "GB" in its allocation lines: bytes / 2**30 with two decimals."""
    return f"{nbytes / GIB:.2f}"


# REFERENCE: memory_hook.py adjust_mem_fraction_for_vlm: the default static share of a vision-language
# model is scaled by 0.95 x clamp(1 - 0.1 x (ViT layers x hidden^2 / (24 x 1024^2) - 1), 0.8, 1.05)
# (ViT-L/14 is the baseline); SGLang reads vision_config.num_hidden_layers (24 when absent; Qwen-VL's
# `depth` through transformers' attribute_map) and hidden_size (1024 when absent).
VLM_BASE_FACTOR, VLM_SENSITIVITY = 0.95, 0.1
VLM_BASELINE_LAYERS, VLM_BASELINE_HIDDEN = 24, 1024
# REFERENCE: kv_cache_configurator.py mm_runtime_reservation_gb: SGLANG_VLM_CACHE_SIZE_MB (100) of the
# KV budget for a multimodal model's embedding cache (+1 GiB more with cuda_ipc feature transport).
VLM_CACHE_MIB = 100


def vlm_fraction_factor(vit_layers: int, vit_hidden: int) -> float:
    """The factor adjust_mem_fraction_for_vlm multiplies SGLang's default mem_fraction_static by."""
    ratio = vit_layers * vit_hidden**2 / (VLM_BASELINE_LAYERS * VLM_BASELINE_HIDDEN**2)
    dynamic = max(0.8, min(1.05, 1.0 - VLM_SENSITIVITY * (ratio - 1.0)))
    return VLM_BASE_FACTOR * dynamic


# REFERENCE: arg_groups/speculative_hook.py: `_handle_eagle_family` resets an unset max_running_requests to
# 48; `_auto_choose_speculative_params` gives (steps, topk, draft tokens) = (3, 1, 4), (5, 4, 8) for Llama.
SPEC_MAX_RUNNING_REQUESTS = 48
AUTO_DRAFT_TOKENS, LLAMA_DRAFT_TOKENS = 4, 8


def auto_spec_mamba_cache_size(rest_bytes: int, slot_bytes: int, share: float, draft: int, ratio: int) -> int:
    """max_mamba_cache_size with speculative decoding (kv_cache_configurator.py, the joint solve of slots
    and verify scratch): (budget - slot x (1 + D)) // (slot x (1 + D / slots per request))."""
    budget = rest_bytes / GIB * share / (1 + share) * GIB
    return int((budget - slot_bytes * (1 + draft)) // (slot_bytes * (1 + draft / max(ratio, 1))))
