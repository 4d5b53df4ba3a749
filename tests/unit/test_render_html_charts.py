"""The HTML page's charts read as a person reads them (issue 15, visual audit): round axis values,
names that do not print over each other, a crossing dot only where the memory curve reaches a GPU's
line, and compare's recommended row marked in the bars and the table, not only in the box above."""

from __future__ import annotations

import re

from llmsize.report import render_html as h
from llmsize.units import GIB

CONTEXTS = [512, 1024, 2048, 4096, 8192, 16384, 32768]


def _points(start_gib: float, step_gib: float, speeds: dict[str, float] | None = None) -> list[h.CurvePoint]:
    return [h.CurvePoint(c, int((start_gib + i * step_gib) * GIB), dict(speeds or {}))
            for i, c in enumerate(CONTEXTS)]


def _label_ys(svg: str, names: list[str]) -> dict[str, float]:
    found = {}
    for y, text in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        for name in names:
            if text.startswith(name + " "):
                found[name] = float(y)
    return found


def test_gpus_with_the_same_memory_get_separate_labels() -> None:
    # H100-SXM-80GB 79.22 GiB and A100-SXM-80GB 79.25 GiB: the two names were drawn 0.1 px apart
    lines = [h.GpuLine("H100-SXM-80GB", int(79.22 * GIB), 40_000),
             h.GpuLine("A100-SXM-80GB", int(79.25 * GIB), 40_000)]
    ys = _label_ys(h.memory_curve(_points(15, 1), lines), ["H100-SXM-80GB", "A100-SXM-80GB"])
    assert len(ys) == 2 and abs(ys["H100-SXM-80GB"] - ys["A100-SXM-80GB"]) >= 12, ys


def test_no_crossing_dot_where_the_curve_stays_under_the_line() -> None:
    # Qwen2.5-7B (32k window) on an H100: 21 GiB at 32k, far under 79 GiB; the longest context is the
    # model's, yet a dot on the H100 line said the curve crossed it there
    lines = [h.GpuLine("H100-SXM-80GB", int(79.22 * GIB), 32768),
             h.GpuLine("RTX-4090", int(23.64 * GIB), 16384)]
    svg = h.memory_curve(_points(15, 1.5), lines)  # 21 GiB at 16k-32k: RTX-4090's line is reached near 16k
    assert re.findall(r'data-crossing="(\d+)"', svg) == ["16384"]
    assert "H100-SXM-80GB 79.2 GiB · holds 32k" in svg


def test_axes_have_round_values_from_zero() -> None:
    svg = h.memory_curve(_points(15, 1), [h.GpuLine("H100-SXM-80GB", int(79.22 * GIB), 32768)])
    assert {"0 GiB", "20 GiB", "40 GiB", "60 GiB", "80 GiB"} <= set(re.findall(r">(\d+ GiB)<", svg))
    speed = h.speed_curve(_points(15, 1, {"A": 46.0, "B": 33.0}), ["A", "B"])
    assert {"0 tok/s", "20 tok/s", "40 tok/s"} <= set(re.findall(r">(\d+ tok/s)<", speed)), speed


def test_speed_lines_are_named_with_their_value_apart() -> None:
    speed = h.speed_curve(_points(15, 1, {"RTX-4090": 27.0, "L40S": 25.0}), ["RTX-4090", "L40S"])
    ys = _label_ys(speed, ["RTX-4090", "L40S"])
    assert abs(ys["RTX-4090"] - ys["L40S"]) >= 12, ys
    assert "RTX-4090 27 tok/s at 32k" in speed


def _row(model: str, gpu: str, count: int, fmt: str = "bf16") -> dict[str, object]:
    return {"model": model, "gpu": gpu, "count": count, "fits": True, "per_gpu_bytes": 10 * GIB,
            "usable_bytes": 20 * GIB, "max_context": 8192, "decode_tokens_per_s": 30.0, "weight_format": fmt}


def test_compare_marks_the_recommended_gpu_row() -> None:
    rows = [_row("M", "A100-SXM-80GB", 2), _row("M", "H100-SXM-80GB", 2), _row("M", "L40S", 4)]
    doc = {"rows": rows, "recommendation": ["Recommendation: 2x H100-SXM-80GB — the fewest GPUs that fit."],
           "workload": {}}
    page = h.compare_page(doc)
    marked = re.findall(r'<tr class="picked" data-recommended="1"><td>M</td><td>([^<]*)</td>', page)
    assert marked == ["H100-SXM-80GB x2"], page
    assert page.count('data-recommended="1"') == 2  # the bar's name and the table row


def test_compare_of_models_is_one_table_with_the_pick_marked() -> None:
    rows = [_row("Q-7B", "RTX-4090", 1), _row("Q-7B-AWQ", "RTX-4090", 1, "awq 4-bit")]
    doc = {"rows": rows, "workload": {},
           "recommendation": ["Recommendation: Q-7B (bf16) on RTX-4090: the most bits per weight that fit."]}
    page = h.compare_page(doc)
    assert page.count("<table>") == 1
    assert re.findall(r'<tr class="picked" data-recommended="1"><td>([^<]*)</td>', page) == ["Q-7B"]
