"""Vision-language wrappers: find the text decoder's config and count the vision tower and projector.

The tower's parameters are outside the decoder the builders describe, so they come back as
`extra_params` with a note naming the modeling code they restate (transformers 5.23).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config import gemma3n, gemma4_unified
from llmsize.specs.hf_config.reader import Reader

MULTIMODAL_TEXT_TYPES = {
    "gemma3": "gemma3_text",
    "qwen2_5_vl": "qwen2",
    "qwen2_vl": "qwen2",
    "qwen3_vl": "qwen3_vl_text",
    "qwen3_vl_moe": "qwen3_vl_moe_text",
    "qwen3_5": "qwen3_5_text",
    "qwen3_5_moe": "qwen3_5_moe_text",
    "llama4": "llama4_text",
    "mistral3": "",  # text_config.model_type
    "kimi_k25": "",
    "kimi_vl": "",  # text_config.model_type (deepseek_v3): Kimi-VL's MoonViT + Moonlight decoder
    "gemma4": "gemma4_text",
    "gemma4_unified": "gemma4_unified_text",  # encoder-free: gemma4_unified.py
    "gemma3n": "gemma3n_text",
    "qwen2_audio": "",  # text_config.model_type (qwen2)
    "glm4v_moe": "glm4v_moe_text",
    "glm4v": "glm4v_text",
    "glm46v": "glm4v_text",
    "lfm2_vl": "",  # text_config.model_type (lfm2)
    "internvl": "",  # text_config.model_type (qwen2, qwen3, qwen3_moe)
    "internvl_chat": "",  # llm_config.model_type (remote-code InternVL: the same tensors as "internvl")
    "step3_vl": "step3_text",
    "deepseek_vl_v2": "deepseek_vl_v2_text",  # language_config (DeepSeek-VL2's own DeepseekV2Config)
    "multi_modality": "llama",  # Janus / Janus-Pro: language_config (LlamaForCausalLM)
    "cohere2_vision": "cohere2",
    "mllama": "mllama_text_model",
    "voxtral": "",  # text_config.model_type (llama)
    "llava": "",  # text_config.model_type (mistral for Pixtral-12B); only a Pixtral tower is modelled
}


# --- vision towers (extra parameters outside the decoder) ----------------------------------------


def _siglip_vision_params(vision: Mapping[str, Any]) -> int:
    """SiglipVisionModel (modeling_siglip.py): conv patch embed + learned positions + ViT blocks."""
    r = Reader(vision, "siglip_vision_model")
    h, inter, layers = r.req("hidden_size"), r.req("intermediate_size"), r.req("num_hidden_layers")
    channels, image, patch = r.req("num_channels"), r.req("image_size"), r.req("patch_size")
    positions = (image // patch) ** 2
    embed = channels * patch * patch * h + h + positions * h
    block = 4 * (h * h + h) + 2 * (2 * h) + (h * inter + inter) + (inter * h + h)
    total = embed + layers * block + 2 * h  # post_layernorm
    if r.flag("vision_use_head", default=True):
        # SiglipMultiheadAttentionPoolingHead: probe, nn.MultiheadAttention (in/out proj), LayerNorm, MLP
        total += h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * inter + inter) + (inter * h + h)
    return total


# Siglip2VisionConfig defaults (configuration_siglip2.py), for a vision_config that leaves a field out.
_SIGLIP2_VISION: dict[str, Any] = {
    "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12, "num_channels": 3,
    "patch_size": 16, "num_patches": 256, "vision_use_head": True,
}


def _lfm2_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """LFM2-VL (modeling_lfm2_vl.py): a SigLIP2 NaFlex tower (modeling_siglip2.py Siglip2VisionModel: a
    biased linear patch embed of channels x patch^2, num_patches learned positions, SigLIP's blocks,
    post LayerNorm and, with vision_use_head, the pooling head) and Lfm2VlMultiModalProjector
    (LayerNorm over hidden x downsample_factor^2 when projector_use_layernorm, linear_1, linear_2 to
    the text width, biased with projector_bias)."""
    v = config.get("vision_config")
    r = Reader({**_SIGLIP2_VISION, **(v if isinstance(v, Mapping) else {})}, "siglip2_vision_model")
    h, inter, layers = r.req("hidden_size"), r.req("intermediate_size"), r.req("num_hidden_layers")
    channels, patch, positions = r.req("num_channels"), r.req("patch_size"), r.req("num_patches")
    embed = channels * patch * patch * h + h + positions * h
    block = 4 * (h * h + h) + 2 * (2 * h) + (h * inter + inter) + (inter * h + h)
    tower = embed + layers * block + 2 * h
    if r.flag("vision_use_head"):
        tower += h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * inter + inter) + (inter * h + h)
    top = Reader(config, "lfm2_vl")
    factor = top.opt_int("downsample_factor", default=2) or 2
    width = top.opt_int("projector_hidden_size", default=2560) or 2560
    text_hidden = Reader(config.get("text_config") or {}, "lfm2").req("hidden_size")
    bias = top.flag("projector_bias", default=True)
    wide = h * factor * factor
    projector = (2 * wide if top.flag("projector_use_layernorm", default=True) else 0) + wide * width
    projector += width * text_hidden + (width + text_hidden if bias else 0)
    total = tower + projector
    return total, f"SigLIP2 vision tower and projector ({total:,}, modeling_lfm2_vl.py)"


def _cohere2_vision_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Cohere2VisionForConditionalGeneration (modeling_cohere2_vision.py): a SigLIP tower
    (AutoModel.from_config(vision_config), SiglipVisionModel) and Cohere2VisionMultiModalProjector: a
    pixel shuffle of downsample_factor^2 patches, linear_1 (biased) to alignment_intermediate_size, a SwiGLU
    that halves it, linear_2 (biased) to the text hidden size."""
    vision = config.get("vision_config") or {}
    tower = _siglip_vision_params(vision)
    vh = Reader(vision, "siglip_vision_model").req("hidden_size")
    th = Reader(config.get("text_config") or {}, "cohere2").req("hidden_size")
    c = Reader(config, "cohere2_vision")
    # configuration_cohere2_vision.py Cohere2VisionConfig defaults
    down = c.opt_int("downsample_factor", default=2) or 2
    align = c.opt_int("alignment_intermediate_size", default=36864) or 36864
    projector = (vh * down * down * align + align) + (align // 2 * th + th)
    return tower + projector, f"SigLIP vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _gemma3_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma3ForConditionalGeneration: SigLIP tower + Gemma3MultiModalProjector (modeling_gemma3.py)."""
    vision = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    tower = _siglip_vision_params(vision)
    vh = Reader(vision, "siglip_vision_model").req("hidden_size")
    th = Reader(text, "gemma3_text").req("hidden_size")
    projector = vh * th + vh  # mm_input_projection_weight + mm_soft_emb_norm
    return tower + projector, f"SigLIP vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _gemma4_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma4ForConditionalGeneration (modeling_gemma4.py): Gemma4VisionModel and embed_vision.

    Patch embedder: input_proj (3 x patch^2 -> hidden, no bias) and a (2, position_embedding_size,
    hidden) position table; each Gemma4VisionEncoderLayer: bias-free q/k/v/o, q_norm and k_norm of
    head_dim (v_norm has no scale), four RMSNorms and a gated MLP; the pooler has no weights.
    Gemma4MultimodalEmbedder: one bias-free hidden -> text hidden projection after a scale-free norm.
    Persistent buffers are in the checkpoint and in memory, so they count: std_bias and std_scale
    (standardize) and, with use_clipped_linears, four scalar bounds on each of the seven linears of a
    block (Gemma4ClippableLinear).
    """
    v = Reader(config.get("vision_config") or {}, "gemma4_vision")
    t = Reader(config.get("text_config") or {}, "gemma4_text")
    h, inter, depth = v.req("hidden_size"), v.req("intermediate_size"), v.req("num_hidden_layers")
    heads = v.req("num_attention_heads")
    kv, hd = v.req("num_key_value_heads"), v.req("head_dim")
    patch, positions = v.req("patch_size"), v.req("position_embedding_size")
    embed = 3 * patch * patch * h + 2 * positions * h
    attn = h * heads * hd + 2 * h * kv * hd + heads * hd * h + 2 * hd
    block = attn + 4 * h + 3 * h * inter
    if v.flag("use_clipped_linears"):
        block += 7 * 4
    tower = embed + depth * block + (2 * h if v.flag("standardize") else 0)
    out = v.opt_int("output_proj_dims", default=h) or h
    projector = out * t.req("hidden_size")
    return tower + projector, f"vision tower ({tower:,}) + embed_vision projection ({projector:,})"


def _vit_block(h: int, inter: int, *, bias: bool, gated: bool, norm_bias: bool) -> int:
    """One pre-norm ViT block: q/k/v/o, two norms, a (gated) MLP."""
    b = 1 if bias else 0
    norms = 2 * (2 * h if norm_bias else h)
    mlp = 3 * h * inter if gated else (h * inter + b * inter) + (inter * h + b * h)
    return 4 * (h * h + b * h) + norms + mlp


def _llama4_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Llama4ForConditionalGeneration (modeling_llama4.py): Llama4VisionModel (unfold-conv patch
    embedding without bias, class embedding, learned positions for (image/patch)^2 + 1 tokens,
    LayerNorm pre/post, biased ViT blocks, the pixel-shuffle adapter's two bias-free linears) and
    Llama4MultiModalProjector (one bias-free linear, vision_output_dim -> text hidden)."""
    v = Reader(config.get("vision_config") or {}, "llama4_vision_model")
    t = Reader(config.get("text_config") or {}, "llama4_text")
    h, inter = (
        v.opt_int("hidden_size", default=768) or 768,
        v.opt_int("intermediate_size", default=5632) or 5632,
    )
    layers = v.opt_int("num_hidden_layers", default=34) or 34
    ch, patch = v.opt_int("num_channels", default=3) or 3, v.opt_int("patch_size", default=14) or 14
    image = v.opt_int("image_size", default=448) or 448
    p_in, p_out = (
        v.opt_int("projector_input_dim", default=4096) or 0,
        v.opt_int("projector_output_dim", default=4096) or 0,
    )
    out_dim = v.opt_int("vision_output_dim", default=7680) or 7680
    positions = (image // patch) ** 2 + 1
    tower = ch * patch * patch * h + h + positions * h + 2 * (2 * h)
    tower += layers * _vit_block(h, inter, bias=True, gated=False, norm_bias=True)
    tower += inter * p_in + p_out * p_out  # vision_adapter.mlp fc1, fc2
    projector = out_dim * t.req("hidden_size")
    return tower + projector, f"Llama 4 vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _mistral3_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Mistral3ForConditionalGeneration (modeling_mistral3.py, modeling_pixtral.py): PixtralVisionModel
    (bias-free conv patch embedding, ln_pre RMSNorm, bias-free blocks with a gated MLP) and
    Mistral3MultiModalProjector (RMSNorm, the patch merger's spatial_merge_size^2 linear, two linears
    with `multimodal_projector_bias`)."""
    v = Reader(config.get("vision_config") or {}, "pixtral")
    t = Reader(config.get("text_config") or {}, "mistral")
    c = Reader(config, "mistral3")
    h = v.opt_int("hidden_size", default=1024) or 1024
    tower = _pixtral_tower(v)
    merge = c.opt_int("spatial_merge_size", default=2) or 2
    th = t.req("hidden_size")
    b = 1 if c.flag("multimodal_projector_bias") else 0
    # linear_1 takes the tower's hidden states of every vision_feature_layer, concatenated
    # (Mistral3MultiModalProjector.num_feature_layers: 1 for an int, len() for a list).
    layers_in = c.get("vision_feature_layer", default=-1)
    width_in = h * (len(layers_in) if isinstance(layers_in, list) else 1)
    projector = h + h * merge * merge * h + (width_in * th + b * th) + (th * th + b * th)
    return tower + projector, f"Pixtral vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _pixtral_tower(v: Reader) -> int:
    """PixtralVisionModel (modeling_pixtral.py): bias-free conv patch embedding, ln_pre RMSNorm and
    bias-free blocks with a gated MLP (PixtralVisionConfig defaults: 1024 wide, 24 blocks, 4096 MLP)."""
    h = v.opt_int("hidden_size", default=1024) or 1024
    inter = v.opt_int("intermediate_size", default=4096) or 4096
    layers = v.opt_int("num_hidden_layers", default=24) or 24
    ch, patch = v.opt_int("num_channels", default=3) or 3, v.opt_int("patch_size", default=16) or 16
    return ch * patch * patch * h + h + layers * _vit_block(h, inter, bias=False, gated=True, norm_bias=False)


def _llava_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """LlavaForConditionalGeneration around a Pixtral tower (Pixtral-12B in transformers format,
    mistral-community/pixtral-12b): the tower, then LlavaMultiModalProjector (modeling_llava.py):
    linear_1 (tower width x feature layers -> text width) and linear_2 (text -> text), both biased with
    multimodal_projector_bias (LlavaConfig default True); no patch merger."""
    vision = config.get("vision_config") or {}
    kind = vision.get("model_type") if isinstance(vision, Mapping) else None
    if kind != "pixtral":
        raise ConfigError(
            f"config.json (llava) has a {kind or 'unnamed'} vision tower; llmsize models LLaVA wrappers "
            "only around a Pixtral tower (Pixtral-12B)"
        )
    v, c = Reader(vision, "pixtral"), Reader(config, "llava")
    t = Reader(config.get("text_config") or {}, "mistral")
    tower = _pixtral_tower(v)
    h, th = v.opt_int("hidden_size", default=1024) or 1024, t.req("hidden_size")
    layers_in = c.get("vision_feature_layer", default=-2)
    width_in = h * (len(layers_in) if isinstance(layers_in, list) else 1)
    b = 1 if c.flag("multimodal_projector_bias", default=True) else 0
    projector = (width_in * th + b * th) + (th * th + b * th)
    return tower + projector, f"Pixtral vision tower ({tower:,}) + LLaVA projector ({projector:,})"


def _kimi_k25_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """KimiK25ForConditionalGeneration (modeling_kimi_k25.py): the MoonViT tower (biased conv patch
    embedding, learned pos_emb_height x pos_emb_width positions, biased ViT blocks with LayerNorms,
    a final LayerNorm) and the projector (LayerNorm, then two biased linears on merge-kernel groups
    of patches: in_proj square, out_proj to the text hidden size). Kimi-VL (remote code kimi_vl,
    modeling_kimi_vl.py MoonVitPretrainedModel + KimiVLMultiModalProjector) is the same tower and
    projector; its MoonViTConfig names the position grid init_pos_emb_height / _width."""
    v = Reader(config.get("vision_config") or {}, "kimi_k25_vision")
    t = Reader(config.get("text_config") or {}, "deepseek_v3")
    c = Reader(config, "kimi_k25")
    h, inter = (
        v.opt_int("hidden_size", default=1152) or 1152,
        v.opt_int("intermediate_size", default=4304) or 4304,
    )
    layers = v.opt_int("num_hidden_layers", default=27) or 27
    patch = v.opt_int("patch_size", default=14) or 14
    ph = v.opt_int("pos_emb_height", "init_pos_emb_height", default=64) or 64
    pw = v.opt_int("pos_emb_width", "init_pos_emb_width", default=64) or 64
    tower = 3 * patch * patch * h + h + ph * pw * h + 2 * h
    tower += layers * _vit_block(h, inter, bias=True, gated=False, norm_bias=True)
    kernel = v.get("merge_kernel_size") or [2, 2]
    if not (
        isinstance(kernel, list | tuple) and len(kernel) == 2 and all(isinstance(k, int) for k in kernel)
    ):
        raise ConfigError(
            f"config.json (kimi_k25): vision_config.merge_kernel_size must be two integers, not {kernel!r}"
        )
    ph_size = c.opt_int("projection_hidden_size", default=h) or h
    merged = ph_size * kernel[0] * kernel[1]
    th = t.req("hidden_size")
    projector = 2 * ph_size + (merged * merged + merged) + (th * merged + th)
    return tower + projector, f"MoonViT vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _qwen2_5_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Qwen2_5_VisionTransformerPretrainedModel (modeling_qwen2_5_vl.py): Conv3d patch embed, RMSNorm
    ViT blocks with biased qkv/proj and a biased gated MLP, and the patch merger MLP."""
    v = config.get("vision_config")
    if not isinstance(v, Mapping):
        raise ConfigError("config.json (qwen2_5_vl) has no vision_config")
    r = Reader(v, "qwen2_5_vl_vision")
    h, inter, depth = r.req("hidden_size"), r.req("intermediate_size"), r.req("depth")
    out = r.req("out_hidden_size")
    patch = r.req("patch_size")
    temporal = r.opt_int("temporal_patch_size", default=2) or 2
    channels = r.opt_int("in_channels", "in_chans", default=3) or 3
    merge = r.opt_int("spatial_merge_size", default=2) or 2
    merged = h * merge * merge
    embed = channels * temporal * patch * patch * h
    block = 2 * h + (h * 3 * h + 3 * h) + (h * h + h) + 2 * (h * inter + inter) + (inter * h + h)
    merger = h + (merged * merged + merged) + (merged * out + out)
    total = embed + depth * block + merger
    return total, f"vision tower and patch merger ({total:,}, modeling_qwen2_5_vl.py)"


def _qwen3_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Qwen3-VL / Qwen3.5 vision tower (modeling_qwen3_vl.py, modeling_qwen3_5.py VisionModel): a biased
    Conv3d patch embed, learned positions, LayerNorm ViT blocks (biased qkv/proj, GELU MLP), the patch
    merger (LayerNorm, fc1, fc2) and, for Qwen3-VL, one post-shuffle-norm merger per deepstack layer."""
    v = config.get("vision_config")
    if not isinstance(v, Mapping):
        raise ConfigError(f"config.json ({config.get('model_type')}) has no vision_config")
    r = Reader(v, "qwen3_vl_vision")
    h, inter, depth = r.req("hidden_size"), r.req("intermediate_size"), r.req("depth", "num_hidden_layers")
    out, patch = r.req("out_hidden_size"), r.req("patch_size")
    temporal = r.opt_int("temporal_patch_size", default=2) or 2
    channels = r.opt_int("in_channels", default=3) or 3
    merge = r.opt_int("spatial_merge_size", default=2) or 2
    positions = r.opt_int("num_position_embeddings", default=2304) or 0
    merged = h * merge * merge
    embed = channels * temporal * patch * patch * h + h + positions * h
    block = 4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * inter + inter) + (inter * h + h)

    def merger(norm_width: int) -> int:
        return 2 * norm_width + (merged * merged + merged) + (merged * out + out)

    deepstack = v.get("deepstack_visual_indexes") or []
    total = embed + depth * block + merger(h) + len(deepstack) * merger(merged)
    return total, f"vision tower and patch mergers ({total:,}, modeling_qwen3_vl.py)"


# Glm4vMoeVisionConfig defaults (configuration_glm4v_moe.py), for a vision_config that leaves a field out.
_GLM4V_MOE_VISION: dict[str, Any] = {
    "depth": 24, "hidden_size": 1536, "attention_bias": False, "in_channels": 3, "image_size": 336,
    "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 4096,
    "intermediate_size": 13696,
}


def _glm4v_moe_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """GLM-4.1V / GLM-4.5V / GLM-4.6V vision tower (modeling_glm4v_moe.py Glm4vMoeVisionModel, the same
    module as modeling_glm4v.py Glm4vVisionModel, defaults alike): learned positions
    ((image_size / patch_size)^2), a biased Conv3d patch embed, RMSNorm blocks (qkv with attention_bias,
    bias-free proj, a bias-free SwiGLU of out_hidden_size), post-conv and post norms, a biased Conv2d
    downsample to out_hidden_size and the patch merger (bias-free proj, LayerNorm, SwiGLU of
    intermediate_size)."""
    v = config.get("vision_config")
    r = Reader({**_GLM4V_MOE_VISION, **(v if isinstance(v, Mapping) else {})}, "glm4v_moe_vision")
    h, depth = r.req("hidden_size"), r.req("depth")
    out, inter = r.req("out_hidden_size"), r.req("intermediate_size")
    patch, temporal, channels = r.req("patch_size"), r.req("temporal_patch_size"), r.req("in_channels")
    merge, image = r.req("spatial_merge_size"), r.req("image_size")
    qkv_bias = 3 * h if r.flag("attention_bias") else 0
    embed = (image // patch) ** 2 * h + channels * temporal * patch * patch * h + h
    block = 2 * h + (3 * h * h + qkv_bias) + h * h + 3 * h * out
    downsample = h * out * merge * merge + out
    merger = out * out + 2 * out + 3 * out * inter
    total = embed + depth * block + 2 * h + downsample + merger
    return total, f"vision tower, downsample and patch merger ({total:,}, modeling_glm4v_moe.py)"


# InternVLVisionConfig defaults (configuration_internvl.py: InternViT-300M), for a field left out.
_INTERNVL_VISION: dict[str, Any] = {
    "hidden_size": 1024, "num_hidden_layers": 24, "intermediate_size": 4096, "attention_bias": False,
    "use_qk_norm": False, "norm_type": "layer_norm", "num_channels": 3, "use_mask_token": False,
    "use_absolute_position_embeddings": True, "use_mean_pooling": True,
}


def _pair(value: Any, default: int) -> int:
    """An InternVL image/patch size: an int or an [h, w] pair (square in every release)."""
    if isinstance(value, list | tuple) and value:
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _internvl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """InternVL 3 / 3.5 in transformers' format (modeling_internvl.py): InternVLVisionModel (conv patch
    embed with bias, cls token, num_patches + 1 learned positions; per layer q/k/v with attention_bias,
    a biased projection_layer, q/k RMSNorm over the full width when use_qk_norm, two norms of norm_type,
    the layer scales lambda_1 / lambda_2, a biased fc1/fc2 MLP; a final LayerNorm only without mean
    pooling) and InternVLMultiModalProjector (LayerNorm over hidden x (1/downsample_ratio)^2, linear_1 to
    the text width, linear_2 text -> text, all biased)."""
    v = config.get("vision_config")
    r = Reader({**_INTERNVL_VISION, **(v if isinstance(v, Mapping) else {})}, "internvl_vision")
    h, inter, layers = r.req("hidden_size"), r.req("intermediate_size"), r.req("num_hidden_layers")
    patch = _pair(r.get("patch_size"), 14)
    patches = (_pair(r.get("image_size"), 448) // patch) ** 2
    channels = r.req("num_channels")
    embed = h + channels * patch * patch * h + h  # cls token, patch conv and its bias
    if r.flag("use_absolute_position_embeddings", default=True):
        embed += (patches + 1) * h
    if r.flag("use_mask_token"):
        embed += h
    bias = 1 if r.flag("attention_bias") else 0
    norm = 2 * h if r.get("norm_type") == "layer_norm" else h
    layer = 3 * (h * h + bias * h) + (h * h + h) + 2 * norm + 2 * h + (h * inter + inter) + (inter * h + h)
    if r.flag("use_qk_norm"):
        layer += 2 * h
    tower = embed + layers * layer + (0 if r.flag("use_mean_pooling", default=True) else 2 * h)
    ratio = Reader(config, "internvl").opt_float("downsample_ratio") or 0.5
    wide = h * int(1 / ratio) ** 2
    text_h = Reader(config.get("text_config") or {}, "qwen2").req("hidden_size")
    projector = 2 * wide + (wide * text_h + text_h) + (text_h * text_h + text_h)
    note = f"InternViT tower ({tower:,}) + multimodal projector ({projector:,}, modeling_internvl.py)"
    return tower + projector, note


# InternVisionConfig defaults (OpenGVLab's configuration_intern_vit.py, InternViT-6B), for a field left out.
_INTERN_VIT: dict[str, Any] = {
    "hidden_size": 3200, "intermediate_size": 12800, "num_hidden_layers": 48, "num_channels": 3,
    "image_size": 224, "patch_size": 14, "norm_type": "rms_norm", "qkv_bias": False, "qk_normalization": True,
}


def _internvl_chat(config: Mapping[str, Any]) -> tuple[Mapping[str, Any], str, int, str | None]:
    """OpenGVLab's remote-code InternVL (model_type internvl_chat, configuration_internvl_chat.py): the
    decoder in llm_config (its own lm_head and tie flag: InternVLChatModel wraps the LLM's CausalLM), the
    InternViT in vision_config with remote-code names (qkv_bias, qk_normalization, norm_type), and mlp1
    (LayerNorm, Linear, GELU, Linear). OpenGVLab's converter to the "-HF" format
    (internvl_chat/tools/internvl_custom2hf, convert_keys_to_hf) renames and splits the same tensors, so
    the count is transformers' InternVL one."""
    nested = config.get("llm_config")
    if not isinstance(nested, Mapping):
        raise ConfigError("config.json (internvl_chat) has no llm_config")
    v = config.get("vision_config")
    v = {**_INTERN_VIT, **(v if isinstance(v, Mapping) else {})}
    keep = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_channels", "image_size")
    vision = {
        **{k: v[k] for k in (*keep, "patch_size")},
        "norm_type": v["norm_type"],
        "attention_bias": bool(v["qkv_bias"]),
        "use_qk_norm": bool(v["qk_normalization"]),
    }
    ratio = config.get("downsample_ratio", 0.5)
    hf = {"vision_config": vision, "text_config": nested, "downsample_ratio": ratio}
    extra, note = _internvl_extra(hf)
    return dict(nested), str(nested.get("model_type") or "qwen2"), extra, note


# --- entry point ---------------------------------------------------------------------------------


def _qwen2_audio_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Qwen2AudioForConditionalGeneration (modeling_qwen2_audio.py): Qwen2AudioEncoder (Whisper's:
    conv1 mel -> d and conv2 d -> d, kernel 3 with bias; a 1500 x d position table; pre-norm layers
    with q/v/out biased and k bias-free, two LayerNorms, fc1/fc2 biased; a final LayerNorm) and
    Qwen2AudioMultiModalProjector (one biased d -> text hidden linear)."""
    a = Reader(config.get("audio_config") or {}, "qwen2_audio_encoder")
    t = Reader(config.get("text_config") or {}, "qwen2")
    d = a.opt_int("d_model", default=1280) or 1280
    ffn = a.opt_int("encoder_ffn_dim", default=5120) or 5120
    layers = a.opt_int("encoder_layers", default=32) or 32
    mels = a.opt_int("num_mel_bins", default=128) or 128
    positions = a.opt_int("max_source_positions", default=1500) or 1500
    layer = 4 * d * d + 3 * d + 2 * 2 * d + (d * ffn + ffn) + (ffn * d + d)
    tower = (mels * d * 3 + d) + (d * d * 3 + d) + positions * d + layers * layer + 2 * d
    projector = d * t.req("hidden_size") + t.req("hidden_size")
    return tower + projector, f"audio encoder ({tower:,}) + multimodal projector ({projector:,})"


def _voxtral_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """VoxtralForConditionalGeneration (modeling_voxtral.py): VoxtralEncoder, Whisper's encoder as in
    Qwen2-Audio (conv1/conv2 with bias, a 1500 x d position table, pre-norm layers with q/v/out biased and
    k bias-free, a final LayerNorm), and VoxtralMultiModalProjector: linear_1 (the encoder's
    intermediate_size, four frames stacked, -> text hidden) and linear_2 (text -> text), both bias-free."""
    a = Reader(config.get("audio_config") or {}, "voxtral_encoder")
    t = Reader(config.get("text_config") or {}, "llama")
    d = a.opt_int("hidden_size", default=1280) or 1280
    ffn = a.opt_int("intermediate_size", default=5120) or 5120
    layers = a.opt_int("num_hidden_layers", default=32) or 32
    mels = a.opt_int("num_mel_bins", default=128) or 128
    positions = a.opt_int("max_source_positions", default=1500) or 1500
    layer = 4 * d * d + 3 * d + 2 * 2 * d + (d * ffn + ffn) + (ffn * d + d)
    tower = (mels * d * 3 + d) + (d * d * 3 + d) + positions * d + layers * layer + 2 * d
    th = t.req("hidden_size")
    projector = ffn * th + th * th
    return tower + projector, f"Voxtral audio encoder ({tower:,}) + multimodal projector ({projector:,})"


def _text_config(config: Mapping[str, Any], model_type: str) -> dict[str, Any]:
    """A copy of the wrapper's text_config, which these wrappers cannot be read without."""
    nested = config.get("text_config")
    if not isinstance(nested, Mapping):
        raise ConfigError(f"config.json ({model_type}) has no text_config")
    return dict(nested)


def split_multimodal(
    config: Mapping[str, Any], model_type: str
) -> tuple[Mapping[str, Any], str, int, str | None]:
    """(text config, text model_type, extra params, note) for vision-language wrappers."""
    if model_type == "gemma4":
        text = _text_config(config, model_type)
        if "tie_word_embeddings" in config:
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        readers = (("vision_config", _gemma4_extra), ("audio_config", gemma3n.gemma4_audio_extra))
        towers = [tower(config) for key, tower in readers if config.get(key) is not None]
        notes = "; ".join(n for _, n in towers) or None
        return text, "gemma4_text", sum(n for n, _ in towers), notes
    if model_type == "gemma4_unified":
        return gemma4_unified.split(config)
    if model_type == "lfm2_vl":
        text = _text_config(config, model_type)
        # Lfm2VlForConditionalGeneration ties lm_head by the wrapper's flag (Lfm2VlConfig default True)
        text["tie_word_embeddings"] = bool(config.get("tie_word_embeddings", True))
        extra, note = _lfm2_vl_extra(config)
        return text, str(text.get("model_type") or "lfm2"), extra, note
    if model_type in ("glm4v_moe", "glm4v", "glm46v"):
        text = _text_config(config, model_type)
        tie = bool(config.get("tie_word_embeddings"))
        if model_type != "glm46v":
            # Glm4vConfig / Glm4vMoeConfig.__post_init__: a tie stated in text_config (pre-v5 saves)
            # ties the wrapper too; Glm46VConfig reads only its own flag (default False)
            tie = tie or bool(text.get("tie_word_embeddings"))
        text["tie_word_embeddings"] = tie
        extra, note = _glm4v_moe_extra(config)
        return text, MULTIMODAL_TEXT_TYPES[model_type], extra, note
    if model_type == "gemma3n":
        text = dict(config.get("text_config") or {})
        text.setdefault("tie_word_embeddings", config.get("tie_word_embeddings", True))
        extra, note = gemma3n.gemma3n_extra(config)
        return text, "gemma3n_text", extra, note
    if model_type == "gemma3":
        text = dict(config.get("text_config") or {})
        text.setdefault("tie_word_embeddings", config.get("tie_word_embeddings", True))
        extra, note = _gemma3_extra(config)
        return text, "gemma3_text", extra, note
    if model_type == "cohere2_vision":
        text = _text_config(config, model_type)
        # the wrapper's lm_head is tied by its own flag (Cohere2VisionConfig.tie_word_embeddings = True)
        text["tie_word_embeddings"] = bool(config.get("tie_word_embeddings", True))
        extra, note = _cohere2_vision_extra(config)
        return text, "cohere2", extra, note
    if model_type in (
        "qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe", "llama4", "mistral3", "kimi_k25", "kimi_vl"
    ):
        text = _text_config(config, model_type)
        if "tie_word_embeddings" in config:  # the wrapper's flag decides whether lm_head is tied
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        text_type = MULTIMODAL_TEXT_TYPES[model_type] or str(text.get("model_type") or "")
        extras = {
            "llama4": _llama4_extra,
            "mistral3": _mistral3_extra,
            "kimi_k25": _kimi_k25_extra,
            "kimi_vl": _kimi_k25_extra,
        }
        if model_type.startswith(("qwen3_vl", "qwen3_5")):
            extra, note = _qwen3_vl_extra(config)
            return text, text_type, extra, note
        if config.get("vision_config") is not None and model_type in extras:
            extra, note = extras[model_type](config)
            return text, text_type, extra, note
        return text, text_type, 0, None
    if model_type == "mllama":
        from llmsize.specs.hf_config.mllama import vision_params

        text = dict(config.get("text_config") or {})
        if "tie_word_embeddings" in config:
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        extra, note = vision_params(config)
        return text, "mllama_text_model", extra, note
    if model_type == "voxtral":
        text = _text_config(config, model_type)
        if "tie_word_embeddings" in config:
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        extra, note = _voxtral_extra(config)
        return text, str(text.get("model_type") or "llama"), extra, note
    if model_type == "llava":
        text = _text_config(config, model_type)
        # LlavaConfig.__post_init__: a tie stated only in text_config ties the wrapper too
        tie = bool(config.get("tie_word_embeddings")) or bool(text.get("tie_word_embeddings"))
        text["tie_word_embeddings"] = tie
        extra, note = _llava_extra(config)
        return text, str(text.get("model_type") or "llama"), extra, note
    if model_type == "internvl":
        text = _text_config(config, model_type)
        # InternVLForConditionalGeneration ties lm_head by the wrapper's flag (InternVLConfig default True)
        text["tie_word_embeddings"] = bool(config.get("tie_word_embeddings", True))
        extra, note = _internvl_extra(config)
        return text, str(text.get("model_type") or "qwen2"), extra, note
    if model_type == "internvl_chat":
        return _internvl_chat(config)
    if model_type == "step3_vl":
        from llmsize.specs.hf_config.step3 import step3_vl_extra

        nested = config.get("text_config")
        text = dict(nested) if isinstance(nested, Mapping) else {}
        # Step3VLForConditionalGeneration unties lm_head whatever the config says (SGLang step3_vl.py:
        # `self.config.tie_word_embeddings = False`; vLLM builds its own ParallelLMHead)
        text["tie_word_embeddings"] = False
        extra, note = step3_vl_extra(config)
        return text, "step3_text", extra, note
    if model_type == "deepseek_vl_v2":
        from llmsize.specs.hf_config import deepseek_vl2

        return deepseek_vl2.split(config)
    if model_type == "multi_modality":
        from llmsize.specs.hf_config import janus

        return janus.split(config)
    if model_type == "qwen2_audio":
        text = _text_config(config, model_type)
        if "tie_word_embeddings" in config:
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        extra, note = _qwen2_audio_extra(config)
        return text, str(text.get("model_type") or "qwen2"), extra, note
    if model_type in ("qwen2_5_vl", "qwen2_vl"):
        text = dict(config)
        nested = config.get("text_config")
        if isinstance(nested, Mapping):  # newer exports nest the decoder, older keep it at the top
            text.update(nested)
        if model_type == "qwen2_vl":
            return text, "qwen2", 0, None
        extra, note = _qwen2_5_vl_extra(config)
        return text, "qwen2", extra, note
    return config, model_type, 0, None
