"""SGLang under a closed-loop serving benchmark: the others' prompts arrive staggered, in small batches.

A serving benchmark at --max-concurrency C keeps C requests in flight. SGLang 0.5.23 (wheel, read for this):
- sglang/benchmark/serving.py `benchmark`: an asyncio.Semaphore(max_concurrency) admits a request when one
  finishes; sglang/benchmark/datasets/common.py `compute_random_lens` draws each output length in
  [L x range_ratio, L], so finishes, and with them arrivals, spread out at about C / L a decode step;
- sglang/srt/managers/scheduler.py `get_next_batch_to_run`: when waiting requests are found, a prefill
  batch of them (`get_new_batch_prefill`, schedule_policy.PrefillAdder) runs before the next decode;
- sglang/srt/managers/scheduler_components/recv_skipper.py `SchedulerRecvSkipper.handle`: with
  --scheduler-recv-interval R > 1 the scheduler reads new requests once its counter reaches R, a decode
  step weighing 1 (srt/environ.py SGLANG_SCHEDULER_RECV_SKIPPER_WEIGHT_DECODE) and an extend 1000
  (..._WEIGHT_DEFAULT): one poll every R decode steps. R defaults to 1 (srt/arg_groups/fields/schedule.py
  scheduler_recv_interval; server_args.py in 0.5.13).
So each poll window of R steps holds a Poisson number of arrivals of mean lam = R x C / L. Over its L output
tokens a request lives through L / R windows, of which 1 - e^-lam hold at least one arrival, each then one
prefill batch of lam / (1 - e^-lam) prompts on average; its own arrival is one of the C in flight, so it
waits for (C - 1) / C of those batches. The wave reading (all C prompts prefilled together, each request
paying its share) prices one prompt at a C-th of a C-prompt prefill, which reads the weights once for all:
a batch of one or two prompts costs more per prompt. bench/sglang_arrivals.py checked the mechanism on the
SGLang serving rows before it landed (bench/speed_validation.py FINDINGS).
"""

from __future__ import annotations

import math


def arrival_batches(concurrency: int, output_tokens: int, interval: int = 1) -> tuple[float, float] | None:
    """(prefill batches a request's decode waits through, mean prompts a batch) at `concurrency` requests in
    flight, `output_tokens` each, the scheduler polling every `interval` decode steps; None without output."""
    if concurrency <= 0 or output_tokens <= 0 or interval <= 0:
        return None
    lam = interval * concurrency / output_tokens
    hit = -math.expm1(-lam)  # 1 - e^-lam: the share of poll windows that admit a batch
    batches = output_tokens / interval * hit * (concurrency - 1) / concurrency
    return batches, lam / hit
