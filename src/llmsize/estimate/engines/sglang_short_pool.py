"""A token pool shorter than the context asked: SGLang starts, then rejects the requests that need it.

SGLang sizes its pool from mem_fraction_static whatever --context-length is and caps every request at it:
`max_req_len = min(context_len - 1, max_total_num_tokens - 1)` (sgl-project/sglang
python/sglang/srt/managers/scheduler.py, `Scheduler.init_memory_pool_and_cache`); a longer prompt is
aborted at admission (`validate_input_length` in managers/utils.py). So a run whose pool holds fewer
tokens than the --context asked cannot serve that context: it does not fit it, as vLLM's refusal to start
with "... KV cache is needed, which is larger than the available KV cache memory" does not
(vllm_budget.py). `fit Qwen3-8B --gpu RTX-4090 --engine sglang --context 32k` read "best" beside a
7,088-token pool (issue 15, newcomer round 16). With the default context the pool's longest request is
the row's longest context instead (hardware/engine_context_cap.py).
"""

from __future__ import annotations


def reason(pool_tokens: int, asked: int) -> str | None:
    """Why a pool of `pool_tokens` tokens cannot serve a request of `asked` tokens; None where it can (or
    where there is no pool at all, which SGLang refuses at start for its own reason)."""
    if not 0 < pool_tokens < asked:
        return None
    return (f"SGLang's token pool holds {pool_tokens:,} tokens, so it caps a request at {pool_tokens - 1:,} "
            f"(max_req_len) and rejects the --context of {asked:,} asked; use --kv-dtype fp8, more GPUs "
            "(--num-gpus auto) or a shorter --context")
