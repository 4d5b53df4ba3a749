"""Prefill time of a prompt whose first tokens the engine's prefix cache already holds.

Only the uncached tokens run through the model, but they attend to the cached ones: the mat-muls
scale with the new tokens, the causal attention with (cached + new)^2 - cached^2. The prefill model
(hardware/prefill_time.py `prefill_seconds`) prices both for a prompt from its start, so the new tokens cost
the difference between the whole prompt and the cached part; a pass is never cheaper than one of the
new tokens alone (its weights are read and its kernels launched once whatever the context).
"""

from __future__ import annotations

from llmsize.hardware.gpus import GpuSpec
from llmsize.hardware.prefill_time import prefill_seconds
from llmsize.hardware.speed_records import SpeedConstants, SpeedInputs


def cached_prefill_seconds(inputs: SpeedInputs, gpu: GpuSpec, c: SpeedConstants, prompt_tokens: int,
                           cached_tokens: int) -> float:
    """Seconds to prefill `prompt_tokens` of which the first `cached_tokens` come from the prefix cache."""
    whole, _ = prefill_seconds(inputs, gpu, c, prompt_tokens)
    if cached_tokens <= 0:
        return whole
    alone, _ = prefill_seconds(inputs, gpu, c, max(1, prompt_tokens - cached_tokens))
    head, _ = prefill_seconds(inputs, gpu, c, cached_tokens)
    return max(alone, whole - head)
