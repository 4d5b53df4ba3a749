"""Ollama's Go engine decoding Gated DeltaNet models op by op before v0.30 (estimate/engines/ollama_gdn.py),
against one Mac's published Ollama and llama.cpp rates for the same Qwen3.5 files (held-out rows of
bench/speed_tables.yaml). No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Planner
from llmsize.specs.resolve import resolve

# Mac mini M4, Qwen3.5 Q4_K_M: Ollama TG 31 / 19 t/s (2B / 4B), llama.cpp tg200 59 / 28 t/s (2026-03-31).
JITESH_M4 = "https://www.jitesh.dev/blog/qwen35-apple-silicon-benchmark.html"


def _decode_tps(model: str, **workload: object) -> float:
    wl = Workload.model_validate({"engine": "ollama", "quant": "Q4_K_M", "context": 283, "prompt_tokens": 83,
                                  **workload})
    tps = Planner(resolve(model), wl, estimate).plan(get_gpu("M4-32GB"), 1).decode_tokens_per_s
    assert tps is not None
    return tps


@pytest.mark.parametrize(("model", "published"), [("Qwen3.5-2B", 31.0), ("Qwen3.5-4B", 19.0)])
def test_go_engine_delta_rule_on_an_m4(model: str, published: float) -> None:
    # A March 2026 release (before v0.30.0 of 2026-05-29) ran qwen35 on Ollama's Go engine; 0.20 stands in.
    go_engine = _decode_tps(model, engine_version="0.20.0")
    assert go_engine == pytest.approx(published, rel=0.20), JITESH_M4
    # The fused GATED_DELTA_NET op of llama-server (v0.30 on) would be over 35% faster than published.
    assert _decode_tps(model) > 1.35 * published, JITESH_M4
