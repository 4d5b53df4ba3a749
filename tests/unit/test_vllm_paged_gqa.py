"""vLLM 0.4's paged decode attention reads each KV head once per query head (vllm_paged_gqa.py).

Published: Qwen2 speed benchmark, vLLM 0.4.2 on one A100 80GB (QwenLM/Qwen2.5
docs/source/benchmark/speed_benchmark.rst @4da996c): Qwen2-7B-Instruct BF16 (28 query heads, 4 KV
heads) generates 2,048 tokens after a 63,488-token prompt at 41.20 t/s, after 129,024 tokens at 25.01.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines.vllm_paged_gqa import L2_OVER_HBM_BANDWIDTH, paged_kv_read_factor
from llmsize.estimate.workload import Workload
from llmsize.hardware.gpus import get_gpu
from llmsize.hardware.plan import Layout, speed_inputs
from llmsize.hardware.speed import decode_step, prefill_seconds, resolve_constants
from llmsize.specs.resolve import resolve

QWEN2_7B_63488_TPS = 41.20
QWEN2_7B_129024_TPS = 25.01


@given(st.integers(1, 64), st.integers(1, 64))
def test_more_query_heads_per_kv_head_never_read_less(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert 1.0 <= paged_kv_read_factor(lo) <= paged_kv_read_factor(hi)


def test_multi_head_attention_reads_the_cache_once() -> None:
    # Up to L2/HBM query heads per KV head the L2 keeps up: HBM's single read bounds the kernel.
    assert paged_kv_read_factor(1) == 1.0
    assert paged_kv_read_factor(3) == 1.0
    assert paged_kv_read_factor(7) == pytest.approx(7 / L2_OVER_HBM_BANDWIDTH)


def _generate_tps(engine: str, prompt: int, new: int = 2048) -> float:
    """Qwen's metric: new tokens over the whole generate call (prefill, then `new` decode steps)."""
    spec = resolve("Qwen2-7B-Instruct")
    wl = Workload.model_validate({"engine": "vllm", "context": prompt + new, "prompt_tokens": prompt})
    inputs = speed_inputs(spec, wl, estimate(spec, wl), Layout(tp=1, pp=1), engine=engine)
    gpu = get_gpu("A100-SXM-80GB")
    c = resolve_constants(inputs, gpu)
    prefill, _ = prefill_seconds(inputs, gpu, c, prompt)
    parts = 8
    decode = sum(
        decode_step(inputs, gpu, c, prompt + (2 * k + 1) * new // (2 * parts))[0] for k in range(parts)
    )
    return new / (prefill + decode * new / parts)


@pytest.mark.parametrize(
    ("prompt", "published"), [(63488, QWEN2_7B_63488_TPS), (129024, QWEN2_7B_129024_TPS)]
)
def test_qwen2_7b_long_context_generation_on_vllm_042(prompt: int, published: float) -> None:
    assert _generate_tps("vllm-0.4", prompt) == pytest.approx(published, rel=0.12)
    # Reading each KV head once (0.6.3's flash-attention decode) would be faster than published.
    assert _generate_tps("vllm-0.6", prompt) > published * 1.12
