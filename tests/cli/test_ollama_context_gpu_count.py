"""Ollama's default context follows every GPU of the run, also where the search picks the count.

ollama server/routes.go `Serve` (since v0.11.4, commit f2e9c9aff; the tiers for every model since v0.15.5)
sums TotalMemory - OLLAMA_GPU_OVERHEAD over all discovered GPUs and defaults NumCtx to 262144 at >= 47 GiB,
32768 at >= 23 GiB, else 4096. gpt-oss:20b does not fit one RTX 3060 12GB (12,288 MiB), so the search picks
two: 24 GiB, the 32,768 tier; newcomer round 16 found those rows sized for one card's 4,096.
"""

from __future__ import annotations

from typer.testing import CliRunner

from llmsize.cli import app
from newcomer_cli import json_doc as _json
from newcomer_cli import offline_catalog  # noqa: F401  (autouse)

runner = CliRunner()
TWO_CARD_TIER = 32768  # 2 x 12 GiB >= 23 GiB (server/routes.go)


def test_compare_sizes_the_context_for_the_gpus_it_picks() -> None:
    doc = _json("compare", "gpt-oss:20b", "--gpu", "RTX-3060-12GB")
    assert doc["rows"][0]["count"] == 2
    assert doc["workload"]["context"] == TWO_CARD_TIER


def test_fit_auto_sizes_the_context_for_the_gpus_it_picks() -> None:
    doc = _json("fit", "gpt-oss:20b", "--gpu", "RTX-3060-12GB", "--num-gpus", "auto")
    best = next(o for o in doc["options"] if o["fits"])
    assert best["count"] == 2
    assert doc["workload"]["context"] == TWO_CARD_TIER


def test_estimate_auto_sizes_the_context_for_the_gpus_it_picks() -> None:
    doc = _json("estimate", "gpt-oss:20b", "--gpu", "RTX-3060-12GB", "--num-gpus", "auto")
    assert doc["gpus"][0]["count"] == 2
    assert doc["workload"]["context"] == TWO_CARD_TIER


def test_plan_auto_launches_at_the_two_card_tier() -> None:
    out = runner.invoke(app, ["plan", "gpt-oss:20b", "--gpu", "RTX-3060-12GB", "--num-gpus", "auto"]).stdout
    assert f"OLLAMA_CONTEXT_LENGTH={TWO_CARD_TIER} ollama run gpt-oss:20b" in out


def test_one_gpu_run_keeps_one_cards_tier() -> None:
    # plan without --num-gpus runs Ollama's own CPU/GPU split on one card: 12 GiB, the 4,096 tier
    out = runner.invoke(app, ["plan", "gpt-oss:20b", "--gpu", "RTX-3060-12GB"]).stdout
    assert "OLLAMA_CONTEXT_LENGTH=4096 ollama run gpt-oss:20b" in out
