"""estimate(spec, workload) -> Estimate: bytes per component at the predicted peak on the busiest GPU.

The static parts (weights, gradients, optimizer states, adapters, the KV cache after the prefill
and at the full context) come from their own modules; `phases.peak` decides which phase of the
workload is the peak and what is live then (activations and the part of the KV cache, gradients
and optimizer states that exist at that moment). Overhead is added on top, so that
`total - overhead` is what `torch.cuda.max_memory_allocated` would report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from llmsize.errors import BadInputError, require_type
from llmsize.estimate import (
    deepspeed_buckets,
    frameworks,
    fsdp_root,
    kv_cache,
    logits_upcast,
    param_offload,
    phases,
    preference,
    training,
    unsloth_flex_mask,
)
from llmsize.estimate.engines import WeightPlacement, engine_for
from llmsize.estimate.memo import memo
from llmsize.estimate.overhead import CUDA_CONTEXT_BYTES, Overhead
from llmsize.estimate.phases import StaticBytes
from llmsize.estimate.placement import Stage
from llmsize.estimate.resolved import Resolved, ShapeKey, resolve_workload, shape_key
from llmsize.estimate.result import ByteRange, Component, Estimate
from llmsize.estimate.weights import (
    CHECKPOINT_DTYPE_NOTE,
    Shard,
    distinct_blocks,
    shard_bytes,
    stage_shards,
    stage_weight_bytes,
)
from llmsize.estimate.workload import Mode, Offload, Workload
from llmsize.specs.models import ModelSpec, ProvenanceKind, QuantMethod
from llmsize.specs.params import active_params, total_params
from llmsize.specs.unsloth import about_named_format
from llmsize.units import format_gib

if TYPE_CHECKING:
    from llmsize.estimate import audio, images, video

# The modules of images, audio, video, speculative decoding and LoRA are imported where a workload
# asks for them: a plain inference estimate never runs them, and importing them would compile their
# dataclasses' methods on every cold start (issue 15, docs/startup.md).


@dataclass(frozen=True)
class StagePlan:
    """Everything static on one GPU of one pipeline stage."""

    stage: Stage
    # the stage's shards (weights.stage_shards), built when read: an estimate reads them only for its
    # explanation or a training state, and a GGUF stage's bytes come without them (gguf_stage_sums.py):
    # the --gpu-layers searches of `fit --all --engine llama.cpp` built ~1,700 such tuples (issue 15)
    shards_of: Callable[[], tuple[Shard, ...]] = field(compare=False, repr=False)
    static: StaticBytes
    train: training.TrainingBytes
    kv_terms: tuple[kv_cache.KvTerm, ...]
    adapter_params: int
    gathered: int = 0  # ZeRO-3/FSDP all-gather buffers included in static.weights
    host_weights: int = 0  # parameter shards offloaded to host RAM

    @property
    def shards(self) -> tuple[Shard, ...]:
        """Every parameter group's share on this stage's GPUs (memoised per spec by stage_shards)."""
        return self.shards_of()

    @property
    def static_total(self) -> int:
        s = self.static
        return int(s.weights + s.gradients + s.optimizer + s.adapters + max(s.kv_prefill, s.kv_full))


Context = Resolved  # the resolved workload (estimate/resolved.py); kept under its old name


def _gathered_layers(spec: ModelSpec, wl: Workload, ctx: Context, stage: Stage) -> int:
    """ZeRO-3 / FSDP2 all-gather buffers: the unsharded parameters of the block being computed and
    of the one prefetched (torch FSDP2 `fully_shard`, implicit forward/backward prefetch of the next
    block; DeepSpeed stage3_prefetch_bucket_size), so two of the largest block on this GPU."""
    if wl.zero != 3 or wl.dp == 1 or not stage.layers:
        return 0
    whole = wl.model_copy(
        update={"zero": 0, "num_gpus": wl.tp * wl.pp, "offload_params": "none", "fp8_all_gather": False}
    )
    gguf = ctx.weights.format.quant == QuantMethod.GGUF  # per-block types: every block sized
    blocks = stage.layers if gguf else distinct_blocks(spec, stage.layers)
    per_layer = max(_layer_gather_bytes(spec, wl, whole, ctx, layer) for layer in blocks)
    return 2 * per_layer


def _layer_gather_bytes(spec: ModelSpec, wl: Workload, whole: Workload, ctx: Context, layer: int) -> int:
    """One block's all-gathered parameters. With torchao's float8 all-gather the converted linear
    weights travel and stay gathered as fp8 (fp8_training.py), 1 byte per element; MoE experts
    are 3-D parameters in transformers, not nn.Linear, and are not converted."""
    st = Stage(0, (layer,), False, False)
    gathered = stage_weight_bytes(spec, whole, ctx.weights.format, st)
    if not frameworks.recipe(wl).fp8_all_gather:
        return gathered
    from llmsize.estimate.fp8_training import converted
    from llmsize.units import bytes_per_element

    elem = bytes_per_element(ctx.weights.format.dtype)
    fp8 = sum(
        s.instances * s.weight_numel_each
        for s in stage_shards(spec, whole, st)
        if s.group.is_linear
        and s.group.kind != "expert"
        and converted(s.group.name, s.in_features, s.out_features)
    )
    return gathered - int(fp8 * (elem - 1))


def _plan_stage(
    spec: ModelSpec, wl: Workload, ctx: Context, stage: Stage, weights: int, shape: ShapeKey | None = None
) -> StagePlan:
    def shards() -> tuple[Shard, ...]:
        return stage_shards(spec, wl, stage)

    gathered = _gathered_layers(spec, wl, ctx, stage)
    host_weights = 0
    if wl.offload_params is not Offload.NONE:
        # DeepSpeed offload_param / FSDP CPUOffload: the parameter shards live on the host; what is
        # not a parameter shard (bnb's quant state, bnb_sharding.py) stays on the GPU
        kept = ctx.weights.unsharded[ctx.stages.index(stage)] if ctx.weights.unsharded else 0
        host_weights, weights = weights - kept, kept
    weights += preference.reference_weight_bytes(wl, weights) + gathered
    # The cache geometry does not change with the context or batch: once per shape (issue 15);
    # DeepSeek V4's pooled layouts read the engine's prefill chunk, so they are laid out each time.
    shape = shape if spec.compressed is None else None
    terms = memo(
        spec,
        None if shape is None else ("kv terms", shape, ctx.kv_dtype, stage.layers, ctx.compute),
        lambda: kv_cache.kv_terms(spec, wl, ctx.kv_dtype, stage.layers, ctx.compute),
    )
    drafter = None
    if stage.head and wl.speculative is not None:  # drafter() is None without --speculative
        from llmsize.estimate import speculative

        drafter = speculative.drafter(spec, wl)
    if drafter is not None:  # the drafter runs beside the head (speculative.py): its weights and cache
        eng = ctx.engine
        weights += speculative.weight_bytes(
            spec, wl, ctx.weights.format, drafter, eng.draft_mtp_head, eng.draft_own_embed
        )
        terms = (*terms, *speculative.kv_terms(drafter, wl, ctx.kv_dtype))
    if wl.mode.trains:
        kv_prefill = kv_full = 0
    else:
        kv_full = kv_cache.kv_bytes(terms, ctx.engine, wl.context, wl.prefill_tokens, wl.batch)
        kv_prefill = kv_cache.kv_bytes(terms, ctx.engine, wl.prefill_tokens, wl.prefill_tokens, wl.batch)
    adapter_params = 0
    adapter_elem = frameworks.recipe(wl).adapter_bytes
    if ctx.targets is not None:
        from llmsize.estimate import adapters

        factors = adapters.lora_factors(spec, shards(), ctx.targets, wl.lora_rank)
        adapter_params = sum(f.params for f in factors)
        tensors = training.lora_tensors(factors)
        adapter_dtype = adapters.ADAPTER_DTYPE if adapter_elem == 4 else ctx.compute
        train = training.training_bytes(wl, tensors, adapter_dtype)
    elif wl.mode.trains_all_weights:
        train = training.training_bytes(wl, training.shard_tensors(spec, shards()), ctx.weights.format.dtype)
    else:
        train = training.training_bytes(wl, [], ctx.weights.format.dtype)
    adapter_bytes = adapter_params * adapter_elem
    if wl.zero == 3 and wl.dp > 1:
        adapter_bytes = -(-adapter_bytes // wl.dp)
    if param_offload.adapters_on_host(wl):
        host_weights, adapter_bytes = host_weights + adapter_bytes, 0
    static = StaticBytes(
        weights=weights,
        gradients=train.gradients,
        optimizer=train.optimizer,
        adapters=adapter_bytes,
        kv_prefill=int(kv_prefill),
        kv_full=int(kv_full),
    )
    return StagePlan(stage, shards, static, train, terms, adapter_params, gathered, host_weights)


def _media(
    spec: ModelSpec, wl: Workload
) -> tuple[Workload, images.ImageLoad | None, audio.AudioLoad | None, video.VideoLoad | None]:
    """The images, audio and video of `wl`, and `wl` as the decoder runs it: their tokens join every
    sequence's prompt and context."""
    if not (wl.images or wl.audio_seconds or wl.video_frames):  # each *_load is None, the workload as is
        return wl, None, None, None
    from llmsize.estimate import audio, images, video

    load, sound, clip = images.image_load(spec, wl), audio.audio_load(spec, wl), video.video_load(spec, wl)
    wl = video.decoder_workload(audio.decoder_workload(images.decoder_workload(wl, load), sound), clip)
    return wl, load, sound, clip


