"""hardware/allreduce.py: which engine releases and GPUs pay the custom kernel's measured latency."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.allreduce import (
    NCCL_RING_LL_BASE_S,
    PCIE_HOP_S,
    allreduce_latency_s,
    collective_link_bytes_per_s,
    custom_allreduce_latency_s,
    gather_latency_s,
    nvlink_peers,
)
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import resolve_constants
from llmsize.hardware.speed_profiles import ALLREDUCE_LATENCY_S
from llmsize.specs.resolve import resolve

SGLANG_2904 = "https://github.com/sgl-project/sglang/pull/2904"  # H100 one-shot custom all-reduce, 32 KB
NCCL_1439 = "https://github.com/NVIDIA/nccl/issues/1439"  # 8 x RTX 3090 PCIe all_reduce_perf: 54.18 us at 8 B


def test_nvlink_peers_only_on_nvidia_links_without_a_mesh() -> None:
    # custom_all_reduce.py CustomAllreduce reads its peers over NVLink; PCIe cards and AMD's xGMI mesh differ.
    assert nvlink_peers(get_gpu("H100-SXM-80GB"))
    assert nvlink_peers(get_gpu("B200"))
    assert not nvlink_peers(get_gpu("RTX-4090"))
    assert not nvlink_peers(get_gpu("MI300X"))


def test_measured_latency_by_world_size() -> None:
    assert custom_allreduce_latency_s(2) == pytest.approx(4.5e-6), SGLANG_2904
    assert custom_allreduce_latency_s(8) == pytest.approx(7.8e-6), SGLANG_2904
    assert custom_allreduce_latency_s(4) < custom_allreduce_latency_s(6) < custom_allreduce_latency_s(8)


def test_default_where_the_kernel_does_not_run_or_was_not_measured() -> None:
    h100 = get_gpu("H100-SXM-80GB")
    assert allreduce_latency_s(True, h100, 3, 15e-6) == 15e-6  # not in _SUPPORTED_WORLD_SIZES
    assert allreduce_latency_s(True, get_gpu("RTX-4090"), 2, 15e-6) == 15e-6
    assert allreduce_latency_s(False, h100, 8, 15e-6) == 15e-6
    assert allreduce_latency_s(False, get_gpu("RTX-3090"), 4, 15e-6) == 15e-6  # fitted releases keep theirs


def test_an_nvlink_bridge_is_not_an_nvlink_switch() -> None:
    # CustomAllreduce asks NVML whether every pair is NVLink-connected; a bridge pairs two cards of a group.
    assert not nvlink_peers(get_gpu("RTX-3090"))
    assert not nvlink_peers(get_gpu("RTX-A6000"))
    assert allreduce_latency_s(True, get_gpu("RTX-3090"), 2, 15e-6) == 15e-6


def test_more_than_two_pcie_gpus_pay_nccls_ring() -> None:
    # custom_all_reduce.py: 'not supported on more than two PCIe-only GPUs' -> pynccl;
    # tuning.cc: base + 2 (n - 1) hops.
    assert pytest.approx((54.18e-6 - NCCL_RING_LL_BASE_S) / 14) == PCIE_HOP_S, NCCL_1439
    for gpu in ("RTX-3090", "RTX-4090"):
        assert allreduce_latency_s(True, get_gpu(gpu), 4, 15e-6) == pytest.approx(6.6e-6 + 6 * PCIE_HOP_S)
        assert allreduce_latency_s(True, get_gpu(gpu), 8, 15e-6) == pytest.approx(54.18e-6), NCCL_1439
    assert allreduce_latency_s(True, get_gpu("RTX-4090"), 4, 15e-6) > 25e-6


def test_moe_gathers_are_nccl_rings_of_n_minus_one_hops_on_pcie() -> None:
    # all2all.py AgRsAll2AllManager: pynccl all_gatherv / reduce_scatterv, n - 1 ring steps each.
    assert gather_latency_s(True, get_gpu("RTX-3090"), 4, 15e-6) == pytest.approx(6.6e-6 + 3 * PCIE_HOP_S)
    assert gather_latency_s(True, get_gpu("H100-SXM-80GB"), 4, 4.8e-6) == 4.8e-6
    assert gather_latency_s(False, get_gpu("RTX-3090"), 4, 15e-6) == 15e-6


def test_collectives_between_bridged_cards_move_at_pcie_speed() -> None:
    rtx3090 = get_gpu("RTX-3090")
    assert collective_link_bytes_per_s(rtx3090) == pytest.approx(64e9)  # PCIe 4.0 x16, not the bridge's 112.5
    h100 = get_gpu("H100-SXM-80GB")
    assert collective_link_bytes_per_s(h100) == h100.interconnect_bytes_per_s


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("vllm", 7.8e-6),  # V1: the measured kernel
        ("sglang", 7.8e-6),  # 0.5 series
        ("vllm-0.6", ALLREDUCE_LATENCY_S),  # V0 0.6.3: the fitted figure with its per-step broadcast
        ("sglang-0.4", ALLREDUCE_LATENCY_S),
    ],
)
def test_engine_release_picks_the_latency(engine: str, expected: float) -> None:
    spec = resolve("Llama-3.1-70B")
    wl = Workload.model_validate(
        {"engine": "vllm", "context": 2048, "prompt_tokens": 1024, "num_gpus": 8, "tp": 8}
    )
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=8), engine=engine)
    assert resolve_constants(inputs, get_gpu("H100-SXM-80GB")).allreduce_latency_s == pytest.approx(expected)
