"""Which moment of a workload is the memory peak, and what is live then.

Inference (Hugging Face `generate`): the prefill forward of the prompt, then decoding up to the
full context; the last decoding step is the most expensive one (largest cache). Training: the
forward (activations kept for backward pile up layer by layer, then the loss over the
vocabulary), the backward (the loss gradient first, then block by block: saved activations go,
weight gradients come) and the optimizer step. The steady state is the second iteration: torch
AdamW creates its states at the first step and keeps them, and `zero_grad(set_to_none=True)`
frees the gradients after every step.

The optimizer step of torch AdamW (foreach, the CUDA default: torch/optim/adam.py
`_multi_tensor_adam`) allocates one temporary as large as exp_avg_sq (`torch._foreach_sqrt`) on
top of weights, gradients and states; the fused implementation (`_fused_adamw_`, one kernel per
group, what transformers' Trainer uses) updates in place. With master weights llmsize assumes a
fused optimizer (DeepSpeed / apex FusedAdam) that updates in place. With the step fused into
backward there is no separate step: gradients are freed as they are used. With gradient
accumulation the gradients of earlier micro-batches are live during every forward and backward.

Sizes may be numpy arrays (a sweep over contexts and batches); `phase` then is an array of names.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from llmsize.estimate import activations as act
from llmsize.estimate import arrays as np
from llmsize.estimate import deepspeed_buckets, deepspeed_step, fsdp_root, held_logits, param_offload
from llmsize.estimate.frameworks import recipe
from llmsize.estimate.training import master_weights_on
from llmsize.estimate.weights import compute_dtype, stages
from llmsize.estimate.workload import Attention, Mode, Offload, Optimizer, Workload
from llmsize.specs.models import ModelSpec

if TYPE_CHECKING:
    from llmsize.estimate.activations.audio import AudioTowerBytes
    from llmsize.estimate.activations.vision import TowerBytes
    from llmsize.estimate.audio import AudioLoad
    from llmsize.estimate.resolved import Resolved

# The towers' and the adapters' modules are imported where a workload with images, video, audio or
# LoRA needs them: a plain inference estimate never runs them (issue 15, cold start: each module's
# dataclasses are compiled at import).

Num = Any


@dataclass(frozen=True)
class StaticBytes:
    """Per-GPU bytes that do not depend on the moment (kv_prefill: after the prompt; kv_full: at
    the full context)."""

    weights: int
    gradients: int
    optimizer: int
    adapters: int
    kv_prefill: int
    kv_full: int


@dataclass(frozen=True)
class Peak:
    """What is live at the peak moment, beyond weights and adapters (always live)."""

    phase: str
    kv_cache: int
    activations: int
    gradients: int
    optimizer: int
    formula: str
    detail: str
    low: int
    high: int
    host: Num = 0  # activations offloaded to host RAM


_DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2}


def _busiest_stage(spec: ModelSpec, wl: Workload) -> tuple[tuple[int, ...], bool]:
    """Layers and head of the pipeline stage with the most blocks (ties: the one with the head)."""
    best = max(stages(spec, wl), key=lambda st: (len(st.layers), st.head))
    return best.layers, best.head


def _per_rank(spec: ModelSpec, tp: int) -> ModelSpec:
    """The shapes one tensor-parallel rank computes: heads and intermediate widths split
    (Megatron-style column/row parallel layers); hidden-size tensors and the gathered logits stay
    whole. An approximation: the tracer runs one GPU."""
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


def _optimizer_temp(spec: ModelSpec, wl: Workload, static: StaticBytes, compute: str) -> int:
    """torch AdamW (foreach) allocates sqrt(exp_avg_sq) for every parameter at once: half the states.

    With master weights llmsize assumes a fused optimizer updating the fp32 copy in place
    (DeepSpeed / apex FusedAdam), which needs no such temporary; DeepSpeed ZeRO first casts the
    16-bit gradient partition it steps to fp32 (deepspeed_step.py).
    """
    master = wl.mode.trains_all_weights and master_weights_on(wl, compute)
    if deepspeed_step.casts_fp32_grads(wl, master):
        elem = _DTYPE_BYTES.get(compute, 2)
        local = static.gradients // elem  # ZeRO-2/3 keep gradient partitions: already divided
        if wl.zero < 2:
            local = -(-local // max(1, wl.dp))
        return deepspeed_step.fp32_grad_bytes(local, elem, wl.zero)
    if recipe(wl).optimizer not in (Optimizer.ADAMW, Optimizer.ADAMW_FOREACH):
        return 0
    if master:
        return 0
    return static.optimizer // 2


def _pick(totals: list[Num]) -> Num:
    if builtins.all(np.ndim(t) == 0 for t in totals):  # one workload: no numpy needed
        return builtins.max(range(len(totals)), key=lambda i: totals[i])  # the first largest, as argmax
    stacked = np.stack(
        [np.broadcast_to(np.asarray(t, dtype=float), np.broadcast(*totals).shape) for t in totals]
    )
    return np.argmax(stacked, axis=0)


def _take(values: list[Num], idx: Num) -> Num:
    if np.ndim(idx) == 0 and builtins.all(np.ndim(v) == 0 for v in values):
        return round(float(values[int(idx)]))
    shape = np.shape(idx)
    stacked = np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values])
    got = np.take_along_axis(stacked, np.asarray(idx)[None, ...], axis=0)[0]
    return round(float(got)) if np.ndim(got) == 0 else np.rint(got).astype(np.int64)


def _candidates(
    spec: ModelSpec, wl: Workload, static: StaticBytes, flash: bool = False, rs: Resolved | None = None
) -> tuple[list[act.Candidate], list[Num], list[Num], list[Num]]:
    compute = rs.compute if rs is not None else compute_dtype(spec, wl)
    e = _DTYPE_BYTES.get(compute, 2)
    if rs is not None:
        layers, head = rs.busiest_stage.layers, rs.busiest_stage.head
    else:
        layers, head = _busiest_stage(spec, wl)
    rank_spec = _per_rank(spec, wl.tp)
    if not wl.mode.trains:
        cands = act.inference_candidates(
            rank_spec,
            wl,
            e,
            layers,
            head=head,
            context=wl.context,
            prompt=wl.prefill_tokens,
            batch=wl.batch,
            flash=flash,
        )
        cands = _with_audio(spec, wl, e, _with_images(spec, wl, e, cands, rs), rs)
        kv = [c.kv_fraction * (static.kv_prefill if c.phase == "prefill" else static.kv_full) for c in cands]
        grads = [0 for _ in cands]
        opt = [0 for _ in cands]
        return cands, kv, grads, opt
    targets: frozenset[str] = frozenset()
    if wl.mode in (Mode.LORA, Mode.QLORA):
        from llmsize.estimate.adapters import resolve_targets

        resolved = rs.targets if rs is not None and rs.targets is not None else resolve_targets(spec, wl)
        targets = resolved.walk_names
    cands, _ = act.training_candidates(rank_spec, wl, e, layers, head=head, targets=targets)
    rc = recipe(wl)
    master = wl.mode.trains_all_weights and master_weights_on(wl, compute)
    if rc.optimizer_in_backward or param_offload.optimizer_offload(wl, master) is not Offload.NONE:
        # one parameter's gradient at a time, in backward only (static.gradients is the largest):
        # stepped in backward, or (ZeRO-Offload, FSDP CPUOffloadPolicy) reduced and copied to the host
        # as it is produced (training.training_bytes keeps that one tensor in flight)
        cands = [replace(c, grad_fraction=np.where(np.asarray(c.grad_fraction) > 0, 1, 0)) for c in cands]
    else:
        cands.append(
            act.Candidate(
                "optimizer",
                _optimizer_temp(spec, wl, static, compute),
                0,
                1,
                f"optimizer step ({rc.optimizer})",
            )
        )
    if head:
        # a loop that binds the model output keeps its logits past the loss (held_logits.py)
        cands = held_logits.hold(cands, wl, held_logits.held_bytes(rank_spec, wl, e))
    master = wl.mode.trains_all_weights and master_weights_on(wl, compute)
    root = fsdp_root.root_gather_bytes(spec, wl, master, rs.weights.format if rs is not None else None)
    if root:
        # FSDP keeps its root unit (embeddings, final norm, head) unsharded until the root's
        # post-backward: live in every forward and backward moment, gone by the step (fsdp_root.py)
        cands = [c if c.phase == "optimizer" else replace(c, activations=c.activations + root) for c in cands]
    if wl.gradient_accumulation > 1:
        # micro-batches after the first run with every gradient already allocated
        cands = [replace(c, grad_fraction=1) for c in cands]
    kv = [0 for _ in cands]
    # DeepSpeed's reduce bucket is allocated whole and held in every phase (deepspeed_buckets.py)
    bucket = deepspeed_buckets.reduce_bucket_bytes(spec, wl, master, compute)
    grads = [c.grad_fraction * static.gradients + bucket for c in cands]
    opt = [static.optimizer for _ in cands]
    return cands, kv, grads, opt


def _tower(spec: ModelSpec, wl: Workload, e: int, rs: Resolved | None) -> TowerBytes | None:
    if rs is None or rs.images is None:
        return None
    from llmsize.estimate.activations.vision import tower_bytes

    eager = wl.attention is Attention.EAGER  # the towers' default is SDPA (the fused kernel on a GPU)
    return tower_bytes(rs.images, wl.batch, wl.prefill_tokens, spec.hidden_size, e, eager=eager)


def _video_tower(spec: ModelSpec, wl: Workload, e: int, rs: Resolved | None) -> TowerBytes | None:
    if rs is None or rs.video is None:
        return None
    from llmsize.estimate.activations.vision import tower_bytes

    eager = wl.attention is Attention.EAGER
    return tower_bytes(rs.video.as_images(), wl.batch, wl.prefill_tokens, spec.hidden_size, e, eager=eager)


def _with_images(
    spec: ModelSpec, wl: Workload, e: int, cands: list[act.Candidate], rs: Resolved | None
) -> list[act.Candidate]:
    """With images (or a video), the tower's encoding is one more moment (before the decoder: no KV
    cache yet), and the decoder's prefill carries what the wrapper still holds of it
    (activations/vision.py). The wrapper encodes the images first, then the video while it holds
    what the images left (modeling_qwen2_5_vl.py / modeling_qwen3_vl.py forward)."""
    tower, clip = _tower(spec, wl, e, rs), _video_tower(spec, wl, e, rs)
    if (tower is None and clip is None) or wl.mode.trains:
        return cands
    held = tower.residue if tower is not None else 0
    residue = held + (clip.residue if clip is not None else 0)
    out = [replace(c, activations=c.activations + residue) if c.phase == "prefill" else c for c in cands]
    if tower is not None:
        out.append(act.Candidate("vision", tower.peak, 0, 0, f"vision tower ({tower.stage} of a block)"))
    if clip is not None:
        label = f"vision tower on the video ({clip.stage} of a block)"
        out.append(act.Candidate("video", held + clip.peak, 0, 0, label))
    return out


def video_note(spec: ModelSpec, wl: Workload, rs: Resolved) -> str | None:
    """One line on the tower's transient peak on the video, or None without one."""
    clip = _video_tower(spec, wl, _DTYPE_BYTES.get(rs.compute, 2), rs)
    if clip is None or rs.video is None:
        return None
    return (
        f"vision tower encodes the video's {wl.batch * rs.video.grid.patches:,} patches at prefill: peak "
        f"{clip.peak:,} B in the {clip.stage}; the decoder's prefill still holds {clip.residue:,} B of it"
    )