def plan(spec: ModelSpec, wl: Workload) -> tuple[Context, StagePlan]:
    """The busiest GPU: the pipeline stage with the most static bytes (weights, states, cache)."""
    wl, load, sound, clip = _media(spec, wl)
    shape = shape_key(wl)
    ctx = resolve_workload(spec, wl, shape, images=load, audio=sound, video=clip)
    plans = [
        _plan_stage(spec, wl, ctx, st, w, shape)
        for st, w in zip(ctx.stages, ctx.weights.per_stage, strict=True)
    ]
    return ctx, max(plans, key=lambda p: p.static_total)


def _placement(spec: ModelSpec, wl: Workload, ctx: Context, busiest: StagePlan) -> WeightPlacement:
    """Device and host bytes of the weights, as the engine places them."""
    return ctx.engine.place_weights(
        spec, wl, ctx.weights.format, busiest.stage, busiest.static.weights, sum(ctx.weights.per_stage)
    )


def estimate(spec: ModelSpec, wl: Workload, *, explained: bool = True) -> Estimate:
    """Predicted peak memory of `wl` on the busiest GPU, component by component.

    Every component is what the GPU holds: weights an engine keeps in host RAM (llama.cpp's token
    embeddings, CPU layers and experts) and its host buffers are `Estimate.host_bytes`, outside the
    total, split in `Estimate.engine_figures` (engines/llama_cpp_host.py), which also carries what the
    engine itself prints. With
    `explained=False` only the numbers are computed: no activations low-high range (a second walk; it
    equals the nominal value) and no per-component formulas or details (left empty). The planner's
    searches compare totals only (issue 15: `fit --all`).
    """
    what = "llmsize.estimate()"
    require_type(spec, ModelSpec, what, "a ModelSpec first", "llmsize.resolve('Qwen3-8B') makes one")
    require_type(wl, Workload, what, "a Workload second", "e.g. llmsize.Workload(context=8192)")
    try:
        return _estimate(spec, wl, explained)
    except OverflowError:
        # Vectorised steps hold bytes in int64: a workload past 2^63 bytes (8 EiB) at some step is
        # no real job, and is said so in one line (issue 15: batch 2^30 with LoRA rank 65,536).
        raise BadInputError(
            f"{spec.name} with this workload needs more than 8 EiB (2^63 bytes) at some step",
            hint="lower --batch, --context or --lora-rank",
        ) from None


