"""The shapes of the free-form parts of a saved measurement that `report show` renders.

MeasureDocument keeps `workload`, `measurement` and `comparison` as open mappings (the harness adds keys
as it learns to measure more; docs/report-schema.md), and report/render_measure.py formats the values it
knows by name: `{context:,}`, `int(peak_bytes)`, `{1000 * ttft_s:.1f}`, `cuda.get(...)`. A hand-edited or
truncated file with `workload: {}`, `phases: 1e308`, `cuda: NaN` or a measured byte count of NaN was an
internal error (TypeError, AttributeError, ValueError; issue 15, round 19). These checks look at exactly
those values, strictly (no "8" for 8, no true for 1, no NaN), and leave every other key alone; the loader
(report/load.py) refuses a document that fails one as one line.
"""

from __future__ import annotations

import math
from typing import Any

_WORKLOAD_COUNTS = ("context", "batch")
_CUDA_BYTES = ("max_allocated_bytes", "max_reserved_bytes", "process_bytes", "context_bytes",
               "device_total_bytes", "device_free_bytes_at_start")  # fmt: skip
_CPU_BYTES = ("rss_before_bytes", "rss_peak_bytes", "rss_growth_bytes")
_SECONDS = ("ttft_s", "tpot_s", "decode_tokens_per_s", "step_s")
_TEXTS = ("dtype", "attn_implementation", "peak_phase")


def _count(v: Any) -> bool:
    return type(v) is int and v >= 0


def _number(v: Any, *, signed: bool = False) -> bool:
    return type(v) in (int, float) and math.isfinite(v) and (signed or v >= 0)


def _optional(check: Any, v: Any) -> bool:
    return v is None or check(v)


def _mapping_of(section: Any, where: str, keys: tuple[str, ...], check: Any, what: str) -> str | None:
    if section is None:
        return None
    if not isinstance(section, dict):
        return f"{where}: a mapping, not {type(section).__name__}"
    bad = next((k for k in keys if not _optional(check, section.get(k))), None)
    return f"{where}.{bad}: {what}" if bad else None


def measure_shape_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with a rendered value of a measurement document, or None."""
    workload = doc.get("workload")
    if not isinstance(workload, dict):
        return "workload: a mapping"
    if not isinstance(workload.get("mode"), str):
        return "workload.mode: a text"
    bad = next((k for k in _WORKLOAD_COUNTS if not _count(workload.get(k))), None)
    if bad or not _optional(_count, workload.get("prompt_tokens")):
        return f"workload.{bad or 'prompt_tokens'}: a whole number of 0 or more"
    m = doc.get("measurement")
    if not isinstance(m, dict):
        return "measurement: a mapping"
    phases = m.get("phases")
    if phases is not None and not (isinstance(phases, list) and all(
            isinstance(p, dict) and isinstance(p.get("phase"), str) and _count(p.get("peak_bytes"))
            for p in phases)):  # fmt: skip
        return "measurement.phases: a list of {phase, peak_bytes}"
    problem = (_mapping_of(m.get("cuda"), "measurement.cuda", _CUDA_BYTES, _count, "bytes, a whole number")
               or _mapping_of(m.get("cpu"), "measurement.cpu", _CPU_BYTES, _count, "bytes, a whole number")
               or _mapping_of(m.get("timings"), "measurement.timings", _SECONDS, _number,
                              "seconds (or tokens/s), a finite number of 0 or more")
               or _mapping_of(m.get("timings"), "measurement.timings", ("decode_steps",), _count,
                              "a whole number of 0 or more")
               or _mapping_of(m.get("outcome"), "measurement.outcome", ("status", "message"),
                              lambda v: isinstance(v, str), "a text"))  # fmt: skip
    if problem:
        return problem
    notes = m.get("notes")
    if notes is not None and not (isinstance(notes, list) and all(isinstance(n, str) for n in notes)):
        return "measurement.notes: a list of texts"
    bad = next((k for k in ("num_layers", "layers_of") if not _optional(_count, m.get(k))), None)
    if bad:
        return f"measurement.{bad}: a whole number of 0 or more"
    bad = next((k for k in _TEXTS if not _optional(lambda v: isinstance(v, str), m.get(k))), None)
    if bad:
        return f"measurement.{bad}: a text"
    comparison = doc.get("comparison")
    if not isinstance(comparison, dict):
        return "comparison: a mapping"
    for key, row in comparison.items():
        problem = (_mapping_of(row, f"comparison.{key}", ("estimated", "measured"), _count,
                               "bytes, a whole number")
                   or _mapping_of(row, f"comparison.{key}", ("error",), lambda v: _number(v, signed=True),
                                  "a finite number"))  # fmt: skip
        if problem:
            return problem
    return None
