"""Ollama v0.11.5-v0.12.0's vendored llama.cpp e54d41be grouped each prompt ubatch's routed tokens on the
host: two cudaStreamSynchronize per MUL_MAT_ID (estimate/engines/ollama_mmid_sync.py). No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, estimate_speed, prefill_seconds, resolve_constants
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve

# PR #15525's -ub 2 row (RTX 3090, deepseek2 16B Q4_0 pp512, 158.03 -> 180.94 t/s): the time saved per
# MUL_MAT_ID (256 ubatches x 26 MoE layers x 3 calls), less that call's host scan (2 x (64 x 6 - 15) ids at
# ggml-org/llama.cpp#34's 8.69 ms / 137 / 128,256), over its two syncs: one grouping round trip.
ROUND_TRIP_S = ((512 / 158.03 - 512 / 180.94) / (256 * 26 * 3)
                - 2 * (64 * 6 - 15) * 8.69e-3 / 137 / 128_256) / 2
# ggml-org/llama.cpp#34: one host-scanned element, 8.69 ms / 137 runs / 128,256 candidates
# (llama_cpp_mmid_host.py).
SCAN_S = 8.69e-3 / 137 / 128_256


def _inputs(model: str, release: str) -> tuple[ModelSpec, SpeedInputs]:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "ollama", "engine_version": release, "context": 4096,
                                  "prompt_tokens": 1896})
    return spec, speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1))


def test_qwen3_moe_prompt_pays_two_syncs_per_expert_matmul_on_cuda() -> None:
    spec, inputs = _inputs("qwen3-coder:latest", "0.11.8")
    # llama runner (qwen3moe until v0.12.2): gate, up and down MUL_MAT_IDs, two round trips each.
    assert inputs.prefill_moe_host_s == pytest.approx(3 * 2 * ROUND_TRIP_S)
    gpu = get_gpu("RTX-4090")
    c = resolve_constants(inputs, gpu)
    with_sync, _ = prefill_seconds(inputs, gpu, c, 1896)
    without, _ = prefill_seconds(inputs.model_copy(update={"prefill_moe_host_s": 0.0}), gpu, c, 1896)
    # 1,896 tokens in ubatches of 512: 4 ubatches x 48 MoE layers, and between each call's syncs a host
    # scan of every token's 8 ids per expert, less those past its matches (128 x 8 - 28 a token).
    scans = spec.num_layers * 3 * 1896 * (128 * 8 - 28) * SCAN_S
    assert with_sync - without == pytest.approx(4 * spec.num_layers * 3 * 2 * ROUND_TRIP_S + scans)


def test_metal_and_later_releases_pay_nothing() -> None:
    _, inputs = _inputs("qwen3-coder:latest", "0.11.8")
    gpu = get_gpu("M2-Ultra-192GB")
    c = resolve_constants(inputs, gpu)
    assert prefill_seconds(inputs, gpu, c, 1896) == prefill_seconds(
        inputs.model_copy(update={"prefill_moe_host_s": 0.0}), gpu, c, 1896)
    # PR #15525 (device-side helper) reached Ollama with a later vendoring; llama-server from v0.30.
    assert _inputs("qwen3-coder:latest", "0.13.0")[1].prefill_moe_host_s == 0.0


def test_metal_notes_claim_no_host_scans_it_does_not_pay() -> None:
    # The scans sit between ggml-cuda's round trips (llama_cpp_mmid_host.py); Metal runs its own MUL_MAT_ID,
    # so prefill_seconds adds neither there. The speed notes said "290.5 ms of host scans ..." on an M3 Max
    # all the same (review15).
    _, inputs = _inputs("qwen3-coder:latest", "0.11.8")
    scans = [n for n in estimate_speed(inputs, get_gpu("M2-Ultra-192GB")).notes if "host scans" in n]
    assert scans == []
    assert any("host scans" in n for n in estimate_speed(inputs, get_gpu("RTX-4090")).notes)


def test_go_engine_gpt_oss_fuses_gate_and_up() -> None:
    _, inputs = _inputs("gpt-oss:120b", "0.11.8")
    assert inputs.prefill_moe_host_s == pytest.approx(2 * 2 * ROUND_TRIP_S)


def test_dense_models_have_no_routed_matmuls() -> None:
    _, inputs = _inputs("qwen2.5-coder:32b", "0.11.8")
    gpu = get_gpu("RTX-4090")
    c = resolve_constants(inputs, gpu)
    assert "moe_ffn" not in inputs.layer_parts
    assert prefill_seconds(inputs, gpu, c, 1896) == prefill_seconds(
        inputs.model_copy(update={"prefill_moe_host_s": 0.0}), gpu, c, 1896)
