"""Mean time to first token of a wave of prompts that the engine prefills in several batches.

Where an engine admits a wave of simultaneous prompts in batches (SGLang's PrefillAdder budget,
estimate/engines/sglang_prefill_admission.py), the batches run one after another and each request's
first token comes at the end of its own batch, so a serving benchmark's mean TTFT is the request-weighted
mean of the batches' cumulative ends, not the prefill of the whole wave.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def wave_mean_ttft_s(batches: Sequence[int], prefill_s: Callable[[int], float]) -> float | None:
    """The mean first-token time over the wave; `prefill_s(n)`: seconds to prefill n of its prompts.
    None where the wave is one batch (its TTFT is that prefill)."""
    if len(batches) < 2:
        return None
    done = waited = 0.0
    for n in batches:
        done += prefill_s(n)
        waited += n * done
    return waited / sum(batches)
