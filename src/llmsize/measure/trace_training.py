"""The training trace: two steps of forward + loss, backward and the AdamW step; the second is kept.

Split out of tracer.py (whose docstring says what is modelled and why). torch is imported inside.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

from llmsize.estimate.frameworks import recipe
from llmsize.estimate.workload import Optimizer, Workload
from llmsize.measure.phase_tracker import phase_peaks
from llmsize.measure.tensor_bytes import storage_bytes, weight_and_buffer_bytes
from llmsize.measure.training_loss import forward_autocast, forward_loss
from llmsize.measure.training_setup import prepare_training


def trace_training(model: Any, wl: Workload, tracker_cls: Any, record_timeline: bool) -> dict[str, Any]:
    import torch

    model = prepare_training(model, wl)
    params, buffers = weight_and_buffer_bytes(model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    trainable_bytes = storage_bytes(iter(trainable))
    vocab = int(model.config.get_text_config().vocab_size)
    rc = recipe(wl)
    # foreach=True is what torch picks by default for CUDA tensors (optim/optimizer.py
    # _default_to_fused_or_foreach); on CPU it would pick the per-tensor loop. fused=True is
    # transformers' adamw_torch_fused.
    fused = rc.optimizer is Optimizer.ADAMW_FUSED
    step_in_backward = rc.optimizer_in_backward
    if step_in_backward:
        # torchtune's optimizer_in_bwd: one optimizer per parameter, stepped by a hook as soon as
        # the gradient is accumulated (training/_activation... create_optim_in_bwd_wrapper).
        per_param = {p: torch.optim.AdamW([p], lr=1e-5, fused=fused, foreach=not fused) for p in trainable}

        def _step(param: Any) -> None:
            per_param[param].step()
            per_param[param].zero_grad(set_to_none=True)

        for p in trainable:
            p.register_post_accumulate_grad_hook(_step)
        optimizers = list(per_param.values())
    else:
        optimizers = [torch.optim.AdamW(trainable, lr=1e-5, fused=fused, foreach=not fused)]

    # Leaf tensors that need a gradient (the embeddings under checkpointing, made so by
    # enable_input_require_grads) get ModTracker's gradient hooks, whose closures hold the leaf's
    # AccumulateGrad node, which holds the leaf: a cycle through C++ that outlives the step (with
    # the leaf's .grad). A run without the tracker frees both after backward, so the trace drops
    # the .grad and accounts the leaf as freed.
    leaves: list[Any] = []

    def _remember_leaf(_module: Any, _args: Any, output: Any) -> None:
        if isinstance(output, torch.Tensor) and output.is_leaf and output.requires_grad:
            leaves.append(weakref.ref(output))

    embeddings = model.get_input_embeddings()
    handle = embeddings.register_forward_hook(_remember_leaf) if embeddings is not None else None

    tracker = tracker_cls(record_timeline)
    tracker.track_external(model)
    with tracker:
        for it in (1, 2):
            if it == 2:
                tracker.reset_mod_stats()
            tracker.phase = f"forward{it}"
            ids = torch.randint(0, vocab, (wl.batch, wl.context))
            with forward_autocast(model, rc.autocast):
                loss = forward_loss(model, ids, rc.loss, rc.loss_chunks, rc.autocast)
            tracker.phase = f"backward{it}"
            loss.backward()
            del loss, ids
            for ref in leaves:
                leaf = ref()
                if leaf is not None:
                    leaf.grad = None
                    tracker.forget(leaf)
                del leaf
            leaves.clear()
            gc.collect()
            tracker.phase = f"optimizer{it}"
            if not step_in_backward:
                optimizers[0].step()
                optimizers[0].zero_grad(set_to_none=True)
    if handle is not None:
        handle.remove()
    # The `step` counters are host tensors on a GPU (torch AdamW keeps them on the CPU unless
    # capturable/fused), so only the moment estimates count as optimizer memory.
    optimizer_bytes = storage_bytes(
        v
        for opt in optimizers
        for state in opt.state.values()
        for k, v in state.items()
        if isinstance(v, torch.Tensor) and k != "step"
    )
    names = ("forward1", "backward1", "optimizer1", "forward2", "backward2", "optimizer2")
    phases = phase_peaks(tracker, names)
    steady = [p for p in phases if p.phase.endswith("2")]
    top = max(steady, key=lambda p: p.peak_bytes)
    grads_at_peak = top.by_kind.get("gradients", 0)
    return {
        "peak_bytes": top.peak_bytes,
        "peak_phase": top.phase.rstrip("2"),
        "params_bytes": params,
        "buffers_bytes": buffers,
        "trainable_params_bytes": trainable_bytes,
        "gradients_bytes": grads_at_peak,
        "optimizer_bytes": optimizer_bytes,
        "kv_prefill_bytes": 0,
        "kv_full_bytes": 0,
        "kv_cache_bytes": 0,
        "activations_bytes": top.peak_bytes - params - buffers - grads_at_peak - optimizer_bytes,
        "phases": phases,
        "timeline": tuple(tracker.timeline),
        "peak_tensors": dict(tracker.peak_tensors),
    }
