"""Routed experts in a fused-MoE decode step: how fast their weights stream, and untuned tiles.

vLLM and SGLang run a decode step's routed experts as one Triton kernel per projection
(vllm/model_executor/layers/fused_moe/fused_moe.py `fused_moe_kernel`, launched by
`fused_experts_impl`; SGLang's layers/moe/fused_moe_triton is the same kernel): every expert that
some token of the batch picked gets its own column of CTAs, so the grid streams all of them at
once. A batch-1 dense GEMV of one matrix keeps fewer bytes in flight, which is what the 16-bit
bandwidth share in speed_profiles.KERNEL_BANDWIDTH describes; the fused-MoE grid reaches more.

REFERENCE: vLLM's kernel benchmark (benchmarks/kernels/benchmark_moe.py, whole fused_moe call timed
under a CUDA graph, uniform random routing) grows linearly with the distinct experts a batch picks
(E·(1 - (1 - k/E)^B)), at a slope that is ~0.89 of the datasheet bandwidth in three independent runs:
  * A100-PCIe-40GB, E=128 N=768 bf16 (Qwen3-30B-A3B), batch 1-96, default tiles: slope = 0.892
    (vllm-project/vllm PR #19049, 2025-06);
  * A100 80GB PCIe, E=256 N=512 bf16 (Qwen3.5-122B-A10B at TP 2), tuned tiles, batch 1-16: 0.882
    (vllm-project/vllm PR #55511, 2026-09, vLLM v0.28.0);
  * H100 SXM, E=8 N=7168 bf16 (Mixtral-8x7B at TP 2), tuned tiles, batch 1-64: 0.94 (all 8 experts
    at 2.9-3.0 TB/s from batch 16; vllm-project/vllm PR #24700, 2025-09).
With the engine's own per-kernel latency for the call's kernels, that slope reproduces the tuned
batch-1 calls within 8% (67.5 us measured vs 62 modelled on the A100 80GB; 144 vs 137 us on H100).
FP8 W8A8 experts do not reach it (Qwen3-30B-A3B FP8 on H100, same PR #24700: ~0.67 with all 128
experts), so only 16-bit experts on HBM, the measured case, use it.

REFERENCE: when vLLM finds no tuned file for (E, N, device name, dtype) in fused_moe/configs/ it logs
"Using default MoE config" and runs `get_default_config`'s tiles (BLOCK_SIZE_M 16, N 32, K 64 for
M <= E, without num_warps / num_stages before mid-2025). PR #19049's default-tile timings sit a near
constant 36 us (24-54 us over batch 1-96) above the slope above plus the call's kernel latency,
whatever the batch: an extra time per routed-FFN call, kept as the profile 'vllm-moe-untuned' for runs
on those tiles (estimate/engines/vllm_speed.py UNTUNED_MOE_CALL_S).
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.speed_profiles import device_class

# Share of datasheet bandwidth at which a fused-MoE grid streams its experts' 16-bit weights (see above).
FUSED_MOE_STREAM_FRACTION = 0.89


def fused_moe_stream_fraction(kernel: str, gpu: GpuSpec) -> float:
    """Achieved / datasheet bandwidth of a fused-MoE grid's expert weights; 0 where not measured."""
    if kernel == "16bit" and device_class(gpu) == "hbm":
        return FUSED_MOE_STREAM_FRACTION
    return 0.0


def routed_read_bytes(routed_weight_bytes: int, pick_share: float, batch: int) -> float:
    """Routed-expert bytes one decode step reads: the experts the batch's tokens pick (uniform routing).

    A layer's expert is untouched by `batch` tokens each picking k of E with probability
    (1 - k/E)^batch, the rule hardware/read_share.read_fraction applies to the whole step's bytes.
    """
    if routed_weight_bytes <= 0 or pick_share <= 0:
        return 0.0
    return routed_weight_bytes * (1 - (1 - min(1.0, pick_share)) ** max(1, batch))


def weight_read_seconds(
    active_bytes: int, routed_bytes: float, bandwidth: float, dense_fraction: float, moe_fraction: float
) -> float:
    """Seconds to stream one step's weights: routed experts at the fused-MoE share, the rest as before."""
    if moe_fraction <= 0 or routed_bytes <= 0:
        return active_bytes / (bandwidth * dense_fraction)
    routed = min(float(active_bytes), routed_bytes)
    return (active_bytes - routed) / (bandwidth * dense_fraction) + routed / (bandwidth * moe_fraction)


def moe_call_floor_seconds(routed_s: float, moe_layers: int, floor_s: float) -> float:
    """Seconds a decode step adds where each routed-FFN call is held to the kernel's floor: a call takes
    the larger of the floor and its experts' stream (`routed_s` over the step's `moe_layers` calls).

    REFERENCE: AITER's block-FP8 fused MoE on gfx942, 67.4 us at 1 token where its experts stream in ~11
    us, 124 us at 16 tokens at the stream rate (estimate/engines/rocm_aiter_moe.py).
    """
    if floor_s <= 0 or moe_layers <= 0:
        return 0.0
    return moe_layers * max(0.0, floor_s - routed_s / moe_layers)
