"""What a decode step's CPU splits cost: ops the GPU backend refuses run on the host between graph splits.

The engine says what its refused ops move (EngineProtocol.decode_host_splits: host round trips, bytes over
the host link, bytes the CPU reads and writes; llama.cpp's SYCL SSM_SCAN before PR #22149 is the case priced,
estimate/engines/llama_cpp_sycl_ssm_host.py). Each part is serial with the GPU's work: the scheduler waits
for the device before a CPU split and the device waits for the CPU after it (ggml/src/ggml-backend.cpp
`ggml_backend_sched_compute_splits`). Priced here with the rates the speed model already holds:
- a round trip at the published pinned D2H + synchronize figure (llama_cpp_mmid_host.ROUND_TRIP_SECONDS);
- the link at one direction of the card's PCIe (`pcie_gb_s` is both directions) at PCIE_FRACTION, the
  rate offloaded prompt weights get (speed._host_rates); no copy crosses a unified memory's link;
- host memory at the default dual-channel DDR5 at HOST_BANDWIDTH_FRACTION, or the run's own host rate.
"""

from __future__ import annotations

from llmsize.estimate.engines.llama_cpp_mmid_host import ROUND_TRIP_SECONDS
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.speed_profiles import (
    DEFAULT_HOST_BANDWIDTH_GB_S,
    DEFAULT_PCIE_ONE_WAY_GB_S,
    HOST_BANDWIDTH_FRACTION,
    PCIE_FRACTION,
)


def link_bytes_per_s(gpu: GpuSpec) -> float:
    """What one direction of the card's host link carries (0: unified memory, no copy crosses a link)."""
    if gpu.memory.unified:
        return 0.0
    one_way = gpu.pcie_gb_s / 2 if gpu.pcie_gb_s else DEFAULT_PCIE_ONE_WAY_GB_S
    return one_way * 1e9 * PCIE_FRACTION


def _parts(splits: tuple[int, int, int], gpu: GpuSpec, host_bytes_per_s: float) -> tuple[float, float, float]:
    round_trips, link_bytes, host_bytes = splits
    link = link_bytes_per_s(gpu)
    link_s = link_bytes / link if link else 0.0
    host_rate = host_bytes_per_s or DEFAULT_HOST_BANDWIDTH_GB_S * 1e9 * HOST_BANDWIDTH_FRACTION
    return round_trips * ROUND_TRIP_SECONDS, link_s, host_bytes / host_rate


def decode_seconds(splits: tuple[int, int, int], gpu: GpuSpec, host_bytes_per_s: float = 0.0) -> float:
    """Seconds a decode step spends in its CPU splits (0 when it has none); `host_bytes_per_s`: the run's
    achieved host-memory rate where it has one."""
    if not any(splits):
        return 0.0
    return sum(_parts(splits, gpu, host_bytes_per_s))


def note(splits: tuple[int, int, int], gpu: GpuSpec, host_bytes_per_s: float = 0.0) -> str:
    """One line saying what the CPU splits add to a token."""
    sync_s, link_s, host_s = _parts(splits, gpu, host_bytes_per_s)
    return (f"decode: {splits[0]} host round trips a token (the graph splits at expert layers kept in CPU "
            f"RAM, or at ops the GPU backend refuses) add {(sync_s + link_s + host_s) * 1e3:.2f} ms: "
            f"{sync_s * 1e3:.2f} ms of syncs, {link_s * 1e3:.2f} ms over PCIe, {host_s * 1e3:.2f} ms in host "
            "memory (estimate/engines/llama_cpp_cpu_moe_splits.py, llama_cpp_sycl_ssm_host.py)")