def _estimate(spec: ModelSpec, wl: Workload, explained: bool) -> Estimate:
    asked, load, sound, clip = _media(spec, wl)
    wl = engine_for(asked).resolve(spec, asked)  # what the engine allocates (Ollama's NumCtx cap, ...)
    ctx, busiest = plan(spec, wl)
    # one copy (issue 15: a copy of the resolved workload is a tenth of a search's estimate)
    ctx = replace(ctx, images=load, audio=sound, video=clip) if explained else replace(
        ctx, images=load, audio=sound, video=clip, ranges=False)
    eng = ctx.engine
    static = busiest.static
    placement = _placement(spec, wl, ctx, busiest)
    pk = eng.peak(spec, wl, static, ctx)
    weights_bytes = placement.device_bytes
    allocated = static.weights + static.adapters + pk.kv_cache + pk.activations + pk.gradients + pk.optimizer
    over = eng.overhead(spec, wl, allocated, ctx)
    figures = eng.figures(spec, wl, placement, pk, ctx)
    components = (
        _components(spec, wl, ctx, busiest, pk, over, placement)
        if explained
        else tuple(
            _component(name, value)
            for name, value in (
                ("weights", weights_bytes),
                ("kv_cache", pk.kv_cache),
                ("activations", pk.activations),
                ("gradients", pk.gradients),
                ("optimizer", pk.optimizer),
                ("adapters", static.adapters),
                ("overhead", over.nominal),
            )
        )
    )
    return Estimate(
        weights_bytes=weights_bytes,
        kv_cache_bytes=pk.kv_cache,
        activations_bytes=pk.activations,
        gradients_bytes=pk.gradients,
        optimizer_bytes=pk.optimizer,
        adapters_bytes=static.adapters,
        overhead_bytes=over.nominal,
        components=components,
        peak_phase=pk.phase,
        params=total_params(spec),
        active_params=active_params(spec),
        trainable_params=_trainable_total(spec, wl, ctx),
        assumptions=_assumptions(spec, wl, ctx, busiest),
        warnings=_warnings(spec, asked, ctx),
        engine_figures=figures,
        host_bytes=int(pk.host) + busiest.train.host + busiest.host_weights + placement.host_bytes,
        paged_bytes=busiest.train.paged,
        training=_training_info(wl, pk, busiest),
        images=phases.images_info(spec, wl, ctx),
        audio=phases.audio_info(spec, wl, ctx),
        video=phases.video_info(spec, wl, ctx),
    )


