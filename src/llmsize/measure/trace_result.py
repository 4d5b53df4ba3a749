"""What a trace returns: the peak of each phase, split by kind, and the bytes behind the components.

Split out of tracer.py so that the trace's readers (trace_check.py, bench/) and the phase tracker
share one plain record without the tracing code; it imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PhasePeak:
    """The largest live set seen during one phase, split by MemTracker's categories."""

    phase: str
    peak_bytes: int
    by_kind: dict[str, int]


@dataclass(frozen=True)
class TimelineEvent:
    """One operator: the phase, the op, the innermost module running it, and live bytes after it."""

    phase: str
    op: str
    module: str
    live_bytes: int


@dataclass(frozen=True)
class TraceResult:
    """What the oracle measured for one workload (all sizes in bytes)."""

    peak_bytes: int
    peak_phase: str
    params_bytes: int  # parameters and persistent buffers: the weights
    buffers_bytes: int  # non-persistent buffers (rotary tables)
    trainable_params_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    kv_prefill_bytes: int
    kv_full_bytes: int
    kv_cache_bytes: int
    activations_bytes: int
    phases: tuple[PhasePeak, ...]
    model_type: str
    attn_implementation: str
    num_layers: int
    timeline: tuple[TimelineEvent, ...] = field(default=(), repr=False)
    # Debug (record_timeline=True): the live tensors at each phase's peak, largest first, as
    # (bytes, (phase, op, module, shape, dtype)) of the op that created each.
    peak_tensors: dict[str, list[tuple[int, tuple[Any, ...]]]] = field(default_factory=dict, repr=False)

    def phase(self, name: str) -> PhasePeak:
        for p in self.phases:
            if p.phase == name:
                return p
        raise KeyError(name)
