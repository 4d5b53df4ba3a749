"""Gemma 3n and Gemma 4's E2B/E4B: per-layer input embeddings, KV-shared layers, AltUp, LAuReL and
the audio / MobileNet towers, restated from transformers 5.23 `models/gemma3n` and `models/gemma4`
(`configuration_*.py` for defaults, `modeling_*.py` for every tensor).

The decoder facts become ModelSpec fields (`kv_shared_layers`, `per_layer_input_size`,
`altup_inputs`, `laurel_rank`, `intermediate_sizes`) that `specs/params.py`, the KV cache and the
activation walk read; the towers outside the decoder become `extra_params`. Registered by
`build.py` (gemma3n_text), `dense.gemma4_text` and `multimodal.split_multimodal`; pure, no I/O, no torch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, explicit_layer_types, trunk

# Gemma3nTextConfig defaults (configuration_gemma3n.py), which config.json files may leave out.
_GEMMA3N_TEXT_DEFAULTS: Fields = {
    "vocab_size": 262_400,
    "hidden_size": 2048,
    "intermediate_size": 16_384,
    "num_hidden_layers": 35,
    "num_attention_heads": 8,
    "num_key_value_heads": 2,
    "head_dim": 256,
    "max_position_embeddings": 32_768,
    "tie_word_embeddings": True,
    "attention_bias": False,
    "sliding_window": 512,
    "final_logit_softcapping": 30.0,
    "vocab_size_per_layer_input": 262_144,
    "hidden_size_per_layer_input": 256,
    "altup_num_inputs": 4,
    "num_kv_shared_layers": 15,
    "laurel_rank": 64,
}
# Gemma3nAudioConfig / Gemma4AudioConfig defaults.
_GEMMA3N_AUDIO_DEFAULTS: Fields = {
    "hidden_size": 1536,
    "input_feat_size": 128,
    "conf_num_attention_heads": 8,
    "conf_num_hidden_layers": 12,
    "conf_conv_kernel_size": 5,
    "vocab_size": 128,
}
_GEMMA4_AUDIO_DEFAULTS: Fields = {
    "hidden_size": 1024,
    "num_hidden_layers": 12,
    "num_attention_heads": 8,
    "conv_kernel_size": 5,
    "output_proj_dims": 1536,
    "use_clipped_linears": True,
}
# timm's MobileNetV5 encoders (the `architecture` Gemma3nVisionConfig names): their parameters, counted
# by building the model with timm 1.0.31 on the meta device (`timm.create_model(name)`, sum of
# parameters and buffers); the config names the architecture only, so its size is a fact of timm's.
_TIMM_VISION_PARAMS = {"mobilenetv5_300m_enc": 294_126_912}


def _reader(cfg: Mapping[str, Any], model_type: str, defaults: Fields) -> Reader:
    r = Reader(cfg, model_type)
    r.defaults = {**defaults, **r.defaults}
    return r


def _widths(r: Reader, num_layers: int) -> tuple[int, tuple[int, ...] | None]:
    """intermediate_size: one width, or one per layer (Gemma3nTextConfig accepts a list)."""
    raw = r.get("intermediate_size")
    if isinstance(raw, list):
        if len(raw) != num_layers or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
            raise ConfigError(
                f"config.json ({r.model_type}) 'intermediate_size' must list one integer per layer "
                f"({num_layers}), got {len(raw)} entries"
            )
        widths = tuple(int(v) for v in raw)
        return max(widths), (widths if len(set(widths)) > 1 else None)
    return r.req("intermediate_size"), None


def _shared_count(r: Reader, num_layers: int) -> int:
    n = r.opt_int("num_kv_shared_layers", default=0) or 0
    if n < 0 or n >= num_layers:
        raise ConfigError(
            f"config.json ({r.model_type}): num_kv_shared_layers ({n}) must be between 0 and "
            f"num_hidden_layers - 1 ({num_layers - 1})",
            hint="shared layers reuse earlier layers' K/V: at least one layer must compute its own",
        )
    return n


def gemma3n_text(r: Reader) -> Fields:
    """modeling_gemma3n.py Gemma3nTextModel: Gemma 3's block (q/k norms, four norms, 4 local : 1 global
    by default) with AltUp, LAuReL and per-layer input embeddings; the last num_kv_shared_layers blocks
    reuse the K/V of the last earlier block of their kind (kv_sharing_modes). Activation sparsity (a
    gaussian top-k on the first blocks' MLP gate) changes activations, not weights."""
    r = _reader(r.cfg, r.model_type, _GEMMA3N_TEXT_DEFAULTS)
    layers = r.req("num_hidden_layers")
    inter, widths = _widths(r, layers)
    cfg = {**r.cfg, "intermediate_size": inter}
    f = trunk(_reader(cfg, r.model_type, _GEMMA3N_TEXT_DEFAULTS))
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias)
    kinds = explicit_layer_types(r, layers) or tuple(
        "full_attention" if (i + 1) % 5 == 0 else "sliding_attention" for i in range(layers)
    )
    f.update(
        norms_per_layer=4,
        qk_norm="head",
        local_rope=True,
        final_logit_softcapping=r.opt_float("final_logit_softcapping"),
        layer_types=kinds,
        sliding_window=r.req("sliding_window") if "sliding_attention" in kinds else None,
        intermediate_sizes=widths,
        kv_shared_layers=_shared_count(r, layers),
        per_layer_input_size=r.req("hidden_size_per_layer_input"),
        per_layer_vocab_size=r.req("vocab_size_per_layer_input"),
        altup_inputs=r.req("altup_num_inputs"),
        laurel_rank=r.req("laurel_rank"),
    )
    f["activation_sparse_layers"] = _sparse_layers(r, layers)
    if f["altup_inputs"] < 1:
        raise ConfigError("config.json (gemma3n): altup_num_inputs must be at least 1")
    return f


