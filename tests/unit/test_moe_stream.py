"""hardware/moe_stream.py: routed-expert reads of a decode step and where the fused-MoE share applies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.vllm_async import SYNC_V1_ENGINE
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.moe_stream import (
    FUSED_MOE_STREAM_FRACTION,
    fused_moe_stream_fraction,
    routed_read_bytes,
    weight_read_seconds,
)
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, resolve_constants
from llmsize.specs.resolve import resolve


@given(st.integers(1, 10**12), st.floats(0.001, 1.0), st.integers(1, 512))
def test_routed_read_is_between_one_token_and_all_experts(total: int, share: float, batch: int) -> None:
    read = routed_read_bytes(total, share, batch)
    assert total * share * (1 - 1e-9) <= read <= total * (1 + 1e-9)
    assert routed_read_bytes(total, share, batch + 1) >= read  # more tokens never read fewer experts


def test_union_of_experts_at_batch_ten() -> None:
    # 10 tokens, top-8 of 128: E * (1 - (1 - k/E)^B) = 128 * (1 - 0.9375^10) = 60.87 experts.
    assert routed_read_bytes(128, 8 / 128, 10) == pytest.approx(60.87, abs=0.01)


def test_share_only_for_16bit_experts_on_hbm() -> None:
    assert fused_moe_stream_fraction("16bit", get_gpu("H100-SXM-80GB")) == FUSED_MOE_STREAM_FRACTION
    assert fused_moe_stream_fraction("fp8", get_gpu("H100-SXM-80GB")) == 0.0
    assert fused_moe_stream_fraction("16bit", get_gpu("RTX-4090")) == 0.0


def test_no_routed_bytes_keeps_the_dense_time() -> None:
    assert weight_read_seconds(10**9, 0.0, 1e12, 0.5, 0.89) == pytest.approx(2e-3)
    assert weight_read_seconds(10**9, 10**9, 1e12, 0.5, 0.0) == pytest.approx(2e-3)


def _step(engine: str, model: str = "Qwen3-30B-A3B", batch: int = 1) -> tuple[float, float]:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "vllm", "context": 1024, "prompt_tokens": 512, "batch": batch})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(), engine=engine)
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    return decode_step(inputs, gpu, c)[0], c.moe_stream_fraction


def test_vllm_moe_decode_uses_the_fused_share_and_untuned_tiles_cost_more() -> None:
    # The untuned-tile profile is the V1 engine of mid-2025 (synchronous scheduling, vllm_speed.py):
    # compare with that engine on tuned tiles.
    tuned, share = _step(SYNC_V1_ENGINE)
    untuned, _ = _step("vllm-moe-untuned")
    assert share == FUSED_MOE_STREAM_FRACTION
    # 48 routed layers x 36 us of default-tile time per call.
    assert untuned - tuned == pytest.approx(48 * 36e-6, rel=1e-6)


def test_dense_models_and_llama_cpp_are_unchanged() -> None:
    _, share = _step("vllm", model="Qwen2.5-7B-Instruct")
    assert share == 0.0
    _, share = _step("llama.cpp")
    assert share == 0.0
