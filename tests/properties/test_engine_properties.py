"""Invariants of the engine modules (hypothesis): what more memory, context or batch must do."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.resolve import resolve
from llmsize.units import GIB

MODELS = ("Qwen2.5-0.5B", "Llama-3.1-8B", "gemma-2-9b", "DeepSeek-V2-Lite", "Qwen3-30B-A3B")
ENGINES = ("transformers", "vllm", "sglang", "llama.cpp", "ollama")
H100 = int(79.22 * GIB)


@cache
def _spec(name: str) -> ModelSpec:
    return resolve(name)


@given(
    st.sampled_from(MODELS),
    st.sampled_from(ENGINES),
    st.integers(min_value=1, max_value=32768),
    st.integers(min_value=1, max_value=8),
)
def test_every_engine_keeps_the_sum_and_grows_with_the_work(
    model: str, engine: str, context: int, batch: int
) -> None:
    spec = _spec(model)
    est = estimate(spec, Workload(engine=engine, context=context, batch=batch))
    assert est.total_bytes == sum(v for k, v in est.memory_dict().items() if k != "total")
    more_ctx = estimate(spec, Workload(engine=engine, context=context + 1000, batch=batch))
    more_seq = estimate(spec, Workload(engine=engine, context=context, batch=batch + 1))
    assert more_ctx.kv_cache_bytes >= est.kv_cache_bytes
    assert more_seq.kv_cache_bytes >= est.kv_cache_bytes


@given(
    st.sampled_from(MODELS),
    st.floats(min_value=0.3, max_value=0.94),
    st.integers(min_value=256, max_value=65536),
)
def test_vllm_more_memory_never_holds_fewer_tokens(model: str, util: float, context: int) -> None:
    spec = _spec(model)
    low = Workload(engine="vllm", context=context, gpu_memory_utilization=util)
    high = Workload(engine="vllm", context=context, gpu_memory_utilization=util + 0.05)
    b_low = engine_for(low).budget(estimate(spec, low), H100, low)
    b_high = engine_for(high).budget(estimate(spec, high), H100, high)
    # a refused start allocates no pool: no token figure and no concurrency (None), i.e. nothing held
    assert (b_high.kv_tokens or 0) >= (b_low.kv_tokens or 0)
    assert (b_low.kv_tokens is None) == (b_low.max_concurrency is None)
    longer = Workload(engine="vllm", context=context * 2, gpu_memory_utilization=util)
    b_longer = engine_for(longer).budget(estimate(spec, longer), H100, longer)
    assert (b_longer.max_concurrency or 0) <= (b_low.max_concurrency or 0)


@given(
    st.sampled_from(MODELS),
    st.integers(min_value=1, max_value=4096),
    st.integers(min_value=256, max_value=131072),
    st.booleans(),
)
def test_llama_cpp_compute_buffer_grows_with_ubatch_and_context(
    model: str, ubatch: int, context: int, flash: bool
) -> None:
    spec = _spec(model)
    fa = "on" if flash else "off"

    def device(ub: int, ctx: int) -> int:
        wl = Workload(engine="llama.cpp", ubatch=ub, n_batch=8192, context=ctx, flash_attn=fa)
        return LlamaCpp(wl).buffers(spec, head_on_device=True)[0]

    base = device(ubatch, context)
    assert device(ubatch + 64, context) >= base
    assert device(ubatch, context + 4096) >= base