def video_info(spec: ModelSpec, wl: Workload, rs: Resolved) -> dict[str, object]:
    """The `video` report key: what the video adds (empty without one)."""
    load = rs.video
    clip = _video_tower(spec, wl, _DTYPE_BYTES.get(rs.compute, 2), rs)
    if load is None or clip is None:
        return {}
    g = load.grid
    return {
        "frames": load.frames,
        "width": load.width,
        "height": load.height,
        "resized_width": g.width,
        "resized_height": g.height,
        "processor": load.tower.kind,
        "temporal_groups": g.frames,
        "patches": g.patches,
        "features": g.features,
        "tokens": load.tokens,
        "tower_peak_bytes": clip.peak,
        "tower_residue_bytes": clip.residue,
    }


def _audio_tower(spec: ModelSpec, wl: Workload, e: int, rs: Resolved | None) -> AudioTowerBytes | None:
    if rs is None or rs.audio is None:
        return None
    from llmsize.estimate.activations.audio import audio_tower_bytes

    return audio_tower_bytes(rs.audio, wl.batch, e, wl.prefill_tokens, spec.hidden_size)


def _with_audio(
    spec: ModelSpec, wl: Workload, e: int, cands: list[act.Candidate], rs: Resolved | None
) -> list[act.Candidate]:
    """With audio, the audio tower's encoding is one more moment before the decoder (no KV cache
    yet), and the decoder's prefill carries what the wrapper still holds of it (activations/audio.py).
    The wrappers encode images and video first (modeling_gemma3n.py / modeling_gemma4.py forward), so
    the audio moment also holds what they left."""
    tower = _audio_tower(spec, wl, e, rs)
    if tower is None or wl.mode.trains:
        return cands
    out = [
        replace(c, activations=c.activations + tower.residue) if c.phase == "prefill" else c for c in cands
    ]
    held = sum(t.residue for t in (_tower(spec, wl, e, rs), _video_tower(spec, wl, e, rs)) if t is not None)
    out.append(act.Candidate("audio", held + tower.peak, 0, 0, f"audio tower ({tower.stage})"))
    return out


