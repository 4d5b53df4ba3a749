"""Attention FLOPs per block head size, and vLLM's prefill attention on heads wider than FlashAttention's."""

from __future__ import annotations

import pytest

from llmsize.estimate.engines.vllm_wide_heads import FLASH_ATTENTION_MAX_HEAD_DIM
from llmsize.hardware.attention_flops import (
    attention_flops_decode,
    attention_flops_prefill,
    attention_flops_prefill_wide,
    attention_pair_count,
)
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.speed import (
    SpeedInputs,
    attention_rate,
    estimate_speed,
    prefill_seconds,
    resolve_constants,
)
from llmsize.specs.resolve import resolve

GB = 10**9


def _gemma4_31b():
    return resolve("gemma-4-31B-it", offline=True)


def test_gemma4_global_blocks_score_512_wide_heads() -> None:
    # google/gemma-4-31B-it config.json: 60 layers, every sixth full_attention; 32 query heads;
    # head_dim 256 on the sliding blocks (window 1,024), global_head_dim 512 on the full ones.
    spec = _gemma4_31b()
    tokens = 40_000
    full = 2 * 32 * (512 + 512) * attention_pair_count(tokens, None)
    sliding = 2 * 32 * (256 + 256) * attention_pair_count(tokens, 1024)
    assert attention_flops_prefill(spec, tokens) == pytest.approx(10 * full + 50 * sliding)
    assert attention_flops_prefill_wide(spec, tokens) == pytest.approx(10 * full)
    # one new token at 40,000 tokens of context: the global blocks attend to all of it at width 512
    assert attention_flops_decode(spec, tokens) == pytest.approx(
        10 * 2 * 32 * 1024 * tokens + 50 * 2 * 32 * 512 * 1024)


def test_models_within_flash_attentions_head_dims_have_no_wide_part() -> None:
    spec = resolve("Llama-3.1-8B", offline=True)
    assert spec.head_dim <= FLASH_ATTENTION_MAX_HEAD_DIM
    assert attention_flops_prefill_wide(spec, 8192) == 0.0
    assert attention_flops_prefill(spec, 8192) > 0


def _inputs(engine: str) -> SpeedInputs:
    return SpeedInputs(weight_bytes_per_gpu=60 * GB, active_weight_bytes_per_gpu=60 * GB, kv_bytes_per_gpu=0,
                       active_params=30 * 10**9, attention_flops_prefill=1e15,
                       attention_flops_prefill_wide=9e14, attention_flops_decode=0.0,
                       prompt_tokens=100_000, hidden_size=5376, num_layers=60, engine=engine)


def test_vllm_wide_head_attention_on_hopper_runs_at_the_measured_hd512_rate() -> None:
    # pegainfer-project/pegainfer#1051 (GH200, Gemma 4's head-dim-512 prefill shapes, bf16, causal):
    # FlashAttention 4 holds 44-49% of a 686 TFLOP/s sustained bf16 GEMM, i.e. 302-336 TFLOP/s.
    gh200 = get_gpu("GH200-96GB")
    inputs = _inputs("vllm")
    c = resolve_constants(inputs, gh200)
    wide = attention_rate(inputs, gh200, c, wide=True)
    assert 0.44 * 686e12 <= wide <= 0.49 * 686e12
    # narrower heads keep FlashAttention 3's share (0.82 of peak, Dao-AILab/flash-attention#1075)
    assert attention_rate(inputs, gh200, c) == pytest.approx(0.82 * gh200.flops_for("bf16"))


def test_wide_heads_cost_more_prefill_time_only_where_a_figure_exists() -> None:
    gh200, a100 = get_gpu("GH200-96GB"), get_gpu("A100-SXM-80GB")
    wide, narrow = _inputs("vllm"), _inputs("vllm").model_copy(update={"attention_flops_prefill_wide": 0.0})
    assert prefill_seconds(wide, gh200, resolve_constants(wide, gh200))[0] > \
        prefill_seconds(narrow, gh200, resolve_constants(narrow, gh200))[0]
    # no head-dim-512 timing on Ampere: the A100 keeps one attention rate
    assert prefill_seconds(wide, a100, resolve_constants(wide, a100))[0] == pytest.approx(
        prefill_seconds(narrow, a100, resolve_constants(narrow, a100))[0])


def test_the_report_says_where_wide_heads_leave_flash_attention() -> None:
    gh200_notes = estimate_speed(_inputs("vllm"), get_gpu("GH200-96GB")).notes
    assert any("wider than 256" in n and "TRITON_ATTN" in n for n in gh200_notes)
    a100_notes = estimate_speed(_inputs("vllm"), get_gpu("A100-SXM-80GB")).notes
    assert not any("wider than 256" in n for n in a100_notes)
