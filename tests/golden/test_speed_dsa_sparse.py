"""Golden: DeepSeek-V3.2 (DSA) on SGLang, 8 x B200 with DP8 attention, against the published nightly.

https://github.com/sgl-project/sglang/issues/15025 ('nightly performance data collected on 01/08 (8*B200)',
table 'deepseek-ai/DeepSeek-V3.2 [8-gpu-b200] (DP8)', 4096-token prompts): ITL 19.18 ms at batch 1,
19.88 ms at batch 8, 25.30 ms at batch 16.
Rows heldout-dsa-sglang-b200-dsv32-dp8-* in bench/speed_tables.yaml.

These tests check the published ratios between batch sizes (what DP attention and the second sequence a
rank add), not the absolute step: the model's ITL is 11.5 ms at batch 1, -40% of the published 19.18 ms,
an open gap that bench/speed_validation.py FINDINGS (dsv32speed) records ("the steps run ~1.7x the
model at short context").
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

TABLE = "heldout-dsa-sglang-b200-dsv32-15025"
PUBLISHED_ITL_MS = {1: 19.18, 8: 19.88, 16: 25.30}


def _row(batch: int) -> dict[str, object]:
    """The held-out row's workload (the 30k-line table is not read here: tests stay under 2 s)."""
    return {"id": f"heldout-dsa-sglang-b200-dsv32-dp8-bs{batch}-itl", "use": "holdout", "engine": "sglang",
            "engine_version": "SGLang nightly CI (run of 2026-01-08)", "device": "B200",
            "num_gpus": 8, "dp": 8,
            "model": "DeepSeek-V3.2", "quant": "fp8", "metric": "tpot_ms", "prompt_tokens": 4096,
            "gen_tokens": 512, "concurrency": batch, "measured": PUBLISHED_ITL_MS[batch]}


@cache
def _itl(batch: int) -> float:
    return sv.predict(sv.build_case(_row(batch)))


def test_one_sequence_a_dp_rank_steps_as_one_stream() -> None:
    # batch 8 over 8 DP attention ranks: each rank decodes one sequence, as at batch 1 (19.88 vs 19.18 ms)
    assert abs(_itl(8) / _itl(1) - PUBLISHED_ITL_MS[8] / PUBLISHED_ITL_MS[1]) < 0.05


def test_two_sequences_a_rank_grow_the_step_no_more_than_published() -> None:
    grown = _itl(16) / _itl(1)
    assert 1.0 < grown < PUBLISHED_ITL_MS[16] / PUBLISHED_ITL_MS[1] * 1.1
