"""The user's overrides of the speed model's constants (`--bandwidth-efficiency`, ...).

Its own module so that reading the options (every `estimate`, with or without a GPU) does not import
the speed model and the GPU catalog types it needs only when a speed is computed (issue 15, start-up).
"""

from __future__ import annotations

from llmsize.records import ConfigDict, Field, Record


class Efficiency(Record):
    """Overrides of the calibrated speed constants; None keeps the engine's and kernel's own value."""

    # Finite only: an infinite host bandwidth made speeds Infinity, which is not JSON (issue 15).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)

    bandwidth: float | None = Field(default=None, gt=0, le=1, description="achieved / peak memory bandwidth")
    compute: float | None = Field(default=None, gt=0, le=1, description="achieved / peak tensor FLOP/s")
    interconnect: float | None = Field(default=None, gt=0, le=1,
                                       description="achieved / peak GPU-to-GPU bandwidth")
    step_overhead_s: float | None = Field(default=None, ge=0, description="fixed seconds per decode step")
    host_bandwidth_gb_s: float | None = Field(
        default=None, gt=0, description="host RAM bandwidth (GB/s) for llama.cpp layers kept in system RAM")
    host_threads: int | None = Field(
        default=None, ge=1, description="CPU threads llama.cpp multiplies host-resident weights on (its -t; "
        "llama.cpp's default is the physical cores); None: the default host's, "
        "speed_profiles.DEFAULT_HOST_THREADS")
    power_limit_w: float | None = Field(
        default=None, gt=0, description="board power limit in watts (nvidia-smi -pl); None: the card's stock "
        "limit, its tdp_w (hardware/power_limit.py)")

    def describe(self) -> str:
        parts = [f"bandwidth {self.bandwidth:.0%}" if self.bandwidth is not None else "",
                 f"host RAM {self.host_bandwidth_gb_s:g} GB/s" if self.host_bandwidth_gb_s else "",
                 f"host threads {self.host_threads}" if self.host_threads else "",
                 f"power limit {self.power_limit_w:g} W" if self.power_limit_w else "",
                 f"compute {self.compute:.0%}" if self.compute is not None else "",
                 f"interconnect {self.interconnect:.0%}" if self.interconnect is not None else "",
                 f"step overhead {self.step_overhead_s * 1e3:.2f} ms"
                 if self.step_overhead_s is not None else ""]
        given = ", ".join(p for p in parts if p)
        base = "constants calibrated per engine, weight kernel and device class"
        return f"{base}; overridden: {given}" if given else base
