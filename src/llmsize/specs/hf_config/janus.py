"""DeepSeek Janus / Janus-Pro (model_type multi_modality; remote code, deepseek-ai/Janus commit 1daa72f).

Restates janus/models/modeling_vlm.py MultiModalityCausalLM, which builds from the config's sections:
- vision_model: clip_encoder.py CLIPVisionTower -> siglip_vit.py create_siglip_vit(model_name, image_size,
  select_layer): the SIGLIP_MODEL_CONFIG entry's ViT, select_layer <= 0 keeping layers + select_layer + 1
  blocks, global_pool "map" (timm_vit.py);
- aligner / gen_aligner: projector.py MlpProjector ("mlp_gelu");
- gen_vision_model: vq_model.py VQ_16, a VQGAN (Encoder / Decoder of ResnetBlocks with GroupNorm, AttnBlocks
  at the lowest resolution and in the middle, strided-conv down- and upsampling), a VectorQuantizer
  (codebook Embedding plus a persistent 65536-entry codebook_used buffer) and two 1x1 quant convs;
- gen_head: vision_head, Linear(n_embed -> image_token_embed), GELU, Linear(-> image_token_size);
- gen_embed: Embedding(image_token_size, gen_vision n_embed);
- language_model: LlamaForCausalLM(language_config), LlamaConfig's defaults for the fields it omits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Reader
from llmsize.specs.hf_config.timm_vit import mlp_gelu_params, vit_params

# transformers LlamaConfig.__init__ defaults (configuration_llama.py) for what language_config leaves out.
_LLAMA_DEFAULTS: dict[str, Any] = {
    "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,
    "num_attention_heads": 32, "max_position_embeddings": 2048, "tie_word_embeddings": False,
}  # fmt: skip
# janus/models/siglip_vit.py SigLIP_MODEL_CONFIG (width, layers, patch, mlp_ratio), all global_pool "map".
_SIGLIP: dict[str, tuple[int, int, int, float]] = {
    "siglip_so400m_patch14_384": (1152, 27, 14, 3.7362),
    "siglip_so400m_patch14_224": (1152, 27, 14, 3.7362),
    "siglip_large_patch16_384": (1024, 24, 16, 4),
}
# vq_model.py ModelArgs / Encoder / Decoder defaults of VQ_16 (the only VQ model the code registers).
_VQ_CH, _VQ_MULT, _VQ_RES_BLOCKS, _VQ_Z, _VQ_USAGE_BUFFER = 128, (1, 1, 2, 2, 4), 2, 256, 65536


def _params(config: Mapping[str, Any], key: str) -> Reader:
    section = config.get(key)
    params = section.get("params") if isinstance(section, Mapping) else None
    if not isinstance(params, Mapping):
        raise ConfigError(f"config.json (multi_modality) needs {key}.params: the {key} sizes")
    return Reader(params, f"multi_modality {key}")


def split(config: Mapping[str, Any]) -> tuple[dict[str, Any], str, int, str]:
    """(text config, its type, parameters outside the language model, note) of a Janus config."""
    language = config.get("language_config")
    if not isinstance(language, Mapping):
        raise ConfigError("config.json (multi_modality) needs language_config: the Llama decoder")
    text = {**_LLAMA_DEFAULTS, **language}
    if text.get("model_type", "llama") != "llama":
        raise ConfigError("config.json (multi_modality) language_config must be a Llama decoder")
    for key in ("aligner_config", "gen_aligner_config"):
        if _params(config, key).get("projector_type") != "mlp_gelu":
            raise ConfigError(f"config.json (multi_modality) {key}: only the mlp_gelu projector is modelled")
    gen_vision = config.get("gen_vision_config")
    if not isinstance(gen_vision, Mapping) or gen_vision.get("cls") != "VQ-16":
        raise ConfigError("config.json (multi_modality) gen_vision_config: only the VQ-16 model is modelled")
    understand = _vision(config) + _aligner(config, "aligner_config")
    generate = _vq() + _aligner(config, "gen_aligner_config") + _gen_head(config) + _gen_embed(config)
    note = f"SigLIP tower and aligner ({understand:,}) + VQ-16 tokenizer and generation heads ({generate:,})"
    return text, "llama", understand + generate, note


def _vision(config: Mapping[str, Any]) -> int:
    v = _params(config, "vision_config")
    name = v.get("model_name")
    if not isinstance(name, str) or name not in _SIGLIP:
        raise ConfigError(f"config.json (multi_modality) vision model {name!r} is not one llmsize models")
    width, layers, patch, ratio = _SIGLIP[name]
    select = v.opt_int("select_layer", default=-2) or 0  # CLIPVisionTower default select_layer -2
    depth = max(0, min(layers, layers + select + 1) if select <= 0 else min(layers, select))
    image = v.opt_int("image_size", default=336) or 336
    return vit_params(width, depth, ratio, patch, image, class_token=False, attn_pool=True)


def _aligner(config: Mapping[str, Any], key: str) -> int:
    a = _params(config, key)
    return mlp_gelu_params(a.req("input_dim"), a.req("n_embed"), a.opt_int("depth", default=1) or 1)


def _gen_head(config: Mapping[str, Any]) -> int:
    h = _params(config, "gen_head_config")
    embed, tokens = h.req("image_token_embed"), h.req("image_token_size")
    return h.req("n_embed") * embed + embed + embed * tokens + tokens


def _gen_embed(config: Mapping[str, Any]) -> int:
    g = _params(config, "gen_vision_config")
    return g.req("image_token_size") * g.req("n_embed")


def _resnet(c_in: int, c_out: int) -> int:
    """ResnetBlock: GroupNorm, 3x3 conv, GroupNorm, 3x3 conv, and a 1x1 nin_shortcut when widths differ."""
    shortcut = c_in * c_out + c_out if c_in != c_out else 0
    return 2 * c_in + (9 * c_in * c_out + c_out) + 2 * c_out + (9 * c_out * c_out + c_out) + shortcut


def _attn(c: int) -> int:
    """AttnBlock: GroupNorm and four 1x1 convs (q, k, v, proj_out)."""
    return 2 * c + 4 * (c * c + c)


def _vq() -> int:
    """VQ_16: Encoder + Decoder + codebook (with its usage buffer) + quant_conv + post_quant_conv."""
    ch, mult, blocks, z = _VQ_CH, _VQ_MULT, _VQ_RES_BLOCKS, _VQ_Z
    last = len(mult) - 1
    enc, c_in = 3 * 9 * ch + ch, ch  # conv_in
    for level, m in enumerate(mult):
        for _ in range(blocks):
            enc += _resnet(c_in, ch * m) + (_attn(ch * m) if level == last else 0)
            c_in = ch * m
        if level != last:
            enc += 9 * c_in * c_in + c_in  # Downsample conv
    enc += 2 * _resnet(c_in, c_in) + _attn(c_in) + 2 * c_in + (9 * c_in * z + z)  # mid, norm_out, conv_out
    c_in = ch * mult[last]
    dec = 9 * z * c_in + c_in + 2 * _resnet(c_in, c_in) + _attn(c_in)  # conv_in, mid
    for level in reversed(range(len(mult))):
        for _ in range(blocks + 1):
            dec += _resnet(c_in, ch * mult[level]) + (_attn(ch * mult[level]) if level == last else 0)
            c_in = ch * mult[level]
        if level != 0:
            dec += 9 * c_in * c_in + c_in  # Upsample conv
    dec += 2 * c_in + (9 * c_in * 3 + 3)  # norm_out, conv_out
    codebook, e_dim = 16384, 8  # ModelArgs codebook_size, codebook_embed_dim
    quant = codebook * e_dim + _VQ_USAGE_BUFFER + (z * e_dim + e_dim) + (e_dim * z + z)
    return enc + dec + quant
