"""The moments that may be the peak: prefill and decode (inference); forward, loss and backward
(training), each from the per-kind block walks."""

from __future__ import annotations

from dataclasses import dataclass, replace

from llmsize.estimate import arrays as np
from llmsize.estimate.activations.attention import _Cache
from llmsize.estimate.activations.blocks import _layer, layer_kind
from llmsize.estimate.activations.compressed_attention import head_input, old_cache, stream_bytes
from llmsize.estimate.activations.model import _head, _prefix
from llmsize.estimate.activations.walk import _T, ADAPTER_BYTES, Dims, Num, _backward, _Ctx, _norm, _Walk
from llmsize.estimate.engines.transformers import Transformers
from llmsize.estimate.kv_cache import cache_kv_heads
from llmsize.estimate.memo import memo
from llmsize.estimate.workload import Attention, Mode, Workload
from llmsize.specs.models import ModelSpec


@dataclass(frozen=True)
class Candidate:
    """A moment that may be the peak: transient bytes, and the shares of the static KV cache and of
    the gradients that are live then (the rest of the static state is always live)."""

    phase: str
    activations: Num
    kv_fraction: Num
    grad_fraction: Num
    where: str
    host: Num = 0  # bytes offloaded to host RAM (activation offloading), the same for every moment


def _kinds(spec: ModelSpec, layers: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
    """layer_kind of each layer, in order; asked once per spec and stage (issue 15: `fit --all`)."""
    return memo(spec, ("kinds", layers), lambda: _kinds_of(spec, layers))


def _kinds_of(spec: ModelSpec, layers: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
    # A spec of full-attention blocks with their own K/V, no per-block FFN kinds, widths or sparse
    # gates: layer_kind reads only whether a block has experts. Not asked per block (issue 15: 8,207
    # layer_kind calls of six lookups each in a cold `fit --all`; tests/unit/test_startup_shortcuts.py).
    if (spec.every_block_full_attention and spec.compressed is None and spec.ffn_types is None
            and spec.intermediate_sizes is None and not spec.activation_sparse_layers):
        moe = spec.moe_layers
        return tuple(_FULL_MOE if moe[layer] else _FULL_DENSE for layer in layers)
    return tuple(layer_kind(spec, layer) for layer in layers)


_FULL_MOE = ("full_attention", "moe")
_FULL_DENSE = ("full_attention", "dense")


def _layers_by_kind(
    spec: ModelSpec, layers: tuple[int, ...], order: tuple[tuple[str, str], ...] | None = None
) -> dict[tuple[str, str], list[int]]:
    """Layers grouped by layer_kind; `order` (their kinds, in order) saves asking again (issue 15).
    Kept per spec and layers (callers only read it)."""
    kinds = order if order is not None else _kinds(spec, layers)
    return memo(spec, ("layers by kind", layers, kinds), lambda: _group(layers, kinds))


def _group(layers: tuple[int, ...], kinds: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for layer, kind in zip(layers, kinds, strict=True):
        out.setdefault(kind, []).append(layer)
    return out


def _before(order: tuple[tuple[str, str], ...], per_kind: dict[tuple[str, str], Num], upto: int) -> Num:
    """Sum of a per-kind quantity over the layers before position `upto` (0-based)."""
    total: Num = 0
    for kind in order[:upto]:
        total = total + per_kind[kind]
    return total


@dataclass(frozen=True)
class _LayerFwd:
    peak: Num  # live bytes at the layer's peak, its input included
    kept: Num  # bytes it leaves behind: KV cache (inference) or what backward needs (training)
    kv: Num  # the part of `kept` that is KV cache
    where: str


def _layer_forward(
    spec: ModelSpec, d: Dims, layer: int, ctx: _Ctx, *, cache: bool, saves: bool
) -> tuple[_LayerFwd, _Walk, _T]:
    w = _Walk(train=saves)
    x = w.new("layer input", stream_bytes(spec, d), rg=saves)
    c = _Cache() if cache else None
    out = _layer(w, d, spec, x, ctx, layer, c)
    peak, where = w.peak, w.peak_at
    w.drop(x)
    kv = sum((t.nbytes for t in c.kept), start=0) if c is not None else 0
    return _LayerFwd(peak, w.cur - out.nbytes, kv, where), w, out


def _dims(
    spec: ModelSpec,
    wl: Workload,
    e: int,
    *,
    s: Num,
    kv: Num,
    batch: Num,
    logits_tokens: Num,
    attention: Attention | None,
    targets: frozenset[str],
) -> Dims:
    from llmsize.estimate.frameworks import recipe

    rc = recipe(wl)
    eager = spec.eager_attention_only if attention is None else attention is Attention.EAGER
    lora = wl.mode in (Mode.LORA, Mode.QLORA)
    return Dims(
        b=batch,
        s=s,
        kv=kv,
        e=e,
        train=wl.mode.trains,
        lora=lora,
        gc=rc.gradient_checkpointing,
        eager=eager,
        targets=targets,
        rank=wl.lora_rank,
        logits_tokens=logits_tokens,
        qlora=wl.mode is Mode.QLORA,
        ab=rc.adapter_bytes if lora else ADAPTER_BYTES,
        loss=str(rc.loss),
        loss_chunks=rc.loss_chunks,
        fast=rc.fast_kernels and wl.mode.trains,
        lora_sum_tmp=rc.fast_kernels and lora and wl.unsloth_2024,
        compiled=wl.compile and wl.mode.trains,
        compiled_loss=rc.compiled_loss and wl.mode.trains,
        logits_fp32=rc.logits_fp32 and wl.mode.trains,
        gc_holds_output=rc.unsloth_checkpointing and wl.mode.trains,
        packed=wl.padding_free and wl.mode.trains,
        res=_fp32_stream(spec, wl, e),
        liger=wl.liger and wl.mode.trains,
        fp8=str(wl.fp8_training or ""),
        autocast=rc.autocast and wl.mode.trains and e == 2,
        dropout=wl.lora_dropout if lora else 0.0,
    )


def _fp32_stream(spec: ModelSpec, wl: Workload, e: int) -> int:
    """4 when a kbit-prepared QLoRA model runs its residual stream in fp32 (kbit_upcast.py)."""
    from llmsize.estimate.weights import effective_format

    if wl.mode is not Mode.QLORA or e != 2:
        return 0
    return 4 if effective_format(spec, wl)[0].dtype == "fp32" else 0


def _ctx_only(
    spec: ModelSpec, d: Dims, kinds: set[str], flash: bool
) -> tuple[_Ctx, Num, Num, list[_T], _Walk]:
    w = _Walk(train=d.train)
    ctx, emb, held = _prefix(w, d, spec, kinds, flash)
    return ctx, w.peak, w.cur, [emb, *held], w


def inference_candidates(
    spec: ModelSpec,
    wl: Workload,
    e: int,
    layers: tuple[int, ...],
    *,
    head: bool,
    context: Num,
    prompt: Num,
    batch: Num,
    flash: bool = False,
) -> list[Candidate]:
    """Prefill (the whole prompt in one forward, as `generate` runs it) and the last decode step."""
    order = _kinds(spec, layers)
    groups = _layers_by_kind(spec, layers, order)
    kinds = {k for k, _ in groups}
    keep = 1 if wl.logits == "last" else prompt
    out: list[Candidate] = []
    h = spec.hidden_size

    # Prefill.
    d = _dims(
        spec,
        wl,
        e,
        s=prompt,
        kv=prompt,
        batch=batch,
        logits_tokens=keep,
        attention=wl.attention,
        targets=frozenset(),
    )
    ctx, pre_peak, pre_live, pre_held, _ = _ctx_only(spec, d, kinds, flash)
    out.append(Candidate("prefill", pre_peak, 0, 0, "embeddings, masks and rotary tables"))
    fwd: dict[tuple[str, str], _LayerFwd] = {}
    for kind, members in groups.items():
        dk = d
        if spec.kv_shared_last_tokens_only and spec.shares_kv(members[0]) and not flash:
            dk = replace(d, s=np.minimum(keep, prompt))  # Gemma 4 slices the shared blocks' queries
        fwd[kind] = _prefill_layer(spec, dk, members[0], ctx)
    kv_per: dict[tuple[str, str], Num] = {k: f.kv for k, f in fwd.items()}
    kv_all = _before(order, kv_per, len(order))
    # The block input: the embeddings (DeepSeek V4: its hyper-connection streams of them).
    x_bytes = stream_bytes(spec, d) if spec.compressed is not None else d.T * h * e
    # The first block reads the embeddings, already live (counted with the prefix), except AltUp's
    # fresh stack and DeepSeek V4's copy expanded to its streams (`expand(...).contiguous()`).
    first_input = 0 if spec.altup_inputs > 1 or spec.compressed is not None else x_bytes
    for kind, members in groups.items():
        pos = layers.index(members[-1])
        kv_before = _before(order, kv_per, pos)
        layer_peak = fwd[kind].peak if pos > 0 else fwd[kind].peak - first_input
        live = pre_live + kv_before + layer_peak
        kv_live = kv_before + fwd[kind].kv
        frac = _safe_div(kv_live, kv_all)
        out.append(Candidate("prefill", live - kv_live, frac, 0, f"layer {members[-1]}: {fwd[kind].where}"))
    if head:
        tw = _Walk()
        x = tw.new("last layer output", x_bytes)
        xn = head_input(tw, d, spec, x) if spec.compressed is not None else _norm(tw, d, spec, x, "norm")
        peak_norm = tw.peak
        tw.drop(x)
        released = sum((t.nbytes for t in pre_held[:1] + pre_held[2:]), start=0)  # all but input_ids
        tw.cur = tw.cur - released
        tw.peak = tw.cur
        logits = _head(tw, d, spec, xn)
        tw.drop(xn)
        tw.new("next-token logits fp32", batch * spec.vocab_size * 4)
        tw.drop(logits)
        out.append(Candidate("prefill", pre_live + peak_norm, 1, 0, "final norm"))
        out.append(Candidate("prefill", pre_live + tw.peak, 1, 0, "lm_head logits"))

    # The last decode step: one token per sequence against a cache of context - 1 tokens.
    if np.any(context > prompt):
        dd = _dims(
            spec,
            wl,
            e,
            s=1,
            kv=context,
            batch=batch,
            logits_tokens=1,
            attention=wl.attention,
            targets=frozenset(),
        )
        ctx1, pre_peak1, pre_live1, _, _ = _ctx_only(spec, dd, kinds, flash)
        for members in groups.values():
            extra, where = _decode_layer(spec, dd, members[-1], ctx1, prompt, context)
            out.append(Candidate("decode", pre_live1 + extra, 1, 0, f"layer {members[-1]}: {where}"))
        if head:
            tail = pre_live1 + batch * h * e * 3 + batch * spec.vocab_size * (e + 4)
            out.append(Candidate("decode", tail, 1, 0, "next-token logits"))
        _ = pre_peak1
    return out


def _walk_key(d: Dims, ctx: _Ctx, *sizes: Num) -> tuple[object, ...] | None:
    """What a layer walk of the scalar path reads besides the spec and the layer: the sizes in `d`,
    the per-forward tensors in `ctx` (only their names and sizes matter without autograd), and
    `sizes`; None when any is a numpy grid or scalar (sweeps are not cached)."""
    tensors = [ctx.cos, ctx.sin, *(m for m in ctx.masks.values() if m is not None)]
    nums = (d.b, d.s, d.kv, d.logits_tokens, *sizes, *(t.nbytes for t in tensors))
    if d.train or not all(type(n) is int for n in nums):
        return None
    masks = tuple(sorted((k, None if m is None else (m.name, m.nbytes)) for k, m in ctx.masks.items()))
    return d, sizes, (ctx.cos.name, ctx.cos.nbytes, ctx.sin.name, ctx.sin.nbytes, ctx.sin is ctx.cos), masks


def _prefill_layer(spec: ModelSpec, d: Dims, layer: int, ctx: _Ctx) -> _LayerFwd:
    """One layer of the prefill with its cache update (walked once per spec, sizes and layer)."""
    key = _walk_key(d, ctx)

    def walk() -> _LayerFwd:
        return _layer_forward(spec, d, layer, ctx, cache=True, saves=False)[0]

    return memo(spec, None if key is None else ("prefill", layer, key), walk)


def _decode_layer(
    spec: ModelSpec, dd: Dims, layer: int, ctx: _Ctx, prompt: Num, context: Num
) -> tuple[Num, str]:
    """The last decode step through one layer: bytes above its cache at the peak, and where."""
    key = _walk_key(dd, ctx, prompt, context)

    def walk() -> tuple[Num, str]:
        w = _Walk()
        x = w.new("layer input", stream_bytes(spec, dd))
        old = (
            old_cache(w, spec, dd, layer, prompt, context)
            if spec.compressed is not None
            else _old_cache(w, spec, dd, layer, prompt, context)
        )
        window = spec.layer_window(layer)
        c = _Cache(
            old=old,
            tokens=None
            if window is None
            else np.where(context - 1 > prompt, np.minimum(context, window), prompt + 1),
        )
        _layer(w, dd, spec, x, ctx, layer, c)
        return w.peak - sum((t.nbytes for t in c.kept), start=0), w.peak_at

    return memo(spec, None if key is None else ("decode", layer, key), walk)


def _old_cache(w: _Walk, spec: ModelSpec, d: Dims, layer: int, prompt: Num, context: Num) -> list[_T]:
    """The cache of one layer before the last decode step (DynamicLayer / DynamicSlidingWindowLayer).

    A recurrent layer's fixed state is updated in place and counted with the cache, not here."""
    if not spec.has_kv(layer):
        return []
    window = spec.layer_window(layer)
    held = context - 1
    if window is not None:
        held = np.where(context - 1 > prompt, np.minimum(context - 1, window), prompt)
    widths = (
        [spec.kv_lora_rank, spec.qk_rope_head_dim]
        if spec.is_mla
        else [cache_kv_heads(spec, Transformers()) * spec.head_dim] * 2
    )
    return [w.new("old cache", d.b * held * width * d.e) for width in widths]


def _safe_div(a: Num, b: Num) -> Num:
    if np.ndim(b) == 0:
        return a / b if b else 0
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape, dtype=float), where=np.asarray(b) != 0)


@dataclass(frozen=True)
class _LayerTrain:
    fwd_peak: Num  # forward: live bytes at the layer's peak, input included
    saved: Num  # what the layer leaves for backward (its input, under checkpointing)
    bwd_peak: Num  # backward (with recomputation): peak live bytes, the layer's saved set included
    bwd_grads: Num  # weight gradients live at that peak
    grads: Num  # all weight gradients of the layer
    where: str
    bwhere: str


def _layer_training(spec: ModelSpec, d: Dims, layer: int, ctx: _Ctx, x_rg: bool) -> _LayerTrain:
    x_bytes = stream_bytes(spec, d, elem=d.res or d.e)
    if not d.gc:
        w = _Walk(train=True)
        x = w.new("layer input", x_bytes, rg=x_rg, elem=d.res)
        out = _layer(w, d, spec, x, ctx, layer, None)
        fwd_peak, where = w.peak, w.peak_at
        w.drop(x, out)
        saved = w.cur
        w.reset_peak()
        peak, _end = _backward(w, out, out.nbytes)
        grads = sum((op.weight_grad for op in w.tape), start=0)
        return _LayerTrain(fwd_peak, saved, peak, w.peak_grads, grads, where, w.peak_at)
    # Gradient checkpointing (use_reentrant=False): the forward keeps only the block's input; the
    # backward reruns the block with autograd recording, while the incoming gradient waits.
    f = _Walk(train=False)
    x = f.new("layer input", x_bytes, elem=d.res)
    out = _layer(f, d, spec, x, ctx, layer, None)
    fwd_peak, where = f.peak, f.peak_at
    w = _Walk(train=True)
    w.cur = x_bytes  # the gradient of the block's output
    x = w.new("layer input", x_bytes, rg=x_rg, elem=d.res)
    out = _layer(w, d, spec, x, ctx, layer, None)
    if not d.gc_holds_output:
        w.drop(out)
    # Unsloth's checkpoint Functions (unsloth_zoo gradient_checkpointing.py, Unsloth_Offloaded_
    # Gradient_Checkpointer.backward) bind the recomputed output, `(output,) = forward_function(...)`,
    # and hold it through `torch.autograd.backward(output, dY)`; torch's non-reentrant checkpoint
    # (transformers 5's default) keeps no reference to it.
    w.cur = w.cur - x_bytes
    peak, _end = _backward(w, out, out.nbytes)
    grads = sum((op.weight_grad for op in w.tape), start=0)
    return _LayerTrain(fwd_peak, x_bytes, peak, w.peak_grads, grads, where, w.peak_at or "recompute")


def training_candidates(
    spec: ModelSpec, wl: Workload, e: int, layers: tuple[int, ...], *, head: bool, targets: frozenset[str]
) -> tuple[list[Candidate], Num]:
    """Forward (per block, and the loss), backward (loss, per block); returns the candidates and the
    total weight-gradient bytes the walk counted (to turn live gradients into a share)."""
    order = _kinds(spec, layers)
    groups = _layers_by_kind(spec, layers, order)
    kinds = {k for k, _ in groups}
    # Padding-free batches (TRL padding_free, transformers DataCollatorWithFlattening): the
    # sequences are concatenated into one row, position_ids restarting at each, so every tensor
    # is sized on the real tokens; attention stays per sequence (masking_utils.py
    # find_packed_sequence_indices: flash attention runs varlen, SDPA gets a block-diagonal mask).
    # DPO runs each example's chosen and rejected sequences as one batch (preference.py).
    from llmsize.estimate.preference import (
        logits_positions,
        reference_forward_bytes,
        runs_reference_forward,
        sequences_per_example,
    )

    seqs = wl.batch * sequences_per_example(wl)
    rows, tokens = (1, seqs * wl.context) if wl.padding_free else (seqs, wl.context)
    d = _dims(
        spec,
        wl,
        e,
        s=tokens,
        kv=tokens,
        batch=rows,
        logits_tokens=logits_positions(wl, tokens, seqs if wl.padding_free else 1),
        attention=wl.attention,
        targets=targets,
    )
    from llmsize.estimate.frameworks import recipe

    offload = recipe(wl).activation_offloading
    full = not d.lora
    ctx, pre_peak, pre_live, pre_held, _ = _ctx_only(spec, d, kinds, wl.attention is Attention.FLASH)
    out = [Candidate("forward", pre_peak, 0, 0, "embeddings, masks and rotary tables")]
    per: dict[tuple[str, str], _LayerTrain] = {}
    for kind, members in groups.items():
        per[kind] = _layer_training(spec, d, members[-1], ctx, x_rg=full or d.gc or members[-1] > 0)
    walks = [per[k] for k in order]
    if not (full or d.gc) and layers and layers[0] == 0:
        # LoRA without checkpointing: the first block's input needs no gradient, so its first norm
        # keeps nothing for backward.
        walks[0] = _layer_training(spec, d, 0, ctx, x_rg=False)
    rb = d.res or e  # the residual stream's element bytes (kbit_upcast.py: fp32)
    if d.gc and layers and layers[0] == 0 and spec.altup_inputs <= 1:
        # The first block's checkpointed input is the embeddings, already counted with the prefix
        # (not AltUp's stack, a tensor of its own).
        walks[0] = replace(walks[0], saved=walks[0].saved - d.T * spec.hidden_size * rb)
    n = len(order)
    saved_before: list[Num] = [0]
    for wk in walks:
        saved_before.append(saved_before[-1] + wk.saved)
    host = saved_before[n]
    gpu_buffer: Num = 0
    if d.lora_sum_tmp:
        from llmsize.estimate.unsloth_2024 import rope_caches_bytes

        pre_live = pre_live + rope_caches_bytes(spec, d.s, e)  # every layer's cos/sin (unsloth_2024.py)
    if offload and d.gc_holds_output and d.lora_sum_tmp:
        # Unsloth of 2024 (unsloth-zoo 9c643b6, Unsloth_Offloaded_Gradient_Checkpointer): every
        # block input goes to the host (`hidden_states.to("cpu")`), the last one too, and backward
        # brings each back as a fresh tensor (the walk's "layer input"); no persistent GPU buffer.
        saved_before = [0 * v for v in saved_before]
    elif offload and d.gc_holds_output:
        # Unsloth's "unsloth" checkpointing (unsloth_zoo gradient_checkpointing.py, 294179a of Dec
        # 2025 and later, UnslothCheckpointFunction.forward): each block's input is copied into a
        # pinned host buffer and not kept on the GPU, except the last block's (`LAST_GC_INDEX`:
        # "Don't offload the last layer", after torchtune PR 1443); backward copies an input back
        # into `GPU_BUFFERS[device]`, one persistent buffer resized to the largest block input
        # (`GPU_BUFFER.resize_(new_size)`), and recomputes the block from it.
        last = walks[-1].saved if walks else 0
        host = host - last
        saved_before = [0 * v for v in saved_before[:-1]] + [last]
        gpu_buffer = stream_bytes(spec, d, elem=d.res or e)
        pre_live = pre_live + gpu_buffer
    elif offload:
        # Activation offloading (torchtune OffloadActivations): saved tensors go to pinned host
        # memory as the next block starts and come back one block ahead of backward, so the GPU
        # holds at most two blocks' saved sets.
        in_flight = (
            2 * max((wk.saved for wk in walks), default=0)
            if np.ndim(host) == 0
            else 2 * np.max(np.stack([np.broadcast_to(wk.saved, np.shape(host)) for wk in walks]), axis=0)
        )
        saved_before = [np.minimum(v, in_flight) for v in saved_before]
    else:
        host = 0
    grads_after: list[Num] = [0]
    for wk in reversed(walks):
        grads_after.append(grads_after[-1] + wk.grads)
    grads_after = grads_after[::-1][1:]  # grads_after[i]: blocks after position i
    saved_all, grads_layers = saved_before[n], grads_after[0] + walks[0].grads if walks else 0
    x_bytes = stream_bytes(spec, d, elem=rb)
    firsts = {layers.index(m[0]) for m in groups.values()}
    lasts = {layers.index(m[-1]) for m in groups.values()}
    from llmsize.estimate import unsloth_flex_mask

    if unsloth_flex_mask.applies(spec, wl.flex_dense_mask) and walks:
        # built at the first layer's forward, once per layer type (unsloth_flex_mask.py)
        mask = unsloth_flex_mask.dense_mask_bytes(spec, d.s)
        out.append(Candidate("forward", pre_live + mask, 0, 0, "FlexAttention dense block-mask build"))
    for pos in sorted(lasts | ({0} if walks else set())):
        first = x_bytes if spec.altup_inputs <= 1 and spec.compressed is None else 0  # not the embeddings
        peak = walks[pos].fwd_peak - (first if pos == 0 else 0)
        out.append(
            Candidate(
                "forward",
                pre_live + saved_before[pos] + peak,
                0,
                0,
                f"layer {layers[pos]}: {walks[pos].where}",
            )
        )

    # Python references the model forward drops when it returns; cos/sin stay (kept by backward),
    # and under checkpointing so do the embeddings and the masks (inputs of checkpointed blocks).
    emb = pre_held[0]
    kept_names = {"cos", "sin", "freqs_cis"}
    released = sum(
        (
            t.nbytes
            for t in pre_held[2:]
            if t.name not in kept_names and not (d.gc and t.name.endswith(("(bool)", "(additive)")))
        ),
        start=0,
    )
    released = released + (0 if d.gc else emb.nbytes)
    grads_head: Num = 0
    if head:
        tw = _Walk(train=True)
        x = tw.new("last layer output", x_bytes, rg=True, elem=d.res)
        # torchtune compiles the decoder layers and the loss, not the final norm (compile_model)
        xn = (
            head_input(tw, d, spec, x)
            if spec.compressed is not None
            else _norm(tw, replace(d, compiled=False), spec, x, "norm")
        )
        out.append(Candidate("forward", pre_live + saved_all + tw.peak, 0, 0, "final norm"))
        tw.drop(x)
        tw.cur = tw.cur - released
        tw.reset_peak()
        from llmsize.estimate.loss_walk import head_and_loss

        loss, logits = head_and_loss(tw, d, spec, xn)
        if d.autocast and logits is not None and not (spec.logits_fp32 or d.logits_fp32):
            # accelerate's convert_outputs_to_fp32 (utils/operations.py) copies the returned 16-bit
            # logits to fp32 as the forward returns; the copy lives until the loss is taken
            tw.tmp("logits .float() (accelerate convert_outputs_to_fp32)", logits.nbytes // d.e * 4)
        out.append(Candidate("forward", pre_live + saved_all + tw.peak, 0, 0, f"loss: {tw.peak_at}"))
        if runs_reference_forward(wl):
            # DPO's reference forward runs while the policy's logits and loss tensors are still held
            elem = 4 if (spec.logits_fp32 or d.logits_fp32) else d.e
            ref = reference_forward_bytes(d.b * d.logits_tokens * spec.vocab_size * elem, elem, d.autocast)
            live = pre_live + saved_all + tw.cur + ref
            out.append(Candidate("forward", live, 0, 0, "reference forward (DPO)"))
        tw.drop(logits, xn)
        tw.reset_peak()
        _backward(tw, loss, 4)
        grads_head = sum((op.weight_grad for op in tw.tape), start=0)
        out.append(
            Candidate(
                "backward",
                pre_live + saved_all + tw.peak - tw.peak_grads,
                0,
                tw.peak_grads,
                f"loss backward: {tw.peak_at}",
            )
        )
    base = pre_live - released
    for pos in sorted(firsts | lasts | ({0} if walks else set())):
        wk = walks[pos]
        # an offloaded block is recomputed from Unsloth's GPU buffer: the walk's input is the buffer
        live = base + saved_before[pos] + wk.bwd_peak - (gpu_buffer if pos < n - 1 else 0)
        out.append(
            Candidate(
                "backward",
                live - wk.bwd_grads,
                0,
                grads_head + grads_after[pos] + wk.bwd_grads,
                f"layer {layers[pos]}: {wk.bwhere}",
            )
        )
    emb_grads = spec.vocab_size * spec.hidden_size * e if full and not spec.tie_word_embeddings else 0
    total_grads = grads_head + grads_layers + emb_grads
    if full:
        # The embedding's backward comes last, with every other gradient allocated; with tied
        # embeddings its dense gradient is added to the lm_head's out of place (AccumulateGrad:
        # old + new), so two more vocabulary x hidden tensors exist for a moment.
        tied_tmp = 2 * spec.vocab_size * spec.hidden_size * e if spec.tie_word_embeddings else 0
        out.append(
            Candidate(
                "backward",
                base + tied_tmp + d.T * spec.hidden_size * rb,
                0,
                total_grads,
                "embedding backward",
            )
        )
    fixed = [
        Candidate(
            c.phase, c.activations, c.kv_fraction, _safe_div(c.grad_fraction, total_grads), c.where, host
        )
        for c in out
    ]
    return fixed, total_grads
