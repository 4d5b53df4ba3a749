"""DeepSeek-VL2 (model_type deepseek_vl_v2; remote code, not in transformers 5.23).

Restates deepseek-ai/DeepSeek-VL2 (commit ef9f91e) deepseek_vl2/models/, which vLLM's deepseek_vl2.py
loads the same way:
- modeling_deepseek_vl_v2.py DeepseekVLV2ForCausalLM: `vision` (siglip_vit.py VisionTransformer),
  `projector` (MlpProjector) and, with tile_tag "2D", two n_embed vectors (image_newline, view_seperator);
  the language model is DeepseekV2ForCausalLM built from `language_config`;
- the language config is the repository's own DeepseekV2Config (configuration_deepseek.py), whose defaults
  fill what the published configs leave out (deepseek-vl2 states no layer or head count); its MoEGate
  builds an e_score_correction_bias parameter for topk_method "noaux_tc" whatever the model_type;
- siglip_vit.py VisionTransformer (timm's ViT, counted in timm_vit.py), with VisionEncoderConfig's
  global_pool "map": its attention-pool head is built though ignore_head skips it in forward;
- MlpProjector "downsample_mlp_gelu": Linear(input_dim x ratio^2 -> n_embed x mlp_ratio), GELU and
  depth - 1 more Linears ending at n_embed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.moe import deepseek
from llmsize.specs.hf_config.reader import Fields, Reader
from llmsize.specs.hf_config.timm_vit import vit_params

# configuration_deepseek.py DeepseekV2Config.__init__ defaults (the fields VL2 configs may leave out).
_TEXT_DEFAULTS: dict[str, Any] = {
    "vocab_size": 102400, "hidden_size": 4096, "intermediate_size": 11008, "moe_intermediate_size": 1407,
    "num_hidden_layers": 30, "num_attention_heads": 32, "num_key_value_heads": 32, "kv_lora_rank": 512,
    "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
    "topk_method": "gready", "first_k_dense_replace": 0, "max_position_embeddings": 2048,
    "tie_word_embeddings": False, "attention_bias": False, "use_mla": True,
}  # fmt: skip
# VisionEncoderConfig / MlpProjectorConfig defaults (modeling_deepseek_vl_v2.py).
_VISION_DEFAULTS: dict[str, Any] = {
    "image_size": 384, "patch_size": 16, "width": 1024, "layers": 24, "mlp_ratio": 4, "global_pool": "map",
    "class_token": False,
}  # fmt: skip
_PROJECTOR_DEFAULTS: dict[str, Any] = {
    "projector_type": "downsample_mlp_gelu", "input_dim": 1152, "n_embed": 2048, "depth": 2, "mlp_ratio": 1,
    "downsample_ratio": 2, "token_pooling": False,
}  # fmt: skip
TEXT_TYPE = "deepseek_vl_v2_text"


def _section(config: Mapping[str, Any], key: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    value = config.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise ConfigError(f"config.json (deepseek_vl_v2) field {key!r} must be an object")
    return {**defaults, **(value or {})}


def split(config: Mapping[str, Any]) -> tuple[dict[str, Any], str, int, str]:
    """(text config, its type, vision + projector parameters, note) of a DeepSeek-VL2 config."""
    text = _section(config, "language_config", _TEXT_DEFAULTS)
    if text.get("use_mla") is not True:
        raise ConfigError(
            "config.json (deepseek_vl_v2) sets use_mla false: the plain multi-head attention of that "
            "variant (DeepSeek-VL2-Tiny) is not modelled",
            hint="size the model by its name (an approximation that says so)",
        )
    tower, projector = _vision(config), _projector(config)
    note = f"SigLIP vision tower ({tower:,}) + downsampling projector and tile tokens ({projector:,})"
    return text, TEXT_TYPE, tower + projector, note


def deepseek_vl2_text(r: Reader, warnings: list[str]) -> Fields:
    """The DeepseekV2ForCausalLM of the VL2 repository: MLA + DeepSeekMoE, with the correction bias its
    MoEGate builds for noaux_tc routing (modeling_deepseek.py MoEGate.__init__)."""
    f = deepseek(r, warnings)
    if f.get("num_experts"):
        f["router_score_correction_bias"] = r.get("topk_method") == "noaux_tc"
    return f


def _vision(config: Mapping[str, Any]) -> int:
    v = Reader(_section(config, "vision_config", _VISION_DEFAULTS), "deepseek_vl_v2_vision")
    return vit_params(
        v.req("width"), v.req("layers"), v.get("mlp_ratio"), v.req("patch_size"), v.req("image_size"),
        class_token=v.get("class_token") is True, attn_pool=v.get("global_pool") == "map",
    )


def _projector(config: Mapping[str, Any]) -> int:
    p = Reader(_section(config, "projector_config", _PROJECTOR_DEFAULTS), "mlp_projector")
    if p.get("projector_type") != "downsample_mlp_gelu" or p.get("token_pooling") is True:
        raise ConfigError(
            "config.json (deepseek_vl_v2) projector_config: only the released downsample_mlp_gelu "
            "projector is modelled"
        )
    n, wide, depth = p.req("n_embed"), p.req("n_embed") * p.req("mlp_ratio"), p.req("depth")
    first = p.req("input_dim") * p.req("downsample_ratio") ** 2 * wide + wide
    middle = (depth - 2) * (wide * wide + wide)
    last = wide * n + n
    if config.get("tile_tag", "2D") != "2D":
        raise ConfigError("config.json (deepseek_vl_v2) tile_tag: only the released '2D' layout is modelled")
    return first + max(middle, 0) + last + 2 * n  # + image_newline, view_seperator
