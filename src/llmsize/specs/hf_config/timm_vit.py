"""The SigLIP vision tower and MLP projectors DeepSeek's remote-code VLMs build (DeepSeek-VL2, Janus).

Both repositories vendor timm's VisionTransformer as siglip_vit.py (deepseek-ai/DeepSeek-VL2 and
deepseek-ai/Janus, create_siglip_vit) and an MlpProjector (projector.py / modeling_deepseek_vl_v2.py):
- VisionTransformer: a biased conv patch embed, (image / patch)^2 learned positions (plus one per class
  token), per block a biased fused qkv and proj, two LayerNorms and a biased fc1 / fc2 MLP of
  int(width x mlp_ratio), a final LayerNorm and, with global_pool "map" (the SigLIP configs' setting),
  timm's AttentionPoolLatent (latent, q, kv, proj, a LayerNorm, an MLP), built even when ignore_head skips
  it in forward;
- MlpProjector "mlp_gelu": Linear(input_dim -> n_embed) then depth - 1 x (GELU, Linear(n_embed -> n_embed)).
"""

from __future__ import annotations

from llmsize.errors import ConfigError


def vit_params(
    width: int,
    depth: int,
    mlp_ratio: object,
    patch: int,
    image_size: int,
    *,
    class_token: bool,
    attn_pool: bool,
) -> int:
    """Parameters of timm's VisionTransformer as the SigLIP configs build it (no classifier head)."""
    if not isinstance(mlp_ratio, (int, float)) or isinstance(mlp_ratio, bool) or mlp_ratio <= 0:
        raise ConfigError(f"config.json vision mlp_ratio must be a positive number, not {mlp_ratio!r}")
    if patch < 1:
        raise ConfigError(f"config.json vision patch size must be at least 1, not {patch}")
    d, hidden = width, int(width * mlp_ratio)  # timm Block: Mlp(hidden_features=int(dim * mlp_ratio))
    prefix = 1 if class_token else 0
    embed = 3 * patch * patch * d + d + ((image_size // patch) ** 2 + prefix) * d + prefix * d
    mlp = d * hidden + hidden + hidden * d + d
    block = (3 * d * d + 3 * d) + (d * d + d) + 2 * 2 * d + mlp
    pool = d + (d * d + d) + (2 * d * d + 2 * d) + (d * d + d) + 2 * d + mlp if attn_pool else 0
    return embed + depth * block + 2 * d + pool


def mlp_gelu_params(input_dim: int, n_embed: int, depth: int) -> int:
    """MlpProjector "mlp_gelu": a Linear into n_embed, then depth - 1 square Linears."""
    return input_dim * n_embed + n_embed + max(depth - 1, 0) * (n_embed * n_embed + n_embed)
