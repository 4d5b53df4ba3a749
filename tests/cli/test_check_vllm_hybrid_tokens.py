"""vLLM's "GPU KV cache size" of a hybrid model is less than what its shared pool admits, and `check` says
why beside it (issue 15, newcomer audit: "kv_cache_tokens: 3168" beside "the estimated maximum model
length is 11,616" for Qwen3.6-35B-A3B on an RTX 4090).

REFERENCE: vllm/v1/core/kv_cache_utils.py (0.19.0) `_report_kv_cache_config`: num_blocks //
len(kv_cache_groups) x min block_size; `_estimate_max_model_len_from_groups` and
`get_max_concurrency_for_kv_cache_config` count the blocks the groups share (a state group: one a request).
"""

from __future__ import annotations

import re

import pytest
from test_hostile_inputs import run_cli

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.specs.resolve import resolve


def test_check_explains_the_hybrid_token_figure_beside_the_requests_it_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(["check", "--gpu", "RTX-4090", "--", "vllm", "serve",
                            "QuantTrio/Qwen3.6-35B-A3B-AWQ", "--max-model-len", "8192"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    tokens = re.search(r"kv_cache_tokens: (\d+) \(([^)]*)\)", flat)
    assert tokens is not None, flat
    held = re.search(r"of 8,192 tokens fit, ([\d,]+) in all", tokens[2])
    assert held is not None and int(held[1].replace(",", "")) > int(tokens[1])
    # 40 layers: 10 attention + 30 gated delta-net in 4 groups of 10; 1,056-token blocks
    assert "// 4 KV cache groups x 1,056" in tokens[2]


def test_check_of_a_refused_start_prints_no_token_figure(capsys: pytest.CaptureFixture[str]) -> None:
    """At its default max_model_len (262,144) vLLM refuses this start before it logs "GPU KV cache size"
    (kv_cache_utils.check_enough_kv_cache_memory runs first): `check` printed "kv_cache_tokens: 3168"
    under "vLLM would refuse to start" (issue 15, newcomer round 18); it now says the refusal."""
    code, out, _ = run_cli(["check", "--gpu", "RTX-4090", "--", "vllm", "serve",
                            "QuantTrio/Qwen3.6-35B-A3B-AWQ"], capsys)
    assert code == 3
    flat = " ".join(out.split())
    assert "kv_cache_tokens: none (vLLM stops before it allocates the KV cache; see why)" in flat
    assert "max_concurrency" not in flat and "estimated maximum model length is 11,616" in flat


def test_vllm_0_19_hybrid_note_matches_the_published_pair() -> None:
    """Qwen3.5-27B on vLLM 0.19.0 (vllm-project/vllm#40691, --max-model-len 32768 --max-num-seqs 16
    --max-num-batched-token 16384): "GPU KV cache size: 290,864 tokens", "Maximum concurrency for 32,768
    tokens per request: 33.04x". 1,487 blocks of 784 tokens: 1,487 // 4 x 784 = 290,864 and
    1,487 / (42 + 3) = 33.04; the note adds the 1,082,654 tokens vLLM 0.20.1 prints (#40694)."""
    spec = resolve("Qwen3.5-27B")
    page = 784 * 4096 * 16  # 784 tokens x 4 KiB a token and attention layer x 16 layers a group
    wl = Workload(engine="vllm", context=32768, max_num_seqs=16, max_num_batched_tokens=16384,
                  kv_cache_memory=1487 * page + page // 2)
    budget = engine_for(wl).budget(estimate(spec, wl), get_gpu("h100").visible_memory_bytes, wl)
    assert (budget.kv_blocks, budget.kv_tokens, budget.max_concurrency) == (1487, 290_864, 33.04)
    assert budget.kv_tokens_note == (
        "vLLM's figure: 1,487 blocks // 4 KV cache groups x 784; the groups share the blocks, "
        f"so 33.04 requests of 32,768 tokens fit, {int(1487 / 45 * 32768):,} in all"
    )


@pytest.mark.parametrize(("model", "version"), [("Qwen/Qwen3-8B", None), ("Qwen3.5-27B", "0.20.1")])
def test_no_note_where_the_figure_is_the_pool(model: str, version: str | None) -> None:
    """One KV cache group (a dense model), or vLLM >= 0.20.1 printing int(concurrency x max_model_len)."""
    wl = Workload(engine="vllm", context=32768, engine_version=version)
    spec = resolve(model)
    budget = engine_for(wl).budget(estimate(spec, wl), get_gpu("h100").visible_memory_bytes, wl)
    assert budget.kv_tokens is not None and budget.kv_tokens > 0
    assert budget.kv_tokens_note is None


def test_estimate_pool_line_carries_the_note(capsys: pytest.CaptureFixture[str]) -> None:
    """`estimate` names the pool's tokens too ("a KV pool of 16.15 GiB a GPU (65,856 tokens)"): the same
    per-group share, explained the same way."""
    code, out, _ = run_cli(["estimate", "Qwen3.5-27B", "--engine", "vllm", "--gpu", "H100",
                            "--context", "32768"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert re.search(r"pre-allocates a KV pool of [\d.]+ GiB a GPU \([\d,]+ tokens; vLLM's figure: [\d,]+ "
                     r"blocks // 4 KV cache groups x 784; the groups share the blocks, so [\d.]+ requests "
                     r"of 32,768 tokens fit, [\d,]+ in all\)", flat), flat
