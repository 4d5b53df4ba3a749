"""Estimate vs trace for one config.json and workload: the numbers the oracle tests compare.

Both sides see the same model: the config (real widths and vocabulary, layers possibly reduced
with `with_layers`) goes through `spec_from_hf_config` for the estimator and through transformers
for the tracer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmsize.estimate import core, phases
from llmsize.estimate.workload import Workload
from llmsize.measure.build_model import with_layers
from llmsize.measure.tracer import TraceResult, trace
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind

# Trace phase names -> the estimator's (training runs twice; the second iteration is compared).
_PHASES = {
    "prefill": "prefill",
    "decode": "decode",
    "forward2": "forward",
    "backward2": "backward",
    "optimizer2": "optimizer",
}


@dataclass(frozen=True)
class Comparison:
    """Estimated and traced bytes of one workload (the estimate without runtime overhead)."""

    name: str
    workload: Workload
    num_layers: int
    est_weights: int  # weights + adapters
    trace_params: int
    est_kv: int  # KV cache at the estimated peak phase
    trace_kv: int  # KV read from the cache object at that phase (prefill or full context)
    est_kv_prefill: int
    trace_kv_prefill: int
    est_kv_full: int
    trace_kv_full: int
    est_optimizer: int
    trace_optimizer: int
    est_peak: int
    trace_peak: int
    est_phase: str
    trace_phase: str
    est_phases: dict[str, int]
    trace_phases: dict[str, int]
    where: str
    trace_result: TraceResult

    @property
    def peak_error(self) -> float:
        return self.est_peak / self.trace_peak - 1

    def phase_error(self, phase: str) -> float:
        return self.est_phases[phase] / self.trace_phases[phase] - 1


def spec_of(config: dict[str, Any], name: str, source: str = "trace check") -> ModelSpec:
    return spec_from_hf_config(
        config, name=name, provenance=Provenance(kind=ProvenanceKind.CATALOG, source=source)
    )


def compare(
    config: dict[str, Any],
    wl: Workload,
    *,
    name: str = "model",
    num_layers: int | None = None,
    pretrained_dtypes: bool | None = None,
) -> Comparison:
    """Run the estimator and the tracer on the same (possibly layer-reduced) config."""
    cfg = with_layers(config, num_layers) if num_layers is not None else config
    spec = spec_of(cfg, name)
    est = core.estimate(spec, wl)
    _ctx, busiest = core.plan(spec, wl)
    totals = phases.phase_totals(spec, wl, busiest.static)
    result = trace(cfg, wl, pretrained_dtypes=pretrained_dtypes)
    trace_phases = {_PHASES[p.phase]: p.peak_bytes for p in result.phases if p.phase in _PHASES}
    if not wl.mode.trains:
        trace_kv = result.kv_prefill_bytes if est.peak_phase == "prefill" else result.kv_full_bytes
    else:
        trace_kv = 0
    where = next((c.detail for c in est.components if c.name == "activations"), "")
    return Comparison(
        name=name,
        workload=wl,
        num_layers=spec.num_layers,
        est_weights=est.weights_bytes + est.adapters_bytes,
        trace_params=result.params_bytes,
        est_kv=est.kv_cache_bytes,
        trace_kv=trace_kv,
        est_kv_prefill=busiest.static.kv_prefill,
        trace_kv_prefill=result.kv_prefill_bytes,
        est_kv_full=busiest.static.kv_full,
        trace_kv_full=result.kv_full_bytes,
        est_optimizer=est.optimizer_bytes,
        trace_optimizer=result.optimizer_bytes,
        est_peak=est.total_bytes - est.overhead_bytes,
        trace_peak=result.peak_bytes,
        est_phase=est.peak_phase,
        trace_phase=result.peak_phase,
        est_phases={k: int(v) for k, v in totals.items()},
        trace_phases=trace_phases,
        where=where,
        trace_result=result,
    )