def _sparse_layers(r: Reader, layers: int) -> tuple[int, ...]:
    """activation_sparsity_pattern: one value per layer; by default the first 10 of more than 10 are sparse
    (Gemma3nTextConfig.__post_init__)."""
    raw = r.get("activation_sparsity_pattern")
    if raw is None:
        return tuple(range(10)) if layers > 10 else ()
    values = raw if isinstance(raw, list) else [raw] * layers
    # true would pass as 1 and NaN as "not sparse": each must be a finite number (a sparsity fraction)
    if len(values) != layers or not all(_finite_number(v) for v in values):
        raise ConfigError(
            f"config.json (gemma3n) 'activation_sparsity_pattern' must give one number per layer ({layers})"
        )
    return tuple(i for i, v in enumerate(values) if v > 0)


def _finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def gemma4_small(r: Reader, f: Fields) -> Fields:
    """The E2B/E4B parts of modeling_gemma4.py Gemma4TextModel: per-layer input embeddings when
    hidden_size_per_layer_input > 0 (its default is 256), KV-shared last layers, and with
    use_double_wide_mlp an MLP twice intermediate_size wide on the shared layers (Gemma4TextMLP)."""
    layers = f["num_layers"]
    shared = _shared_count(r, layers)
    per_layer = r.opt_int("hidden_size_per_layer_input", default=256) or 0
    # Gemma4TextModel._maybe_slice_kv_shared_inputs: with an integer logits_to_keep (generate's 1) and
    # SDPA or eager attention, the shared blocks compute only the kept positions (they write no cache).
    out: Fields = {"kv_shared_layers": shared, "kv_shared_last_tokens_only": bool(shared)}
    if per_layer:
        out.update(
            per_layer_input_size=per_layer,
            per_layer_vocab_size=r.opt_int("vocab_size_per_layer_input", default=262_144) or 0,
        )
    if shared and r.flag("use_double_wide_mlp"):
        inter = f["intermediate_size"]
        first = layers - shared
        out["intermediate_sizes"] = tuple(inter if i < first else 2 * inter for i in range(layers))
    return out


# --- towers outside the decoder --------------------------------------------------------------------


def _gemma3n_audio(audio: Mapping[str, Any]) -> int:
    """Gemma3nAudioEncoder (USM conformer): the sub-sample conv projection (two bias-free Conv2d with
    cumulative group norms, then a linear from channels x frequency bins to hidden) and conformer
    blocks of two macaron feed-forwards (norm, 4x up, down, norm), chunked local attention (norm,
    q/k/v, relative position projection, per-dim scale, post linear, norm), a light conv (norm,
    linear to 2x for the GLU, depthwise conv, norm, linear) and a final norm."""
    a = _reader(audio, "gemma3n_audio", _GEMMA3N_AUDIO_DEFAULTS)
    h, heads = a.req("hidden_size"), a.req("conf_num_attention_heads")
    channels = a.get("sscp_conv_channel_size") or [128, 32]
    kernels = a.get("sscp_conv_kernel_size") or [[3, 3], [3, 3]]
    strides = a.get("sscp_conv_stride_size") or [[2, 2], [2, 2]]
    if not (len(channels) == len(kernels) == len(strides) == 2):
        raise ConfigError("config.json (gemma3n) audio_config: the sub-sample projection has two conv layers")
    freq, in_ch, conv = a.req("input_feat_size"), 1, 0
    for out_ch, (kh, kw), (_sh, sw) in zip(channels, kernels, strides, strict=True):
        conv += in_ch * out_ch * kh * kw + out_ch  # conv weight + cumulative group norm weight
        freq = (freq + 2 - kw) // sw + 1  # one frequency column of padding each side
        in_ch = out_ch
    subsample = conv + in_ch * freq * h
    ffw = 2 * h + 8 * h * h
    attn = 2 * h + 5 * h * h + h // heads  # norms, q/k/v, pos_proj, post; per_dim_scale
    lconv = 2 * h + 3 * h * h + h * a.req("conf_conv_kernel_size")
    block = 2 * ffw + attn + lconv + h
    return subsample + a.req("conf_num_hidden_layers") * block


