"""FLOPs of the vision tower's forward over one sequence's images: the encoder's share of prefill.

Every engine encodes a request's images before the decoder prefills their placeholder tokens:
vLLM's model runner calls the tower in `GPUModelRunner._execute_mm_encoder`
(vllm/v1/worker/gpu_model_runner.py) for the items the scheduler fits in the encoder budget, then
runs the decoder step over the merged embeddings; SGLang's `general_mm_embed_routine`
(srt/managers/mm_utils.py) embeds the images inside the prefill forward; llama.cpp's mtmd runs the
CLIP graph (tools/mtmd/clip.cpp `clip_image_batch_encode`) on the mmproj's backend before
`mtmd_helper_eval_chunks` decodes the image tokens; transformers' wrappers call
`get_image_features` in the forward. The work is the tower's own shapes (specs/vision_tower.py,
grids from estimate/images.py), counted once a patch (2 FLOPs a multiply-add):

- the patch embedding: 3 x temporal x patch^2 inputs to `hidden` per patch;
- each block: q/k/v and the output projection (4 x hidden^2 a patch), the MLP (gate/up/down 3 x
  hidden x intermediate, fc1/fc2 2 x), and attention's QK^T and PV, 4 x hidden x L^2 over every
  group of L patches that attend together (not causal);
- the merger / projector: merge^2 x hidden to out_hidden a token (Qwen's 2-layer merger:
  merge^2 x hidden twice).

Attention groups per tower kind, from the engines' encoders: Qwen2.5-VL's window blocks attend
within 112-pixel windows (`get_window_index`: windows of window_size / patch / merge merged units a
side, the last row and column of windows cut short) and its `fullatt_block_indexes` over the whole
image; Qwen3-VL every block over the whole image (cu_seqlens per image / frame); SigLIP (Gemma 3)
and Gemma 4 over each image's patches; Llama 4 over each tile (its class token included); Pixtral
under a block-diagonal mask, one image at a time; MoonViT over each image. MobileNet-V5
(Gemma 3n) is a convolutional tower not counted here (0).
"""

from __future__ import annotations

from llmsize.estimate.images import ImageGrid, ImageLoad
from llmsize.specs.vision_tower import VisionTower


def _sides(length: int, window: int) -> list[int]:
    """The lengths `get_window_index` cuts a side of `length` patches into: whole windows, then the rest."""
    full, rest = divmod(length, window)
    return [window] * full + ([rest] if rest else [])


def _window_squares(t: VisionTower, g: ImageGrid) -> int:
    """Sum of L^2 over the windows of one image frame (Qwen2.5-VL window blocks).

    The window is window_size / (patch x merge) merged units a side, so window_size / patch patches;
    a window of r x c patches holds r x c of them, and the sum factors into rows x columns."""
    side = max(1, t.window_size // t.patch_size)
    rows, cols = g.height // t.patch_size, g.width // t.patch_size
    return sum(r * r for r in _sides(rows, side)) * sum(c * c for c in _sides(cols, side))


def _full_squares(t: VisionTower, g: ImageGrid) -> int:
    """Sum of L^2 over the groups that attend together in one image, in a full-attention block."""
    if t.kind == "llama4":  # each tile (and the global tile) on its own
        return g.crops * (g.patches // g.crops) ** 2
    frame = g.patches // max(1, g.frames)
    return g.frames * frame * frame


def _merger_flops(t: VisionTower, g: ImageGrid) -> float:
    wide = t.hidden_size * t.merge_size**2
    per_token = wide * (wide + t.out_hidden_size) if t.kind in ("qwen2_5_vl", "qwen3_vl") else (
        wide * t.out_hidden_size)
    mergers = 1 + t.deepstack_layers
    return 2.0 * g.features * per_token * mergers


def _attention_squares(t: VisionTower, g: ImageGrid) -> int:
    """Sum over the tower's blocks of L^2 over the groups that attend together, one image."""
    full = _full_squares(t, g)
    if t.kind == "qwen2_5_vl" and t.window_size:
        n_full = len(t.full_attention_blocks)
        return n_full * full + (t.depth - n_full) * _window_squares(t, g) * g.frames
    return t.depth * full


def image_encoder_flops(load: ImageLoad) -> tuple[float, float]:
    """(total, attention) FLOPs the tower spends on one sequence's images, as the module docstring says."""
    t, g = load.tower, load.grid
    if t.kind == "mobilenetv5":
        return 0.0, 0.0
    h, p = t.hidden_size, g.patches
    embed = 2.0 * p * 3 * t.temporal_patch_size * t.patch_size**2 * h
    mlp = (3 if t.gated_mlp else 2) * h * t.intermediate_size
    linear = 2.0 * p * (4 * h * h + mlp) * t.depth
    attention = 4.0 * h * _attention_squares(t, g)
    return load.images * (embed + linear + attention + _merger_flops(t, g)), load.images * attention
