"""Estimate vs measurement, component by component and at the peak, as relative errors.

The relative error is `(estimated - measured) / measured`: positive means the estimate is too
high (safe side), negative too low. The peak compares the estimate's `total - overhead` (what
`torch.cuda.max_memory_allocated` would report, DESIGN.md) with the measured peak of live tensors.
A component the device cannot observe (overhead off CUDA) has no measured value and no error.
"""

from __future__ import annotations

from llmsize.estimate.result import COMPONENTS, Estimate
from llmsize.measure.models import Measurement
from llmsize.records import ConfigDict, Record


def relative_error(estimated: int, measured: int) -> float | None:
    """(estimated - measured) / measured; 0.0 when both are 0, None when only the measurement is 0."""
    if measured == 0:
        return 0.0 if estimated == 0 else None
    return (estimated - measured) / measured


class Row(Record):
    """One line of the comparison."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    estimated: int
    measured: int | None
    error: float | None


class Comparison(Record):
    """Every component, then the peak."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    rows: tuple[Row, ...]
    peak: Row

    def as_dict(self) -> dict[str, dict[str, int | float | None]]:
        """{name: {estimated, measured, error}} for the JSON/YAML document, peak last."""
        return {
            r.name: {"estimated": r.estimated, "measured": r.measured, "error": r.error}
            for r in (*self.rows, self.peak)
        }

    def worst(self) -> Row | None:
        """The measured row with the largest absolute error (peak included), if any has one."""
        rows = [r for r in (*self.rows, self.peak) if r.error is not None]
        return max(rows, key=lambda r: abs(r.error or 0.0)) if rows else None


def compare(est: Estimate, measurement: Measurement) -> Comparison:
    """Line up `est` and `measurement` under the DESIGN.md component names."""
    rows = []
    for name in COMPONENTS:
        estimated = int(getattr(est, f"{name}_bytes"))
        if name in measurement.not_measured:
            rows.append(Row(name=name, estimated=estimated, measured=None, error=None))
            continue
        measured = int(getattr(measurement, f"{name}_bytes"))
        rows.append(
            Row(name=name, estimated=estimated, measured=measured, error=relative_error(estimated, measured))
        )
    estimated_peak = est.total_bytes - est.overhead_bytes
    measured_peak = measurement.peak_bytes
    peak = Row(
        name="peak",
        estimated=estimated_peak,
        measured=measured_peak,
        error=relative_error(estimated_peak, measured_peak) if measurement.outcome.status == "ok" else None,
    )
    return Comparison(rows=tuple(rows), peak=peak)