def _embedder(vocab: int, width: int, text_hidden: int, *, hard: bool) -> int:
    """Gemma3nMultimodalEmbedder: a soft-token table with two norms and a projection to the text width
    (the post-projection norm has no scale); Gemma4MultimodalEmbedder keeps only the projection."""
    if hard:
        return vocab * width + 2 * width + width * text_hidden
    return width * text_hidden


def gemma3n_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma3nModel (modeling_gemma3n.py): vision tower (timm), audio tower, embed_vision, embed_audio."""
    text = _reader(config.get("text_config") or {}, "gemma3n_text", _GEMMA3N_TEXT_DEFAULTS)
    th = text.req("hidden_size")
    vision = config.get("vision_config") or {}
    audio = config.get("audio_config") or {}
    arch = str(vision.get("architecture", "mobilenetv5_300m_enc"))
    if arch not in _TIMM_VISION_PARAMS:
        raise ConfigError(
            f"config.json (gemma3n): vision tower {arch!r} is not one llmsize knows the size of",
            hint=f"known: {', '.join(sorted(_TIMM_VISION_PARAMS))}",
        )
    v = _reader(vision, "gemma3n_vision", {"hidden_size": 2048, "vocab_size": 128})
    a = _reader(audio, "gemma3n_audio", _GEMMA3N_AUDIO_DEFAULTS)
    tower_v = _TIMM_VISION_PARAMS[arch]
    tower_a = _gemma3n_audio(audio)
    embed = _embedder(v.req("vocab_size"), v.req("hidden_size"), th, hard=True)
    embed += _embedder(a.req("vocab_size"), a.req("hidden_size"), th, hard=True)
    total = tower_v + tower_a + embed
    note = (
        f"MobileNetV5 vision tower ({tower_v:,}, timm {arch}) + audio conformer ({tower_a:,}) "
        f"+ embed_vision/embed_audio ({embed:,})"
    )
    return total, note


def gemma4_audio_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma4AudioModel + embed_audio (modeling_gemma4.py): two bias-free Conv2d with bias-free
    LayerNorms and input_proj_linear ((channels[0] // 4) x channels[1] -> hidden); conformer layers of
    two feed-forwards (norms, 4x up, down), attention (q/k/v/post, relative_k_proj, per_dim_scale), a
    light conv (norms, linear_start to 2x, depthwise conv, linear_end) and three norms; output_proj
    with a bias. Gemma4ClippableLinear keeps four persistent clip bounds with use_clipped_linears (ten
    such linears a layer). Gemma4MultimodalEmbedder: one bias-free projection to the text width."""
    a = _reader(config.get("audio_config") or {}, "gemma4_audio", _GEMMA4_AUDIO_DEFAULTS)
    t = Reader(config.get("text_config") or {}, "gemma4_text")
    h, heads = a.req("hidden_size"), a.req("num_attention_heads")
    channels = a.get("subsampling_conv_channels") or [128, 32]
    if not (isinstance(channels, list) and len(channels) == 2 and all(isinstance(c, int) for c in channels)):
        raise ConfigError("config.json (gemma4) audio_config.subsampling_conv_channels must be two integers")
    c0, c1 = channels
    subsample = 9 * c0 + c0 + 9 * c0 * c1 + c1 + (c0 // 4) * c1 * h
    ffw = 2 * h + 8 * h * h
    attn = 5 * h * h + h // heads
    lconv = 2 * h + 3 * h * h + h * a.req("conv_kernel_size")
    clips = 10 * 4 if a.flag("use_clipped_linears", default=True) else 0
    block = 2 * ffw + attn + lconv + 3 * h + clips
    out = a.req("output_proj_dims")
    tower = subsample + a.req("num_hidden_layers") * block + h * out + out
    projector = _embedder(0, out, t.req("hidden_size"), hard=False)
    return tower + projector, f"audio conformer ({tower:,}) + embed_audio projection ({projector:,})"