def _component(name: str, value: int) -> Component:
    """Component(name=name, bytes=value), unvalidated where validation would keep it as it is (a
    plain int >= 0): seven per estimate of a planner's search (issue 15)."""
    if type(value) is int and value >= 0:
        return Component.model_construct(name=name, bytes=value)
    return Component(name=name, bytes=value)


def _components(
    spec: ModelSpec,
    wl: Workload,
    ctx: Context,
    busiest: StagePlan,
    pk: phases.Peak,
    over: Overhead,
    placement: WeightPlacement,
) -> tuple[Component, ...]:
    """The seven components with the formula and the numbers behind each."""
    from llmsize.estimate import explain  # the formulas' words: only an explained estimate (issue 15)

    static = busiest.static
    fmt = ctx.weights.format
    return (
        Component(
            name="weights",
            bytes=placement.device_bytes,
            formula=explain.weights_formula(fmt),
            detail=explain.weights_detail(spec, busiest.shards, fmt, static.weights) + placement.detail,
        ),
        Component(
            name="kv_cache",
            bytes=pk.kv_cache,
            formula=kv_cache.kv_formula(spec, ctx.kv_dtype, ctx.engine)
            if not wl.mode.trains
            else "none: training runs without a KV cache",
            detail=explain.kv_detail(
                spec, wl, ctx.kv_dtype, busiest.kv_terms, static.kv_full, static.kv_prefill,
                (pk.kv_cache, str(pk.phase)),
            ),
        ),
        Component(
            name="activations",
            bytes=pk.activations,
            formula=pk.formula,
            detail=pk.detail,
            range=_activation_range(pk),
        ),
        Component(
            name="gradients",
            bytes=pk.gradients,
            formula=busiest.train.grad_formula or "none",
            detail=explain.live_detail(
                busiest.train.grad_formula, static.gradients, pk.gradients, str(pk.phase)
            ),
        ),
        Component(
            name="optimizer",
            bytes=pk.optimizer,
            formula=busiest.train.optimizer_formula or "none",
            detail=explain.live_detail(
                busiest.train.optimizer_formula, static.optimizer, pk.optimizer, str(pk.phase)
            ),
        ),
        Component(
            name="adapters",
            bytes=static.adapters,
            formula=f"LoRA r={wl.lora_rank}: r x (in + out) per targeted layer, "
            + ("fp32" if frameworks.recipe(wl).adapter_bytes == 4 else ctx.compute)
            if ctx.targets
            else "none",
            detail=explain.simple_detail(
                f"{busiest.adapter_params:,} params x {frameworks.recipe(wl).adapter_bytes} B"
                if ctx.targets
                else "",
                static.adapters,
            ),
        ),
        Component(
            name="overhead",
            bytes=over.nominal,
            formula=over.formula,
            detail=explain.simple_detail(_overhead_label(over.nominal), over.nominal),
            range=ByteRange(low=over.low, high=over.high, driver=over.driver),
        ),
    )