def audio_note(spec: ModelSpec, wl: Workload, rs: Resolved, load: AudioLoad) -> str:
    """One line on the audio tower's transient peak for the assumptions."""
    from llmsize.estimate.activations.audio import audio_tower_bytes

    e = _DTYPE_BYTES.get(rs.compute, 2)
    tower = audio_tower_bytes(load, wl.batch, e, wl.prefill_tokens, spec.hidden_size)
    t = load.tower
    return (
        f"audio tower encodes {wl.batch * len(load.clips)} clip(s) of {load.frames:,} mel frames at prefill "
        f"({t.depth} conformer blocks, hidden {t.hidden_size}): peak {tower.peak:,} B in the {tower.stage}; "
        f"the decoder's prefill still holds {tower.residue:,} B of it"
    )


def audio_info(spec: ModelSpec, wl: Workload, rs: Resolved) -> dict[str, object]:
    """The `audio` report key: what the audio adds (empty without audio)."""
    load = rs.audio
    if load is None:
        return {}
    from llmsize.estimate.activations.audio import audio_tower_bytes

    e = _DTYPE_BYTES.get(rs.compute, 2)
    tower = audio_tower_bytes(load, wl.batch, e, wl.prefill_tokens, spec.hidden_size)
    return {
        "seconds": load.seconds,
        "clips": len(load.clips),
        "processor": load.tower.kind,
        "mel_frames_per_clip": load.frames,
        "tokens_per_clip": list(load.tokens_per_clip),
        "features": load.features,
        "tokens": load.tokens,
        "tower_peak_bytes": tower.peak,
        "tower_residue_bytes": tower.residue,
    }


