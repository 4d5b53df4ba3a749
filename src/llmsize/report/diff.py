"""What changed between two saved reports: model, workload fields, each component, total, fits.

The diff is data (a record, llmsize.records), so `llmsize report diff --format json` and the table show the
same thing. Relative change is `(b - a) / a`.
"""

from __future__ import annotations

from typing import Any

from llmsize.records import ConfigDict, Record
from llmsize.report.load import MEASURED_KEYS, LoadedReport
from llmsize.report.models import MEMORY_KEYS, Report

# Model facts worth flagging when two reports are about different models or formats.
_MODEL_FIELDS = ("name", "params", "active_params", "weight_format", "model_type", "provenance")


class FieldChange(Record):
    """One input that differs between the two reports."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    field: str
    a: Any
    b: Any


class ByteChange(Record):
    """One component in both reports, with the difference."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    a: int
    b: int
    delta: int
    relative: float | None

    @property
    def changed(self) -> bool:
        return self.delta != 0


class FitChange(Record):
    """Whether a GPU layout fits in each report; None where that report did not check it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    gpu: str
    count: int
    a: bool | None
    b: bool | None
    a_headroom_bytes: int | None
    b_headroom_bytes: int | None


class ReportDiff(Record):
    """Every difference between report A and report B."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    a: str
    b: str
    model: tuple[FieldChange, ...]
    workload: tuple[FieldChange, ...]
    memory: tuple[ByteChange, ...]
    peak_phase: FieldChange | None
    fits: tuple[FitChange, ...]
    measured: tuple[ByteChange, ...] = ()

    @property
    def identical(self) -> bool:
        return not (
            self.model
            or self.workload
            or self.peak_phase
            or any(m.changed for m in self.memory)
            or any(f.a != f.b or f.a_headroom_bytes != f.b_headroom_bytes for f in self.fits)
            or any(m.changed for m in self.measured)
        )


def _byte_change(name: str, a: int, b: int) -> ByteChange:
    return ByteChange(name=name, a=a, b=b, delta=b - a, relative=(b - a) / a if a else (None if b else 0.0))


def _field_changes(a: dict[str, Any], b: dict[str, Any], keys: list[str]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(field=k, a=a.get(k), b=b.get(k)) for k in keys if a.get(k) != b.get(k))


def _ordered_union(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _fits(a: Report, b: Report) -> tuple[FitChange, ...]:
    rows_a = {(r.gpu, r.count): r for r in a.gpus}
    rows_b = {(r.gpu, r.count): r for r in b.gpus}
    out = []
    for key in dict.fromkeys([*rows_a, *rows_b]):
        ra, rb = rows_a.get(key), rows_b.get(key)
        out.append(
            FitChange(
                gpu=key[0],
                count=key[1],
                a=ra.fits if ra else None,
                b=rb.fits if rb else None,
                a_headroom_bytes=ra.headroom_bytes if ra else None,
                b_headroom_bytes=rb.headroom_bytes if rb else None,
            )
        )
    return tuple(out)


def diff_reports(a: LoadedReport, b: LoadedReport) -> ReportDiff:
    """Compare two loaded reports (estimates, measurements, or one of each)."""
    ra, rb = a.report, b.report
    model_a = {k: getattr(ra.model, k) for k in _MODEL_FIELDS}
    model_b = {k: getattr(rb.model, k) for k in _MODEL_FIELDS}
    memory = tuple(_byte_change(k, int(ra.memory.get(k, 0)), int(rb.memory.get(k, 0))) for k in MEMORY_KEYS)
    measured: tuple[ByteChange, ...] = ()
    if a.measurement is not None and b.measurement is not None:
        ma, mb = a.measurement.measured, b.measurement.measured
        measured = tuple(_byte_change(k, int(ma[k]), int(mb[k])) for k in MEASURED_KEYS)
    phase = (
        None
        if ra.peak_phase == rb.peak_phase
        else FieldChange(field="peak_phase", a=ra.peak_phase, b=rb.peak_phase)
    )
    label_a, label_b = (a.label, b.label) if a.label != b.label else (str(a.path), str(b.path))
    return ReportDiff(
        a=label_a,
        b=label_b,
        model=_field_changes(model_a, model_b, list(_MODEL_FIELDS)),
        workload=_field_changes(ra.workload, rb.workload, _ordered_union(ra.workload, rb.workload)),
        memory=memory,
        peak_phase=phase,
        fits=_fits(ra, rb),
        measured=measured,
    )