def _overhead_label(nominal: int) -> str:
    """Name the overhead's sum for what it is: only the CUDA context when that is all it holds."""
    return "CUDA context" if nominal == CUDA_CONTEXT_BYTES else "runtime overhead (the rule's parts)"


def _training_info(wl: Workload, pk: phases.Peak, busiest: StagePlan) -> dict[str, object]:
    """The `training` report key: the recipe assumed and what lives outside the GPU total."""
    if not wl.mode.trains:
        return {}
    info = frameworks.recipe(wl).as_dict()
    info["gradient_accumulation"] = wl.gradient_accumulation
    info["host_activations_bytes"] = int(pk.host)
    info["host_optimizer_bytes"] = busiest.train.host
    info["paged_optimizer_bytes"] = busiest.train.paged
    info["host_weights_bytes"] = busiest.host_weights
    info["allgather_buffer_bytes"] = busiest.gathered
    return info


def _activation_range(pk: phases.Peak) -> ByteRange:
    """The activations' low-high range: Peak.low/high bound the peak, so their spread moves the
    activations (the transient part) by the same amount."""
    low = max(0, int(pk.activations) - max(0, int(pk.high) - int(pk.low)))
    high = int(pk.activations) + max(0, int(pk.low) - int(pk.high))
    return ByteRange(low=low, high=high, driver="attention kernel (fused flash/SDPA vs the model's default)")


def _trainable_total(spec: ModelSpec, wl: Workload, ctx: Context) -> int:
    """Trainable parameters of the whole model (not per GPU)."""
    if not wl.mode.trains:
        return 0
    whole = Workload(mode=wl.mode, lora_rank=wl.lora_rank, lora_targets=wl.lora_targets)
    everything = Stage(0, tuple(range(spec.num_layers)), True, True)
    shards = stage_shards(spec, whole, everything)
    if ctx.targets is not None:
        from llmsize.estimate import adapters

        return adapters.lora_params(spec, shards, ctx.targets, wl.lora_rank)
    return total_params(spec)


