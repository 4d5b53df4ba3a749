"""What the speed model reads of one estimate on one layout (SpeedInputs).

The weights a step reads (read_share.py, read_bytes.py), the attention FLOPs and KV bytes as curves
over the context per layer kind, the kernel family and compute dtype, and the engine's speed profile.
"""

from __future__ import annotations

from typing import Any

from llmsize.estimate.engines import engine_for
from llmsize.estimate.engines.llama_cpp_sycl import sycl_engine
from llmsize.estimate.engines.llama_cpp_vulkan import vulkan_engine
from llmsize.estimate.layer_parts import layer_parts
from llmsize.estimate.memo import memo
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Workload
from llmsize.hardware.attention_flops import (
    attention_flops_decode,
    attention_flops_per_key,
    attention_flops_prefill,
    attention_flops_prefill_wide,
)
from llmsize.hardware.encoder_time import media_speed_workload
from llmsize.hardware.head_params import head_params, outside_params
from llmsize.hardware.layout import Layout
from llmsize.hardware.read_bytes import read_byte_shares
from llmsize.hardware.read_share import read_fraction, routed_active_params, routed_weight_share
from llmsize.hardware.speed_dtype import _weight_format as _weight_format  # re-exported: their former home
from llmsize.hardware.speed_dtype import speed_dtype as speed_dtype
from llmsize.hardware.speed_records import SpeedInputs
from llmsize.specs.models import ModelSpec, QuantMethod


def _eager(engine: str, enforce_eager: bool) -> str:
    """speed_eager.eager_engine, whose module (vLLM's eager profiles) is imported only for a run that
    disables CUDA graphs (issue 15: a cold `fit --all` imported vLLM's modules for this alone)."""
    if not enforce_eager:
        return engine
    from llmsize.estimate.engines.speed_eager import eager_engine

    return eager_engine(engine, enforce_eager)


def _delta_prefill_bytes(spec: ModelSpec, wl: Workload, tp: int) -> int:
    """Bytes a prompt token moves through the chunked Gated DeltaNet kernels of every delta-net layer, on
    one TP rank (estimate/engines/fla_chunk_prefill.py); 0 for a model without them."""
    if spec.recurrent is None or spec.recurrent.kind != "gated_deltanet":
        return 0
    from llmsize.estimate.engines.fla_chunk_prefill import chunk_bytes_per_token

    element = 4 if speed_dtype(spec, wl) == "fp32" else 2
    return layer_parts(spec).get("linear_attention", 0) * chunk_bytes_per_token(spec.recurrent, element, tp)


