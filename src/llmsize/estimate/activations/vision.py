"""The vision tower's transient memory: encoding N images once at prefill, and what it leaves behind.

The tower runs before the decoder, on every patch of every image at once (transformers 5.23: the
wrapper's forward calls `get_image_features` after embedding the prompt). Its peak is one block's
live set over all P patches, on top of what the whole encoding holds:
- held: the processor's pixel_values (fp32, as the processor returns them), the prompt's token
  embeddings, and per kind: Qwen's cast copy of pixel_values (`get_image_features` `.type`) and its
  fp32 rotary cos/sin (P x head_dim each); SigLIP's embeddings output (the encoder keeps
  `inputs_embeds`); Pixtral's block-diagonal mask over all patches of all images
  (modeling_pixtral.py `generate_block_attention_mask`, P x P in the compute dtype);
- attention: the block input, the norm's output, q/k/v (3 x P x hidden), and either the rotary
  temporaries in fp32 (Qwen `apply_rotary_pos_emb_vision` upcasts q and k: q.float, k.float, q_embed
  and three temporaries of k's rotation, 6 x P x hidden x 4 B) or, without rotary, the fused
  kernel's output and its contiguous copy (SigLIP: 2 x P x hidden);
- MLP: the block input, the attention's residual sum and the norm's output, and the MLP's
  intermediates: 3 x P x intermediate gated (act(gate), up and their product), 2 plain (fc1, act).
After the tower, the decoder's prefill runs while the wrapper still holds pixel_values, the tower's
last hidden state (P x hidden) and the projected features (and, for Qwen, their concatenated copy;
for Qwen3-VL one deepstack feature set per deepstack layer).
Trace-checked on Qwen2.5-VL and Gemma 3 (tests/trace/test_images_trace.py); Qwen3-VL, Llama 4 and
Pixtral follow the same structure and are not trace-checked yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmsize.estimate.images import ImageLoad

_ROTARY = frozenset({"qwen2_5_vl", "qwen3_vl", "llama4"})


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
    side = t.image_size if t.kind == "llama4" else 0
    per_crop = 3 * side * side if side else 3 * g.width * g.height
    return n * g.crops * per_crop


def tower_bytes(load: ImageLoad, sequences: int, prompt_tokens: int, text_hidden: int, e: int) -> TowerBytes:
    """Peak of encoding `load` for `sequences` sequences, in a compute dtype of `e` bytes.

    `prompt_tokens` is the whole prompt per sequence (text and image tokens), whose embeddings exist
    before the tower runs; `text_hidden` the decoder's width.
    """
    t, g = load.tower, load.grid
    n = load.images * sequences
    p = n * g.patches
    h, inter, hd = t.hidden_size, t.intermediate_size, t.head_dim
    pixels = _pixel_elements(load, sequences)
    held = pixels * 4 + sequences * prompt_tokens * text_hidden * e
    if t.kind in ("qwen2_5_vl", "qwen3_vl"):
        held += pixels * e + 2 * p * hd * 4
    if t.kind == "siglip":
        held += p * h * e
    if t.kind == "pixtral":
        held += p * p * e + 2 * p * hd * e
    # rotary: input, norm, q/k/v in the compute dtype and 6 fp32 rotation buffers; else 7 in dtype
    attention = 5 * p * h * e + 6 * p * h * 4 if t.kind in _ROTARY else 7 * p * h * e
    mlp = 3 * p * h * e + (3 if t.gated_mlp else 2) * p * inter * e
    stage = "attention" if attention >= mlp else "MLP"
    features = n * g.features * t.out_hidden_size * e
    copies = 2 if t.kind in ("qwen2_5_vl", "qwen3_vl") else 1
    residue = pixels * 4 + p * h * e + copies * features + t.deepstack_layers * features
    return TowerBytes(
        peak=held + max(attention, mlp) + t.deepstack_layers * features, residue=residue, stage=stage
    )
