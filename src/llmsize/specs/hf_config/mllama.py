"""Llama 3.2 Vision (model_type mllama, MllamaForConditionalGeneration, transformers modeling_mllama.py).

The language model is Llama 3.1 with cross-attention blocks inserted at `cross_attention_layers` (every
fifth block from the fourth). A cross-attention block has no self-attention: it attends to the image
tokens through its own q/k/v/o (q_norm, k_norm per head) and two tanh gates, then runs its MLP.
MllamaTextModel.forward skips such blocks when a request has no image and none is cached ("For text-only
path we should skip cross attention layers"), and their keys/values are those of the image tokens, never
of the text: so they are blocks without a token mixer here (no KV cache per text token), and their
cross-attention tensors count as parameters outside the trunk, with embed_tokens' 8 extra rows
(nn.Embedding(vocab_size + 8, hidden)). What an image adds (the cross-attention cache of its tiles, the
vision encoder's activations) is not modelled: image inputs are refused for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmsize.specs.hf_config.reader import Fields, Reader, trunk

# MllamaTextModel: embed_tokens = nn.Embedding(config.vocab_size + 8, hidden_size)
EXTRA_EMBEDDING_ROWS = 8


def mllama_text(r: Reader) -> Fields:
    """The decoder: Llama blocks, and MLP-only blocks where cross-attention sits (its tensors as extras)."""
    f = trunk(r)
    L, h = f["num_layers"], f["hidden_size"]
    cross = sorted({int(i) for i in (r.get("cross_attention_layers", default=None) or []) if 0 <= int(i) < L})
    hd, kv, heads = f["head_dim"], f["num_kv_heads"], f["num_attention_heads"]
    # MllamaTextCrossAttention: q (h -> heads*hd), k/v (h -> kv*hd), o (heads*hd -> h), q_norm/k_norm (hd);
    # MllamaCrossAttentionDecoderLayer: cross_attn_attn_gate, cross_attn_mlp_gate (one each)
    per_cross = h * heads * hd + 2 * h * kv * hd + heads * hd * h + 2 * hd + 2
    extra = len(cross) * per_cross + EXTRA_EMBEDDING_ROWS * h
    f.update(
        layer_types=tuple("none" if i in cross else "full_attention" for i in range(L)),
        ffn_types=("dense",) * L,
        extra_params=extra,
        extra_params_note=(
            f"cross-attention q/k/v/o, norms and gates of {len(cross)} blocks "
            f"({len(cross) * per_cross:,}) + {EXTRA_EMBEDDING_ROWS} image-token embedding rows"
        ),
    )
    return f


def vision_params(config: Mapping[str, Any]) -> tuple[int, str]:
    """MllamaVisionModel + MllamaMultiModalProjector parameters (modeling_mllama.py), with a note."""
    v = Reader(config.get("vision_config") or {}, "mllama_vision_model")
    t = Reader(config.get("text_config") or {}, "mllama_text_model")
    h = v.opt_int("hidden_size", default=1280) or 1280
    inter = v.opt_int("intermediate_size", default=5120) or 5120
    local = v.opt_int("num_hidden_layers", default=32) or 32
    global_ = v.opt_int("num_global_layers", default=8) or 8
    ch, patch = v.opt_int("num_channels", default=3) or 3, v.opt_int("patch_size", default=14) or 14
    image = v.opt_int("image_size", default=448) or 448
    tiles = v.opt_int("max_num_tiles", default=4) or 4
    ratios = v.get("supported_aspect_ratios", default=None)
    ratio_ids = (len(ratios) if isinstance(ratios, list) else 8) + 1  # max_aspect_ratio_id + 1 rows
    patches = (image // patch) ** 2 + 1  # + the class token
    out = v.opt_int("vision_output_dim", default=7680) or 7680
    block = 4 * h * h + (h * inter + inter) + (inter * h + h) + 4 * h  # bias-free attention, biased MLP/LNs
    tower = (
        h  # class_embedding
        + ch * patch * patch * h  # patch_embedding (no bias)
        + (1 + patches * h + ratio_ids * tiles * patches * h)  # gated_positional_embedding
        + 2 * (1 + ratio_ids * tiles * h)  # pre/post_tile_positional_embedding
        + 4 * h  # layernorm_pre, layernorm_post
        + local * block
        + global_ * (block + 2)  # gate_attn, gate_ffn
    )
    th = t.opt_int("hidden_size", default=4096) or 4096
    projector = out * th + th
    return tower + projector, f"Mllama vision encoder ({tower:,}) + multimodal projector ({projector:,})"
