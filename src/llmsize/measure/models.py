"""Measurement: what the harness saw, under the same component names as the estimate.

The byte fields mirror the estimate's `memory` (DESIGN.md), so the two line up one to one:
`weights` is every parameter and buffer the built model holds (LoRA adapters excluded),
`kv_cache` the cache tensors live at the peak, `gradients` and `optimizer` what the tracker
filed under those kinds at the peak, `adapters` the trainable LoRA parameters, and `activations`
the rest of the peak: `peak - weights - kv_cache - gradients - optimizer - adapters`.
`peak` is the largest live set of tensors (on CUDA: `torch.cuda.max_memory_allocated`), and
`overhead` is what the process holds beyond it (CUDA only; 0 and listed in `not_measured` on the
other devices).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from llmsize.estimate.result import COMPONENTS
from llmsize.records import ConfigDict, Field, Record

Device = Literal["trace", "cpu", "cuda"]
DEVICES: tuple[str, ...] = ("trace", "cpu", "cuda")

# (what is happening, steps done, steps in all; 0 in all = no known length). The CLI draws it.
ProgressFn = Callable[[str, int, int], None]


def no_progress(_stage: str, _done: int, _total: int) -> None:
    """The default progress sink: say nothing."""


class PhasePeak(Record):
    """The largest live set of tensors during one phase of the workload."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    phase: str
    peak_bytes: int = Field(ge=0)


class CudaStats(Record):
    """What CUDA and the driver reported (all bytes; None where a source was unavailable)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_allocated_bytes: int = Field(ge=0, description="torch.cuda.max_memory_allocated over the run")
    max_reserved_bytes: int = Field(ge=0, description="torch.cuda.max_memory_reserved over the run")
    process_bytes: int | None = Field(
        default=None, ge=0, description="device memory NVML attributes to this process at the end of the run"
    )
    context_bytes: int | None = Field(
        default=None, ge=0, description="device memory an empty CUDA process holds (measured in a subprocess)"
    )
    context_source: str = ""
    device_total_bytes: int = Field(ge=0)
    device_free_bytes_at_start: int = Field(ge=0)


class CpuStats(Record):
    """The process's resident set around a CPU run (bytes)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    rss_before_bytes: int = Field(ge=0, description="resident set before the model was built")
    rss_peak_bytes: int = Field(ge=0, description="the process's peak resident set (getrusage ru_maxrss)")
    rss_growth_bytes: int = Field(ge=0, description="rss_peak - rss_before")


class Timings(Record):
    """Wall-clock speed of a real run (seconds); None where the workload has no such phase."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    ttft_s: float | None = Field(default=None, description="prefill of the prompt to the first token")
    tpot_s: float | None = Field(default=None, description="mean time per output token while decoding")
    decode_tokens_per_s: float | None = Field(default=None, description="batch x tokens per second decoded")
    decode_steps: int = 0
    step_s: float | None = Field(default=None, description="training: second (steady-state) step")


class Environment(Record):
    """The software and device a measurement was taken with."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    python: str
    platform: str
    torch: str | None = None
    transformers: str | None = None
    peft: str | None = None
    bitsandbytes: str | None = None
    device_name: str = ""
    cuda: str | None = Field(default=None, description="CUDA runtime torch was built with")
    driver: str | None = Field(default=None, description="NVIDIA driver version (NVML)")


class Outcome(Record):
    """Whether the run completed; an out-of-memory is a result too, not a crash."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    status: Literal["ok", "oom"] = "ok"
    message: str = ""


class Measurement(Record):
    """Bytes per component at the measured peak, and how they were obtained."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    device: Device
    weights_bytes: int = Field(ge=0)
    kv_cache_bytes: int = Field(ge=0)
    activations_bytes: int = Field(ge=0)
    gradients_bytes: int = Field(ge=0)
    optimizer_bytes: int = Field(ge=0)
    adapters_bytes: int = Field(ge=0)
    overhead_bytes: int = Field(ge=0)
    peak_bytes: int = Field(ge=0, description="the peak of all live tensors")
    peak_phase: str = ""
    phases: tuple[PhasePeak, ...] = ()
    not_measured: tuple[str, ...] = Field(default=(), description="components this device cannot observe")
    num_layers: int = Field(ge=0, description="decoder layers of the model that ran")
    attn_implementation: str = ""
    dtype: str = ""
    cuda: CudaStats | None = None
    cpu: CpuStats | None = None
    timings: Timings | None = None
    outcome: Outcome = Field(default_factory=Outcome)
    environment: Environment
    notes: tuple[str, ...] = ()

    def measured_dict(self) -> dict[str, int]:
        """The DESIGN.md `measured` object: the estimate's byte fields plus `peak`."""
        out = {name: int(getattr(self, f"{name}_bytes")) for name in COMPONENTS}
        out["peak"] = self.peak_bytes
        return out
