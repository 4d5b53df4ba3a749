"""Time per output token as a serving benchmark at a fixed concurrency measures it.

A closed-loop serving benchmark (vLLM `vllm bench serve` / benchmark_serving, SGLang bench_serving,
with `--max-concurrency C` and an unlimited request rate) keeps C requests in flight: when one
finishes, the next starts, so in steady state each request sees C - 1 others arrive while it
generates. Their prompts are prefilled in the same engine steps as its decode: vLLM's V1 scheduler
first schedules the running requests' decode tokens, then fills the step's token budget with
waiting prompts (vllm/v1/core/sched/scheduler.py `Scheduler.schedule`, chunked prefill), and
SGLang's scheduler runs a prefill batch between decode batches (python/sglang/srt/managers/
scheduler.py `get_next_batch_to_run`). Either way the running request's next token waits for that
prompt's prefill. Its mean time per output token (TPOT, excluding the first) is therefore the
decode step at batch C plus C - 1 single-prompt prefills spread over its output tokens.

Engine cores that step in lockstep see each other's prompts too. vLLM --data-parallel-size with a MoE
model runs every core's forward together: each step the cores agree on their token counts
(vllm/v1/worker/dp_utils.py coordinate_batch_across_dp -> _run_ar, an all-reduce over the DP group,
then pad to the largest where CUDA graphs run), an idle core runs a dummy batch
(vllm/v1/worker/gpu_worker.py execute_dummy_batch), and every MoE layer all-gathers and
reduce-scatters the tokens of all cores (device_communicators/all2all.py AgRsAll2AllManager dispatch /
combine: collectives no core passes alone). So while one core prefills a prompt, the others' decodes
wait for it at the next MoE layer: with `lockstep_cores` D, a request of a core serving C sees the
D x C - 1 other prompts of the group prefilled inside its generation, not C - 1 (prompts of different
cores taken as arriving at different steps, as a closed loop's staggered requests do).
"""

from __future__ import annotations

import math
from collections.abc import Callable


def serving_tpot_s(tpot_s: float, ttft_s: float, concurrency: int, output_tokens: int,
                   arrivals: tuple[float, float] | None = None, lockstep_cores: int = 1) -> float | None:
    """Mean time per output token of a closed-loop serving run at `concurrency` requests in flight.

    `tpot_s` is the decode step at batch `concurrency`; `ttft_s` the prefill of `concurrency`
    prompts together (one prompt's prefill is its share). `arrivals`, where the engine admits the
    others' prompts in batches as they come (SpeedEstimate.serving_arrivals): (batches the request
    waits through, seconds a batch) instead. `lockstep_cores`: engine cores stepping together (module
    docstring), each serving `concurrency`. None when there is no output to spread the prefills over.
    """
    if output_tokens <= 0 or concurrency <= 0:
        return None
    if arrivals is not None:
        waits, batch_s = arrivals
        return tpot_s + waits * batch_s / output_tokens
    one_prompt_s = ttft_s / concurrency
    return tpot_s + (max(1, lockstep_cores) * concurrency - 1) * one_prompt_s / output_tokens


def serving_output_tokens_per_s(
    tpot_s: float, ttft_s: float, concurrency: int, output_tokens: int,
    arrivals: tuple[float, float] | None = None, lockstep_cores: int = 1,
) -> float | None:
    """Output tokens/s of that closed-loop run: C requests, each its prefill share plus its steps.

    A request lasts its own prefill plus `output_tokens` steps at the serving TPOT, which already
    holds the other C - 1 prefills: C one-prompt prefills (`ttft_s`) + the decode steps in all. The
    serving benchmarks' "Output token throughput" is C requests' output over that time. With
    `arrivals` (batches waited, seconds a batch) the request lasts its own batch, the batches it waits
    through and its steps. One of `lockstep_cores` cores stepping together also waits through the
    other cores' C prefills each (module docstring): its C requests' output over D x `ttft_s` + the steps.
    """
    if output_tokens <= 0 or concurrency <= 0:
        return None
    if arrivals is not None:
        waits, batch_s = arrivals
        return concurrency * output_tokens / (output_tokens * tpot_s + (waits + 1) * batch_s)
    return concurrency * output_tokens / (max(1, lockstep_cores) * ttft_s + output_tokens * tpot_s)


def arrival_batch_s(prompts: float, prefill_s: Callable[[int], float]) -> float:
    """Mean seconds of a prefill batch holding `prompts` prompts on average: `prefill_s(n)` (n prompts
    together) between the two whole counts around it, weighted by how near each lies."""
    low = max(1, math.floor(prompts))
    share = prompts - low if prompts > 1 else 0.0
    return (1 - share) * prefill_s(low) + (share * prefill_s(low + 1) if share else 0.0)


def closed_loop_waves(num_prompts: int, concurrency: int) -> list[int]:
    """Requests per wave of a closed-loop run of `num_prompts` requests at `concurrency` in flight.

    vLLM's `vllm bench serve` (vllm/benchmarks/serve.py `benchmark`) starts every request at once
    behind an asyncio.Semaphore(max_concurrency): a request enters when one leaves. With one prompt
    and output length for all (the random dataset, ignore_eos), the C requests of a wave finish
    together and the next C enter together, so the run is ceil(N / C) waves and the last holds
    N mod C requests (100 prompts at C = 32: 32, 32, 32, 4).
    """
    if num_prompts <= 0 or concurrency <= 0:
        return []
    full, rest = divmod(num_prompts, concurrency)
    return [concurrency] * full + ([rest] if rest else [])


def run_output_tokens_per_s(waves: list[tuple[int, float]], output_tokens: int) -> float | None:
    """Output tokens/s over a whole run of waves, each (requests, seconds): total output / duration.

    vllm/benchmarks/serve.py `calculate_metrics` reports output_throughput = sum(actual_output_lens)
    / dur_s, the duration of the whole run, so a short last wave (a few requests decoding at a small
    batch for as many steps as a full one) lowers the mean below a full wave's rate.
    """
    seconds = sum(s for _, s in waves)
    if output_tokens <= 0 or seconds <= 0:
        return None
    return sum(n for n, _ in waves) * output_tokens / seconds
