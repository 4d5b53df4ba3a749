"""Fit arithmetic on hand-made estimates: headroom, reasons, vLLM's share, llama.cpp layers."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Engine
from llmsize.hardware.fit import fit, largest_component, usable_bytes
from llmsize.hardware.gpus import get_gpu
from llmsize.units import GIB


def _est(weights: float, kv: float = 0, act: float = 0, overhead: float = 0.5) -> Estimate:
    return Estimate(
        weights_bytes=int(weights * GIB), kv_cache_bytes=int(kv * GIB), activations_bytes=int(act * GIB),
        gradients_bytes=0, optimizer_bytes=0, adapters_bytes=0, overhead_bytes=int(overhead * GIB),
        params=7 * 10**9, active_params=7 * 10**9,
    )


def test_fits_with_headroom() -> None:
    gpu = get_gpu("rtx4090")
    est = _est(14.2, kv=0.5, act=0.3)
    row = fit(est, gpu)
    assert row.fits
    assert row.per_gpu_bytes == est.total_bytes
    assert row.headroom_bytes == gpu.visible_memory_bytes - est.total_bytes
    assert row.reason is None
    assert row.usable_bytes == gpu.visible_memory_bytes


def test_does_not_fit_names_the_largest_component() -> None:
    gpu = get_gpu("rtx4090")
    row = fit(_est(14.0, kv=16.0), gpu)
    assert not row.fits
    assert row.headroom_bytes < 0
    assert row.reason is not None and "the KV cache" in row.reason  # in words (newcomer round 20)
    row = fit(_est(30.0), gpu)
    assert row.reason is not None and "weights alone" in row.reason
    assert largest_component(_est(30.0)) == ("weights", int(30 * GIB))


def test_no_speed_claims_when_it_does_not_fit() -> None:
    row = fit(_est(30.0), get_gpu("rtx4090"))
    assert row.decode_tokens_per_s is None and row.ttft_s is None


def test_vllm_uses_its_share_of_the_card() -> None:
    gpu = get_gpu("h100")
    assert usable_bytes(gpu, Engine.VLLM, 0.9) == int(gpu.visible_memory_bytes * 0.9)
    assert usable_bytes(gpu, "vllm", 0.5) == int(gpu.visible_memory_bytes * 0.5)
    assert usable_bytes(gpu, Engine.TRANSFORMERS) == gpu.visible_memory_bytes


def test_llama_cpp_gpu_layers() -> None:
    est = _est(32.0, kv=0.0, act=1.0, overhead=1.0)  # 1 GiB per layer over 32 layers
    layers = LlamaCpp().offload_layers
    assert layers(est, int(20 * GIB), 32) == 18
    assert layers(est, int(100 * GIB), 32) == 32
    assert layers(est, int(1 * GIB), 32) == 0


@pytest.mark.parametrize("count", [1, 2, 8])
def test_fit_row_records_layout(count: int) -> None:
    row = fit(_est(10.0), get_gpu("a100"), count, tp=count)
    assert row.count == count and row.tp == count


def test_fit_row_carries_the_runtime_total_before_the_vllm_share() -> None:
    gpu = get_gpu("h100")
    row = fit(_est(10.0), gpu, engine=Engine.VLLM, gpu_memory_utilization=0.5)
    # 79.22 GiB: vLLM's total_gpu_memory on an H100 (https://github.com/vllm-project/vllm/pull/10511).
    assert row.visible_memory_bytes == gpu.visible_memory_bytes == int(79.22 * 2**30)
    assert row.usable_bytes == int(gpu.visible_memory_bytes * 0.5)
