"""llama.cpp HIP prompts on RDNA before PR #17576: a routed projection runs expert by expert.

Published number, cited where used: Qwen3-30B-A3B Q4_K_M pp512 on Strix Halo (ROCm/HIP, TheRock
7.0.0rc20250710, build 7de5c7ca (5882), GMKtec EVO-X2), 607.81 t/s
(https://blog.tosukui.xyz/posts/gmktec-ryzen-ai-rocm-therock, the held-out row
heldout8-strixhalo-therock-qwen3-30b-a3b-q4km-pp512; only bounded here, never fitted). The rule and
its price (the gfx1151 direct-dispatch floor) are in estimate/engines/llama_cpp_mmid_host.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import llama_cpp_mmid_host as loop
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, estimate_speed, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

STRIX = "Ryzen-AI-Max-395-128GB"
THEROCK_QWEN3_30B_PP512 = 607.81  # t/s, build 5882 (module docstring)


def _inputs(model: str, quant: str, build: str | None, backend: str | None = None) -> SpeedInputs:
    spec = resolve(model)
    data = {"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": quant}
    if build:
        data["engine_version"] = build
    if backend:
        data["backend"] = backend
    wl = Workload.model_validate(data)
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def _pp512(inputs: SpeedInputs, device: str = STRIX) -> float:
    gpu = get_gpu(device)
    seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu), 512)
    return 512 / seconds


def test_build_5882_loops_and_stays_a_lower_bound_of_the_published_prompt_time() -> None:
    looped = _inputs("Qwen3-30B-A3B", "Q4_K_M", "b5882")
    assert looped.prefill_quantized_loop
    grouped = looped.model_copy(update={"prefill_quantized_loop": False})
    # The loop adds 48 layers x 3 projections x ~128 experts x 2 dispatches x 2.0 us (~74 ms) to a
    # ~0.55 s ubatch; the host sort and the syncs are not priced, so the rate stays above the published one.
    assert _pp512(looped) < 0.9 * _pp512(grouped)
    assert _pp512(looped) > THEROCK_QWEN3_30B_PP512


def test_dense_models_vulkan_nvidia_and_current_builds_pay_nothing() -> None:
    dense = _inputs("Llama-2-7b", "Q4_0", "b5882")
    assert _pp512(dense) == pytest.approx(_pp512(dense.model_copy(update={"prefill_quantized_loop": False})))
    vulkan = _inputs("Qwen3-30B-A3B", "Q4_K_M", "b5882", backend="vulkan")
    assert not vulkan.prefill_expert_loop and not vulkan.prefill_quantized_loop
    assert not _inputs("Qwen3-30B-A3B", "Q4_K_M", None).prefill_quantized_loop
    assert not _inputs("Qwen3-30B-A3B", "Q4_K_M", f"b{loop.GROUPED_MMQ_BUILD}").prefill_quantized_loop
    # NVIDIA takes the grouped MMQ kernel at every ubatch (turing_mma_available): no price on a CUDA card.
    moe = _inputs("Qwen3-30B-A3B", "Q4_K_M", "b5882")
    assert _pp512(moe, "RTX-4090") == pytest.approx(
        _pp512(moe.model_copy(update={"prefill_quantized_loop": False}), "RTX-4090"))


def test_ubatches_below_the_mmq_threshold_do_not_loop() -> None:
    below = loop.MMQ_DP4A_MAX_BATCH_SIZE - 1
    assert loop.looped_projections(below, True, False, 768, 2048) == 0
    assert loop.looped_projections(loop.MMQ_DP4A_MAX_BATCH_SIZE, True, False, 768, 2048) == loop.PROJECTIONS
    assert loop.looped_projections(4096, False, False, 768, 2048) == 0  # quantized, grouped MMQ build


def test_bf16_projections_loop_where_mmf_refuses_them() -> None:
    # mmf.cu: MUL_MAT_ID on MMF up to 512 tokens with <= 1,024 output rows, up to 128 tokens above that.
    assert loop.looped_projections(512, False, True, 1536, 2048) == 3  # GLM-4.7-Flash: all three
    assert loop.looped_projections(512, False, True, 512, 2048) == 1  # Qwen3.6-35B-A3B: the down
    assert loop.looped_projections(128, False, True, 1536, 2048) == 0
    assert loop.looped_projections(513, False, True, 512, 2048) == 3


def test_one_token_hits_exactly_its_experts_and_a_ubatch_at_most_all() -> None:
    assert loop.experts_hit(1, 128, 8) == pytest.approx(8.0)
    assert 127.0 < loop.experts_hit(512, 128, 8) <= 128.0


@given(st.integers(1, 4096), st.integers(1, 4096))
def test_experts_hit_grows_with_the_tokens(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert loop.experts_hit(lo, 128, 8) <= loop.experts_hit(hi, 128, 8) <= 128.0


def test_builds_before_pr_15525_wait_on_two_host_round_trips_per_routed_call() -> None:
    # PR #15525 (2025-08-23) moved the expert grouping to the device. Before it each of a MoE layer's 3
    # MUL_MAT_IDs copied the ids to the host and back with a sync each, one grouping round trip each: what
    # PR #15525's -ub 2 row (158.03 -> 180.94 t/s) saved per call over 256 ubatches x 26 layers x 3 calls,
    # less that call's 738-id scan, halved.
    old = _inputs("Qwen3-30B-A3B", "Q4_K_M", "b6200")
    assert old.prefill_host_helper
    assert not _inputs("Qwen3-30B-A3B", "Q4_K_M", "b6300").prefill_host_helper
    gpu = get_gpu("RTX-4090")
    synced = prefill_seconds(old, gpu, resolve_constants(old, gpu), 512)[0]
    device = old.model_copy(update={"prefill_host_helper": False})
    grouped = prefill_seconds(device, gpu, resolve_constants(device, gpu), 512)[0]
    # Between the syncs the host scans 512 x (128 x 8 - 28) ids a call at ggml-org/llama.cpp#34's 0.49 ns
    # an element (8.69 ms / 137 runs / 128,256 candidates): test_speed_mmid_host_scan.py.
    scan = 512 * (128 * 8 - 8 * 7 // 2) * 8.69e-3 / 137 / 128_256
    round_trip = ((512 / 158.03 - 512 / 180.94) / (256 * 26 * 3) - 738 * 8.69e-3 / 137 / 128_256) / 2
    # One 512-token ubatch:
    assert synced - grouped == pytest.approx(48 * 3 * (2 * round_trip + scan), rel=1e-6)
    # Metal has its own MUL_MAT_ID: no round trip on Apple silicon.
    apple = get_gpu("M2-Ultra-192GB")
    assert prefill_seconds(old, apple, resolve_constants(old, apple), 512)[0] == pytest.approx(
        prefill_seconds(device, apple, resolve_constants(device, apple), 512)[0])


def test_the_speed_notes_say_what_the_host_grouping_costs() -> None:
    looped = _inputs("Qwen3-30B-A3B", "Q4_K_M", "b5882")
    notes = estimate_speed(looped, get_gpu(STRIX)).notes
    assert any("grouped on the host" in note for note in notes)
    assert not any("grouped on the host" in note
                   for note in estimate_speed(_inputs("Qwen3-30B-A3B", "Q4_K_M", None), get_gpu(STRIX)).notes)
