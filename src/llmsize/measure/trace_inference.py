"""The inference trace: Hugging Face generate's prefill, then its last (most expensive) decode step.

Split out of tracer.py (whose docstring says what is modelled and why). torch is imported inside.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate.workload import Workload
from llmsize.measure.phase_tracker import phase_peaks
from llmsize.measure.tensor_bytes import cache_bytes, cache_tensors, weight_and_buffer_bytes


def trace_inference(model: Any, wl: Workload, tracker_cls: Any, record_timeline: bool) -> dict[str, Any]:
    import torch

    batch, prompt, context = wl.batch, wl.prefill_tokens, wl.context
    keep = 1 if wl.logits == "last" else 0
    params, buffers = weight_and_buffer_bytes(model)
    vocab = int(model.config.get_text_config().vocab_size)

    # Phase 1: prefill, as generate runs it, then the fp32 copy of the next-token logits.
    prefill = tracker_cls(record_timeline)
    prefill.track_external(model)
    with prefill, torch.no_grad():
        prefill.phase = "prefill"
        ids = torch.randint(0, vocab, (batch, prompt))
        out = model(input_ids=ids, use_cache=True, logits_to_keep=keep)
        next_logits = out.logits[:, -1, :].to(copy=True, dtype=torch.float32)
        kv_prefill = cache_bytes(out.past_key_values)
        del out, next_logits, ids
    phases = list(phase_peaks(prefill, ("prefill",)))
    timeline = list(prefill.timeline)
    peak_tensors = dict(prefill.peak_tensors)

    # Phase 2: the last decode step (cache at context - 1 tokens), if any token is generated.
    # The cache is filled untracked as generate leaves it: a prefill, then (if generate would have
    # decoded before the last step) one decoding step, after which sliding-window layers hold their
    # window instead of a view into the whole prompt.
    kv_full = kv_prefill
    if context > prompt:
        with torch.no_grad():
            warm_prompt = prompt if context - 1 == prompt else context - 2
            ids = torch.randint(0, vocab, (batch, warm_prompt))
            warm = model(input_ids=ids, use_cache=True, logits_to_keep=1)
            cache = warm.past_key_values
            if warm_prompt < context - 1:
                warm = model(input_ids=ids[:, -1:], past_key_values=cache, use_cache=True, logits_to_keep=1)
            del warm, ids
        decode = tracker_cls(record_timeline)
        decode.track_external(model, *cache_tensors(cache))
        with decode, torch.no_grad():
            decode.phase = "decode"
            ids = torch.randint(0, vocab, (batch, 1))
            out = model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
            next_logits = out.logits[:, -1, :].to(copy=True, dtype=torch.float32)
            kv_full = cache_bytes(out.past_key_values)
            del out, next_logits, ids
        phases += phase_peaks(decode, ("decode",))
        timeline += decode.timeline
        peak_tensors.update(decode.peak_tensors)
        del cache

    top = max(phases, key=lambda p: p.peak_bytes)
    kv_at_peak = kv_prefill if top.phase == "prefill" else kv_full
    return {
        "peak_bytes": top.peak_bytes,
        "peak_phase": top.phase,
        "params_bytes": params,
        "buffers_bytes": buffers,
        "trainable_params_bytes": 0,
        "gradients_bytes": 0,
        "optimizer_bytes": 0,
        "kv_prefill_bytes": kv_prefill,
        "kv_full_bytes": kv_full,
        "kv_cache_bytes": kv_at_peak,
        "activations_bytes": top.peak_bytes - params - buffers - kv_at_peak,
        "phases": tuple(phases),
        "timeline": tuple(timeline),
        "peak_tensors": peak_tensors,
    }
