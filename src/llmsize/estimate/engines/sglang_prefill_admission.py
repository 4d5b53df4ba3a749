"""How SGLang splits a wave of prompts that arrive together into prefill batches.

A serving benchmark at concurrency B with fixed lengths sends B prompts at once (and again each time
the previous wave finishes). SGLang's scheduler does not prefill them in one pass: each scheduling
round builds one prefill batch with a `PrefillAdder` whose input budget is `--max-prefill-tokens`
(server_args.py default 16384), and runs it before the next round admits more (the scheduler picks a
new prefill batch before decoding while requests wait: scheduler.py `get_next_batch_to_run`).
python/sglang/srt/managers/schedule_policy.py:
- `PrefillAdder._update_prefill_budget` charges each admitted request its prompt rounded up to the
  KV page (`ceil_paged_tokens`) against `rem_input_tokens`;
- `PrefillAdder.budget_state` stops admission (AddReqResult.OTHER) once `rem_input_tokens <= 0`;
- `PrefillAdder.add_one_req` always admits the first request of a batch, however long; without
  chunked prefill a later request that would not fit the rest is refused, with chunked prefill (on
  by default) it is admitted while any budget is left, so the batch may overshoot by one request.
So a prompt of P tokens (page-rounded P') goes ceil(budget / P') to a batch, the last batch taking the
rest, and a request's time to first token is the end of its own batch, not of the whole wave. The
chunked-prefill size caps a pass as well (prefill_chunk), but it is at least as large here by default.

Checked against sgl-project/sglang PR #30812 (GLM-5.1-FP8, TP 8, MI300X, ISL/OSL 1000/1000,
--chunked-prefill-size 131072): mean TTFT 338 ms at concurrency 16 (one batch of 16) and 634 ms at
64 (four batches of 16: the wave's mean waits 2.5 batches), rows heldout12-mi300x-sglang-glm51-*-ttft.
"""

from __future__ import annotations

# REFERENCE: python/sglang/srt/server_args.py `max_prefill_tokens: int = 16384`.
MAX_PREFILL_TOKENS = 16384


def wave_runs(requests: int, prompt_tokens: int, budget: int = MAX_PREFILL_TOKENS,
              page_tokens: int = 1, chunked: bool = True) -> tuple[tuple[int, int], ...]:
    """The prefill batches SGLang runs for `requests` prompts of `prompt_tokens` arriving together
    (schedule_policy.py PrefillAdder, see the module docstring), as runs of (requests per batch, batches):
    a wave of a million one-request batches is two pairs, not a million entries (issue 15, round 16)."""
    if requests <= 0:
        return ()
    charged = -(-max(1, prompt_tokens) // max(1, page_tokens)) * max(1, page_tokens)
    # Chunked: admitted while rem_input_tokens > 0 before the request (overshoots by one); otherwise a
    # later request must fit strictly below the rest.
    per_batch = max(1, -(-budget // charged) if chunked else (budget - 1) // charged)
    full, rest = divmod(requests, per_batch)
    return tuple(run for run in ((per_batch, full), (rest, 1 if rest else 0)) if run[1])


def wave_batches(requests: int, prompt_tokens: int, budget: int = MAX_PREFILL_TOKENS,
                 page_tokens: int = 1, chunked: bool = True) -> tuple[int, ...]:
    """The number of requests in each batch of wave_runs, one entry a batch (for small waves: tests)."""
    runs = wave_runs(requests, prompt_tokens, budget, page_tokens, chunked)
    return tuple(size for size, count in runs for _ in range(count))
