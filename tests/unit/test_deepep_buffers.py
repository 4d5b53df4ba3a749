"""DeepEP's communication buffer per GPU (estimate/engines/deepep_buffers.py), from DeepEP's own size hints
(deepseek-ai/DeepEP csrc/legacy/config.hpp) and the engines' choices (sglang_moe_a2a.py, vllm_all2all.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.engines import deepep_buffers as dp
from llmsize.estimate.engines import sglang_moe_a2a, vllm_all2all
from llmsize.estimate.workload import Workload
from llmsize.specs.resolve import resolve

GIB = 2**30


def test_low_latency_hint_matches_vllm_57894_table() -> None:
    # https://github.com/vllm-project/vllm/issues/57894: hidden 5120, 16 ranks, 448 experts (384 + 64
    # redundant), num_max_tokens_per_rank 2048 -> num_rdma_bytes "35.55 GiB"; 1840 -> "31.94 GiB".
    assert dp.low_latency_rdma_bytes(2048, 5120, 448) / GIB == pytest.approx(35.55, abs=0.005)
    assert dp.low_latency_rdma_bytes(1840, 5120, 448) / GIB == pytest.approx(31.94, abs=0.005)


def test_low_latency_hint_spelled_out_for_deepseek_v3() -> None:
    # LowLatencyLayout: hidden 7168 -> 56 scales; dispatch message 16 + max(14336, 7168 + 224) = 14352 B,
    # combine message 56 x 4 + 14336 = 14560 B; 128 tokens, 256 experts.
    send = max(128 * 14352, 256 * 128 * 14560)
    recv = 256 * 128 * max(14352, 14560)
    total = 2 * (send + recv + 1024)  # signalling: 256 ints, already 128-aligned
    assert dp.low_latency_rdma_bytes(128, 7168, 256) == (total + 128) // 128 * 128


def test_normal_hints_spelled_out() -> None:
    # get_nvl_buffer_size_hint at 8 ranks, FP8 hidden 7168, 20 SMs -> 10 channels, 256 receive slots of
    # 7168 + 8 + 128 x 8 + 128 x 4 + 128 x 4 = 9224 B, plus 10 x 8 x (2 + 3) ints; no RDMA within a node.
    nvl, rdma = dp.normal_bytes(7168, 8)  # type: ignore[misc]
    assert nvl == -(-(10 * 8 * 5 * 4 + 10 * 8 * 256 * 9224) // 128) * 128
    assert rdma == 0
    assert dp.normal_bytes(7168, 16)[1] > 0  # type: ignore[index]  # two nodes: an RDMA region
    assert dp.normal_bytes(7168, 6) is None  # DeepEP has no config for 6 ranks


@given(st.integers(1, 1024), st.integers(1, 64).map(lambda k: 128 * k), st.integers(1, 512))
def test_low_latency_hint_grows_with_tokens_and_experts(tokens: int, hidden: int, experts: int) -> None:
    n = dp.low_latency_rdma_bytes(tokens, hidden, experts)
    assert n > 0 and n % dp.ALIGNMENT_BYTES == 0
    assert dp.low_latency_rdma_bytes(tokens + 1, hidden, experts) > n
    assert dp.low_latency_rdma_bytes(tokens, hidden, experts + 1) > n


def test_engines_size_their_own_buffers() -> None:
    v3 = resolve("DeepSeek-V3")
    sg = Workload(engine="sglang", tp=8, num_gpus=8, moe_a2a_backend="deepep")
    ll = dp.low_latency_rdma_bytes(128, 7168, 256)
    nvl, _ = dp.normal_bytes(7168, 8)  # type: ignore[misc]
    assert sglang_moe_a2a.deepep_bytes(v3, sg) == nvl + ll + dp.WORKSPACE_BYTES
    assert sglang_moe_a2a.deepep_bytes(v3, sg.model_copy(update={"moe_a2a_backend": None})) == 0
    vl = Workload(
        engine="vllm", data_parallel=2, num_gpus=2, expert_parallel=True, moe_a2a_backend="deepep_low_latency"
    )
    assert vllm_all2all.deepep_bytes(v3, vl) == 1024 * dp.MIB + dp.low_latency_rdma_bytes(256, 7168, 256) + (
        dp.WORKSPACE_BYTES)
    ht = vl.model_copy(update={"moe_a2a_backend": "deepep_high_throughput"})
    assert vllm_all2all.deepep_bytes(v3, ht) == 1024 * dp.MIB + dp.WORKSPACE_BYTES  # one node: no RDMA
    two_nodes = ht.model_copy(update={"data_parallel": 16, "num_gpus": 16})
    assert vllm_all2all.deepep_bytes(v3, two_nodes) == 2048 * dp.MIB + dp.WORKSPACE_BYTES
    no_ep = vl.model_copy(update={"expert_parallel": False})  # vLLM makes no all2all manager
    assert vllm_all2all.deepep_bytes(v3, no_ep) == 0
