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

PCIe-only NVIDIA cards (no NVLink switch; an NVLink bridge joins two cards at most and is a card option,
so taken as absent, as in estimate/engines/nccl.py link_class): CustomAllreduce.__init__ asks NVML
whether every pair of the group is NVLink-connected (`current_platform.is_fully_connected`) and, where
not, refuses more than two GPUs ("Custom allreduce is disabled because it's not supported on more than
two PCIe-only GPUs"; should_custom_ar repeats it: 'for 4 or more non NVLink-capable GPUs, custom
allreduce provides little performance improvement over NCCL'), so from TP 3 every all-reduce goes to
pynccl (vllm/distributed/device_communicators/cuda_communicator.py CudaCommunicator.all_reduce: custom,
then symmetric memory, then PyNcclCommunicator.all_reduce; read in vLLM 0.23.0 and 0.25.0; SGLang's
copy of the class has the same check). A decode-sized NCCL all-reduce is latency-bound: NCCL's ring
with the LL protocol pays a base latency and one hop per step, 2 (n - 1) steps for an all-reduce and
n - 1 for an all-gather or a reduce-scatter (NVIDIA/nccl src/graph/tuning.cc ncclTopoTuneModel: Ring
LL baseLat 6.6 us; `nsteps`). NCCL's own hwLat for a PCIe hop (1.0 us) is a tuning guess below what
consumer PCIe rigs measure, so the hop is taken from a published measurement instead (PCIE_HOP_S).
Two PCIe GPUs keep the fitted default: the custom kernel still runs there when P2P works, and NCCL's
two-rank ring (6.6 + 2 x 3.4 = 13.4 us) is within the default's 15 us where it does not.
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec
from llmsize.units import GB

# One-shot custom all-reduce, H100 SXM, 32 KB message (SGLang PR #2904), seconds by TP size.
CUSTOM_ALLREDUCE_LATENCY_S: dict[int, float] = {2: 4.5e-6, 4: 4.8e-6, 8: 7.8e-6}
# REFERENCE: custom_all_reduce.py `CustomAllreduce._SUPPORTED_WORLD_SIZES`.
CUSTOM_ALLREDUCE_WORLD_SIZES = frozenset({2, 4, 6, 8})
# REFERENCE: NVIDIA/nccl src/graph/tuning.cc `baseLat` (Ring, LL protocol): NCCL's fixed cost of a ring call.
NCCL_RING_LL_BASE_S = 6.6e-6
# REFERENCE: one PCIe hop of NCCL's LL ring, from a published all_reduce_perf on 8 x RTX 3090 over PCIe
# (https://github.com/NVIDIA/nccl/issues/1439: 54.18 us at 8 B): (54.18 - 6.6) / 14 ring steps = 3.4 us.
# A PCIe Gen5 rig behind switches measures less (~24 us at 8 GPUs for 256 B-64 KB, 1.2 us a hop:
# https://github.com/voipmonitor/rtx6kpro hardware/pcie-bandwidth.md); the catalog has no platform facts.
PCIE_HOP_S = (54.18e-6 - NCCL_RING_LL_BASE_S) / 14


def nvlink_peers(gpu: GpuSpec) -> bool:
    """NVIDIA GPUs joined by an NVLink switch: the custom kernel's peer reads run over it (an NVLink
    bridge pairs two cards, not a group, and is a card option: taken as absent)."""
    link = gpu.interconnect
    return (
        gpu.vendor == "nvidia" and link is not None and link.name.startswith("NVLink")
        and "bridge" not in link.name and not link.peer_links
    )


def pcie_only(gpu: GpuSpec) -> bool:
    """NVIDIA GPUs that reach each other over PCIe alone (no interconnect, or an NVLink bridge)."""
    link = gpu.interconnect
    return gpu.vendor == "nvidia" and (link is None or "bridge" in link.name)


def collective_link_bytes_per_s(gpu: GpuSpec) -> float | None:
    """Bidirectional bytes/s a tensor-parallel collective moves between the GPUs: PCIe's where the
    cards have no switch (a bridge joins only two of them), else the interconnect's."""
    link = gpu.interconnect
    if link is not None and "bridge" in link.name and gpu.pcie_gb_s:
        return gpu.pcie_gb_s * GB
    return gpu.interconnect_bytes_per_s


def nccl_ring_latency_s(steps: int) -> float:
    """Seconds of one latency-bound NCCL LL ring call of `steps` PCIe hops (tuning.cc: base + nsteps hops)."""
    return NCCL_RING_LL_BASE_S + steps * PCIE_HOP_S


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
    runs it on NVLink peers at a supported world size, NCCL's PCIe ring where the release refuses the
    custom kernel (more than two PCIe-only GPUs), else `default_s` (the fitted figure)."""
    if measured_kernel and tp in CUSTOM_ALLREDUCE_WORLD_SIZES and nvlink_peers(gpu):
        return custom_allreduce_latency_s(tp)
    if measured_kernel and tp > 2 and pcie_only(gpu):
        return nccl_ring_latency_s(2 * (tp - 1))
    return default_s


def gather_latency_s(measured_kernel: bool, gpu: GpuSpec, ranks: int, allreduce_s: float) -> float:
    """Seconds per MoE all-gather or reduce-scatter across `ranks` (vLLM's AgRsAll2AllManager dispatch /
    combine: pynccl all_gatherv / reduce_scatterv, never the custom kernel): NCCL's PCIe ring of
    ranks - 1 hops on PCIe-only GPUs, else the all-reduce latency the profile uses."""
    if measured_kernel and ranks > 1 and pcie_only(gpu):
        return nccl_ring_latency_s(ranks - 1)
    return allreduce_s
