"""Saved reports load back exactly, bad files are ConfigErrors, and diffs say what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmsize.errors import ConfigError
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Mode, Workload
from llmsize.hardware.fit_models import FitRow
from llmsize.report.diff import diff_reports
from llmsize.report.export import to_json, to_yaml
from llmsize.report.load import MeasureDocument, load_report
from llmsize.report.models import Report, build_report
from llmsize.specs.resolve import resolve
from llmsize.units import GIB


def _report(wl: Workload, weights: int, kv: int, gpus: tuple[FitRow, ...] = ()) -> Report:
    est = Estimate(
        weights_bytes=weights,
        kv_cache_bytes=kv,
        activations_bytes=GIB // 4,
        gradients_bytes=0,
        optimizer_bytes=0,
        adapters_bytes=0,
        overhead_bytes=GIB // 2,
        params=7_615_616_512,
        active_params=7_615_616_512,
        peak_phase="prefill",
    )
    return build_report("Qwen2.5-7B", resolve("Qwen2.5-7B"), wl, est, gpus=gpus)


def _fit(gpu: str, fits: bool, headroom: int) -> FitRow:
    return FitRow(gpu=gpu, count=1, fits=fits, per_gpu_bytes=20 * GIB, headroom_bytes=headroom)


def _write(path: Path, data: Any) -> Path:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False) if path.suffix != ".json" else json.dumps(data),
        encoding="utf-8",
    )
    return path


def test_yaml_and_json_round_trip(tmp_path: Path) -> None:
    report = _report(Workload(), 15 * GIB, GIB, (_fit("h100-sxm-80gb", True, 50 * GIB),))
    (tmp_path / "a.yaml").write_text(to_yaml(report), encoding="utf-8")
    (tmp_path / "a.json").write_text(to_json(report), encoding="utf-8")
    for name in ("a.yaml", "a.json"):
        loaded = load_report(tmp_path / name)
        assert loaded.report == report
        assert loaded.measurement is None


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bad.yaml", "model: [unclosed\n", "not valid YAML"),
        ("bad.json", "{not json", "not valid JSON"),
        ("list.yaml", "- 1\n- 2\n", "expected a mapping"),
        ("empty.yaml", "", "expected a mapping"),
    ],
)
def test_unreadable_files_are_config_errors(tmp_path: Path, name: str, content: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_report(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_report(tmp_path / "nope.yaml")


def test_schema_version_is_checked(tmp_path: Path) -> None:
    data = _report(Workload(), GIB, 0).model_dump(mode="json")
    data["schema_version"] = 99
    with pytest.raises(ConfigError, match="schema_version 99"):
        load_report(_write(tmp_path / "v.yaml", data))
    del data["schema_version"]
    with pytest.raises(ConfigError, match="missing key schema_version"):
        load_report(_write(tmp_path / "nov.yaml", data))


def test_missing_and_unknown_keys_are_named(tmp_path: Path) -> None:
    data = _report(Workload(), GIB, 0).model_dump(mode="json")
    del data["memory"]
    with pytest.raises(ConfigError, match="missing key memory"):
        load_report(_write(tmp_path / "m.yaml", data))
    data = _report(Workload(), GIB, 0).model_dump(mode="json")
    data["surprise"] = 1
    with pytest.raises(ConfigError, match="unknown key surprise"):
        load_report(_write(tmp_path / "u.yaml", data))


def _measure_doc(report: Report, peak: int) -> dict[str, Any]:
    measured = {k: int(v) for k, v in report.memory.items() if k != "total"}
    measured["peak"] = peak
    return MeasureDocument(
        llmsize_version="0",
        workload=report.workload,
        estimate=report,
        measured=measured,
        device="trace",
        environment={"python": "3.11"},
        measurement={"num_layers": 28},
        comparison={"peak": {"estimated": peak, "measured": peak, "error": 0.0}},
    ).model_dump(mode="json")


def test_measurement_documents_load_with_their_estimate(tmp_path: Path) -> None:
    report = _report(Workload(), 15 * GIB, GIB)
    loaded = load_report(_write(tmp_path / "m.yaml", _measure_doc(report, 16 * GIB)))
    assert loaded.report == report
    assert loaded.measurement is not None and loaded.measurement.measured["peak"] == 16 * GIB


def test_measurement_missing_a_component_is_named(tmp_path: Path) -> None:
    doc = _measure_doc(_report(Workload(), GIB, 0), GIB)
    del doc["measured"]["kv_cache"]
    with pytest.raises(ConfigError, match="missing kv_cache"):
        load_report(_write(tmp_path / "m.yaml", doc))
    doc = _measure_doc(_report(Workload(), GIB, 0), GIB)
    doc["estimate"]["schema_version"] = 2
    with pytest.raises(ConfigError, match="schema_version 2"):
        load_report(_write(tmp_path / "m2.yaml", doc))


def test_diff_names_workload_fields_components_total_and_fits(tmp_path: Path) -> None:
    a = _report(Workload(context=4096), 15 * GIB, GIB, (_fit("rtx-4090", True, 2 * GIB),))
    b = _report(
        Workload(context=32768, mode=Mode.INFERENCE), 15 * GIB, 8 * GIB, (_fit("rtx-4090", False, -5 * GIB),)
    )
    (tmp_path / "a.yaml").write_text(to_yaml(a), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(to_yaml(b), encoding="utf-8")
    diff = diff_reports(load_report(tmp_path / "a.yaml"), load_report(tmp_path / "b.yaml"))
    assert [(c.field, c.a, c.b) for c in diff.workload] == [("context", 4096, 32768)]
    changes = {c.name: c for c in diff.memory}
    assert changes["weights"].delta == 0
    assert changes["kv_cache"].delta == 7 * GIB and changes["kv_cache"].relative == pytest.approx(7.0)
    assert changes["total"].delta == 7 * GIB
    assert [(f.gpu, f.a, f.b) for f in diff.fits] == [("rtx-4090", True, False)]
    assert not diff.identical


def test_identical_reports_diff_to_nothing(tmp_path: Path) -> None:
    a = _report(Workload(), 15 * GIB, GIB)
    (tmp_path / "a.yaml").write_text(to_yaml(a), encoding="utf-8")
    (tmp_path / "a.json").write_text(to_json(a), encoding="utf-8")
    diff = diff_reports(load_report(tmp_path / "a.yaml"), load_report(tmp_path / "a.json"))
    assert diff.identical
    assert diff.workload == () and diff.model == ()