def tower_note(spec: ModelSpec, wl: Workload, rs: Resolved) -> str | None:
    """One line on the tower's transient peak for the assumptions, or None without images."""
    tower = _tower(spec, wl, _DTYPE_BYTES.get(rs.compute, 2), rs)
    if tower is None or rs.images is None:
        return None
    t = rs.images.tower
    patches = rs.images.images * wl.batch * rs.images.grid.patches
    return (
        f"vision tower encodes {patches:,} patches at prefill ({t.depth} blocks, hidden {t.hidden_size}): "
        f"peak {tower.peak:,} B in the {tower.stage}; "
        f"the decoder's prefill still holds {tower.residue:,} B of it"
    )


def images_info(spec: ModelSpec, wl: Workload, rs: Resolved) -> dict[str, object]:
    """The `images` report key: what the images add (empty without images)."""
    load = rs.images
    if load is None:
        return {}
    g = load.grid
    out: dict[str, object] = {
        "count": load.images,
        "width": load.width,
        "height": load.height,
        "resized_width": g.width,
        "resized_height": g.height,
        "processor": load.tower.kind,
        "patches_per_image": g.patches,
        "features_per_image": g.features,
        "tokens_per_image": g.tokens,
        "tokens": load.tokens,
    }
    tower = _tower(spec, wl, _DTYPE_BYTES.get(rs.compute, 2), rs)
    if tower is not None:
        out["tower_peak_bytes"] = tower.peak
        out["tower_residue_bytes"] = tower.residue
    return out


