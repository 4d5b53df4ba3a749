"""The vision tower's structure, as far as its tokens and its transient memory need it.

`ModelSpec.vision` describes the image encoder of a vision-language checkpoint: how the image
processor turns a W x H picture into patches and tokens, and the shape of the ViT that encodes
them. Its parameters stay in `extra_params` (specs/hf_config/multimodal.py counts them); this is
the part an image *input* needs. Each field is a fact of config.json, or of the processor's own
defaults where config.json is silent (named per field). Read by `vision_tower_from_config`, the one
place that maps a wrapper's model_type to a tower kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from llmsize.errors import ConfigError
from llmsize.records import ConfigDict, Field, Record

TowerKind = Literal[
    "qwen2_5_vl", "qwen3_vl", "siglip", "llama4", "pixtral", "gemma4", "moonvit", "mobilenetv5"
]

# REFERENCE: the processors' pixel bounds as the published checkpoints configure them
# (preprocessor_config.json, loaded by AutoProcessor.from_pretrained):
# Qwen/Qwen2.5-VL-7B-Instruct: min_pixels 3136, max_pixels 12845056;
# Qwen/Qwen3-VL-*, Qwen/Qwen3.5-*: size {shortest_edge: 65536, longest_edge: 16777216}, patch 16.
QWEN2_5_VL_PIXELS = (3136, 12_845_056)
QWEN3_VL_PIXELS = (65_536, 16_777_216)
# REFERENCE: transformers 5.23 image_processing_llama4.py Llama4ImageProcessor: size 336 x 336
# tiles, max_patches = 16 tiles per image, resize_to_max_canvas False.
LLAMA4_MAX_TILES = 16
# REFERENCE: transformers 5.23 image_processing_kimi_k25.py Kimi_K25ImageProcessor: max_patches
# 16384 and size max_height = max_width = 512 patches a side.
MOONVIT_MAX_PATCHES = 16_384
MOONVIT_MAX_SIDE_PATCHES = 512
# REFERENCE: Kimi-VL-A3B-Instruct's preprocessor_config.json (KimiVLImageProcessor, remote code
# image_processing_kimi_vl.py): in_token_limit 4096 raw 14 x 14 patches before the 2 x 2 merge, pad_input
# true, and no cap a side (vLLM kimi_vl.py KimiVLProcessingInfo.get_num_image_tokens applies the same rule).
KIMI_VL_IN_TOKEN_LIMIT = 4096
# REFERENCE: timm 1.0 mobilenetv5.py `_gen_mobilenet_v5` arch_def of mobilenetv5_300m_enc (Gemma 3n's
# vision tower, built through transformers' TimmWrapperModel): a stride-2 stem, stage 0's
# 'er_r1_k3_s2_e4_c128' (stride 2, 128 channels), then stage 1's first block
# 'uir_r1_a3_k5_s2_e6_c256' expands those 128 channels 6-fold at 1/4 of the input side: the widest
# tensors of the tower. Gemma 3n's image processor resizes every image to 768 x 768
# (preprocessor_config.json; the model card: "encoded to 256 tokens each").
MOBILENETV5_STRIDE = 4
MOBILENETV5_CHANNELS = 128
MOBILENETV5_EXPANSION = 6
GEMMA3N_IMAGE_SIDE = 768


class VisionTower(Record):
    """The image encoder of a vision-language model: patching, token merging and ViT shape."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: TowerKind
    depth: int = Field(gt=0, description="ViT blocks")
    hidden_size: int = Field(gt=0)
    num_heads: int = Field(gt=0)
    intermediate_size: int = Field(gt=0)
    gated_mlp: bool = Field(description="gate/up/down MLP (Qwen2.5-VL, Pixtral) or fc1/fc2 (the others)")
    patch_size: int = Field(gt=0, description="pixels per patch side")
    merge_size: int = Field(
        default=1,
        gt=0,
        description="patches per token side: spatial merge (Qwen, Pixtral), pixel shuffle (Llama 4)",
    )
    temporal_patch_size: int = Field(
        default=1, gt=0, description="frames per patch (Qwen: 2, an image repeated)"
    )
    image_size: int = Field(
        default=0,
        ge=0,
        description="fixed input side (SigLIP, Llama 4 tile) or longest edge (Pixtral); 0: dynamic",
    )
    tokens_per_image: int = Field(
        default=0, ge=0, description="soft tokens per image: fixed (Gemma 3), or the budget (Gemma 4)"
    )
    window_size: int = Field(default=0, ge=0, description="Qwen2.5-VL window attention span, pixels")
    full_attention_blocks: tuple[int, ...] = Field(
        default=(), description="Qwen2.5-VL fullatt_block_indexes (the others attend within windows)"
    )
    min_pixels: int = Field(default=0, ge=0, description="Qwen smart_resize lower bound")
    max_pixels: int = Field(default=0, ge=0, description="Qwen smart_resize upper bound")
    max_tiles: int = Field(default=0, ge=0, description="Llama 4 tiles per image")
    max_patches: int = Field(default=0, ge=0, description="MoonViT (Kimi K2.5) patches per image")
    max_side_patches: int = Field(
        default=0, ge=0, description="MoonViT patches a side (Kimi K2.5); 0: no cap (Kimi-VL)"
    )
    out_hidden_size: int = Field(gt=0, description="width of one image token handed to the decoder")
    deepstack_layers: int = Field(default=0, ge=0, description="Qwen3-VL deepstack mergers")
    position_embeddings: int = Field(
        default=0, ge=0, description="learned position rows (Qwen3-VL; Gemma 4: 2 x position_embedding_size)"
    )

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def dynamic(self) -> bool:
        """Whether the tokens depend on the image's size (Qwen, Pixtral, Llama 4 tiles)."""
        return self.kind not in ("siglip", "mobilenetv5")


