"""ggml-cuda's host grouping of a MUL_MAT_ID's routed tokens scans every token's ids once per expert.

Mechanism (estimate/engines/llama_cpp_mmid_host.py): mmq.cu ggml_cuda_mul_mat_q's ids branch before
PR #15525, and ggml-cuda.cu ggml_cuda_mul_mat_id's fallback in every build, copy the ids to the host,
synchronise, and walk for expert, for token, for id until the match, while the GPU waits. Priced per id at
a published host pass, ggml-org/llama.cpp#34 (2024-12-15): "sampling time = 8.69 ms / 137 runs" over the
128,256-entry vocabulary.

Published numbers, cited where used:
- Ollama (0.11.x; runs of 2025-09-06), RTX 4090, qwen3-coder:latest (Q4_K_M), 1,896-token prompt:
  2579.45 t/s (https://github.com/gparemsky/48gb4090/blob/f42049f92e50c423ce25b3c2f3140cea36b9e420/
  RESULTS/4090-24-tests/benchmark_comparison_20250906_095504.md; held-out row
  heldout11-ollama-pt-rtx4090-qwen3coder30b-p1896-pp, bounded here, never fitted).
- PR #15525's own table (https://github.com/ggml-org/llama.cpp/pull/15525), RTX 3090, deepseek2 16B Q4_0,
  pp512, t/s master (host grouping) -> PR (device grouping and tighter tiles): -ub 64 1268.85 -> 1802.95,
  -ub 128 2103.93 -> 2253.15, -ub 256 3280.19 -> 3628.64.
No test is timed.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmid_host as mmid
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, estimate_speed, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

SCAN_S = 8.69e-3 / 137 / 128_256  # ggml-org/llama.cpp#34: one candidate of a host pass
OLLAMA_4090_QWEN3_CODER_PP = 2579.45  # t/s, 1,896 tokens (module docstring)
# (-ub, t/s master, t/s PR) of PR #15525's RTX 3090 deepseek2 16B Q4_0 pp512 rows (module docstring)
PR_15525_TABLE = ((64, 1268.85, 1802.95), (128, 2103.93, 2253.15), (256, 3280.19, 3628.64))


def _reads_of_the_loops(routing: list[list[int]], experts: int) -> int:
    """The ids ggml-cuda's three nested loops read (for expert, for token, for id: break on the match)."""
    reads = 0
    for expert in range(experts):
        for ids in routing:
            for expert_to_use in ids:
                reads += 1
                if expert_to_use == expert:
                    break
    return reads


@pytest.mark.parametrize(("experts", "used", "tokens"), [(16, 4, 50), (128, 8, 64), (32, 4, 7)])
def test_the_count_is_what_the_loops_read_for_any_routing(experts: int, used: int, tokens: int) -> None:
    rng = random.Random(experts * tokens)
    routing = [rng.sample(range(experts), used) for _ in range(tokens)]
    assert mmid.scanned_ids(tokens, experts, used) == _reads_of_the_loops(routing, experts)


def test_the_price_is_the_published_host_pass() -> None:
    assert pytest.approx(SCAN_S, rel=1e-9) == mmid.HOST_SCAN_S_PER_ID
    assert 0.4e-9 < mmid.HOST_SCAN_S_PER_ID < 0.6e-9


def test_a_one_token_ubatch_takes_mmvq_and_scans_nothing() -> None:
    assert mmid.scan_seconds(1, 512, 128, 8, 144) == 0.0
    assert mmid.scan_seconds(513, 512, 128, 8, 144) == mmid.scan_seconds(512, 512, 128, 8, 144)


@given(st.integers(1, 16))
def test_the_scans_grow_with_the_tokens_not_the_ubatch_split(ubatches: int) -> None:
    whole = mmid.scan_seconds(512 * ubatches, 512, 128, 8, 144)
    assert whole == pytest.approx(ubatches * mmid.scan_seconds(512, 512, 128, 8, 144))
    assert whole == pytest.approx(mmid.scan_seconds(512 * ubatches, 256, 128, 8, 144))


def _ollama(release: str) -> SpeedInputs:
    spec = resolve("qwen3-coder:latest")
    wl = Workload.model_validate({"engine": "ollama", "engine_version": release, "context": 4096,
                                  "prompt_tokens": 1896})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def test_ollama_0_11_qwen3_coder_prompt_pays_the_scans_and_stays_a_lower_bound() -> None:
    inputs = _ollama("0.11.8")
    gpu = get_gpu("RTX-4090")
    c = resolve_constants(inputs, gpu)
    seconds, _ = prefill_seconds(inputs, gpu, c, 1896)
    # The scans alone: 48 MoE layers x 3 calls, 1,896 tokens x (128 x 8 - 28) ids: ~135 ms.
    scans = 48 * 3 * 1896 * (128 * 8 - 28) * SCAN_S
    no_scan = seconds - scans
    published = 1896 / OLLAMA_4090_QWEN3_CODER_PP
    # Still faster than published (a lower bound: server-class cores scan slower), but the scans close
    # over a third of the gap the round trips alone left.
    assert no_scan < seconds < published
    assert (published - seconds) < 0.65 * (published - no_scan)
    notes = estimate_speed(inputs, gpu).notes
    assert any("host scans grouping the routed tokens" in note for note in notes)


def test_ollama_copies_with_the_device_helper_scan_nothing() -> None:
    inputs = _ollama("0.12.4")
    assert not inputs.prefill_moe_host_s
    gpu = get_gpu("RTX-4090")
    assert not any("host scans" in note for note in estimate_speed(inputs, gpu).notes)


def test_deepseek2_scans_stay_below_what_pr_15525_saved_at_each_published_ubatch() -> None:
    # DeepSeek-V2-Lite: 26 MoE layers x 3 calls, 64 experts, 6 used; pp512 in ubatches of -ub. The PR's
    # saving (master -> PR, seconds for 512 tokens) holds the scans, the syncs and the retiling together.
    spec = resolve("DeepSeek-V2-Lite")
    assert (spec.num_experts, spec.num_experts_per_tok) == (64, 6)
    for ubatch, master, pr in PR_15525_TABLE:
        scans = mmid.scan_seconds(512, ubatch, 64, 6, 26 * 3)
        assert 0 < scans < 512 / master - 512 / pr