def _total(cands: list[act.Candidate], kv: list[Num], grads: list[Num], opt: list[Num]) -> list[Num]:
    return [c.activations + k + g + o for c, k, g, o in zip(cands, kv, grads, opt, strict=True)]


def phase_totals(
    spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved | None = None
) -> dict[str, Num]:
    """The largest live set of each phase (weights and adapters included), for checking against a trace."""
    cands, kv, grads, opt = _candidates(spec, wl, static, rs=rs)
    out: dict[str, Num] = {}
    for c, t in zip(cands, _total(cands, kv, grads, opt), strict=True):
        full = t + static.weights + static.adapters
        out[c.phase] = np.maximum(out[c.phase], full) if c.phase in out else full
    return out


def peak(spec: ModelSpec, wl: Workload, static: StaticBytes, rs: Resolved | None = None) -> Peak:
    """The largest live set over the phases of `wl` (weights and adapters excluded: always live).

    `rs` is the workload resolved once (estimate/resolved.py); without it, it is derived here.
    """
    cands, kv, grads, opt = _candidates(spec, wl, static, rs=rs)
    totals = _total(cands, kv, grads, opt)
    idx = _pick(totals)
    activ = _take([c.activations for c in cands], idx)
    kv_at = _take(kv, idx)
    grads_at = _take(grads, idx)
    opt_at = _take(opt, idx)
    nominal = _take(totals, idx)
    low = nominal
    wants_range = rs is None or rs.ranges
    if wants_range and not wl.mode.trains and wl.attention is None and not spec.eager_attention_only:
        fc, fkv, fg, fo = _candidates(spec, wl, static, flash=True, rs=rs)
        ftot = _total(fc, fkv, fg, fo)
        low = _take(ftot, _pick(ftot))
    if np.ndim(idx) == 0:
        best = cands[int(idx)]
        phase: Any = best.phase
        where = best.where
    else:
        phase = np.asarray([c.phase for c in cands])[idx]
        where = "per element"
    formula = (
        "max over phases of the live set: prefill (whole prompt, one forward) vs last decode step"
        if not wl.mode.trains
        else "max over forward, backward and optimizer step of kept activations + transients + grads + states"
    )
    return Peak(
        phase=phase,
        kv_cache=kv_at,
        activations=activ,
        gradients=grads_at,
        optimizer=opt_at,
        formula=formula,
        detail=f"peak in {phase if isinstance(phase, str) else 'several phases'} at {where}",
        low=low + static.weights + static.adapters,
        high=nominal + static.weights + static.adapters,
        host=cands[0].host if cands else 0,
    )
