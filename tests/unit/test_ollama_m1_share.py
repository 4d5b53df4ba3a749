"""Ollama v0.30+ on Apple M1 GPUs: the 2026 Metal share fitted on an M2 Pro does not reach the M1 generation.

Sources (estimate/engines/ollama.py METAL_2026_M1_GGUF_BANDWIDTH): an M1 Max decodes Llama-3.1-8B Q4_K_M at
46.2 t/s with llama.cpp/Metal of March 2026 (https://github.com/brand-o/normiebench/issues/40), 57% of its
400 GB/s, where Ollama's llama-server of 2026 gives an M2 Pro 84% (https://github.com/AlexsJones/llmfit/pull/1031);
a dense 27B reaches 44-58% on an M1 Max with llama.cpp b10549 (https://github.com/ggml-org/llama.cpp/issues/27525).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.ollama import METAL_2026_GGUF_BANDWIDTH, METAL_2026_M1_GGUF_BANDWIDTH, SPEED
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import bundled_gpus, get_gpu
from llmsize.hardware.plan import Planner
from llmsize.hardware.speed_profiles import KERNEL_BANDWIDTH, kernel_bandwidth
from llmsize.specs.resolve import resolve

APPLE = [g for g in bundled_gpus() if g.vendor == "apple"]


def test_m1_keeps_llama_cpps_own_apple_gguf_share() -> None:
    # No constant of its own: the M1 share is the llama-bench calibration of 2023-2025.
    assert KERNEL_BANDWIDTH[("gguf", "apple")] == METAL_2026_M1_GGUF_BANDWIDTH
    assert kernel_bandwidth("gguf", get_gpu("M1-Max-64GB"), SPEED.kernel_bandwidth) == pytest.approx(0.70)
    assert kernel_bandwidth("gguf", get_gpu("M2-Pro-32GB"), SPEED.kernel_bandwidth) == pytest.approx(
        METAL_2026_GGUF_BANDWIDTH
    )


@given(st.sampled_from(APPLE), st.sampled_from(["16bit", "int4", "gguf", "fp8"]))
def test_only_gguf_on_m1_changes(gpu: object, kernel: str) -> None:
    from llmsize.hardware.gpus import GpuSpec

    assert isinstance(gpu, GpuSpec)
    plain = kernel_bandwidth(
        kernel, gpu, {k: v for k, v in SPEED.kernel_bandwidth.items() if k == "gguf-apple"}
    )
    share = kernel_bandwidth(kernel, gpu, SPEED.kernel_bandwidth)
    if kernel == "gguf" and gpu.architecture == "apple-m1":
        assert share < plain
    else:
        assert share == plain


def _decode(model: str, gpu: str) -> float:
    wl = Workload.model_validate({"engine": "ollama", "prompt_tokens": 30, "context": 330})
    row = Planner(resolve(model), wl, estimate).plan(get_gpu(gpu), 1)
    assert row.decode_tokens_per_s is not None
    return row.decode_tokens_per_s


def test_llama31_8b_q4_k_m_on_an_m1_max() -> None:
    # https://github.com/brand-o/normiebench/issues/40: M1 Max 64 GB, llama.cpp / Metal (2026-03-08),
    # llama 3.1 8b q4_k_m tg128 46.2 t/s; Ollama v0.30+ runs that llama-server (the M2 Pro rows of
    # llmfit#1031 decode at the same speed under both). The M2 Pro's 0.92 share would give ~70 t/s.
    assert _decode("llama3.1:8b", "M1-Max-64GB") == pytest.approx(46.2, rel=0.25)


def test_an_m1_max_is_not_faster_per_byte_than_an_m2_max() -> None:
    # Same 400 GB/s: the M2 generation streams GGUF closer to it (llmfit#1031 against normiebench#40).
    assert _decode("llama3.1:8b", "M1-Max-64GB") < _decode("llama3.1:8b", "M2-Max-96GB")
