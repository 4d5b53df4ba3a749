"""Landed: SGLang serving rows priced with staggered arrivals instead of a wave's share.

bench/speed_validation.py priced a closed-loop serving row (serve_tpot_ms, serve_output_tps) as if each
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
on average. This is now the product's rule (src/llmsize/estimate/engines/sglang_arrivals.py, the engine's
serving_arrivals hook; the rows carry scheduler_recv_interval in bench/speed_tables.yaml), which
speed_validation.predict runs. This script compares it with the wave it replaced (serving_arrivals off),
under the shipped constants and refitted: `python bench/sglang_arrivals.py` (SGLang rows only; writes
nothing).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import speed_validation as sv


@contextmanager
def _patched(arrivals: bool) -> Iterator[None]:
    """speed_validation's serving rows priced as one wave (arrivals off), or as the product prices them."""
    saved = sv.serving_arrivals
    if not arrivals:
        sv.serving_arrivals = lambda *args: None
    try:
        yield
    finally:
        sv.serving_arrivals = saved


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
    print(f"shipped held-out median (arrivals, as the product prices them) {held:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