def _int(section: Mapping[str, Any], key: str, default: int | None, where: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"config.json ({where}): {key} must be a positive integer, not {value!r}")
    return value


def _qwen(config: Mapping[str, Any], model_type: str) -> VisionTower:
    v = config.get("vision_config") or {}
    first = model_type == "qwen2_5_vl"
    heads = _int(v, "num_heads", v.get("num_attention_heads", 16), model_type)
    full = v.get("fullatt_block_indexes") or ()
    deepstack = v.get("deepstack_visual_indexes") or ()
    low, high = QWEN2_5_VL_PIXELS if first else QWEN3_VL_PIXELS
    return VisionTower(
        kind="qwen2_5_vl" if first else "qwen3_vl",
        depth=_int(v, "depth", None, model_type),
        hidden_size=_int(v, "hidden_size", None, model_type),
        num_heads=heads,
        intermediate_size=_int(v, "intermediate_size", None, model_type),
        gated_mlp=first,
        patch_size=_int(v, "patch_size", 14 if first else 16, model_type),
        merge_size=_int(v, "spatial_merge_size", 2, model_type),
        temporal_patch_size=_int(v, "temporal_patch_size", 2, model_type),
        window_size=_int(v, "window_size", 112, model_type) if first else 0,
        full_attention_blocks=tuple(int(i) for i in full) if first else (),
        min_pixels=low,
        max_pixels=high,
        out_hidden_size=_int(v, "out_hidden_size", None, model_type),
        deepstack_layers=0 if first else len(deepstack),
        # Qwen3VLVisionModel.pos_embed (modeling_qwen3_vl.py): an nn.Embedding of num_position_embeddings
        position_embeddings=0 if first else _int(v, "num_position_embeddings", 2304, model_type),
    )


def _siglip(config: Mapping[str, Any]) -> VisionTower:
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    return VisionTower(
        kind="siglip",
        depth=_int(v, "num_hidden_layers", None, "gemma3"),
        hidden_size=_int(v, "hidden_size", None, "gemma3"),
        num_heads=_int(v, "num_attention_heads", None, "gemma3"),
        intermediate_size=_int(v, "intermediate_size", None, "gemma3"),
        gated_mlp=False,
        patch_size=_int(v, "patch_size", None, "gemma3"),
        image_size=_int(v, "image_size", None, "gemma3"),
        # configuration_gemma3.py Gemma3Config: mm_tokens_per_image defaults to 256
        tokens_per_image=_int(config, "mm_tokens_per_image", 256, "gemma3"),
        out_hidden_size=_int(text, "hidden_size", None, "gemma3"),
    )


