"""The warnings a fit row carries when layers (or experts) run from host RAM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.base import BaseEngine
from llmsize.hardware.efficiency import Efficiency
from llmsize.hardware.gpus import GpuSpec

if TYPE_CHECKING:  # only a type here: sizes-only plans never import the speed model (issue 15)
    from llmsize.hardware.speed_records import SpeedEstimate


def _auto_offload_note(engine: BaseEngine, layers: int, total: int, gpu: GpuSpec, eff: Efficiency,
                       speed: SpeedEstimate | None, experts: bool = False) -> str:
    """The engine's own note on the split it runs by itself (its module words it), then how the speed
    model reads the CPU layers on this machine."""
    rate = f" at ~{speed.decode_tokens_per_s:,.1f} tokens/s" if speed is not None else ""
    return engine.auto_offload_note(layers, total, rate) + "; " + _host_speed_note(gpu, eff, experts)


def _host_speed_note(gpu: GpuSpec, eff: Efficiency, experts: bool = False) -> str:
    """How the speed model reads llama.cpp's host-resident layers on this machine (`experts`: an MoE's
    host experts, whose mul_mat_id the CPU threads' rate also bounds: speed._host_rates)."""
    from llmsize.hardware.speed_profiles import DEFAULT_HOST_BANDWIDTH_GB_S, DEFAULT_HOST_THREADS

    if gpu.memory.unified and eff.host_bandwidth_gb_s is None:
        return "on unified memory the CPU reads them at the device's own bandwidth"
    threads = ""
    if experts:
        threads = (f", no faster than its {eff.host_threads} threads (--host-threads)" if eff.host_threads
                   else f", no faster than {DEFAULT_HOST_THREADS} CPU threads (llama.cpp's -t default, the "
                   "physical cores of the default Ryzen 7950X host; --host-threads to change)")
    if eff.host_bandwidth_gb_s is not None:
        return (f"decode reads them at the host RAM's {eff.host_bandwidth_gb_s:g} GB/s (--host-bandwidth)"
                + threads)
    return (f"decode reads them at {DEFAULT_HOST_BANDWIDTH_GB_S:g} GB/s (dual-channel DDR5-5600 assumed; "
            "give your RAM's figure with --host-bandwidth)" + threads)
