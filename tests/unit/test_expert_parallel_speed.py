"""hardware/expert_parallel.py: the busiest expert-parallel rank's reads, and how --ep / --dp reach speed."""

from __future__ import annotations

import itertools
import math

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.expert_parallel import (
    busiest_rank_experts,
    busiest_rank_routed_bytes,
    dispatch_combine_seconds,
)
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve


def _exact_busiest_one_token(experts: int, ranks: int, top_k: int) -> float:
    """Expected picks on the busiest rank when one token picks top_k distinct experts of `experts`
    spread evenly over `ranks` (multivariate hypergeometric, enumerated)."""
    local = experts // ranks
    total = math.comb(experts, top_k)
    expected = 0.0
    for counts in itertools.product(range(min(local, top_k) + 1), repeat=ranks):
        if sum(counts) != top_k:
            continue
        ways = math.prod(math.comb(local, c) for c in counts)
        expected += max(counts) * ways / total
    return expected


def test_one_expert_per_rank_is_any_rank_hit() -> None:
    # One expert per rank: the busiest rank runs one expert if any rank's was hit, 1 - (1 - p)^ranks.
    p = 0.1
    assert busiest_rank_experts(1, 8, p) == pytest.approx(1 - (1 - p) ** 8)


def test_one_token_deepseek_routing_against_exact_enumeration() -> None:
    # DeepSeek-V3/R1: top-8 of 256 routed experts over EP 8 (32 a rank). The ranks hold one pick on
    # average, the busiest ~2.5; the binomial approximation stays within 5% of the exact count.
    exact = _exact_busiest_one_token(256, 8, 8)
    approx = busiest_rank_experts(32, 8, 1 - (1 - 8 / 256))
    assert 2.3 < exact < 2.8
    assert approx == pytest.approx(exact, rel=0.05)


def test_busiest_rank_converges_to_the_even_read_at_large_batch() -> None:
    local_bytes = 32 * 10**9
    even = local_bytes * (1 - (1 - 8 / 256) ** 512)
    assert busiest_rank_routed_bytes(local_bytes, 256, 8, 512, 8) == pytest.approx(even, rel=0.001)
    # ...and reads more than the even share at one token (2.5 experts of 32 against 1).
    assert busiest_rank_routed_bytes(local_bytes, 256, 8, 1, 8) > 2 * local_bytes * 8 / 256


def _step(engine: str, batch: int, **options: object) -> tuple[float, int, int]:
    spec = resolve("DeepSeek-R1")
    wl = Workload.model_validate({"engine": engine, "tp": 8, "num_gpus": 8, "batch": batch, "context": 2000,
                                  "prompt_tokens": 1000, **options})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(8, 1, 1))
    gpu = get_gpu("H200-SXM-141GB")
    step = decode_step(inputs, gpu, resolve_constants(inputs, gpu))[0]
    return step, inputs.expert_ranks, inputs.expert_token_ranks


def test_sglang_ep_decode_is_slower_at_small_batch_and_equal_when_every_expert_runs() -> None:
    tp_small, ranks_tp, _ = _step("sglang", 1)
    ep_small, ranks_ep, _ = _step("sglang", 1, expert_parallel=True)
    assert (ranks_tp, ranks_ep) == (1, 8)
    assert ep_small > tp_small * 1.03
    tp_large, _, _ = _step("sglang", 512)
    ep_large, _, _ = _step("sglang", 512, expert_parallel=True)
    assert ep_large == pytest.approx(tp_large, rel=0.005)


def test_vllm_dp_and_ep_reach_the_speed_inputs() -> None:
    spec = resolve("Qwen3-30B-A3B")
    wl = Workload.model_validate({"engine": "vllm", "tp": 2, "data_parallel": 2, "num_gpus": 4,
                                  "expert_parallel": True, "batch": 4, "context": 2000,
                                  "prompt_tokens": 1000})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(2, 1, 2))
    assert (inputs.expert_ranks, inputs.expert_token_ranks) == (4, 2)  # T x D ranks; both cores' tokens
    dense = resolve("Qwen3-8B")
    plain = speed_inputs(dense, wl, estimate(dense, wl), Layout(2, 1, 2))
    assert (plain.expert_ranks, plain.expert_token_ranks) == (1, 1)


def test_sglang_dp_attention_times_each_attention_group_as_a_replica() -> None:
    # --tp 4 --ep 4 --enable-dp-attention --dp 4 (sgl-project/sglang#9359's gpt-oss-120b launch): four
    # groups of one rank attend their own requests; the experts span all four ranks and run every
    # group's tokens.
    spec = resolve("Qwen3-30B-A3B")
    wl = Workload.model_validate({"engine": "sglang", "tp": 4, "num_gpus": 4, "dp_attention": 4,
                                  "expert_parallel": True, "batch": 8, "context": 2000,
                                  "prompt_tokens": 1000})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(4, 1, 1))
    assert (inputs.tp, inputs.dp, inputs.expert_ranks, inputs.expert_token_ranks) == (1, 4, 4, 4)


def test_token_gather_is_two_collectives_per_moe_layer_and_only_across_cores() -> None:
    spec = resolve("Qwen3-30B-A3B")  # 48 layers, every one a routed MoE
    base = {"engine": "vllm", "tp": 2, "num_gpus": 4, "expert_parallel": True, "batch": 4, "context": 2000,
            "prompt_tokens": 1000}
    one = Workload.model_validate({**base, "num_gpus": 2})
    two = Workload.model_validate({**base, "data_parallel": 2})
    single = speed_inputs(spec, one, estimate(spec, one), Layout(2, 1, 1))
    double = speed_inputs(spec, two, estimate(spec, two), Layout(2, 1, 2))
    assert dispatch_combine_seconds(single, 900e9, 0.8, 1e-5, 4) == 0.0
    # Without a link figure only the latency is left: an all-gather and a reduce-scatter per MoE layer.
    assert dispatch_combine_seconds(double, 0.0, 0.8, 1e-5, 4) == pytest.approx(2 * 48 * 1e-5)
    assert dispatch_combine_seconds(double, 900e9, 0.8, 1e-5, 4096) > dispatch_combine_seconds(
        double, 900e9, 0.8, 1e-5, 4)
