"""Ollama runs ggml-cuda's MUL_MAT_ID host paths as far as the llama.cpp copy each release vendored had them
(estimate/engines/ollama_mmid_copies.py; read in ollama/ollama's tags, ml/backend/ggml/ggml/src/ggml-cuda).

The prices are llama_cpp_mmid_host.py's (the gfx1151 direct-dispatch floor, shisa-ai/hipEngine, 2.0087 us)
and ollama_mmid_sync.py's (a grouping round trip from PR #15525's -ub 2 row, ~10.1 us); these tests
check which releases pay them and that no round trip is counted twice. No test is timed."""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmid_host as loop
from llmsize.estimate.engines import ollama_mmid_copies as copies
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

# PR #15525's -ub 2 row (RTX 3090, deepseek2 16B Q4_0 pp512, 158.03 -> 180.94 t/s): the time saved per
# MUL_MAT_ID (256 ubatches x 26 MoE layers x 3 calls), less that call's host scan (2 x (64 x 6 - 15) ids at
# ggml-org/llama.cpp#34's 8.69 ms / 137 / 128,256), over its two syncs: one grouping round trip.
ROUND_TRIP_S = ((512 / 158.03 - 512 / 180.94) / (256 * 26 * 3)
                - 2 * (64 * 6 - 15) * 8.69e-3 / 137 / 128_256) / 2
STRIX = "Ryzen-AI-Max-395-128GB"  # gfx1151, RDNA 3.5
QWEN3_MOE_LAYERS = 48
# Each synced call's host scan of a 512-token ubatch: 512 x (128 x 8 - 28) ids at ggml-org/llama.cpp#34's
# 8.69 ms / 137 runs / 128,256 candidates (llama_cpp_mmid_host.py).
SCAN_512_S = 512 * (128 * 8 - 28) * 8.69e-3 / 137 / 128_256


def _inputs(release: str | None, quant: str = "Q4_K_M", backend: str | None = None) -> SpeedInputs:
    spec = resolve("Qwen3-30B-A3B")
    data: dict[str, object] = {"engine": "ollama", "context": 513, "prompt_tokens": 512, "quant": quant}
    if release:
        data["engine_version"] = release
    if backend:
        data["backend"] = backend
    wl = Workload.model_validate(data)
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def _pp512_seconds(inputs: SpeedInputs, device: str) -> float:
    gpu = get_gpu(device)
    return prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu), 512)[0]


def _without_loop(inputs: SpeedInputs) -> SpeedInputs:
    return inputs.model_copy(update={"prefill_expert_loop": False, "prefill_quantized_loop": False,
                                     "prefill_moe_host_s": 0.0})


def test_release_gates_follow_the_vendored_copy() -> None:
    # mmq.cu's ids branch with its two syncs: e1e8e0991 (v0.6.8) .. e54d41bef (v0.12.3); 364a7a6d4 has none.
    assert not copies.helper_on_host((0, 6, 7)) and copies.helper_on_host((0, 6, 8))
    assert copies.helper_on_host((0, 12, 3)) and not copies.helper_on_host((0, 12, 4))
    # ggml_cuda_should_use_mmq refuses RDNA3 at >= 64 tokens up to 7f8ef50cc (v0.13.2), not at 17f7f4baa.
    assert copies.rdna_loops_quantized((0, 13, 2)) and not copies.rdna_loops_quantized((0, 13, 3))
    assert not copies.helper_on_host(None) and not copies.rdna_loops_quantized(None)


def test_rdna35_release_whose_copy_refuses_grouped_mmq_pays_the_expert_loop() -> None:
    looped = _inputs("0.13.2")
    assert looped.prefill_expert_loop and looped.prefill_quantized_loop
    # 48 layers x 3 projections x ~128 experts x 2 dispatches x 2.0087 us, ~74 ms, on a 512-token ubatch.
    extra = _pp512_seconds(looped, STRIX) - _pp512_seconds(_without_loop(looped), STRIX)
    assert extra > QWEN3_MOE_LAYERS * 3 * 120 * 2 * 2.0e-6
    grouped = _inputs("0.13.3")
    assert grouped.prefill_expert_loop and not grouped.prefill_quantized_loop
    assert _pp512_seconds(grouped, STRIX) == pytest.approx(_pp512_seconds(_without_loop(grouped), STRIX))
    assert not _inputs(None).prefill_quantized_loop  # llama-server of the modelled release


def test_helper_era_counts_each_round_trip_once_even_where_the_experts_loop() -> None:
    # v0.12.0 (e54d41bef) on RDNA 3.5: the quantized loop's dispatches, plus 3 calls x 2 syncs a MoE layer
    # once (grouped and fallback calls alike copy the ids to the host and back), not once more per loop.
    both = _inputs("0.12.0")
    assert both.prefill_quantized_loop and not both.prefill_host_helper
    assert both.prefill_moe_host_s == pytest.approx(3 * 2 * ROUND_TRIP_S)
    extra = _pp512_seconds(both, STRIX) - _pp512_seconds(_without_loop(both), STRIX)
    dispatches = loop.loop_dispatches(512, 128, 8, QWEN3_MOE_LAYERS, 3) * 2.0087e-6
    per_call = 2 * ROUND_TRIP_S + SCAN_512_S
    assert extra == pytest.approx(dispatches + QWEN3_MOE_LAYERS * 3 * per_call, rel=1e-6)


def test_bf16_experts_after_the_helper_pay_the_looped_calls_round_trips_on_cuda() -> None:
    # v0.20 (ec98e2002): mmf.cu refuses BF16 MUL_MAT_ID of <= 1,024 rows above 512 tokens, > 1,024 above
    # 128; Qwen3-30B-A3B's 768-row gate/up stay on MMF at 512 tokens, its 2,048-row down loops: 1 call.
    bf16 = _inputs("0.20.0", quant="BF16")
    assert bf16.prefill_expert_loop and bf16.bf16_weights and not bf16.prefill_moe_host_s
    extra = _pp512_seconds(bf16, "RTX-4090") - _pp512_seconds(_without_loop(bf16), "RTX-4090")
    assert extra == pytest.approx(QWEN3_MOE_LAYERS * 1 * (2 * ROUND_TRIP_S + SCAN_512_S), rel=1e-6)


def test_metal_vulkan_and_copies_before_mmq_ids_pay_nothing() -> None:
    for inputs in (_inputs("0.12.0"), _inputs("0.20.0", quant="BF16")):
        assert _pp512_seconds(inputs, "M2-Ultra-192GB") == pytest.approx(
            _pp512_seconds(_without_loop(inputs), "M2-Ultra-192GB"))
    vulkan = _inputs("0.13.2", backend="vulkan")
    assert not vulkan.prefill_expert_loop and not vulkan.prefill_quantized_loop
    old = _inputs("0.6.7")  # its copy's MUL_MAT_ID is the older per-expert loop: not modelled
    assert not old.prefill_expert_loop and not old.prefill_quantized_loop and not old.prefill_moe_host_s
