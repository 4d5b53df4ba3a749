"""Ollama's Go engine builds a 64-row flash-attention mask on the host every decode step (v0.6.0-v0.13.4).

Mechanism (estimate/engines/ollama_go_mask.py): kvcache/causal.go Causal.buildMask pads the step's rows to
MaskBatchPadding (GGML_KQ_MASK_PAD, 64) and its cells to CachePadding (256) under flash attention
(ml/backend/ggml/ggml.go Backend.CacheConfig), writes -Inf into the 63 padding rows in Go and uploads the F32
mask; one mask per cache (gpt-oss: SWA memory cache and causal cache). Removed in v0.13.5 (49a9c9ba6).

Published numbers, cited where used:
- Ollama (0.11.8 or 0.11.9; runs of 2025-09-04), one A100 80 GB, gpt-oss:120b, chigkim/prompt-test:
  525-token prompt, 1,594 generated, 53.72 t/s; 4,705-token prompt, 2,000 generated, 51.50 t/s
  (https://github.com/gparemsky/48gb4090/blob/f42049f92e50c423ce25b3c2f3140cea36b9e420/ML_WORKLOADS/
  a100_tests/benchmark_comparison_20250904_105257.md; the table's held-out rows are never fitted).
No test is timed.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import ollama_go_mask as go_mask
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import SpeedInputs, decode_step, estimate_speed, resolve_constants
from llmsize.specs.resolve import resolve

A100_GPTOSS_SHORT = (525 + 1594 / 2, 53.72)  # (mean cached tokens while decoding, t/s): docstring
A100_GPTOSS_LONG = (4705 + 2000 / 2, 51.50)


def _inputs(model: str, release: str, flash: str = "auto", context: int = 8192) -> SpeedInputs:
    spec = resolve(model)
    wl = Workload.model_validate({"engine": "ollama", "engine_version": release, "context": context,
                                  "prompt_tokens": 1832, "flash_attn": flash})
    return speed_inputs(spec, wl, estimate(spec, wl), Layout())


def test_gpt_oss_on_the_0_11_go_engine_builds_two_masks() -> None:
    inputs = _inputs("gpt-oss:120b", "0.11.8")
    # the causal cache over the whole context, the SWA memory cache over its 4,096 positions + a ubatch
    assert inputs.decode_mask_caches == (0, 4096 + 512)


@pytest.mark.parametrize(("model", "release", "flash"), [
    ("gpt-oss:120b", "0.13.5", "auto"),  # 49a9c9ba6 removed the padding
    ("gpt-oss:120b", "0.11.8", "off"),  # without flash attention no row padding (CacheConfig)
    ("gpt-oss:120b", "0.33", "auto"),  # llama-server
    ("qwen3-coder:latest", "0.11.8", "auto"),  # qwen3moe ran the llama runner until v0.12.2
])
def test_runs_without_the_go_engines_padded_mask_build_none(model: str, release: str, flash: str) -> None:
    assert _inputs(model, release, flash, 4096).decode_mask_caches == ()


def test_elements_are_64_rows_of_the_padded_cells_per_cache() -> None:
    assert go_mask.elements(1, (0,)) == 64 * 256
    assert go_mask.elements(257, (0,)) == 64 * 512
    # a sliding cache stops at its cap; the full one keeps growing
    assert go_mask.elements(10_000, (0, 4608)) == 64 * (10_240 + 4608)


@given(st.integers(1, 200_000), st.integers(1, 200_000))
def test_the_mask_never_shrinks_as_the_context_grows(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert go_mask.elements(lo, (0, 4608)) <= go_mask.elements(hi, (0, 4608))
    assert go_mask.step_seconds(lo, (0,), 25.6e9) <= go_mask.step_seconds(hi, (0,), 25.6e9)


def test_unified_memory_pays_the_host_pass_but_no_link() -> None:
    n = go_mask.elements(3000, (0,))
    assert go_mask.step_seconds(3000, (0,), 0.0) == pytest.approx(n * go_mask.HOST_S_PER_ELEMENT)


def test_the_a100_gpt_oss_decode_slows_with_context_by_at_least_the_mask() -> None:
    inputs = _inputs("gpt-oss:120b", "0.11.8")
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    contexts = [round(ctx) for ctx, _ in (A100_GPTOSS_SHORT, A100_GPTOSS_LONG)]
    short, long_ = (decode_step(inputs, gpu, c, ctx)[0] for ctx in contexts)
    no_mask = inputs.model_copy(update={"decode_mask_caches": ()})
    short0, long0 = (decode_step(no_mask, gpu, c, ctx)[0] for ctx in contexts)
    published = 1 / A100_GPTOSS_LONG[1] - 1 / A100_GPTOSS_SHORT[1]  # 0.80 ms over ~4,400 cached tokens
    # The mask's growth closes part of the slope the KV reads alone leave, and stays a lower bound.
    assert long0 - short0 < long_ - short < published
    assert (long_ - short) - (long0 - short0) > 0.2 * published
    notes = estimate_speed(inputs, gpu).notes
    assert any("attention mask(s) padded to 64 rows" in note for note in notes)
