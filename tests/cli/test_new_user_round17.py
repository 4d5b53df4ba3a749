"""Newcomer audit, round 17 (issue 15): explain's KV line ends at the KV cache the estimate counts."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()


# --- (a) explain: the KV line's last figure is the component ----------------------------------------------
# `explain gemma-4-e2b` printed "KV cache: 0.00 GiB" over numbers ending "at 4,096 tokens x batch 1:
# 75,497,472 B (0.07 GiB)": the peak is in prefill at the embeddings (per-layer inputs, masks, rotary
# tables), before any layer has written its K/V, so none of the cache is live at that moment (the components
# are what is live at the peak, ../shared/DESIGN.md). Qwen3.5-27B showed 423,362,560 B under 0.38 GiB
# (406,585,344 B live: one full-attention layer's K/V is not written yet at the peak). Round 9 made the
# weight line end at its component; the KV line now does the same.
@pytest.mark.parametrize("model", [
    "gemma-4-e2b", "Qwen3.5-27B", "Qwen/Qwen3-Next-80B-A3B-Instruct", "Kimi-Linear-48B-A3B-Instruct",
    "gemma-3-270m",
])
def test_kv_numbers_end_at_the_component(model: str) -> None:
    doc = _json("estimate", model)
    detail = doc["components"]["kv_cache"]["detail"]
    last = detail.rsplit(": ", 1)[1].split(" B")[0]
    assert int(last.replace(",", "")) == doc["memory"]["kv_cache"]
    assert "live at the peak (prefill)" in detail


def test_kv_line_unchanged_where_the_whole_cache_is_live() -> None:
    doc = _json("estimate", "Qwen2.5-7B-Instruct", "--context", "8k")
    detail = doc["components"]["kv_cache"]["detail"]
    assert "live at the peak" not in detail
    assert detail.endswith(f"{doc['memory']['kv_cache']:,} B ({doc['memory']['kv_cache'] / 2**30:.2f} GiB)")


def test_explain_shows_the_live_part_under_its_headline() -> None:
    text = " ".join(runner.invoke(app, ["explain", "gemma-4-e2b"], env={"COLUMNS": "80"}).stdout.split())
    assert "KV cache: 0.00 GiB" in text
    assert "75,497,472 B (0.07 GiB) in all; live at the peak (prefill): 0 B (0.00 GiB)" in text
