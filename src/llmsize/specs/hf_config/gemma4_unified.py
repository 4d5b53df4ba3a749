"""Gemma 4 "Unified" (model_type gemma4_unified, google/gemma-4-12B-it): the Gemma 4 text decoder with
encoder-free image and audio inputs, restated from transformers 5.23 `models/gemma4_unified`.

The decoder is Gemma4TextModel's block (modular_gemma4_unified.py: Gemma4UnifiedTextConfig subclasses
Gemma4TextConfig and drops the per-layer-input and MoE fields, hidden_size_per_layer_input,
vocab_size_per_layer_input, enable_moe_block, num_experts, top_k_experts, moe_intermediate_size, by
setting them to AttributeError), so `dense.gemma4_text` reads it with those features forced off. It
keeps attention_k_eq_v, per_layer_config (global_head_dim / num_global_key_value_heads),
num_kv_shared_layers and use_double_wide_mlp.

There is no vision or audio tower (Gemma4UnifiedModel: "no vision tower and no audio tower"): raw
48 x 48 pixel patches and raw 40 ms waveform frames are projected into the text width, and those
projections are what `split` counts as extra parameters. Pure: no I/O, no torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.specs.hf_config import dense
from llmsize.specs.hf_config.reader import Fields, Reader

# Gemma4UnifiedTextConfig: the Gemma4TextConfig fields the unified model has no tensors for
# (modular_gemma4_unified.py, "PLE and MoE is not used").
_ABSENT_TEXT_FIELDS = frozenset(
    {
        "hidden_size_per_layer_input",
        "vocab_size_per_layer_input",
        "enable_moe_block",
        "num_experts",
        "top_k_experts",
        "moe_intermediate_size",
    }
)
TEXT_TYPE = "gemma4_unified_text"


def gemma4_unified_text(r: Reader) -> Fields:
    """Gemma4UnifiedTextModel (modeling_gemma4_unified.py): Gemma4TextModel without per-layer input
    embeddings and without the MoE block, whatever stray fields of those names a config carries."""
    cfg = {k: v for k, v in r.cfg.items() if k not in _ABSENT_TEXT_FIELDS}
    cfg["hidden_size_per_layer_input"] = 0
    return dense.gemma4_text(Reader(cfg, r.model_type))


def vision_params(vision: Mapping[str, Any], text_hidden: int) -> int:
    """Gemma4UnifiedVisionEmbedder (modeling_gemma4_unified.py): LayerNorm over a merged patch of
    (patch_size x pooling_kernel_size)^2 x 3 pixels, a biased Linear to mm_embed_dim, LayerNorm, the
    factorized position table (mm_posemb_size, 2, mm_embed_dim) and its LayerNorm, then
    Gemma4UnifiedMultimodalEmbedder: a scale-free RMSNorm and a bias-free output_proj_dims -> text
    hidden_size Linear. Every LayerNorm has weight and bias (nn.LayerNorm defaults)."""
    v = Reader(vision, "gemma4_unified_vision")
    side = v.req("patch_size") * v.req("pooling_kernel_size")
    patch, d = side * side * 3, v.req("mm_embed_dim")
    embedder = 2 * patch + (patch * d + d) + 2 * d
    positions = v.req("mm_posemb_size") * 2 * d + 2 * d
    return embedder + positions + v.req("output_proj_dims") * text_hidden


def audio_params(audio: Mapping[str, Any], text_hidden: int) -> int:
    """embed_audio = Gemma4UnifiedMultimodalEmbedder(audio_config): a scale-free RMSNorm and one
    bias-free audio_embed_dim -> text hidden_size Linear over raw waveform frames (audio_embed_dim
    samples a token; Gemma4UnifiedAudioConfig's hidden_size and output_proj_dims alias it)."""
    a = Reader(audio, "gemma4_unified_audio")
    return a.req("audio_embed_dim", "output_proj_dims", "hidden_size") * text_hidden


def split(config: Mapping[str, Any]) -> tuple[Mapping[str, Any], str, int, str | None]:
    """(text config, text model_type, extra params, note) of a gemma4_unified config.json.

    Gemma4UnifiedModel builds embed_vision / embed_audio only when vision_config / audio_config is not
    None; Gemma4UnifiedConfig (default tie_word_embeddings True) ties lm_head by the wrapper's flag.
    """
    nested = config.get("text_config")
    text = dict(nested) if isinstance(nested, Mapping) else {}
    if "tie_word_embeddings" in config:
        text["tie_word_embeddings"] = config["tie_word_embeddings"]
    width = Reader(text, TEXT_TYPE).req("hidden_size")
    parts: list[tuple[str, int]] = []
    vision, audio = config.get("vision_config"), config.get("audio_config")
    if vision is not None:
        parts.append(
            ("encoder-free patch embedder + position tables + embed_vision", vision_params(vision, width))
        )
    if audio is not None:
        parts.append(("embed_audio (raw 40 ms frames)", audio_params(audio, width)))
    note = "; ".join(f"{name} ({n:,})" for name, n in parts) or None
    return text, TEXT_TYPE, sum(n for _, n in parts), note
