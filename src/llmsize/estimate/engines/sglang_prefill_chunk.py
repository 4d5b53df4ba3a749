"""How many prompt tokens one SGLang prefill forward takes: the server's chunked_prefill_size.

The speed model splits a prefill into forwards of `prefill_chunk_tokens` and pays each forward's fixed
costs (the step, and under ROCm or without piecewise graphs the eager launch floor of every kernel,
sglang_prefill_graphs.py). SGLang's forward is one scheduler prefill batch, and the batch's size is set
by chunked_prefill_size, read in the sglang 0.5.13.post1 wheel (python/sglang/srt):
- managers/scheduler.py `Scheduler.__init__` passes `chunked_prefill_size` to every `PrefillAdder` as
  `rem_chunk_tokens` (managers/schedule_policy.py): `add_one_req` admits whole prompts while they fit it
  and cuts the one that does not (`trunc_len = self.rem_chunk_tokens`), so requests admitted together
  run as one forward of up to chunked_prefill_size tokens, and a longer prompt as several;
- server_args.py `_handle_gpu_memory_settings` defaults it by the card's memory (2,048 below 35 GB,
  4,096 to 60 GB, 8,192 to 160 GB, 16,384 above: B200, B300, MI300X, MI355X); sglang_rules.gpu_tier
  holds that table and SGLangEngine.gpu_defaults applies it as llmsize's --max-num-batched-tokens;
- with DP attention, server_args.py divides it by dp_size (`chunked_prefill_size // dp_size`) for each
  attention group (sglang_dp_attention.py).
The speed profile's 8,192 (SPEED's prefill_chunk_tokens) stays for a workload that gives neither a
chunk nor a card. Checked against sgl-project/sglang PR #30812 (GLM-5.1-FP8 on 8 x MI300X,
--chunked-prefill-size 131072, ISL 1000): 16 prompts arriving together are one 16,000-token forward,
not two 8,192-token ones and a rest (rows heldout12-mi300x-sglang-glm51-fp8-tp8-c16/c64-ttft).
"""

from __future__ import annotations


def forward_tokens(chunked_prefill_size: int | None, dp_attention: int = 1) -> int | None:
    """Tokens one prefill forward of an attention group takes; None when no chunk is configured."""
    if not chunked_prefill_size or chunked_prefill_size <= 0:
        return None
    return max(1, chunked_prefill_size // max(1, dp_attention))