def _assumptions(spec: ModelSpec, wl: Workload, ctx: Context, busiest: StagePlan) -> tuple[str, ...]:
    notes = ctx.engine.notes(spec, wl)
    loaded = f"weights loaded as {ctx.weights.format.label()}"
    if CHECKPOINT_DTYPE_NOTE in ctx.weights.notes:  # one line, not the dtype said twice
        loaded += f", {CHECKPOINT_DTYPE_NOTE}"
    out = [loaded, *(n for n in ctx.weights.notes if n != CHECKPOINT_DTYPE_NOTE), *notes[:1]]
    out.append(f"compute dtype {ctx.compute}")
    if not wl.mode.trains:
        out.append(f"KV cache in {ctx.kv_dtype} ({wl.engine})")
        out.extend(notes[1:])
    else:
        out.append("training runs with use_cache=False: no KV cache")
        out.append(frameworks.recipe_note(frameworks.recipe(wl)))
        out.extend(notes[1:])  # the engine's notes for training too (they were inference-only: issue 15)
        if wl.gradient_accumulation > 1:
            out.append(
                f"{wl.gradient_accumulation} micro-batches per step: gradients live through every forward"
            )
        if wl.fp8_training is not None:
            from llmsize.estimate.fp8_training import note

            out.append(note(wl))
        out.extend(preference.notes(wl))
        if unsloth_flex_mask.applies(spec, wl.flex_dense_mask):
            out.append(unsloth_flex_mask.note(spec, wl.context))
    if ctx.targets is not None:
        from llmsize.estimate.lora_rank import rank_note

        out.append(ctx.targets.note)
        out.append(rank_note(wl.framework, wl.lora_rank))
        if wl.mode.trains:
            from llmsize.estimate.lora_dropout_default import dropout_note

            out.append(dropout_note(wl.framework, wl.lora_dropout))
        out.append(
            "LoRA adapters, their gradients and optimizer states in fp32 (PEFT autocast_adapter_dtype)"
            if frameworks.recipe(wl).adapter_bytes == 4
            else "LoRA adapters, their gradients and optimizer states in the model dtype (torchtune's "
            "LoRALinear; TRL casts QLoRA and ZeRO-3 adapters back)"
        )
    out.extend(busiest.train.notes)
    if wl.mode.trains and frameworks.recipe(wl).logits_fp32 and logits_upcast.model_upcasts_logits(wl):
        out.append(logits_upcast.NOTE)
    if wl.mode.trains:
        from llmsize.estimate import held_logits

        line = held_logits.note(wl)
        if line:
            out.append(line)
    if ctx.images is not None:
        out.append(ctx.images.note())
        tower = phases.tower_note(spec, wl, ctx)
        if tower:
            out.append(tower)
    if ctx.video is not None:
        out.append(ctx.video.note())
        line = phases.video_note(spec, wl, ctx)
        if line:
            out.append(line)
    if ctx.audio is not None:
        out.append(ctx.audio.note())
        out.append(phases.audio_note(spec, wl, ctx, ctx.audio))
    if wl.speculative is not None and not wl.mode.trains:
        from llmsize.estimate import speculative

        eng = ctx.engine
        out.append(speculative.note(spec, wl, ctx.weights.format, eng.draft_mtp_head, eng.draft_own_embed))
    if busiest.gathered:
        out.append(
            "ZeRO-3/FSDP: weights include the all-gather buffers of two unsharded blocks "
            f"({busiest.gathered:,} B)"
        )
    if wl.mode.trains:
        master = wl.mode.trains_all_weights and training.master_weights_on(wl, ctx.compute)
        root = fsdp_root.root_gather_bytes(spec, wl, master, ctx.weights.format)
        if root:
            out.append(
                "FSDP keeps its root unit (embeddings, final norm, head) unsharded from the forward to its "
                f"post-backward: {root:,} B beside the shard, counted with the activations (fsdp_root.py)"
            )
        bucket = deepspeed_buckets.reduce_bucket_bytes(spec, wl, master, ctx.compute)
        if bucket:
            numel = deepspeed_buckets.bucket_numel(spec, wl)
            out.append(
                f"DeepSpeed ZeRO's contiguous-gradient reduce bucket: {numel:,} elements ({bucket:,} B), "
                "held in every phase, counted with the gradients (deepspeed_buckets.py)"
            )
    if busiest.host_weights:
        out.append(f"parameter shards offloaded to {wl.offload_params} ({busiest.host_weights:,} B)")
    if wl.num_gpus > 1:
        out.append(
            f"{wl.num_gpus} GPUs: tp={wl.tp}, pp={wl.pp}, dp={wl.dp}; figures are for the busiest GPU "
            f"(pipeline stage {busiest.stage.index}); batch is per data-parallel replica"
        )
    out.extend(ctx.engine.overhead_notes())
    return tuple(out)


