"""Triton decode attention on CDNA3 (estimate/engines/rocm_triton_attention.py, hardware/attention_stream.py):
the KV read streams at the rate AITER's Triton unified_attention was measured at on gfx942, only for the
profiles of runs that decode through it, and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmsize.hardware.attention_stream import decode_attention_share, rate_at
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed_profiles import ENGINE_PROFILES, kernel_bandwidth

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

# REFERENCE: https://github.com/ROCm/aiter/pull/5664 (MI325X, gfx942): 'full512 decode b1/16/64 (8k) |
# 399/1482/1919 GB/s' before the PR's gfx942 tuning.
MEASURED_GB_S = {1: 399, 16: 1482, 64: 1919}


@pytest.mark.parametrize("batch", sorted(MEASURED_GB_S))
def test_mi300x_kv_share_is_the_measured_rate_over_its_datasheet(batch: int) -> None:
    gpu = get_gpu("MI300X")
    prof = ENGINE_PROFILES["vllm-triton-attention"]
    share = decode_attention_share(prof, gpu, batch, kernel_bandwidth("16bit", gpu))
    assert share == pytest.approx(MEASURED_GB_S[batch] / 5300, rel=1e-6)  # MI300X: 5.3 TB/s


def test_rate_is_log_linear_between_measured_batches_and_flat_outside() -> None:
    curve = ENGINE_PROFILES["sglang-triton-attention"].decode_attention_rate["amd-cdna3"]
    assert rate_at(curve, 4) == pytest.approx((399 + (1482 - 399) * 0.5) * 1e9)  # 4 = halfway from 1 to 16
    assert rate_at(curve, 256) == rate_at(curve, 64) == pytest.approx(1919e9)
    rates = [rate_at(curve, b) for b in (1, 2, 8, 16, 32, 64)]
    assert rates == sorted(rates)


@pytest.mark.parametrize("gpu_id", ["H100-SXM-80GB", "A100-SXM-80GB"])
def test_nvidia_gpus_keep_the_weight_share(gpu_id: str) -> None:
    gpu = get_gpu(gpu_id)
    default = kernel_bandwidth("16bit", gpu)
    for name in ("vllm-triton-attention", "sglang-triton-attention"):
        assert decode_attention_share(ENGINE_PROFILES[name], gpu, 64, default) == default


def test_release_profiles_without_a_triton_decode_keep_the_weight_share() -> None:
    """vLLM 0.8-0.13 on ROCm decoded through AMD's HIP paged attention (the MI300X Llama FP8 fit rows)."""
    gpu = get_gpu("MI300X")
    default = kernel_bandwidth("16bit", gpu)
    for name in ("vllm", "vllm-0.13", "vllm-0.6", "sglang", "sglang-0.4"):
        assert decode_attention_share(ENGINE_PROFILES[name], gpu, 64, default) == default


def _row(**update: object) -> dict[str, object]:
    return {"engine": "vllm", "device": "MI300X", "model": "gpt-oss-120b",
            "engine_version": "vLLM v0.17.0, TP 1, ROCM_AITER_UNIFIED_ATTN", **update}


def test_rows_pick_the_profile_from_the_backend_they_ran() -> None:
    assert sv.speed_engine(_row()) == "vllm-triton-attention"
    assert sv.speed_engine(_row(device="H100-SXM-80GB")) == "vllm"
    # vLLM 0.8-0.10 sent head-64/128 decodes without window or sinks to AMD's HIP kernel, the rest to
    # Triton's paged_attention_2d (estimate/engines/rocm_decode_backend.py): the model decides, as in `fit`
    llama = _row(engine_version="vLLM v0.10.0, TP 8", model="Llama-3.1-70B-Instruct")
    assert sv.speed_engine(llama) == "vllm-0.13"
    assert sv.speed_engine(_row(engine_version="vLLM v0.10.0, TP 8")) == "vllm-0.13-triton-attention"
    sglang = {"engine": "sglang", "engine_version": "SGLang 0.5.13.post1, TP 1"}
    assert sv.speed_engine(_row(**sglang, model="gemma-4-31B-it")) == "sglang-triton-attention"  # PR #25006
    assert sv.speed_engine(_row(**sglang, model="Qwen3-8B")) == "sglang"  # HIP default: aiter
    triton = {"engine": "sglang", "engine_version": "SGLang 0.5.13.post1 --attention-backend triton"}
    assert sv.speed_engine(_row(**triton, model="MiniMax-M2.7")) == "sglang-triton-attention"
