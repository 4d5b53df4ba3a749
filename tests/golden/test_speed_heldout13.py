"""Golden: the issue-11 heldout13 rows (bench/speed_tables.yaml, tables heldout13-arc-pro-b70-*,
heldout13-geerling-readme-metal-cuda, heldout13-vllm-dgx-spark-recipes): held out or excluded, never
fitted, each quoting its published figure; and the README tg128 rows the model meets, against them."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

TABLES = ("heldout13-arc-pro-b70-kyuz0-vulkan", "heldout13-arc-pro-b70-kyuz0-sycl",
          "heldout13-geerling-readme-metal-cuda", "heldout13-vllm-dgx-spark-recipes")

# https://github.com/geerlingguy/ai-benchmarks/blob/022fb93162585171e0551bfed5679dbaf728d02c/README.md
# ('Eval Rate' = llama-bench tg128): Mac Studio (M3 Ultra 512GB) DeepSeek R1 14b 51.85, gpt-oss 20b 115.29,
# Llama 3.2:3b 154.60 Tokens/s; Dell Pro Max with GB10 (Nvidia Spark) 23.92, 87.97, 97.93 Tokens/s.
PUBLISHED = [
    ("heldout13-geerling-m3-ultra-512gb-deepseek-r1-distill-qwen-14b", 51.85),
    ("heldout13-geerling-m3-ultra-512gb-gpt-oss-20b", 115.29),
    ("heldout13-geerling-m3-ultra-512gb-llama-3-2-3b-instruct", 154.60),
    ("heldout13-geerling-dgx-spark-deepseek-r1-distill-qwen-14b", 23.92),
    ("heldout13-geerling-dgx-spark-gpt-oss-20b", 87.97),
    ("heldout13-geerling-dgx-spark-llama-3-2-3b-instruct", 97.93),
]


@cache
def _rows() -> list[dict[str, object]]:  # the table is 30k lines: read once
    return [r for r in sv.load_rows() if r.get("table") in TABLES]


def test_heldout13_rows_stay_out_of_the_fit_and_quote_their_source() -> None:
    rows = _rows()
    assert len([r for r in rows if r["use"] == "holdout"]) >= 40
    for row in rows:
        assert row["use"] in ("holdout", "excluded"), row["id"]
        assert str(row["source"]).startswith("https://"), row["id"]
        if row["use"] == "excluded":
            assert row.get("reason"), row["id"]
        if row["metric"] in ("prefill_tps", "decode_tps"):  # llama-bench: the figure as the log prints it
            assert f"{float(row['measured']):.2f}" in str(row["note"]), row["id"]


@pytest.mark.parametrize(("row_id", "published"), PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_readme_tg128_on_m3_ultra_and_gb10(row_id: str, published: float) -> None:
    row = next(r for r in _rows() if r["id"] == row_id)
    assert row["measured"] == pytest.approx(published)
    assert sv.predict(sv.build_case(row)) == pytest.approx(published, rel=0.10)
