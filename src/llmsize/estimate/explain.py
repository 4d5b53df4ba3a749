"""Each component's formula with this model's numbers substituted, so a user can redo the arithmetic.

The strings are plain text (no rich markup) and quote sizes in GiB (2^30) alongside exact bytes.
`core.estimate` stores them in `Component.detail`; `llmsize explain` prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from llmsize.estimate.bnb_fused_experts import EXPERTS_PATTERN
from llmsize.estimate.engines import engine_for
from llmsize.estimate.kv_cache import KvTerm, cache_kv_heads
from llmsize.estimate.weights import Shard, shard_bytes
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec, QuantMethod, WeightFormat
from llmsize.units import format_gib


def _n(x: int) -> str:
    return f"{x:,}"


def weights_formula(fmt: WeightFormat) -> str:
    """The one-line rule behind the weights component."""
    if fmt.quant is None:
        return f"parameters x {fmt.dtype} bytes"
    if fmt.quant == QuantMethod.GGUF:
        pins = ", ".join(f"{name} {t}" for name, t in fmt.gguf_tensor_types)
        kept = ", ".join(fmt.modules_not_converted)
        return (
            f"GGUF {fmt.gguf_type}: llama.cpp's per-tensor types x ggml block sizes; norms/biases F32"
            + (f"; pinned by the publisher's quantizer: {pins}" if pins else "")
            + (f"; kept at 16 bits: {kept}" if kept else "")
        )
    # bitsandbytes passing over the stacked experts (bnb_fused_experts.py) said nowhere in the rule, while
    # the numbers held 45B expert parameters at 2 bytes each (issue 15, round 8)
    held = "embeddings, lm_head, norms, routed experts" if EXPERTS_PATTERN in fmt.modules_not_converted \
        else "embeddings, lm_head, norms"
    rest = f"; {held} in {fmt.dtype}"
    what = {
        QuantMethod.GPTQ: "packed int32 qweight + qzeros + fp16 scales per group + g_idx",
        QuantMethod.AWQ: "packed int32 qweight + qzeros + fp16 scales per group",
        QuantMethod.BNB_NF4: "4-bit data + absmax per 64"
        + (" (double-quantized)" if fmt.double_quant else ""),
        QuantMethod.BNB_FP4: "4-bit data + absmax per 64"
        + (" (double-quantized)" if fmt.double_quant else ""),
        QuantMethod.BNB_INT8: "int8 weights + fp32 row scales (LLM.int8)",
        QuantMethod.FP8: "fp8 weights + fp32 scales",
        QuantMethod.MXFP4: "experts: 4-bit + one 8-bit scale per 32",
        QuantMethod.NVFP4: "4-bit + one fp8 scale per 16 + fp32 global scales",
        QuantMethod.COMPRESSED_TENSORS: f"int{int(fmt.bits or 4)} packed weights + scales per group",
        QuantMethod.MLX: "packed weights + scale and bias per group"
        if fmt.mode in (None, "affine")
        else f"{fmt.mode}: packed weights + one 8-bit scale per {fmt.group_size}",
        QuantMethod.EXL2: f"{fmt.bits or 4} bits per weight on average",
    }.get(fmt.quant, str(fmt.quant))
    return f"linear layers: {what}{rest}"


def weights_detail(spec: ModelSpec, shards: Sequence[Shard], fmt: WeightFormat, total: int) -> str:
    """Per kind of tensor: parameters and bytes on this GPU, then the sum.

    Memoised on its (frozen) arguments: `fit --all` sizes the same weights at many contexts.
    """
    try:
        return _weights_detail_cached(spec, tuple(shards), fmt, total)
    except TypeError:  # an unhashable spec: compute it afresh
        return _weights_detail(spec, shards, fmt, total)


@lru_cache(maxsize=512)
def _weights_detail_cached(spec: ModelSpec, shards: tuple[Shard, ...], fmt: WeightFormat, total: int) -> str:
    return _weights_detail(spec, shards, fmt, total)


def _weights_detail(spec: ModelSpec, shards: Sequence[Shard], fmt: WeightFormat, total: int) -> str:
    by_kind: dict[str, list[int]] = {}
    for s in shards:
        kind: str = s.group.kind
        if kind == "other" and s.group.name == "extra":  # the encoders the catalog counts outside the LM
            kind = _encoders_label(spec.extra_params_note) or kind
        acc = by_kind.setdefault(kind, [0, 0])
        acc[0] += s.numel
        acc[1] += shard_bytes(spec, s, fmt)
    parts = [f"{kind} {_n(p)} params -> {_n(b)} B" for kind, (p, b) in by_kind.items()]
    rest = total - sum(b for _, b in by_kind.values())
    if spec.mtp_in_weights and rest > 0:  # weights._mtp_bytes: the MTP block stored after the decoder
        parts.append(f"mtp {spec.mtp_layers} layer(s) in the file -> {_n(rest)} B")
    return "; ".join(parts) + f" = {_n(total)} B ({format_gib(total)})"


def _encoders_label(note: str | None) -> str | None:
    """What the parameters outside the language model are, as their note names them ("vision tower
    (569,550,384) + embed_vision projection ..."): "vision tower + projector", "vision + audio towers +
    projectors"; None where the note names no encoder (then they stay "other")."""
    text = (note or "").lower()
    towers = [t for t in ("vision", "audio") if t in text or (t == "vision" and "vit" in text)]
    if not towers:
        return None
    projected = any(w in text for w in ("projector", "projection", "merger"))
    name = f"{towers[0]} tower" if len(towers) == 1 else " + ".join(towers) + " towers"
    if projected:
        name += " + projector" + ("s" if len(towers) > 1 else "")
    return name


def kv_detail(
    spec: ModelSpec,
    wl: Workload,
    kv_dtype: str,
    terms: Sequence[KvTerm],
    kv_full: int,
    kv_prefill: int,
    live: tuple[int, str] | None = None,
) -> str:
    """Per-token bytes per layer, layers, tokens and sequences, for the full context; `live` (bytes,
    phase) is the part live at the peak moment, the component's value, where it is neither of those
    (a prefill peak before the last layers have written their K/V), so the line ends at the headline."""
    if wl.mode.trains:
        return "training keeps no KV cache (use_cache=False)"
    kv_heads = cache_kv_heads(spec, wl.engine)
    # Falcon-40B under transformers caches K/V broadcast to every query head (see cache_kv_heads)
    kv_label = "kv_heads" if kv_heads == spec.num_kv_heads else "query heads (K/V broadcast)"
    lines = []
    for t in terms:
        if t.rule != "window":  # DeepSeek V4's pooled cache terms (engine.compressed_terms / _layout)
            held = {
                "pooled": f"one entry per {t.rate} tokens",
                "pending": f"the tokens of the window of {t.rate} not yet pooled",
                "after_first": "once, after the first window",
                "blocks": f"one block id per {t.rate} tokens",
                "window_blocks": f"the block ids of {t.rate} tokens its {t.window}-token window keeps",
                "dsv4_raw": f"the cells of its {t.window}-token window and one ubatch",
                "dsv4_pool": f"one cell per {t.rate} tokens, padded to 256",
            }.get(t.rule, t.rule)
            unit = "groups" if t.rule in ("blocks", "window_blocks") else "layers"
            b = t.bytes_per_token
            size = _n(int(b)) if b.denominator == 1 else f"{float(b):g}"
            lines.append(f"{t.layers} {unit} x {size} B, {held}")
            continue
        if t.state_bytes:
            copies = f" x {t.state_copies} copies (live and saved)" if t.state_copies > 1 else ""
            lines.append(f"{t.layers} layers x {_n(t.state_bytes)} B of state per sequence{copies}")
            continue
        width = (
            f"(kv_lora_rank {spec.kv_lora_rank} + rope {spec.qk_rope_head_dim})"
            if spec.is_mla
            else f"2 x {max(kv_heads // wl.tp, 1) if wl.tp > 1 else kv_heads} {kv_label} "
            f"x {spec.head_dim} head_dim"
        )
        span = "all tokens" if t.window is None else f"at most {t.window} tokens"
        lines.append(
            f"{t.layers} layers x {width} x {kv_dtype} = {float(t.bytes_per_token):g} B/token/layer, {span}"
        )
    seqs = "" if engine_for(wl).sequences(2) == 1 else f" x batch {wl.batch}"
    tail = f"; at {_n(wl.context)} tokens{seqs}: {_n(kv_full)} B ({format_gib(kv_full)})"
    if kv_prefill != kv_full:
        tail += f"; after the {_n(wl.prefill_tokens)}-token prefill: {_n(kv_prefill)} B"
    if live is not None and live[0] not in (kv_full, kv_prefill):
        tail += "" if kv_prefill != kv_full else " in all"
        tail += f"; live at the peak ({live[1]}): {_n(live[0])} B ({format_gib(live[0])})"
    return "; ".join(lines) + tail


def simple_detail(formula: str, value: int) -> str:
    """A formula string followed by its result."""
    return f"{formula} = {_n(value)} B ({format_gib(value)})" if formula else f"{_n(value)} B"


def live_detail(formula: str, full: int, live: int, phase: str) -> str:
    """A static component's formula and size, and the part of it live at the peak moment."""
    if not formula:
        return f"{_n(live)} B"
    if full == live:
        return simple_detail(formula, live)
    return (
        f"{formula} = {_n(full)} B ({format_gib(full)}) in all; "
        f"live at the peak ({phase}): {_n(live)} B ({format_gib(live)})"
    )
