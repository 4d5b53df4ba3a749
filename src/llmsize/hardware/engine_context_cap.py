"""The longest context of a fit row: the memory search, bounded by the longest request the engine serves.

Memory alone does not bound a serving engine's context. SGLang sizes its token pool from
mem_fraction_static whatever --context-length is, starts when the pool is shorter than one request, and
then caps every request at the pool: `max_req_len = min(context_len - 1, max_total_num_tokens - 1)`
(sgl-project/sglang python/sglang/srt/managers/scheduler.py, `Scheduler.init_memory_pool_and_cache`).
Its need stops growing at the pool (estimate/engines/sglang_budget.py `_pool_budget`), so the memory search
alone ran on to the model's window: Kimi-K2-Instruct on 8 x H200 read "longest context 131,072 tokens"
beside "2.0 GiB of KV cache hold 7 concurrent sequences of 4,096 tokens" (a 30,812-token pool; issue 15,
newcomer round 16). vLLM's estimated maximum model length (vllm_budget.py `largest_context`) is the same
kind of bound; the search reaches it there by itself.
"""

from __future__ import annotations


def engine_context_cap(searched: int | None, engine_longest: int, engine_limit: int) -> int:
    """The row's longest context: the memory search's answer (`searched`; None when it found none) no
    longer than the engine's longest request (`engine_longest`, Budget.max_context), and without a search,
    that bound within the context the engine starts with (`engine_limit`)."""
    if searched is None:
        return min(engine_longest, engine_limit)
    return min(searched, engine_longest)
