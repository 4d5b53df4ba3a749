"""AITER's block-FP8 fused MoE on CDNA3 (estimate/engines/rocm_aiter_moe.py, hardware/moe_stream.py,
hardware/moe_prefill.py): a decode call of few tokens takes the kernel's measured floor, a call of many
tokens its experts' stream, a prefill chunk's call the kernel's measured FLOP rate at its tokens."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmsize.hardware.moe_prefill import routed_prefill_flops
from llmsize.hardware.moe_stream import moe_call_floor_seconds, routed_read_bytes
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.hardware.speed_profiles import engine_profile

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import speed_validation as sv

# REFERENCE: ROCm/aiter aiter/configs/model_configs/a8w8_blockscale_tuned_fmoe_glm5_1.csv, gfx942 / 304 CUs,
# GLM-5.1 at TP 8 (model_dim 6144, inter_dim 256, 257 experts, top 9): the tuned call's 'us' column.
PUBLISHED_US = {1: 67.3825, 2: 71.1007, 16: 123.614}


def _case(device: str = "MI300X", batch: int = 1, quant: str = "fp8") -> sv.Case:
    return sv.build_case({"engine": "sglang", "device": device, "num_gpus": 8, "model": "GLM-5.1",
                          "quant": quant, "engine_version": "SGLang v0.5.13.post1, --tp 8",
                          "metric": "tpot_ms", "prompt_tokens": 1000, "gen_tokens": 1000,
                          "concurrency": batch})


def _call_us(case: sv.Case) -> float:
    """The modelled routed-FFN call of one decode step: the experts' stream, held to the floor."""
    inputs = case.inputs
    c = resolve_constants(inputs, case.gpu)
    layers = inputs.layer_parts["moe_ffn"]
    routed = routed_read_bytes(inputs.routed_weight_bytes_per_gpu, inputs.expert_pick_share, inputs.batch)
    stream = routed / (case.gpu.bandwidth_bytes_per_s * c.bandwidth_fraction)
    return 1e6 * (stream + moe_call_floor_seconds(stream, layers, c.moe_call_floor_s)) / layers


@pytest.mark.parametrize("tokens", sorted(PUBLISHED_US))
def test_glm51_tp8_call_matches_aiter_gfx942_table(tokens: int) -> None:
    # 1-2 tokens: the kernel's floor; 16 tokens (~100 experts picked): the stream, not the floor.
    assert _call_us(_case(batch=tokens)) == pytest.approx(PUBLISHED_US[tokens], rel=0.12)


def _stream_us(case: sv.Case) -> float:
    c = resolve_constants(case.inputs, case.gpu)
    routed = routed_read_bytes(case.inputs.routed_weight_bytes_per_gpu, case.inputs.expert_pick_share,
                               case.inputs.batch)
    return 1e6 * routed / case.inputs.layer_parts["moe_ffn"] / (case.gpu.bandwidth_bytes_per_s
                                                                 * c.bandwidth_fraction)


def test_one_token_streams_far_faster_than_the_measured_call() -> None:
    assert _stream_us(_case()) < PUBLISHED_US[1] / 3  # ~11 us of experts against a 67 us call


def test_floor_adds_the_gap_to_the_measured_call_on_every_moe_layer() -> None:
    case = _case()
    c = resolve_constants(case.inputs, case.gpu)
    with_floor, _ = decode_step(case.inputs, case.gpu, c, 1500)
    without, _ = decode_step(case.inputs, case.gpu, c.model_copy(update={"moe_call_floor_s": 0.0}), 1500)
    added_us = (with_floor - without) * 1e6 / case.inputs.layer_parts["moe_ffn"]
    assert added_us + _stream_us(case) == pytest.approx(PUBLISHED_US[1], rel=0.12)


@pytest.mark.parametrize("device", ["H100-SXM-80GB", "H200-SXM-141GB"])
def test_nvidia_gpus_have_no_floor(device: str) -> None:
    case = _case(device=device)
    assert resolve_constants(case.inputs, case.gpu).moe_call_floor_s == 0.0


