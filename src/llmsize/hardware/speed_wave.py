"""Mean time to first token of a wave of prompts that the engine prefills in several batches.

Where an engine admits a wave of simultaneous prompts in batches (SGLang's PrefillAdder budget,
estimate/engines/sglang_prefill_admission.py), the batches run one after another and each request's
first token comes at the end of its own batch, so a serving benchmark's mean TTFT is the request-weighted
mean of the batches' cumulative ends, not the prefill of the whole wave.
A wave is given as runs of equal batches (wave_runs: the full batches and one remainder); each run is
summed in closed form with one prefill time, so a wave of a million one-request batches
(`--max-num-batched-tokens 1` on a large pool) costs two prefill estimates and two pairs of memory, not a
million of each (issue 15, round 16: `fit` ran for minutes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def wave_mean_ttft_s(runs: Sequence[tuple[int, int]], prefill_s: Callable[[int], float]) -> float | None:
    """The mean first-token time over the wave of `runs` (requests per batch, batches), in order;
    `prefill_s(n)`: seconds to prefill n of its prompts. None where the wave is one batch (its TTFT is
    that prefill)."""
    if sum(count for _, count in runs) < 2:
        return None
    done = waited = 0.0
    for size, count in runs:
        step = prefill_s(size)
        # the run's k-th batch (k = 1..count) ends at done + k * step; its `size` requests wait that long
        waited += size * (count * done + step * count * (count + 1) / 2)
        done += count * step
    return waited / sum(size * count for size, count in runs)
