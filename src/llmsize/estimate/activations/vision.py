"""The vision tower's transient memory: encoding N images once at prefill, and what it leaves behind.

The tower runs before the decoder, on every patch of every image at once (transformers 5.23: the
wrapper's forward calls `get_image_features` after embedding the prompt). Its peak is the larger of
two moments over all P patches, on top of what the whole encoding holds:
- held: the processor's pixel_values (fp32 as the processor returns them; Llama 4's unfold-linear
  patch embedding takes the model dtype), the prompt's token embeddings, and for Qwen the cast copy
  of pixel_values (`get_image_features` `.type`) and its fp32 rotary cos/sin (P x head_dim each);
- the patch embedding: the embedding itself, plus a cast copy of the pixels (SigLIP, Pixtral),
  Llama 4's im2col and its contiguous copy (`Llama4UnfoldConvolution`), or Qwen3-VL's four gathered
  position embeddings a patch and their weighted fp32 copy;
- one block, with what every block keeps: the encoder's input embeddings (SigLIP, Llama 4),
  Qwen3-VL's fp32 interpolated position embeddings, Pixtral's conv output list and ln_pre output,
  its P x P block-diagonal mask (`generate_block_attention_mask`) and cos/sin; then attention
  (block input, norm output, q/k/v, and either Qwen's / Llama 4's rotary
  temporaries in fp32, 6 x P x hidden x 4 B, or the fused kernel's output and its contiguous copy)
  or the MLP (block input, residual sum, norm output, and 3 x P x intermediate gated, 2 plain).
After the tower, the decoder's prefill runs while the wrapper still holds pixel_values, the tower's
last hidden state (P x hidden) and the projected features (and, for Qwen, their concatenated copy;
for Qwen3-VL one deepstack feature set per deepstack layer).
Trace-checked on Qwen2.5-VL and Gemma 3 (tests/trace/test_images_trace.py) and on Llama 4, Pixtral
and Qwen3-VL by bench/validate_images.py (docs/validation.md, "Image inputs").
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.images import ImageLoad
from llmsize.specs.vision_tower import MOBILENETV5_CHANNELS

_ROTARY = frozenset({"qwen2_5_vl", "qwen3_vl", "llama4", "moonvit"})


@dataclass(frozen=True)
class TowerBytes:
    """The tower's transient peak and what the decoder's prefill still holds of it (bytes)."""

    peak: int
    residue: int
    stage: str  # which part of a block is the peak


def _pixel_elements(load: ImageLoad, sequences: int) -> int:
    t, g = load.tower, load.grid
    n = load.images * sequences
    if t.kind in ("qwen2_5_vl", "qwen3_vl"):
        return n * g.patches * 3 * t.temporal_patch_size * t.patch_size**2
    if t.kind in ("gemma4", "moonvit"):  # patchified by the processor (Gemma 4: padded to the budget)
        return n * g.patches * 3 * t.patch_size**2
    side = t.image_size if t.kind == "llama4" else 0
    per_crop = 3 * side * side if side else 3 * g.width * g.height
    return n * g.crops * per_crop


def eager_scores_bytes(load: ImageLoad, sequences: int, e: int) -> int:
    """The attention scores an eager tower materialises at once (`--attention eager`).

    Qwen's towers run one image at a time (each chunk of cu_seqlens, the whole image in the
    full-attention blocks), SigLIP and Llama 4 every image (tile) of the batch together, Pixtral all
    patches of all images as one sequence under its block mask. A score costs the scaled (for
    Pixtral: masked) product in the compute dtype, then `softmax(..., dtype=float32)`'s fp32 copy of
    its input and its fp32 result (e + 8 bytes); Llama 4's vision_eager_attention_forward keeps the
    softmax in the compute dtype (2e).
    """
    t, g = load.tower, load.grid
    n = load.images * sequences
    if t.kind in ("qwen2_5_vl", "qwen3_vl", "moonvit"):  # a video: one temporal group at a time
        return t.num_heads * (g.patches // g.frames) ** 2 * (e + 8)
    if t.kind == "siglip":
        return n * t.num_heads * g.patches**2 * (e + 8)
    if t.kind == "gemma4":  # every image together, each over its padded patches
        return n * t.num_heads * g.patches**2 * (e + 8)
    if t.kind == "llama4":
        tile = g.patches // g.crops
        return n * g.crops * t.num_heads * tile**2 * 2 * e
    p = n * g.patches
    return t.num_heads * p * p * (e + 8)


def mobilenet_bytes(
    load: ImageLoad, sequences: int, prompt_tokens: int, text_hidden: int, e: int
) -> TowerBytes:
    """Gemma 3n's MobileNetV5 (timm, through TimmWrapperModel) on N images at once: its widest moment is
    stage 1's first block at a quarter of the side, where the pointwise expansion (6 x 128 channels)
    holds the conv output, its norm's product and the norm's output beside the block input and the
    start depthwise conv's output (128 channels each) and the norm's per-position mean; the
    processor's fp32 pixels and their cast copy are held throughout (timm mobilenetv5.py
    UniversalInvertedResidual, RmsNorm2d). Trace-checked by bench/validate_images.py."""
    t, g = load.tower, load.grid
    n = load.images * sequences
    side = g.width
    pixels = n * 3 * side * side
    spots = n * g.patches  # (side / 4)^2 positions an image
    base = pixels * 4 + pixels * e + sequences * prompt_tokens * text_hidden * e
    widest = 2 * spots * MOBILENETV5_CHANNELS * e + 3 * spots * t.intermediate_size * e + spots * e
    features = n * g.features * (t.hidden_size + t.out_hidden_size) * e
    stage = "expansion of stage 1's first block"
    return TowerBytes(peak=base + widest, residue=pixels * 4 + features, stage=stage)


def tower_bytes(
    load: ImageLoad, sequences: int, prompt_tokens: int, text_hidden: int, e: int, eager: bool = False
) -> TowerBytes:
    """Peak of encoding `load` for `sequences` sequences, in a compute dtype of `e` bytes.

    `prompt_tokens` is the whole prompt per sequence (text and image tokens), whose embeddings exist
    before the tower runs; `text_hidden` the decoder's width.
    """
    if load.tower.kind == "mobilenetv5":
        return mobilenet_bytes(load, sequences, prompt_tokens, text_hidden, e)
    t, g = load.tower, load.grid
    n = load.images * sequences
    p = n * g.patches
    h, inter, hd = t.hidden_size, t.intermediate_size, t.head_dim
    pixels = _pixel_elements(load, sequences)
    # pixel values as the processor returns them (fp32); Llama 4's unfold-linear patch embedding
    # takes them in the model dtype only (modeling_llama4.py Llama4UnfoldConvolution)
    pixel_bytes = e if t.kind in ("llama4", "moonvit") else 4
    base = pixels * pixel_bytes + sequences * prompt_tokens * text_hidden * e
    if t.kind in ("qwen2_5_vl", "qwen3_vl"):
        base += pixels * e + 2 * p * hd * 4
    if t.kind == "moonvit":  # fp32 cos/sin and the (h, w) position ids (modeling_kimi_k25.py)
        base += 2 * p * hd * 4 + 16 * p
    # kept through every block: the encoder's input embeddings (SigLIP, Llama 4), Pixtral's conv
    # output list and ln_pre output, its P x P mask and its cos/sin in the compute dtype
    kept = {
        "siglip": p * h * e,
        "llama4": p * h * e,
        "pixtral": 2 * p * h * e + p * p * e + 2 * p * hd * e,
        # Qwen3-VL's interpolated position embeddings, summed in fp32, with their 4 indices (int64)
        # and weights (fp32) a patch (modeling_qwen3_vl.py Qwen3VLVisionModel.forward)
        "qwen3_vl": p * h * 4 + 48 * p,
        # Gemma 4: the embedder's output, the bidirectional padding mask over each image's padded
        # patches (bool) and cos/sin (modeling_gemma4.py Gemma4VisionModel / Gemma4VisionEncoder)
        "gemma4": p * h * e + n * g.patches**2 + 2 * p * hd * e,
    }
    # the patch embedding: a cast copy of the pixels (conv towers), Llama 4's im2col and its
    # contiguous copy, and the embedding itself
    stem = p * h * e + {
        "siglip": pixels * e,
        "pixtral": pixels * e,
        "llama4": 2 * pixels * e,
        # the 4 gathered position embeddings and their weighted fp32 copy, before the sum
        "qwen3_vl": 4 * p * h * e + 4 * p * h * 4 + 48 * p,
    }.get(t.kind, 0)
    if t.kind == "gemma4":  # Gemma4VisionPatchEmbedder: 2 * (pixels - 0.5) in fp32, two temporaries
        stem = max(2 * pixels * 4, pixels * 4 + pixels * e + p * h * e)
    # rotary: input, norm, q/k/v in the compute dtype and 6 fp32 rotation buffers; else 7 in dtype
    attention = 5 * p * h * e + 6 * p * h * 4 if t.kind in _ROTARY else 7 * p * h * e
    if t.kind == "gemma4":
        # input, norm, rotated q and k, normed v; SDPA turns the boolean mask into an additive one
        # in the compute dtype and pads its last dim to 16 (aten attention.cpp
        # convert_boolean_attn_mask, pad_bias) for the memory-efficient kernel
        attention = 5 * p * h * e + n * g.patches * (g.patches + -g.patches % 16) * e + n * g.patches**2 * e
    if eager:  # the block input, norm output and q/k/v stay beside the scores
        attention = max(attention, 5 * p * h * e + eager_scores_bytes(load, sequences, e))
    mlp = 3 * p * h * e + (3 if t.gated_mlp else 2) * p * inter * e
    blocks = kept.get(t.kind, 0) + max(attention, mlp)
    stage = "attention" if attention >= mlp else "MLP"
    features = n * g.features * t.out_hidden_size * e
    copies = 2 if t.kind in ("qwen2_5_vl", "qwen3_vl", "moonvit") else 1
    residue = pixels * pixel_bytes + p * h * e + copies * features + t.deepstack_layers * features
    if stem > blocks:
        stage = "patch embedding"
    return TowerBytes(
        peak=base + max(stem, blocks) + t.deepstack_layers * features, residue=residue, stage=stage
    )
