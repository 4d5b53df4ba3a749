"""Layers kept in host RAM (llama.cpp / Ollama offload): the rates they run at and their decode time.

The achieved host-RAM and host-to-GPU copy rates, the CPU's part of a decode step, and the note
saying which host figure was used; the constants come from hardware/speed_profiles.py.
"""

from __future__ import annotations

from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.speed_profiles import (
    DEFAULT_HOST_BANDWIDTH_GB_S,
    DEFAULT_HOST_THREADS,
    DEFAULT_PCIE_ONE_WAY_GB_S,
    HOST_BANDWIDTH_FRACTION,
    HOST_THREAD_BYTES_PER_S,
    PCIE_FRACTION,
    kernel_bandwidth,
)
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def _host_rates(inputs: SpeedInputs, gpu: GpuSpec, eff: Efficiency) -> dict[str, float]:
    """Achieved host-RAM and host-to-GPU rates for llama.cpp's offloaded layers.

    Unified memory (Apple silicon, DGX Spark, Strix Halo) is one pool: the CPU reads it at the
    device's own achieved bandwidth (the weight kernel's share) and nothing crosses PCIe. Otherwise
    the user's figure or the default dual-channel DDR5 one, at the share llama.cpp's CPU decode
    reaches (speed_profiles).
    """
    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        own = gpu.bandwidth_bytes_per_s * kernel_bandwidth(inputs.kernel, gpu)
        return {"host_bandwidth_bytes_per_s": own, "upload_bytes_per_s": 0.0}
    peak_gb_s = eff.host_bandwidth_gb_s or DEFAULT_HOST_BANDWIDTH_GB_S
    one_way = gpu.pcie_gb_s / 2 if gpu.pcie_gb_s else DEFAULT_PCIE_ONE_WAY_GB_S
    host = peak_gb_s * 1e9 * HOST_BANDWIDTH_FRACTION
    if inputs.experts_per_token:
        # host experts run ggml-cpu's mul_mat_id, whose threads' rate can be the slower one; llama.cpp's -t
        # default is the physical cores, the default 7950X host's unless the user or detection says
        # (speed_profiles.HOST_THREAD_BYTES_PER_S, DEFAULT_HOST_THREADS)
        host = min(host, _host_threads(eff) * HOST_THREAD_BYTES_PER_S)
    return {"host_bandwidth_bytes_per_s": host,
            "upload_bytes_per_s": 0.0 if gpu.memory.unified else one_way * 1e9 * PCIE_FRACTION}


def _host_threads(eff: Efficiency) -> int:
    """The CPU threads llama.cpp / Ollama multiply host-resident weights on (speed_profiles)."""
    return eff.host_threads or DEFAULT_HOST_THREADS


def _host_note(inputs: SpeedInputs, c: SpeedConstants, gpu: GpuSpec, eff: Efficiency) -> str:
    achieved = f"{c.host_bandwidth_bytes_per_s / 1e9:.0f} GB/s achieved"
    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        return f"layers on the CPU read unified memory at the device's own bandwidth ({achieved})"
    figure = eff.host_bandwidth_gb_s or DEFAULT_HOST_BANDWIDTH_GB_S
    source = "" if eff.host_bandwidth_gb_s else ": default dual-channel DDR5-5600, set --host-bandwidth"
    threads = ""
    if inputs.experts_per_token:  # the threads' rate bounds the experts' mul_mat_id only (_host_rates)
        threads = (f"; {eff.host_threads} CPU threads" if eff.host_threads else
                   f"; host: {DEFAULT_HOST_THREADS} threads (llama.cpp's -t default, the physical cores of "
                   "the default Ryzen 7950X host; --host-threads to change)")
        threads += f" at {HOST_THREAD_BYTES_PER_S / 1e9:.1f} GB/s each on the experts"
    return f"layers in host RAM decode at {achieved} (host figure {figure:g} GB/s{source}{threads})"


def _host_decode_seconds(inputs: SpeedInputs, c: SpeedConstants, kv_scale: float) -> float:
    """The CPU's part of one decode step: the offloaded layers' weights and KV read from host RAM."""
    if not c.host_bandwidth_bytes_per_s:
        return 0.0
    return (inputs.host_weight_bytes + inputs.host_kv_bytes * kv_scale) / c.host_bandwidth_bytes_per_s