def _llama4(config: Mapping[str, Any]) -> VisionTower:
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    ratio = v.get("pixel_shuffle_ratio", 0.5)
    if not isinstance(ratio, int | float) or not 0 < ratio <= 1:
        raise ConfigError(f"config.json (llama4): pixel_shuffle_ratio must be in (0, 1], not {ratio!r}")
    # configuration_llama4.py Llama4VisionConfig defaults
    return VisionTower(
        kind="llama4",
        depth=_int(v, "num_hidden_layers", 34, "llama4"),
        hidden_size=_int(v, "hidden_size", 768, "llama4"),
        num_heads=_int(v, "num_attention_heads", 16, "llama4"),
        intermediate_size=_int(v, "intermediate_size", 5632, "llama4"),
        gated_mlp=False,
        patch_size=_int(v, "patch_size", 14, "llama4"),
        # processing_llama4.py: downsample_ratio = round(1 / pixel_shuffle_ratio^2) patches per token
        merge_size=max(1, round(1 / ratio)),
        image_size=_int(v, "image_size", 448, "llama4"),
        max_tiles=LLAMA4_MAX_TILES,
        out_hidden_size=_int(text, "hidden_size", None, "llama4"),
    )


def _pixtral(config: Mapping[str, Any], merge: int | None = None) -> VisionTower:
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    # configuration_pixtral.py PixtralVisionConfig defaults; Mistral3Config spatial_merge_size 2; LLaVA's
    # Pixtral-12B has no patch merger (`merge` 1): every 16x16 patch is an image token
    return VisionTower(
        kind="pixtral",
        depth=_int(v, "num_hidden_layers", 24, "mistral3"),
        hidden_size=_int(v, "hidden_size", 1024, "mistral3"),
        num_heads=_int(v, "num_attention_heads", 16, "mistral3"),
        intermediate_size=_int(v, "intermediate_size", 4096, "mistral3"),
        gated_mlp=True,
        patch_size=_int(v, "patch_size", 16, "mistral3"),
        merge_size=merge or _int(config, "spatial_merge_size", 2, "mistral3"),
        image_size=_int(v, "image_size", 1024, "mistral3"),
        out_hidden_size=_int(text, "hidden_size", None, "mistral3"),
    )


def _gemma4(config: Mapping[str, Any]) -> VisionTower:
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    # image_processing_gemma4.py Gemma4ImageProcessor: patch_size 16, max_soft_tokens 280,
    # pooling_kernel_size 3; the config's default_output_length is the soft-token budget
    return VisionTower(
        kind="gemma4",
        depth=_int(v, "num_hidden_layers", None, "gemma4"),
        hidden_size=_int(v, "hidden_size", None, "gemma4"),
        num_heads=_int(v, "num_attention_heads", None, "gemma4"),
        intermediate_size=_int(v, "intermediate_size", None, "gemma4"),
        gated_mlp=True,
        patch_size=_int(v, "patch_size", 16, "gemma4"),
        merge_size=_int(v, "pooling_kernel_size", 3, "gemma4"),
        tokens_per_image=_int(v, "default_output_length", 280, "gemma4"),
        out_hidden_size=_int(text, "hidden_size", None, "gemma4"),
        # Gemma4VisionPatchEmbedder.position_embedding_table: (2, position_embedding_size, hidden)
        position_embeddings=2 * _int(v, "position_embedding_size", 10240, "gemma4"),
    )


