"""StepFun Step-3 (model_type step3_vl / step3_text; remote code, not in transformers 5.23).

Restates vLLM model_executor/models/step3_text.py (Step3TextAttention, Step3TextDecoderLayer) and
step3_vl.py / SGLang models/step3_vl.py (the vision tower and projector):
- Multi-matrix factorization attention (MFA): q_proj to share_q_dim, an RMSNorm (inter_norm) over it and
  wq up to heads x head_dim; one K and one V head of head_dim (Step3TextAttention: "num_kv_heads must be
  1"); o_proj; no biases;
- blocks named in moe_layers_enum hold a bias-free router over moe_num_experts SwiGLU experts of
  moe_intermediate_size (top moe_top_k) and a share_expert SwiGLU of share_expert_dim; the others a SwiGLU
  of intermediate_size; untied head.
Defaults are SGLang's Step3TextConfig / Step3VisionEncoderConfig (configs/step3_vl.py). The text defaults
are the released checkpoint's sizes; the released vision tower is 15360 wide, not the class's 3072
(model_specs/step.yaml, Step-3: the Hub total closes only with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, trunk

# Step3TextConfig defaults (SGLang configs/step3_vl.py).
_TEXT: Fields = {
    "hidden_size": 7168, "intermediate_size": 18432, "num_attention_heads": 64, "num_attention_groups": 1,
    "num_hidden_layers": 61, "vocab_size": 128815, "moe_intermediate_size": 5120, "moe_num_experts": 48,
    "moe_top_k": 3, "max_position_embedding": 65536, "share_expert_dim": 5120, "share_q_dim": 2048,
    "head_dim": 256, "tie_word_embeddings": False,
}  # fmt: skip
_MOE_LAYERS = tuple(range(4, 60))  # Step3TextConfig.moe_layers_enum default
# Step3VisionEncoderConfig defaults (same file).
_VISION: dict[str, Any] = {
    "hidden_size": 1792, "intermediate_size": 3072, "output_hidden_size": 4096, "num_hidden_layers": 63,
    "num_channels": 3, "image_size": 728, "patch_size": 14,
}  # fmt: skip


def _moe_layers(r: Reader, num_layers: int) -> set[int]:
    value = r.get("moe_layers_enum")
    if value is None:
        return set(_MOE_LAYERS)
    items = value.split(",") if isinstance(value, str) else value
    try:
        layers = {int(i) for i in items if str(i).strip()}
    except (TypeError, ValueError) as err:
        raise ConfigError("config.json (step3) field 'moe_layers_enum' must list block indices") from err
    if any(not 0 <= i < num_layers for i in layers):
        raise ConfigError(
            "config.json (step3) field 'moe_layers_enum' names a block beyond num_hidden_layers"
        )
    return layers


def step3_text(r: Reader) -> Fields:
    """Step-3's decoder: MFA attention (low-rank q, one shared K/V head) and shared-expert MoE blocks."""
    r.defaults = {**_TEXT, **r.defaults}
    context = r.req("max_position_embedding", "max_position_embeddings")
    r.defaults = {**r.defaults, "max_position_embeddings": context}
    f = trunk(r)
    L = f["num_layers"]
    moe = _moe_layers(r, L)
    if r.opt_int("num_attention_groups", default=1) != 1:
        raise ConfigError(
            "config.json (step3) num_attention_groups must be 1 (Step3TextAttention's one K/V head)"
        )
    f.update(
        num_kv_heads=1,
        q_lora_rank=r.req("share_q_dim"),
        ffn_types=tuple("moe" if i in moe else "dense" for i in range(L)),
        num_experts=r.req("moe_num_experts"),
        num_experts_per_tok=r.req("moe_top_k"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
        num_shared_experts=1,
        shared_expert_intermediate_size=r.req("share_expert_dim"),
    )
    return f


def step3_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Step3VisionTransformer (a cls token, a biased conv patch embed, (image/patch)^2 + 1 learned
    positions; per layer biased qkv and out projections, two biased LayerNorms, a biased fc1/fc2 MLP) and
    the projector: vit_downsampler (2x2 conv, hidden -> output_hidden_size), vit_downsampler2 (3x3 conv to
    twice that) and vit_large_projector (to the text width, bias = projector_bias)."""
    v = config.get("vision_config")
    r = Reader({**_VISION, **(v if isinstance(v, Mapping) else {})}, "step3_vision_encoder")
    h, inter, layers = r.req("hidden_size"), r.req("intermediate_size"), r.req("num_hidden_layers")
    patch, out = r.req("patch_size"), r.req("output_hidden_size")
    positions = (r.req("image_size") // patch) ** 2 + 1
    embed = h + r.req("num_channels") * patch * patch * h + h + positions * h
    layer = 4 * h * h + 4 * h + 2 * 2 * h + (h * inter + inter) + (inter * h + h)
    tower = embed + layers * layer
    text_h = (
        Reader(config.get("text_config") or {}, "step3_text").opt_int("hidden_size") or _TEXT["hidden_size"]
    )
    bias = bool(config.get("projector_bias", True))
    projector = (
        (h * out * 4 + out) + (out * 2 * out * 9 + 2 * out) + (2 * out * text_h + (text_h if bias else 0))
    )
    return tower + projector, f"Step-3 vision tower ({tower:,}) + downsamplers and projector ({projector:,})"
