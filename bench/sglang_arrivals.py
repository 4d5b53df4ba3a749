"""Checked, not landed: SGLang serving rows priced with staggered arrivals instead of a wave's share.

bench/speed_validation.py prices a closed-loop serving row (serve_tpot_ms, serve_output_tps) as if each
request's C - 1 neighbours were prefilled in one wave of C prompts (hardware/speed_serving.py). SGLang
0.5.23 (wheel sglang-0.5.23, read for this check) admits arrivals as they come:
- sglang/benchmark/serving.py `benchmark`: an asyncio.Semaphore(max_concurrency) lets a request in when
  one finishes; sglang/benchmark/datasets/common.py `compute_random_lens` draws every output length from
  randint(int(L x range_ratio), L + 1) (default ratio 0.0; InferenceX passes 0.8), so finishes, hence
  arrivals, spread out at C / L a decode step;
- sglang/srt/managers/scheduler.py `get_next_batch_to_run`: a loop that finds waiting requests builds a
  prefill batch (`get_new_batch_prefill`, schedule_policy.PrefillAdder) and runs it instead of decoding;
- sglang/srt/managers/scheduler_components/recv_skipper.py `SchedulerRecvSkipper.handle`: with
  --scheduler-recv-interval R > 1 the scheduler reads new requests once its counter reaches R, a decode
  step weighing 1 and an extend 1000 (srt/environ.py SGLANG_SCHEDULER_RECV_SKIPPER_WEIGHT_*): one poll
  per R decode steps. InferenceX's benchmarks/single_node/fixed_seq_len/dsr1_fp8_b300.sh, dsr1_fp4_b300.sh
  and dsr1_fp4_b200.sh pass R = 30 at CONC >= 16 and 10 below (dsr1_fp8_h200.sh passes none: R = 1).
So a poll window of R steps holds Poisson(lam = R x C / L) arrivals: a request lives through
L / R x (1 - e^-lam) prefill batches (those holding at least one arrival) of lam / (1 - e^-lam) prompts
on average. Run: `python bench/sglang_arrivals.py` (SGLang rows only; writes nothing).
"""

from __future__ import annotations

import math
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import speed_validation as sv

# InferenceX scripts that pass --scheduler-recv-interval (30 at CONC >= 16, else 10); tables by script.
RECV_INTERVAL_TABLES = ("heldout15-ix-sglang-b300-fp8", "heldout15-ix-sglang-b300-fp4",
                        "heldout9-b200-dsr1-fp4-sglang-inferencex")


def recv_interval(row: dict[str, Any], concurrency: int) -> int:
    """The run's --scheduler-recv-interval (SGLang's default 1 where its script passes none)."""
    if row["table"] not in RECV_INTERVAL_TABLES:
        return 1
    return 30 if concurrency >= 16 else 10


def arrival_batches(concurrency: int, output_tokens: int, interval: int) -> tuple[float, float]:
    """(prefill batches a request's life waits for, mean prompts a batch) under Poisson arrivals."""
    lam = interval * concurrency / output_tokens
    batches = output_tokens / interval * (1 - math.exp(-lam))
    return batches * (concurrency - 1) / concurrency, lam / (1 - math.exp(-lam))


def predict(case: sv.Case, base: Any = sv.predict) -> float:
    """The row's metric with SGLang serving rows priced by arrivals; every other row as before."""
    row, inputs, gpu = case.row, case.inputs, case.gpu
    if row["engine"] != "sglang" or row["metric"] not in ("serve_tpot_ms", "serve_output_tps"):
        return float(base(case))
    c = sv.resolve_constants(inputs, gpu, None)
    prompt, gen, batch = max(1, int(row.get("prompt_tokens") or 1)), int(row["gen_tokens"]), inputs.batch
    step = sum(sv.decode_step(inputs, gpu, c, prompt + int((k + 0.5) * gen / 8))[0] for k in range(8)) / 8
    others, size = arrival_batches(batch, gen, recv_interval(row, batch * inputs.dp))
    low = max(1, math.floor(size))
    share = size - low if size > 1 else 0.0

    def prefill(n: int) -> float:
        wave = inputs.model_copy(update={"batch": min(batch, n)})
        return float(sv.prefill_seconds(wave, gpu, c, prompt)[0])

    batch_s = (1 - share) * prefill(low) + (share * prefill(low + 1) if share else 0.0)
    if row["metric"] == "serve_tpot_ms":
        return 1000 * (step + others * batch_s / gen)
    full = inputs.dp * batch * gen / (gen * step + (others + 1) * batch_s)
    if case.tail is None:
        return full
    waves = sv.closed_loop_waves(int(row["num_prompts"]), batch * inputs.dp)
    last = predict(case.tail, base)
    timed = [(n, n * gen / (full if n == batch * inputs.dp else last)) for n in waves]
    return sv.run_output_tokens_per_s(timed, gen) or 0.0


@contextmanager
def _patched(arrivals: bool) -> Iterator[None]:
    """speed_validation's predict (which its fit's loss calls) swapped for the arrivals' one."""
    saved = sv.predict
    if arrivals:
        sv.predict = lambda case: predict(case, saved)
    try:
        yield
    finally:
        sv.predict = saved


def _summary(cases: list[sv.Case], label: str) -> None:
    results = sv.errors(cases)
    for use in ("fit", "holdout"):
        median, worst = sv.summary([r for r in results if r[0].row["use"] == use])
        print(f"{label:28s} {use:8s} median {median:6.2%} worst {worst:6.2%}")


def main() -> int:
    rows = [r for r in sv.load_rows() if r.get("use") in ("fit", "holdout") and r["engine"] == "sglang"]
    cases = [sv.build_case(r) for r in rows]
    fit_cases = [case for case in cases if case.row["use"] == "fit"]
    knobs = [k for k in sv._knobs() if k[0] in ("sglang.step_fixed_s", "sglang.gpu_per_layer_s")]
    for arrivals in (False, True):
        name = "arrivals" if arrivals else "wave"
        with _patched(arrivals):
            _summary(cases, f"{name}, shipped constants")
            with sv._restored():
                saved = sv._knobs
                sv._knobs = lambda: knobs  # the two constants the 0.5 profile fitted (sglang_speed.SPEED)
                try:
                    sv.fit(fit_cases)
                finally:
                    sv._knobs = saved
                _summary(cases, f"{name}, refitted")
    held = statistics.median(abs(e) for _, _, e in sv.errors([c for c in cases if c.row["use"] == "holdout"]))
    print(f"shipped wave held-out median {held:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
