"""vLLM benchmark_throughput rows (metric offline_total_tps): waves of max_num_seqs, prompt + output tokens.

The Qwen2 speed-benchmark page's vLLM 0.4.2 throughput table
(https://github.com/QwenLM/Qwen2.5/blob/4da996c576418cc9ecdff35aeddfcdca814e9568/docs/source/benchmark/speed_benchmark.rst):
Qwen2-57B-A14B-Instruct BF16, --input-len 1000 --output-len 100 --enforce-eager -tp 2, 100 prompts: 4.81 QPS,
5,291.15 tokens/s; 1,000 prompts: 5.18 QPS, 5,698.37 tokens/s. 5,291.15 / 4.81 = 1,100 tokens a request: the
script counts prompt and output tokens.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv


def _row(prompts: int) -> dict[str, object]:
    return next(r for r in sv.load_rows() if r["id"] == f"heldout6-qwen2-a100-thr-57b-{prompts}")


def _batch_seconds(row: dict[str, object], batch: int) -> float:
    one = {**row, "metric": "batch_latency_s", "concurrency": batch, "num_prompts": None}
    return sv.predict(sv.build_case(one))


def test_published_rows_count_prompt_and_output_tokens() -> None:
    for prompts, qps in ((100, 4.81), (1000, 5.18)):
        row = _row(prompts)
        per_request = row["prompt_tokens"] + row["gen_tokens"]  # type: ignore[operator]
        assert row["measured"] == pytest.approx(qps * per_request, rel=0.002)


def test_one_wave_when_every_prompt_fits_max_num_seqs() -> None:
    row = _row(100)
    assert sv.predict(sv.build_case(row)) == pytest.approx(100 * 1100 / _batch_seconds(row, 100), rel=1e-9)


def test_a_thousand_prompts_run_as_waves_of_256_and_a_short_last_one() -> None:
    # vLLM 0.4.2 EngineArgs.max_num_seqs = 256; V0 prefills every waiting prompt it can before decoding
    # (vllm/core/scheduler.py Scheduler._schedule_default), so 1,000 equal requests run 256, 256, 256, 232.
    row = _row(1000)
    seconds = 3 * _batch_seconds(row, 256) + _batch_seconds(row, 232)
    assert sv.predict(sv.build_case(row)) == pytest.approx(1000 * 1100 / seconds, rel=1e-9)
