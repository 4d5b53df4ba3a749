"""Latency of one decode-sized tensor-parallel all-reduce, as the engine's own kernel measures it.

vLLM and SGLang all-reduce a decode step's activations (a few KB to a few hundred KB) with a
one-shot custom kernel: every GPU reads its peers' buffers over NVLink and sums them, one kernel
and one flag barrier per call, captured in the step's CUDA graph (REFERENCE: vllm/distributed/
device_communicators/custom_all_reduce.py `CustomAllreduce`: world sizes 2, 4, 6, 8, fully
NVLink-connected GPUs (or two PCIe peers), messages up to 8 MiB; SGLang's
python/sglang/srt/distributed/device_communicators/custom_all_reduce.py is the same kernel family).

REFERENCE: SGLang PR #2904 (sgl-project/sglang, Jan 2025) times that kernel on H100 SXM for a
32 KB message: 4.5, 4.8 and 7.8 us at TP 2, 4 and 8 (512 B: 3.7, 4.8, 5.9 us); vLLM PR #24111
(Sept 2025) times the one-shot kernel at 7, 10 and 13 us for 0.5 MB at TP 2, 4 and 6 on H100,
which the size term of hardware/forward_costs._allreduce_seconds covers. The speed model's former
single latency (speed_profiles.ALLREDUCE_LATENCY_S, 15 us) was fitted on vLLM 0.6.3 (A100) and
SGLang 0.4.6 (H20) rows, where it also carries those releases' other per-step tensor-parallel
costs (vLLM's V0 driver worker broadcast each step's inputs to the other ranks:
vllm/worker/worker_base.py `_get_driver_input_and_broadcast`); profiles of those releases keep it.
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec

# One-shot custom all-reduce, H100 SXM, 32 KB message (SGLang PR #2904), seconds by TP size.
CUSTOM_ALLREDUCE_LATENCY_S: dict[int, float] = {2: 4.5e-6, 4: 4.8e-6, 8: 7.8e-6}
# REFERENCE: custom_all_reduce.py `CustomAllreduce._SUPPORTED_WORLD_SIZES`.
CUSTOM_ALLREDUCE_WORLD_SIZES = frozenset({2, 4, 6, 8})


def nvlink_peers(gpu: GpuSpec) -> bool:
    """NVIDIA GPUs joined by NVLink (switch or bridge): the custom kernel's peer reads run over it."""
    link = gpu.interconnect
    return (
        gpu.vendor == "nvidia" and link is not None and link.name.startswith("NVLink") and not link.peer_links
    )


def custom_allreduce_latency_s(tp: int) -> float:
    """Measured one-shot latency at `tp` GPUs; TP 6 between its neighbours' (linear in the GPU count)."""
    if tp in CUSTOM_ALLREDUCE_LATENCY_S:
        return CUSTOM_ALLREDUCE_LATENCY_S[tp]
    lo = max(k for k in CUSTOM_ALLREDUCE_LATENCY_S if k < tp)
    hi = min(k for k in CUSTOM_ALLREDUCE_LATENCY_S if k > tp)
    low, high = CUSTOM_ALLREDUCE_LATENCY_S[lo], CUSTOM_ALLREDUCE_LATENCY_S[hi]
    return low + (high - low) * (tp - lo) / (hi - lo)


def allreduce_latency_s(measured_kernel: bool, gpu: GpuSpec, tp: int, default_s: float) -> float:
    """Seconds per decode all-reduce call: the custom kernel's measured latency where the engine release
    runs it on NVLink peers at a supported world size, else `default_s` (the fitted figure)."""
    if measured_kernel and tp in CUSTOM_ALLREDUCE_WORLD_SIZES and nvlink_peers(gpu):
        return custom_allreduce_latency_s(tp)
    return default_s