def test_sixteen_bit_experts_run_another_kernel_and_have_no_floor() -> None:
    case = _case(quant="bf16")
    assert resolve_constants(case.inputs, case.gpu).moe_call_floor_s == 0.0


def test_calls_that_stream_longer_than_the_floor_add_nothing() -> None:
    floor = PUBLISHED_US[1] * 1e-6
    assert moe_call_floor_seconds(75 * 123.6e-6, 75, floor) == 0.0  # 16 tokens: the stream sets the call
    assert moe_call_floor_seconds(75 * 11e-6, 75, floor) == pytest.approx(75 * (floor - 11e-6))
    assert moe_call_floor_seconds(75 * 11e-6, 0, floor) == 0.0  # a dense model has no routed calls


# REFERENCE: the same gfx942 table's prefill-sized calls of GLM-5.1 at TP 8: 'us' at 512 / 1,024 / 2,048 /
# 4,096 / 8,192 tokens (its 'tflops' column is the rate hardware/moe_prefill.py applies). The rate comes from
# this table, so the test below checks the FLOPs llmsize counts for the call (GLM-5.1's expert shape, top 8
# plus the fused shared expert, at TP 8) against the tuner's, not the speed against an independent timing:
# the held-out SGLang MI300X rows in bench/speed_tables.yaml do that.
PUBLISHED_PREFILL_US = {512: 310.917, 1024: 353.377, 2048: 547.545, 4096: 809.3871, 8192: 1313.9702}


def _prefill_call_us(tokens: int) -> float:
    """The modelled routed-expert time of one MoE layer in a `tokens`-token GLM-5.1 TP 8 prefill chunk."""
    case = _case(batch=1)
    inputs = case.inputs
    c = resolve_constants(inputs, case.gpu)
    dense_rate = case.gpu.flops_for(c.peak_dtype or inputs.compute_dtype) * c.compute_fraction
    # the table's top 9 of 257 experts: the eight routed ones and the shared one AITER fuses in
    nine = inputs.routed_active_params * 9 / 8
    curve = engine_profile(c.engine).moe_prefill_rate[c.moe_prefill_device]
    flops = routed_prefill_flops(2 * nine * tokens, tokens, curve, dense_rate)
    return 1e6 * flops / (inputs.tp * dense_rate) / inputs.layer_parts["moe_ffn"]


@pytest.mark.parametrize("tokens", sorted(PUBLISHED_PREFILL_US))
def test_glm51_tp8_prefill_call_matches_aiter_gfx942_table(tokens: int) -> None:
    assert _prefill_call_us(tokens) == pytest.approx(PUBLISHED_PREFILL_US[tokens], rel=0.15)


def test_prefill_experts_run_far_under_the_dense_share_on_cdna3_only() -> None:
    mi300 = _case()
    c = resolve_constants(mi300.inputs, mi300.gpu)
    assert c.moe_prefill_device == "amd-cdna3"  # SGLang FP8 experts on gfx942: AITER's measured rate
    for case in (_case(device="H100-SXM-80GB"), _case(quant="bf16")):
        assert resolve_constants(case.inputs, case.gpu).moe_prefill_device == ""
    # A long prompt: up to ~4k tokens this ROCm prefill is held to its eager launch floor (SGLang runs
    # it outside piecewise CUDA graphs on HIP: sglang_prefill_graphs.py), which hides the expert rate.
    slow, _ = prefill_seconds(mi300.inputs, mi300.gpu, c, 16384)
    fast, _ = prefill_seconds(mi300.inputs, mi300.gpu, c.model_copy(update={"moe_prefill_device": ""}), 16384)
    assert slow > fast


def test_measured_rate_never_beats_the_dense_share() -> None:
    curve = ((512, 139.87e12), (16384, 624.47e12))
    assert routed_prefill_flops(1e12, 4096, curve, 100e12) == pytest.approx(1e12)
    assert routed_prefill_flops(1e12, 512, curve, 1000e12) == pytest.approx(1e12 * 1000 / 139.87)
    assert routed_prefill_flops(1e12, 100_000, curve, 1000e12) == pytest.approx(1e12 * 1000 / 624.47)
    assert routed_prefill_flops(1e12, 512, (), 1000e12) == 1e12
