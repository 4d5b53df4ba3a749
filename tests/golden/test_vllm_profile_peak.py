"""Golden: vLLM 0.19's "torch peak memory increase" where the sampler warm-up sets the profile peak.

Each row's `breakdown.line` in engine_logs.yaml quotes the "Memory profiling takes ..." line of a
published llm-d-planner log (vLLM 0.19.0, H100 80GB, 1,024 sequences, 8,192 batched tokens). For the
dense models whose forward of 8,192 tokens needs less than the sampler warm-up over 1,024 x the
vocabulary, the printed torch peak is that warm-up (estimate/engines/vllm_sampler.py; for an image
model plus the encoder cache's dummy outputs and the dummy pixel batch, vllm_encoder.py); llmsize prints
the same line in `gpus[0].engine_log`. Allowed: one unit of the log's last printed digit (0.01 GiB):
vLLM rounds to 2 decimals and the caching allocator's reuse of the forward's blocks moves the count
by a MiB or two.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from engine_log_rows import load_rows, run_cli

SAMPLER_PEAK_ROWS = (
    "vllm-llama3.1-8b-h100-weights",  # 1.89 GiB
    "vllm-llama3.1-8b-h100-tp2-weights",  # 1.89 GiB at TP 2: the logits are all-gathered
    "vllm-llama3.1-8b-h100-online-fp8-weights",  # 1.89 GiB: fp8 layers, the lm_head GEMM still bf16
    "vllm-qwen2.5-7b-h100-weights",  # 2.21 GiB
    "vllm-qwen2.5-7b-h100-tp4-kv-tokens",  # 2.21 GiB at TP 4
    "vllm-qwen3-8b-h100-weights",  # 2.21 GiB
    "vllm-phi-4-h100-weights",  # 1.52 GiB
    "vllm-gemma-2-9b-h100-kv-tokens",  # 3.65 GiB (vocabulary 256,000)
    "vllm-gemma-2-27b-h100-kv-tokens",  # 3.66 GiB
    "vllm-gpt-oss-20b-h100-tp2-weights",  # 2.87 GiB (vocabulary 201,088)
    "vllm-qwen2.5-72b-h100-tp2-weights",  # 2.29 GiB
    # image models: the encoder cache's dummy outputs and the dummy pixel batch stay alive too
    "vllm-gemma-3-12b-h100-weights",  # 3.94 GiB
    "vllm-gemma-3-27b-h100-kv-tokens",  # 3.99 GiB
)
_PEAK = re.compile(r"torch peak memory increase: ([0-9.]+)GiB")
ROWS = {r["id"]: r for r in load_rows()}


@pytest.mark.parametrize("row_id", SAMPLER_PEAK_ROWS)
def test_torch_peak_matches_the_published_profile_line(row_id: str) -> None:
    row: dict[str, Any] = ROWS[row_id]
    published = float(row["breakdown"]["torch_peak_increase_gib"])
    assert f"torch peak memory increase: {published}GiB" in " ".join(row["breakdown"]["line"].split())
    code, out, err = run_cli([*row["llmsize_args"], "--format", "json"])
    assert code == 0, err
    log = json.loads(out)["gpus"][0]["engine_log"]
    found = [m.group(1) for line in log if (m := _PEAK.search(line))]
    assert len(found) == 1, log
    assert abs(float(found[0]) - published) <= 0.01 + 1e-9, (
        f"llmsize prints torch peak {found[0]} GiB, the log {published} GiB ({row['source']['url']})"
    )