def _warnings(spec: ModelSpec, wl: Workload, ctx: Context) -> tuple[str, ...]:
    out = list(spec.warnings)
    if wl.quant is not None:  # --quant replaces the name's format: its notes are weights.py's now
        out = [w for w in out if not about_named_format(w)]
    if wl.speculative is not None and spec.mtp_layers:  # the drafter loads them (speculative.py)
        out = [w for w in out if "multi-token-prediction" not in w or wl.speculative != "mtp"]
    if ctx.images is not None and wl.mode.trains:
        out.append(
            "training with images: their tokens lengthen each sequence, but the vision tower's "
            "activations in training are not modelled"
        )
    if ctx.video is not None and wl.mode.trains:
        out.append(
            "training with video: its tokens lengthen each sequence, but the vision tower's "
            "activations in training are not modelled"
        )
    if ctx.audio is not None and wl.mode.trains:
        out.append(
            "training with audio: its tokens lengthen each sequence, but the audio tower's "
            "activations in training are not modelled"
        )
    if wl.unsloth_2024:
        from llmsize.estimate import unsloth_2024
        from llmsize.estimate.frameworks import recipe

        if not (wl.mode in (Mode.LORA, Mode.QLORA) and recipe(wl).fast_kernels):
            out.append(unsloth_2024.IGNORED_WARNING)
    if wl.flex_dense_mask and not unsloth_flex_mask.applies(spec, True):
        # accepted and then read by nothing: the path exists only for attention-sink models (gpt-oss)
        out.append(unsloth_flex_mask.ignored_warning(spec))
    if spec.approximate and spec.provenance.kind is ProvenanceKind.APPROXIMATE:
        # only a name's approximation: a GGUF or config.json of an unknown model_type is read from its own
        # fields (its warning says so); "from the size in its name" misled there (issue 15, round 6)
        backbone = (spec.provenance.note or "").startswith("backbone")  # specs/backbone.py
        out.append(
            f"{spec.name} is approximated "
            + ("by its language model alone" if backbone else "from the size in its name")
            + "; give a repo id or a config.json for exact numbers"
        )
    long_context = ctx.engine.context_warning(spec, wl)  # the engine's own rule (vLLM/SGLang refuse)
    if long_context is not None:
        out.append(long_context)
    return tuple(out)


def weights_breakdown(spec: ModelSpec, wl: Workload) -> list[tuple[str, int, int]]:
    """(kind, params, bytes) on the busiest GPU, for tables."""
    ctx, busiest = plan(spec, wl)
    rows: dict[str, list[int]] = {}
    for s in busiest.shards:
        acc = rows.setdefault(s.group.kind, [0, 0])
        acc[0] += s.numel
        acc[1] += shard_bytes(spec, s, ctx.weights.format)
    return [(k, v[0], v[1]) for k, v in rows.items()]


def describe(estimate_: Estimate) -> str:
    """One line: the total and its phase, for logs."""
    return f"{format_gib(estimate_.total_bytes)} at {estimate_.peak_phase or 'peak'}"
