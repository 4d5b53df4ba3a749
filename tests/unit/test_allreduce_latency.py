"""hardware/allreduce.py: which engine releases and GPUs pay the custom kernel's measured latency."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.allreduce import allreduce_latency_s, custom_allreduce_latency_s, nvlink_peers
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import resolve_constants
from llmsize.hardware.speed_profiles import ALLREDUCE_LATENCY_S
from llmsize.specs.resolve import resolve

SGLANG_2904 = "https://github.com/sgl-project/sglang/pull/2904"  # H100 one-shot custom all-reduce, 32 KB


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
