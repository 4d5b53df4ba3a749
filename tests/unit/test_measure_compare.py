"""Estimate vs measurement: relative errors per component and at the peak."""

from __future__ import annotations

import pytest

from llmsize.estimate.result import Estimate
from llmsize.measure.compare import compare, relative_error
from llmsize.measure.environment import collect
from llmsize.measure.models import Measurement, Outcome
from llmsize.units import GIB, MIB


def _estimate(**bytes_: int) -> Estimate:
    fields = {
        f"{k}_bytes": 0
        for k in ("weights", "kv_cache", "activations", "gradients", "optimizer", "adapters", "overhead")
    }
    fields.update({f"{k}_bytes": v for k, v in bytes_.items()})
    return Estimate(params=1, active_params=1, **fields)


def _measurement(
    not_measured: tuple[str, ...] = ("overhead",), status: str = "ok", **bytes_: int
) -> Measurement:
    fields = {
        f"{k}_bytes": 0
        for k in ("weights", "kv_cache", "activations", "gradients", "optimizer", "adapters", "overhead")
    }
    fields.update({f"{k}_bytes": v for k, v in bytes_.items() if k != "peak"})
    return Measurement(
        device="trace",
        peak_bytes=bytes_["peak"],
        num_layers=2,
        not_measured=not_measured,
        environment=collect("trace"),
        outcome=Outcome(status=status),
        **fields,  # type: ignore[arg-type]
    )


def test_relative_error_sign_and_zero_cases() -> None:
    assert relative_error(110, 100) == pytest.approx(0.10)  # estimate too high: safe side
    assert relative_error(90, 100) == pytest.approx(-0.10)
    assert relative_error(0, 0) == 0.0
    assert relative_error(5, 0) is None  # nothing measured to divide by


def test_peak_compares_total_without_overhead() -> None:
    est = _estimate(weights=10 * GIB, kv_cache=GIB, activations=GIB, overhead=400 * MIB)
    meas = _measurement(weights=10 * GIB, kv_cache=GIB, activations=GIB // 2, peak=11 * GIB + GIB // 2)
    result = compare(est, meas)
    assert result.peak.estimated == 12 * GIB  # total - overhead
    assert result.peak.measured == 11 * GIB + GIB // 2
    assert result.peak.error == pytest.approx(0.5 / 11.5)
    rows = {r.name: r for r in result.rows}
    assert rows["weights"].error == 0.0
    assert rows["activations"].error == pytest.approx(1.0)
    assert rows["overhead"].measured is None and rows["overhead"].error is None


def test_as_dict_and_worst_row() -> None:
    est = _estimate(weights=100, activations=50)
    meas = _measurement(weights=100, activations=40, peak=140)
    result = compare(est, meas)
    doc = result.as_dict()
    assert list(doc) == [
        "weights",
        "kv_cache",
        "activations",
        "gradients",
        "optimizer",
        "adapters",
        "overhead",
        "peak",
    ]
    assert doc["activations"] == {"estimated": 50, "measured": 40, "error": pytest.approx(0.25)}
    worst = result.worst()
    assert worst is not None and worst.name == "activations"


def test_oom_has_no_peak_error() -> None:
    est = _estimate(weights=100 * GIB)
    meas = _measurement(
        not_measured=("weights", "kv_cache", "activations", "gradients", "optimizer", "adapters", "overhead"),
        status="oom",
        peak=79 * GIB,
    )
    result = compare(est, meas)
    assert result.peak.error is None
    assert all(r.measured is None for r in result.rows)