def _moonvit(config: Mapping[str, Any], model_type: str = "kimi_k25") -> VisionTower:
    """MoonViT: Kimi K2.5's tower (defaults: configuration_kimi_k25.py Kimi_K25VisionConfig) or Kimi-VL's
    (MoonViT-SO-400M, vision_config model_type moonvit: the same fields, configuration_kimi_vl.py
    MoonViTConfig), each with its own image processor's patch budget."""
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    kernel = v.get("merge_kernel_size") or [2, 2]
    if not (isinstance(kernel, list | tuple) and len(kernel) == 2 and kernel[0] == kernel[1]):
        raise ConfigError(
            f"config.json ({model_type}): merge_kernel_size must be a square pair, not {kernel!r}"
        )
    vl = model_type == "kimi_vl"
    return VisionTower(
        kind="moonvit",
        depth=_int(v, "num_hidden_layers", 27, model_type),
        hidden_size=_int(v, "hidden_size", 1152, model_type),
        num_heads=_int(v, "num_attention_heads", 16, model_type),
        intermediate_size=_int(v, "intermediate_size", 4304, model_type),
        gated_mlp=False,
        patch_size=_int(v, "patch_size", 14, model_type),
        merge_size=_int({"k": kernel[0]}, "k", None, model_type),
        max_patches=KIMI_VL_IN_TOKEN_LIMIT if vl else MOONVIT_MAX_PATCHES,
        max_side_patches=0 if vl else MOONVIT_MAX_SIDE_PATCHES,
        out_hidden_size=_int(text, "hidden_size", None, model_type),
    )


def _mobilenet(config: Mapping[str, Any]) -> VisionTower | None:
    """Gemma 3n's MobileNetV5 (a conv net, not a ViT): its fields name the widest block (stride
    `patch_size`, `intermediate_size` channels) and the 16 x 16 grid of 2048-wide soft tokens; or
    None for a timm architecture other than mobilenetv5_300m_enc."""
    v = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    if v.get("architecture", "mobilenetv5_300m_enc") != "mobilenetv5_300m_enc":
        return None
    return VisionTower(
        kind="mobilenetv5",
        depth=4,  # stages
        hidden_size=_int(v, "hidden_size", 2048, "gemma3n"),
        num_heads=16,  # stage 3's multi-query attention blocks ('mqa_r1_k3_h16_s1_d64_c1024')
        intermediate_size=MOBILENETV5_CHANNELS * MOBILENETV5_EXPANSION,
        gated_mlp=False,
        patch_size=MOBILENETV5_STRIDE,
        image_size=GEMMA3N_IMAGE_SIDE,
        # configuration_gemma3n.py Gemma3nConfig.vision_soft_tokens_per_image
        tokens_per_image=_int(config, "vision_soft_tokens_per_image", 256, "gemma3n"),
        out_hidden_size=_int(text, "hidden_size", None, "gemma3n"),
    )


def vision_tower_from_config(config: Mapping[str, Any], model_type: str) -> VisionTower | None:
    """The tower of a vision-language config.json, or None (text-only, or a tower not modelled yet)."""
    if not isinstance(config.get("vision_config"), Mapping):
        return None
    if model_type in ("qwen2_5_vl", "qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe"):
        return _qwen(config, model_type)
    if model_type == "gemma3":
        return _siglip(config)
    if model_type == "llama4":
        return _llama4(config)
    if model_type == "mistral3":
        return _pixtral(config)
    if model_type == "llava" and (config.get("vision_config") or {}).get("model_type") == "pixtral":
        return _pixtral(config, merge=1)
    if model_type == "gemma4":
        return _gemma4(config)
    if model_type in ("kimi_k25", "kimi_vl"):
        return _moonvit(config, model_type)
    if model_type == "gemma3n":
        return _mobilenet(config)
    return None


# Wrappers whose config has a vision tower that image inputs do not model yet (their weights count).
UNMODELLED_TOWERS: frozenset[str] = frozenset(
    # gemma3n: another timm net
    {"gemma3n", "qwen2_vl", "glm4v", "glm46v", "glm4v_moe", "lfm2_vl", "cohere2_vision", "mllama"}
    | {"internvl", "internvl_chat", "step3_vl"}
)
