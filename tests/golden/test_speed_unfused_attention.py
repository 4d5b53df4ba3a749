"""llama.cpp prompts without flash attention write their attention scores to memory and read them back.

llama-bench ran `-fa off` by default until ggml-org/llama.cpp PR #23714 (May 2026), so most published
llama-bench tables of 2023-2025 measured the unfused path (src/llama-graph.cpp build_attn_mha: kq,
soft_max_ext, kqv as separate F32 tensors). Each number is cited where it is used; bench/speed_tables.yaml
keeps them as held-out rows, docs/validation-speed.md the whole table.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.llama_cpp_scores import (
    SCORE_BYTES_PER_ELEMENT,
    _layer_scores,
    materialized_score_elements,
)
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

RTX4090_VULKAN = "https://github.com/geerlingguy/ai-benchmarks/issues/43"


def _inputs(model: str, prompt: int, flash_attn: str, quant: str = "Q4_K_M") -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate(
        {
            "engine": "llama.cpp",
            "context": prompt + 1,
            "prompt_tokens": prompt,
            "quant": quant,
            "flash_attn": flash_attn,
        }
    )
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def _pp(model: str, gpu: str, prompt: int, flash_attn: str) -> float:
    inputs, device = _inputs(model, prompt, flash_attn), get_gpu(gpu)
    seconds, _ = prefill_seconds(inputs, device, resolve_constants(inputs, device))
    return prompt / seconds


def test_scores_span_every_cached_key_of_each_ubatch() -> None:
    spec = resolve("TinyLlama-1.1B-Chat-v1.0")
    per_row = spec.num_attention_heads * spec.num_layers
    # One ubatch: a full 512 x 512 square per head and layer (the causal mask sits inside the soft-max).
    assert materialized_score_elements(spec, 512, 512) == 512 * 512 * per_row
    # Two ubatches: the second scores all 1,024 cached keys.
    assert materialized_score_elements(spec, 1024, 512) == (512 * 512 + 512 * 1024) * per_row
    assert materialized_score_elements(spec, 0, 512) == 0


def test_flash_attention_moves_no_scores() -> None:
    assert _inputs("TinyLlama-1.1B-Chat-v1.0", 4096, "on").score_bytes_prefill == 0
    assert _inputs("TinyLlama-1.1B-Chat-v1.0", 4096, "auto").score_bytes_prefill == 0
    off = _inputs("TinyLlama-1.1B-Chat-v1.0", 4096, "off").score_bytes_prefill
    spec = resolve("TinyLlama-1.1B-Chat-v1.0")
    assert off == SCORE_BYTES_PER_ELEMENT * materialized_score_elements(spec, 4096, 512)


def test_sliding_window_layers_stop_at_window_plus_ubatch() -> None:
    spec = resolve("gemma-3-4b-it")
    windowed = [i for i in range(spec.num_layers) if spec.layer_window(i)]
    assert windowed, "gemma-3 has sliding-window layers"
    full = spec.model_copy(update={"layer_types": None})
    long = 16 * 1024
    assert materialized_score_elements(spec, long, 512) < materialized_score_elements(full, long, 512)


@given(st.integers(min_value=1, max_value=8192), st.sampled_from([64, 256, 512, 2048]))
def test_score_elements_grow_with_the_prompt(prompt: int, ubatch: int) -> None:
    spec = resolve("TinyLlama-1.1B-Chat-v1.0")
    assert materialized_score_elements(spec, prompt + 1, ubatch) > materialized_score_elements(
        spec, prompt, ubatch
    )


def test_tinyllama_pp4096_on_vulkan_rtx4090_is_bound_by_its_scores() -> None:
    # geerlingguy, llama.cpp build 7340 (Vulkan), llama-bench default -fa off: TinyLlama 1.1B Q4_K_M
    # pp4096 18,709 t/s on an RTX 4090; with the scores kept on chip it would run >3x faster (the
    # model predicted 68,551 before the scores were counted).
    off = _pp("TinyLlama-1.1B-Chat-v1.0", "RTX-4090", 4096, "off")
    assert off == pytest.approx(18709.17, rel=0.25), RTX4090_VULKAN
    assert _pp("TinyLlama-1.1B-Chat-v1.0", "RTX-4090", 4096, "on") > 2 * off


def test_short_prompts_barely_notice_the_scores() -> None:
    # At pp512 a 7B model's scores are ~4 GB (32 layers x 32 heads x 512^2 x 16 B) against ~7 TFLOP of
    # weight GEMMs: the unfused path costs a few milliseconds, not a multiple (unlike pp4096 above).
    off = _pp("Llama-2-7b", "RTX-4090", 512, "off")
    on = _pp("Llama-2-7b", "RTX-4090", 512, "on")
    assert 0.8 < off / on < 1.0


def test_tinyllama_pp4096_on_metal_m1_ultra() -> None:
    # Mac Studio M1 Ultra 64-core, llama.cpp build 7825 (Metal), llama-bench default -fa off:
    # TinyLlama 1.1B Q4_K_M pp512 5,587.84 and pp4096 4,381.75 t/s (geerlingguy/ai-benchmarks#48).
    # The same graph on another backend: the long prompt's drop is the scores' traffic.
    source = "https://github.com/geerlingguy/ai-benchmarks/issues/48"
    assert _pp("TinyLlama-1.1B-Chat-v1.0", "M1-Ultra-128GB", 4096, "off") == pytest.approx(
        4381.75, rel=0.15
    ), source
    drop = _pp("TinyLlama-1.1B-Chat-v1.0", "M1-Ultra-128GB", 4096, "off") / _pp(
        "TinyLlama-1.1B-Chat-v1.0", "M1-Ultra-128GB", 512, "off"
    )
    assert drop == pytest.approx(4381.75 / 5587.84, rel=0.15), source


def test_flash_attention_gain_at_pp512_on_a_small_l2_card() -> None:
    # RTX 3090 (6 MB L2), Vulkan coopmat2, Llama-3.1-8B Q4_0 pp512 in one run: 4,278.92 t/s with -fa 0,
    # 4,569.20 with -fa 1 (ggml-org/llama.cpp PR #13506): the scores' traffic is the 7% between them.
    source = "https://github.com/ggml-org/llama.cpp/pull/13506"
    spec = resolve("Llama-3.1-8B")
    rates = {}
    for fa in ("off", "on"):
        wl = Workload.model_validate(
            {"engine": "llama.cpp", "context": 513, "prompt_tokens": 512, "quant": "Q4_0", "flash_attn": fa}
        )
        inputs, gpu = speed_inputs(spec, wl, estimate(spec, wl), Layout()), get_gpu("RTX-3090")
        seconds, _ = prefill_seconds(inputs, gpu, resolve_constants(inputs, gpu))
        rates[fa] = 512 / seconds
    assert rates["on"] / rates["off"] == pytest.approx(4569.20 / 4278.92, abs=0.04), source


def _scores_by_ubatch(prompt: int, ubatch: int, window: int | None) -> int:
    """Reference: walk the ubatches one by one (llama_context::decode's split)."""
    total, start = 0, 0
    while start < prompt:
        end = min(prompt, start + ubatch)
        rows = end - start
        total += rows * (end if window is None else min(end, window + rows))
        start = end
    return total


@given(
    st.integers(min_value=1, max_value=20000),
    st.integers(min_value=1, max_value=4096),
    st.one_of(st.none(), st.integers(min_value=1, max_value=8192)),
)
def test_closed_form_matches_the_ubatch_walk(prompt: int, ubatch: int, window: int | None) -> None:
    assert _layer_scores(prompt, ubatch, window) == _scores_by_ubatch(prompt, ubatch, window)