def speed_inputs(spec: ModelSpec, wl: Workload, est: Estimate, layout: Layout | None = None,
                 engine: str | None = None) -> SpeedInputs:
    """What the speed model needs of one estimate on one layout (`engine` overrides the workload's).

    With images / video / audio, the decoder prefills their placeholder tokens too and the tower's
    encoder pass runs first (hardware/encoder_time.py)."""
    wl, encoder_flops, encoder_attention, encoder_tp = media_speed_workload(spec, wl)
    layout = layout or Layout(wl.tp, wl.pp, max(1, wl.num_gpus // max(1, wl.tp * wl.pp)))
    groups = max(1, spec.num_attention_heads // max(1, spec.num_kv_heads)) if not spec.is_mla else 1
    # A safetensors checkpoint's towers are loaded but never run for text (the engine's loads_towers:
    # vLLM --language-model-only leaves them out, a GGUF text file has none): hardware/read_share.py.
    towers = engine_for(wl).loads_towers(wl)
    read_share = read_fraction(spec, wl.batch, towers_loaded=towers)
    routed_share = routed_weight_share(spec)
    # MoE: routed experts, routers and the dense path are stored in different types (hardware/read_bytes.py).
    by_bytes = read_byte_shares(spec, wl) if spec.num_experts else None
    if by_bytes is not None:
        read_share, routed_share = by_bytes
    # Every weight of the GPU's share, those the engine keeps in host RAM included (llama.cpp's token
    # embeddings, CPU layers and experts): Planner.speed_inputs_for moves the CPU layers' part to the
    # host's bandwidth. A step's FLOPs skip the embedding gather and run the head only on the logit
    # rows the engine keeps (hardware/head_params.py).
    weights = est.all_weights_bytes
    return SpeedInputs(
        weight_bytes_per_gpu=weights,
        active_weight_bytes_per_gpu=int(weights * read_share),
        kv_bytes_per_gpu=est.kv_cache_bytes,
        active_params=max(1, est.active_params),
        head_params=head_params(spec),
        outside_params=outside_params(spec),
        prefill_logits_every_token=engine_for(wl).prefill_logits_every_token(),
        prefill_expert_loop=engine_for(wl).prefill_expert_loop(),
        prefill_quantized_loop=engine_for(wl).prefill_quantized_loop(),
        # The same builds (PR #17576) gave RDNA3 / 3.5 WMMA MMQ for dense mat-muls too (llama_cpp_rdna35.py).
        prefill_before_wmma_mmq=engine_for(wl).prefill_quantized_loop(),
        prefill_host_helper=engine_for(wl).prefill_host_helper(),
        prefill_before_amd_large_tile=engine_for(wl).prefill_before_amd_large_tile(),
        attention_flops_prefill=_prefill_attention_flops(spec, wl, _attention_tp(wl, layout)),
        mla_absorbed_prefill=engine_for(wl).prefill_mla_absorbed(spec),
        attention_flops_prefill_wide=attention_flops_prefill_wide(spec, wl.prefill_tokens),
        attention_flops_decode=attention_flops_decode(spec, wl.context),
        attention_flops_curve=attention_flops_curve(
            spec, wl.context, engine_for(wl).sparse_attention_topk(spec), _attention_tp(wl, layout)),
        prompt_tokens=wl.prefill_tokens,
        batch=wl.batch,
        hidden_size=spec.hidden_size,
        num_layers=spec.num_layers,
        compute_dtype=speed_dtype(spec, wl),
        # DP attention: each group of tp / N ranks attends its own requests (a replica for the speed
        # model), the experts spanning the whole group (expert_parallel.py).
        tp=max(1, layout.tp // engine_for(wl).attention_groups()),
        pp=layout.pp,
        dp=layout.dp * engine_for(wl).attention_groups(),
        engine=sycl_engine(vulkan_engine(_eager(engine or engine_for(wl).speed_name(spec), wl.enforce_eager),
                                         str(wl.backend)), str(wl.backend)),
        kernel=kernel_family(spec, wl),
        bf16_weights=bf16_gguf(spec, wl),
        fp32_weights=f32_gguf(spec, wl),
        float_gguf=float_gguf(spec, wl),
        kv_groups=groups,
        context=wl.context,
        decode_context=wl.request_context,
        prefill_chunk_tokens=engine_for(wl).prefill_chunk(spec),
        wave_prefill_runs=engine_for(wl).wave_prefill_runs(wl.batch, wl.prefill_tokens),
        serving_arrivals=engine_for(wl).serving_arrivals(wl.batch, wl.context - wl.prefill_tokens),
        **prefill_launch_fields(spec, wl),
        routed_active_params=routed_active_params(spec),
        moe_projections=3 if spec.mlp_gated else 2,
        routed_weight_bytes_per_gpu=int(weights * routed_share),
        **_expert_ranks(spec, wl),
        expert_pick_share=spec.num_experts_per_tok / spec.num_experts if spec.num_experts else 0.0,
        layer_parts={**layer_parts(spec), **engine_for(wl).extra_layer_parts(spec)},
        delta_prefill_bytes_per_token=_delta_prefill_bytes(spec, wl, layout.tp),
        qk_norm_tp_collectives=spec.qk_norm_tp_collectives,
        experts_per_token=spec.num_experts_per_tok if spec.num_experts else 0,
        score_bytes_prefill=wl.batch * engine_for(wl).prefill_score_bytes(spec, wl.prefill_tokens),
        unfused_kv_read_factor=engine_for(wl).decode_kv_read_factor(spec),
        decode_attention=engine_for(wl).decode_attention(spec),
        sampling_s=engine_for(wl).sampling_seconds(spec),
        sampling_note=engine_for(wl).sampling_note(spec),
        prefill_moe_host_s=engine_for(wl).prefill_moe_host_seconds(spec),
        decode_host_splits=engine_for(wl).decode_host_splits(spec),
        decode_mask_caches=engine_for(wl).decode_mask_caches(spec),
        encoder_flops=encoder_flops,
        encoder_attention_flops=encoder_attention,
        encoder_tp=encoder_tp,
        **kv_read_curve(spec, wl, est.kv_cache_bytes),
    )


def prefill_launch_fields(spec: ModelSpec, wl: Workload) -> dict[str, float | int]:
    """The engine's eager prefill launch time and the chunk its graphs cover (BaseEngine.prefill_launch)."""
    launch, graph_tokens = engine_for(wl).prefill_launch(spec)
    return {"prefill_eager_launch_s": launch, "prefill_graph_tokens": graph_tokens}


def _expert_ranks(spec: ModelSpec, wl: Workload) -> dict[str, int | bool | str]:
    """The engine's expert-parallel ranks, the engine cores feeding each MoE layer and the all-to-all
    backend asked for (hardware/expert_parallel.py, estimate/engines/moe_all_to_all.py)."""
    ranks, cores = engine_for(wl).expert_parallel_ranks(spec) if spec.num_experts else (1, 1)
    a2a = engine_for(wl).moe_all_to_all() if spec.num_experts else None
    backend: dict[str, int | bool | str] = {} if a2a is None or not a2a.backend else {
        "expert_all_to_all": bool(a2a.kernels), "expert_all_to_all_kernels": a2a.kernels or "auto",
        "moe_a2a_backend": a2a.backend, "moe_a2a_note": a2a.note}
    return {"expert_ranks": ranks, "expert_token_ranks": cores,
            "expert_output_all_reduced": cores > 1 and engine_for(wl).expert_output_all_reduced(spec),
            **backend}


def _attention_tp(wl: Workload, layout: Layout) -> int:
    """Ranks one attention group's heads are split over (tp / the engine's DP-attention groups)."""
    return max(1, layout.tp // engine_for(wl).attention_groups())


def _prefill_attention_flops(spec: ModelSpec, wl: Workload, attention_tp: int = 1) -> float:
    """Attention FLOPs of one prompt as the engine's kernels score it. DeepSeek Sparse Attention's
    sparse prefill (the engine's prefill_sparse_topk): the latent attention scores min(i, topk) keys a
    query in the absorbed form, and the lightning indexer every causal pair (dsa_cache). The indexer
    is not split by tensor parallelism (vLLM deepseek_v2.py Indexer and SGLang nsa_indexer.py Indexer
    build wq_b / weights_proj as ReplicatedLinear, all index_n_heads on every rank), so its FLOPs are
    counted `attention_tp` times: the speed model divides attention FLOPs over those ranks."""
    eng, tokens = engine_for(wl), wl.prefill_tokens
    topk = eng.prefill_sparse_topk(spec, tokens)
    if topk is None:
        return attention_flops_prefill(spec, tokens, eng.prefill_mla_absorbed(spec),
                                       lambda window: eng.prefill_attention_pairs(spec, tokens, window))
    from llmsize.estimate.engines import dsa_cache

    sparse = attention_flops_prefill(spec, tokens, True, lambda _: dsa_cache.prefill_pairs(tokens, topk))
    scoring = spec.num_layers * dsa_cache.indexer_flops_per_key(spec) * tokens * (tokens + 1) // 2
    return sparse + scoring * attention_tp


def attention_flops_curve(
    spec: ModelSpec, context: int, topk: int | None = None, attention_tp: int = 1
) -> tuple[tuple[int, float], ...]:
    """attention_flops_decode at the curve's points, from the layers counted once per window.

    `topk` (an engine running DeepSeek Sparse Attention: its sparse_attention_topk): the latent
    attention scores at most topk keys, and the lightning indexer scores every cached key
    (dsa_cache.indexer_flops_per_key, each layer, on each of the `attention_tp` ranks: the indexer is
    replicated, _prefill_attention_flops)."""
    if not attention_flops_decode(spec, 1):
        return ()
    windows = memo(spec, ("speed window flops",), lambda: _window_flops(spec))
    if topk is not None:
        from llmsize.estimate.engines import dsa_cache

        scoring = spec.num_layers * dsa_cache.indexer_flops_per_key(spec) * attention_tp
        return tuple((x, sum(f for f in windows.values()) * min(x, topk) + scoring * x)
                     for x in curve_points(spec, context, extra=(topk,)))
    return tuple((x, sum(f * (min(x, w) if w else x) for w, f in windows.items()))
                 for x in curve_points(spec, context))


def _window_flops(spec: ModelSpec) -> dict[int | None, float]:
    """FLOPs per attended key, summed over the blocks of each window (each block's own head sizes)."""
    flops: dict[int | None, float] = {}
    for i in range(spec.num_layers):
        w = spec.layer_window(i)
        flops[w] = flops.get(w, 0.0) + attention_flops_per_key(spec, i)
    return flops


def kv_read_curve(spec: ModelSpec, wl: Workload, kv_on_gpu: int) -> dict[str, Any]:
    """What one decode step reads of the cache, per layer kind, scaled to the busiest GPU's share.

    Full-attention layers read every cached token; sliding-window (and chunked) layers at most their
    window, as the engine's kernel reads it (`tokens_read`: FlashAttention's window_size and SGLang's
    window indices skip the rest, llama.cpp's SWA cache holds window plus a ubatch); MLA layers their
    compressed latent (the engine's per-token bytes); linear-attention and Mamba layers a fixed state
    instead of a cache. The curve is exact and piecewise linear: its kinks are the windows.
    `kv_on_gpu` (the estimate's KV at the workload's context) gives the GPU's share.
    """
    if kv_on_gpu <= 0 or spec.compressed is not None:
        return {}  # DeepSeek V4's pooled caches: the linear rule (their pools grow 1 per `rate` tokens)
    from llmsize.estimate import kv_cache
    from llmsize.estimate.weights import compute_dtype

    compute = compute_dtype(spec, wl)
    kv_dtype = kv_cache.kv_dtype_for(wl, compute)
    layers = range(spec.num_layers)
    terms = kv_cache.kv_terms(spec, wl, kv_dtype, layers, compute)
    eng = engine_for(wl)
    whole = kv_cache.kv_bytes(terms, eng, wl.context, min(wl.prefill_tokens, wl.context), wl.batch)
    if whole <= 0:
        return {}
    share = kv_on_gpu / whole
    state = sum(t.layers * t.state_bytes for t in terms if t.state_bytes) * wl.batch
    read_terms = kv_cache.kv_terms(spec, wl, kv_dtype, layers, compute, read=True)
    attn = [t for t in read_terms if not t.state_bytes]

    # DeepSeek Sparse Attention on vLLM / SGLang: every index key, the latent of topk tokens only.
    topk = eng.sparse_attention_topk(spec)
    element = eng.kv_element_bytes(kv_dtype)

    def sparse_share(ctx: int) -> float:
        if topk is None or ctx <= topk:
            return 1.0
        from llmsize.estimate.engines import dsa_cache

        whole_row = dsa_cache.layer_bytes(spec, element) * ctx
        return float(dsa_cache.decode_read_bytes(spec, element, ctx, topk) / whole_row)

    def read(ctx: int) -> int:
        # What the kernel runs over, not what the pool keeps (each engine's tokens_read): vLLM's
        # FlashAttention (window_size) skips the blocks outside the window, SGLang's backends index
        # the window alone (sglang_swa.kernel_tokens), while llama.cpp's flash attention spans every
        # cell of the SWA cache's view (window plus a ubatch, padded to 256) and masks the rest:
        # ggml-cuda fattn-common.cuh flash_attn_mask_to_KV_max trims only trailing all-masked tiles,
        # and only for prompts (Q->ne[1] >= 1024) or several sequences, never a one-token step.
        held = kv_cache.kv_bytes(attn, eng, ctx, min(wl.prefill_tokens, ctx), wl.batch, read=True)
        return int(held * share * sparse_share(ctx))

    chunk = eng.prefill_chunk(spec) or (eng.speed.prefill_chunk_tokens if eng.speed else None)
    points = curve_points(spec, wl.context, chunk, extra=(topk,) if topk else ())
    return {"kv_read_curve": tuple((x, read(x)) for x in points), "state_bytes_per_gpu": int(state * share)}


def curve_points(
    spec: ModelSpec, context: int, chunk: int | None = None, extra: tuple[int, ...] = ()
) -> list[int]:
    """Contexts at which the per-kind curves are sampled: their kinks (each window, and a window plus
    the engine's prompt chunk where its cache holds that much more, llama.cpp; `extra`: DSA's top-k),
    the context, and a point past all of them that sets the slope beyond."""
    windows = {w for w in memo(spec, ("speed window flops",), lambda: _window_flops(spec)) if w}
    kinks = {*windows, *(w + chunk for w in windows if chunk), *extra}
    last = max([*kinks, context, 1])
    # Doublings from 64 tokens follow what the kinks miss: cells held in padded blocks (llama.cpp pads
    # its cache view to 256 cells) and windows shared by a batch.
    doubling = {1 << k for k in range(6, max(7, (2 * last).bit_length() + 1))}
    return sorted({0, *kinks, context, *doubling})


def bf16_gguf(spec: ModelSpec, wl: Workload) -> bool:
    """Whether the weights are a BF16 GGUF (llama.cpp runs BF16 on shaders of its own). A BF16 file whose
    experts are pinned to another type (gpt-oss's MXFP4 experts: Ollama's converted file,
    engines/ollama_gptoss_file.py) runs its experts on that type's kernels, not BF16's."""
    from llmsize.estimate.weights import effective_format

    fmt, _ = effective_format(spec, wl)
    experts_pinned = any(kind.startswith("expert.") for kind, _ in fmt.gguf_tensor_types)
    return fmt.quant == QuantMethod.GGUF and (fmt.gguf_type or "").upper() == "BF16" and not experts_pinned


def f32_gguf(spec: ModelSpec, wl: Workload) -> bool:
    """Whether the weights are an F32 GGUF (llama.cpp CUDA multiplies them with cuBLAS SGEMM)."""
    from llmsize.estimate.weights import effective_format

    fmt, _ = effective_format(spec, wl)
    return fmt.quant == QuantMethod.GGUF and (fmt.gguf_type or "").upper() == "F32"


def float_gguf(spec: ModelSpec, wl: Workload) -> bool:
    """Whether the weights are a GGUF of float tensors (F16, BF16, F32), whose mat-vecs unpack no blocks."""
    from llmsize.estimate.weights import effective_format

    fmt, _ = effective_format(spec, wl)
    return fmt.quant == QuantMethod.GGUF and (fmt.gguf_type or "").upper() in ("F16", "BF16", "F32")


def kernel_family(spec: ModelSpec, wl: Workload) -> str:
    """The weight-kernel family a decode step runs: 16bit, fp8, int8, int4, awq, gguf or bnb."""
    try:
        from llmsize.estimate.weights import effective_format
    except ImportError:  # pragma: no cover - the memory model ships it
        fmt = spec.weight_format
    else:
        fmt, _ = effective_format(spec, wl)
    quant = fmt.quant
    if quant is None:
        return "fp8" if fmt.dtype == "fp8" else ("int8" if fmt.dtype == "int8" else
                                                   "int4" if fmt.dtype == "int4" else "16bit")
    if quant == QuantMethod.GGUF:
        return "gguf"
    if quant == QuantMethod.FP8:
        return "fp8"
    if quant in (QuantMethod.BNB_NF4, QuantMethod.BNB_FP4, QuantMethod.BNB_INT8):
        return "bnb"
    bits = fmt.bits or 4
    if bits >= 8:
        return "int8"
    return "awq" if quant == QuantMethod.AWQ else "int4"


