"""Vectorised estimates for one model over a grid of contexts x batches x dtypes (numpy).

Per dtype the static parts (weights, gradients, optimizer states, adapters) are computed once;
the KV cache (`kv_cache.kv_bytes`) and the inference activations
(`activations.inference_candidates`) take whole numpy grids, and the peak is composed as
`phases.peak` does for inference: the largest, over prefill and the last decode step, of the
transient bytes plus the share of the KV cache live at that moment. Training sweeps fall back to
one `core.estimate` per point (the training walk is scalar).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from llmsize.estimate import activations as act
from llmsize.estimate import core, kv_cache
from llmsize.estimate.engines import engine_for
from llmsize.estimate.overhead import CUDA_CONTEXT_BYTES
from llmsize.estimate.weights import stages
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.units import BYTES_PER_ELEMENT

IntArray = Any  # numpy int64 array


@dataclass(frozen=True)
class Sweep:
    """Bytes per component on the busiest GPU; arrays are indexed [dtype, context, batch]."""

    contexts: IntArray
    batches: IntArray
    dtypes: tuple[str, ...]
    weights: IntArray
    kv_cache: IntArray
    activations: IntArray
    gradients: IntArray
    optimizer: IntArray
    adapters: IntArray
    overhead: int

    @property
    def total(self) -> IntArray:
        static = (self.weights + self.gradients + self.optimizer + self.adapters)[:, None, None]
        return static + self.kv_cache + self.activations + self.overhead

    @property
    def size(self) -> int:
        return len(self.dtypes) * len(self.contexts) * len(self.batches)


def _per_rank(spec: ModelSpec, tp: int) -> ModelSpec:
    """The shapes one tensor-parallel rank computes (heads and MLP widths split), as phases uses."""
    if tp == 1:
        return spec
    return spec.model_copy(
        update={
            "num_attention_heads": max(1, spec.num_attention_heads // tp),
            "num_kv_heads": max(1, spec.num_kv_heads // tp),
            "intermediate_size": spec.intermediate_size // tp,
            "moe_intermediate_size": spec.moe_intermediate_size // tp,
            "shared_expert_intermediate_size": spec.shared_expert_intermediate_size // tp,
        }
    )


def _inference_grid(spec: ModelSpec, wl: Workload, ctxs: IntArray, bats: IntArray) -> tuple[Any, ...]:
    """(weights, kv, activations) for one dtype over the grid; kv and activations are [C, B]."""
    ctx, busiest = core.plan(spec, wl)
    contexts, batches = ctxs[:, None], bats[None, :]
    prompt = contexts if wl.prompt_tokens is None else np.minimum(wl.prompt_tokens, contexts)
    terms = busiest.kv_terms
    eng = engine_for(wl)
    kv_full = kv_cache.kv_bytes(terms, eng, contexts, prompt, batches)
    kv_prefill = kv_cache.kv_bytes(terms, eng, prompt, prompt, batches)
    e = int(BYTES_PER_ELEMENT.get(ctx.compute, 2))
    layers = max(stages(spec, wl), key=lambda st: (len(st.layers), st.head))
    cands = act.inference_candidates(
        _per_rank(spec, wl.tp),
        wl,
        e,
        layers.layers,
        head=layers.head,
        context=contexts,
        prompt=prompt,
        batch=batches,
    )
    shape = np.broadcast(contexts, batches).shape
    decoding = np.broadcast_to(contexts > prompt, shape)
    totals, kvs, acts = [], [], []
    for c in cands:
        kv = c.kv_fraction * (kv_prefill if c.phase == "prefill" else kv_full)
        a = np.broadcast_to(np.asarray(c.activations, dtype=float), shape)
        t = np.broadcast_to(a + kv, shape).astype(float)
        if c.phase == "decode":
            t = np.where(decoding, t, -np.inf)
        totals.append(t)
        kvs.append(np.broadcast_to(kv, shape))
        acts.append(a)
    idx = np.argmax(np.stack(totals), axis=0)[None, ...]
    kv_at = np.rint(np.take_along_axis(np.stack(kvs).astype(float), idx, axis=0)[0]).astype(np.int64)
    act_at = np.rint(np.take_along_axis(np.stack(acts), idx, axis=0)[0]).astype(np.int64)
    return busiest.static, kv_at, act_at


def sweep(
    spec: ModelSpec,
    base: Workload,
    contexts: Sequence[int],
    batches: Sequence[int],
    dtypes: Sequence[str] = ("bf16",),
) -> Sweep:
    """Estimates for every (dtype, context, batch); other workload fields come from `base`."""
    ctxs = np.asarray(contexts, dtype=np.int64)
    bats = np.asarray(batches, dtype=np.int64)
    shape = (len(dtypes), len(ctxs), len(bats))
    weights, grads, opt, adapters = (np.zeros(len(dtypes), dtype=np.int64) for _ in range(4))
    kv = np.zeros(shape, dtype=np.int64)
    activ = np.zeros(shape, dtype=np.int64)
    overhead = CUDA_CONTEXT_BYTES
    for i, dtype in enumerate(dtypes):
        wl = Workload.model_validate({**base.model_dump(), "dtype": dtype})
        if not wl.mode.trains and engine_for(wl).hf_phase_walk:
            static, kv[i], activ[i] = _inference_grid(spec, wl, ctxs, bats)
            weights[i], adapters[i] = static.weights, static.adapters
            continue
        for j, c in enumerate(ctxs):
            for k, b in enumerate(bats):
                point = Workload.model_validate({**wl.model_dump(), "context": int(c), "batch": int(b)})
                est = core.estimate(spec, point)
                kv[i, j, k], activ[i, j, k] = est.kv_cache_bytes, est.activations_bytes
                overhead = est.overhead_bytes
                weights[i], grads[i], opt[i], adapters[i] = (
                    est.weights_bytes,
                    est.gradients_bytes,
                    est.optimizer_bytes,
                    est.adapters_bytes,
                )
    return Sweep(ctxs, bats, tuple(dtypes), weights, kv, activ, grads, opt, adapters, overhead)
