"""vLLM's profile of a vision-language model's encoder: what it takes out of the KV pool at start-up.

A checkpoint served with its vision tower (every vision-language model, unless
`--limit-mm-per-prompt` sets images to 0) is profiled twice before vLLM sizes its KV pool: the
encoder on dummy images of the maximum feature size, then the usual max_num_batched_tokens forward
while the encoder's outputs stay in the encoder cache. REFERENCE (vllm-project/vllm, V1, 0.19):
- `vllm/v1/core/encoder_cache_manager.py` `compute_mm_encoder_budget`: compute budget and cache size
  are max(max_num_batched_tokens, the largest item's tokens) (both scheduler defaults are
  max_num_batched_tokens); the profile uses the smaller of the two.
- `vllm/multimodal/encoder_budget.py` `MultiModalBudget._get_max_items`: items profiled =
  max(1, min(budget // tokens per item, max_num_seqs x max(1, min(limit, max_model_len // tokens
  per item)))), limit = --limit-mm-per-prompt (999 a modality by default).
- `vllm/v1/worker/gpu_model_runner.py` `profile_run`: `embed_multimodal` on that many items, the
  outputs kept in `encoder_cache` through `_dummy_run(max_num_tokens)`, then cleared; the profile's
  torch peak is the larger of the two moments.
Checked: google/gemma-3-12b-it on vLLM 0.19.0 logs "Encoder cache will be initialized with a budget
of 8192 tokens, and profiled with 32 image items of the maximum feature size."
(llm-d-incubation/llm-d-planner, accuracy/results/v0.19.0/logs/google-gemma-3-12b-it--h100-80gb--
tp1pp1dp1--8192.log): 8192 // 256 = 32.

The tower's transient is read from vLLM's own vision blocks (`vllm/model_executor/models/
qwen2_5_vl.py` Qwen2_5_VisionAttention / Qwen2_5_VisionBlock, `siglip.py`): a fused qkv projection,
q and k concatenated and rotated in the compute dtype, flash attention (no score matrix, no mask),
a fused gate_up with act_and_mul. Unlike transformers' towers (estimate/activations/vision.py,
trace-checked) this one is not measured: no published vLLM log isolates the encoder's peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmsize.estimate.images import ImageGrid, ImageLoad, image_grid
from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import VisionTower

# REFERENCE: vllm/config/multimodal.py MultiModalConfig: limit_mm_per_prompt defaults to 999 items
# of each modality.
MM_LIMIT_DEFAULT = 999
# REFERENCE: vllm/model_executor/models/gemma4_mm.py _VIDEO_MAX_FRAMES, _VIDEO_MAX_SOFT_TOKENS (the
# transformers Gemma4VideoProcessor defaults).
GEMMA4_VIDEO_FRAMES = 32
GEMMA4_VIDEO_SOFT_TOKENS = 70
# REFERENCE: vllm/model_executor/models/kimi_vl.py MaxImageTokenMeta (width = height = 1024), "For dummy
# input only".
KIMI_VL_DUMMY_SIDE = 1024
_ROTARY = frozenset({"qwen2_5_vl", "qwen3_vl", "llama4", "pixtral"})


def largest_image(tower: VisionTower) -> ImageGrid:
    """The image of the maximum feature size the processor allows (vLLM's dummy image): Qwen's
    max_pixels square, Llama 4's full 16-tile canvas, Gemma 4's full soft-token budget, Kimi K2.5's
    patch budget as a square, Pixtral's longest edge square, SigLIP's and MobileNetV5's own
    (gemma3n_mm.py's dummy image is the image processor's size, 768 x 768)."""
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        side = math.isqrt(tower.max_pixels)
        return image_grid(tower, side, side)
    if tower.kind == "llama4":
        side = math.isqrt(tower.max_tiles) * tower.image_size
        return image_grid(tower, side, side)
    if tower.kind == "moonvit" and not tower.max_side_patches:
        # Kimi-VL: kimi_vl.py KimiVLDummyInputsBuilder draws MaxImageTokenMeta's 1024 x 1024 image, which
        # the processor scales to its in_token_limit and pads to whole 2 x 2 cells (1,089 tokens)
        return image_grid(tower, KIMI_VL_DUMMY_SIDE, KIMI_VL_DUMMY_SIDE)
    if tower.kind == "moonvit":  # the patch budget as a square
        side = math.isqrt(tower.max_patches) * tower.patch_size
        return image_grid(tower, side, side)
    if tower.kind == "gemma4":  # the soft-token budget filled exactly: rows x cols cells = budget
        rows = max(
            d for d in range(1, math.isqrt(tower.tokens_per_image) + 1) if tower.tokens_per_image % d == 0
        )
        cell = tower.merge_size * tower.patch_size
        return image_grid(tower, tower.tokens_per_image // rows * cell, rows * cell)
    return image_grid(tower, tower.image_size, tower.image_size)


@dataclass(frozen=True)
class EncoderProfile:
    """What vLLM's start-up profile does with the encoder (bytes on one rank)."""

    items: int
    tokens_per_item: int
    budget: int
    outputs_bytes: int  # the encoder cache's dummy entries + the dummy pixels, live through the profile
    tower_bytes: int  # the encoder's own transient peak
    modality: str = "image"  # the modality with the most tokens an item (get_modality_with_max_tokens)

    def line(self) -> str:
        return (
            f"Encoder cache will be initialized with a budget of {self.budget} tokens, and profiled with "
            f"{self.items} {self.modality} items of the maximum feature size."
        )


def _pixel_values(tower: VisionTower, grid: ImageGrid, items: int) -> int:
    """Elements of the dummy batch's pixel values (patchified for the Qwen-VL towers)."""
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        return items * grid.patches * 3 * tower.temporal_patch_size * tower.patch_size**2
    side = tower.image_size**2 if tower.kind == "llama4" else grid.width * grid.height
    return items * grid.crops * 3 * side


def _tower_peak(tower: VisionTower, grid: ImageGrid, items: int, e: int, tp: int) -> int:
    """One block's live set over the patches of `items` dummy images, with vLLM's kernels.

    Gemma 3n's MobileNetV5 is transformers' own TimmWrapperModel in vLLM too (gemma3n_mm.py builds
    `AutoModel.from_config(config.vision_config)`), so its peak is activations/vision.py's."""
    if tower.kind == "mobilenetv5":
        from llmsize.estimate.activations.vision import mobilenet_bytes  # activations import engines

        load = ImageLoad(tower, items, grid.width, grid.height, grid)
        return mobilenet_bytes(load, 1, 0, 0, e).peak
    p = items * grid.patches
    h, inter = tower.hidden_size, tower.intermediate_size
    pixels = _pixel_values(tower, grid, items)
    held = (pixels + p * h) * e + (p * h * e if tower.kind == "siglip" else 0)
    # norm out, qkv; then q|k concatenated and rotated (rotary) or the attention output (SigLIP)
    attention = p * h * e + (3 * p * h * e) // tp + ((4 if tower.kind in _ROTARY else 1) * p * h * e) // tp
    # the residual sum and the norm's output, then gate_up + act_and_mul (or fc1 + act)
    mlp = 2 * p * h * e + ((3 if tower.gated_mlp else 2) * p * inter * e) // tp
    return held + max(attention, mlp)


def _items(tokens: int, batched_tokens: int, max_seqs: int, max_model_len: int) -> tuple[int, int]:
    """(budget, items) of `compute_mm_encoder_budget` and `MultiModalBudget._get_max_items`."""
    budget = max(batched_tokens, tokens)
    per_prompt = max(1, min(MM_LIMIT_DEFAULT, max_model_len // tokens))
    return budget, max(1, min(budget // tokens, max_seqs * per_prompt))


def _gemma4_video(
    spec: ModelSpec, tower: VisionTower, batched_tokens: int, max_seqs: int, max_model_len: int, e: int
) -> EncoderProfile:
    """Gemma 4 in vLLM (model_executor/models/gemma4_mm.py `get_mm_max_tokens_per_item`): images
    280 tokens, audio 750, video 32 frames x (70 soft tokens + <boi>, <eoi> and about 6 timestamp
    tokens) = 2,496, so the profile encodes dummy videos: every frame through the vision tower at a
    70-token budget (630 padded patches). gemma4_mm.py builds the towers with transformers'
    `AutoModel.from_config`, so the tower's peak is activations/vision.py's (SDPA)."""
    from llmsize.estimate.activations.vision import tower_bytes  # activations import engines

    tokens = GEMMA4_VIDEO_FRAMES * (GEMMA4_VIDEO_SOFT_TOKENS + 2 + 6)
    budget, items = _items(tokens, batched_tokens, max_seqs, max_model_len)
    frame = tower.model_copy(update={"tokens_per_image": GEMMA4_VIDEO_SOFT_TOKENS})
    grid = largest_image(frame)
    frames = items * GEMMA4_VIDEO_FRAMES
    load = ImageLoad(frame, frames, grid.width, grid.height, grid)
    peak = tower_bytes(load, 1, 0, spec.hidden_size, e).peak
    # the encoder cache's outputs, and the dummy batch's patchified frames (padded to the budget,
    # in the model dtype) that profile_run keeps alive beside them
    pixels = frames * grid.patches * 3 * tower.patch_size**2
    outputs = frames * grid.features * tower.out_hidden_size * e + pixels * e
    return EncoderProfile(items, tokens, budget, outputs, peak, "video")


def _audio_only(
    spec: ModelSpec, batched_tokens: int, max_seqs: int, max_model_len: int, e: int
) -> EncoderProfile | None:
    """A speech model without a vision tower (Qwen2-Audio): vLLM profiles dummy 30 s clips
    (model_executor/models/qwen2_audio.py: max tokens an item (max_source_positions - 2) // 2 + 1 =
    750; the tower is transformers' own Qwen2AudioEncoder), so its peak is activations/audio.py's."""
    from llmsize.estimate.activations.audio import audio_tower_bytes  # activations import engines
    from llmsize.estimate.audio import AudioLoad, clip_tokens

    tower = spec.audio
    if tower is None or tower.kind != "whisper":
        return None
    tokens = clip_tokens(tower, tower.max_clip_samples)
    budget, items = _items(tokens, batched_tokens, max_seqs, max_model_len)
    load = AudioLoad(tower, items * tower.max_clip_seconds, (tower.max_clip_samples,) * items)
    peak = audio_tower_bytes(load, 1, e).peak
    # the cached outputs and the dummy batch's frames in the model dtype, alive through the forward
    outputs = items * tokens * tower.out_hidden_size * e + items * load.frames * tower.mel_bins * e
    return EncoderProfile(items, tokens, budget, outputs, peak, "audio")


def encoder_profile(
    spec: ModelSpec, batched_tokens: int, max_seqs: int, max_model_len: int, e: int, tp: int = 1
) -> EncoderProfile | None:
    """vLLM's encoder profile for `spec`, or None for a text-only model (or a tower not modelled).

    Only the modality with the most tokens an item is profiled (`MultiModalBudget.
    get_modality_with_max_tokens`, `gpu_model_runner.py profile_run`): images for every tower here
    but Gemma 4's, whose dummy video outweighs them; Gemma 3n's audio (188 tokens,
    gemma3n_mm.py TOKENS_PER_AUDIO) never beats its images (256), nor Gemma 4's (750) its video.
    """
    tower = spec.vision
    if tower is None:
        return _audio_only(spec, batched_tokens, max_seqs, max_model_len, e)
    if tower.kind == "gemma4":
        return _gemma4_video(spec, tower, batched_tokens, max_seqs, max_model_len, e)
    grid = largest_image(tower)
    tokens = grid.features
    budget, items = _items(tokens, batched_tokens, max_seqs, max_model_len)
    # REFERENCE: gpu_model_runner.py `profile_run` (0.19): the dummy batch (`batched_dummy_mm_inputs`,
    # pixel values cast to the model dtype by multimodal/processing/context.py `_postprocess_output`)
    # is a local of profile_run, so it stays alive beside the encoder cache's outputs through the
    # decoder's forward and the sampler warm-up. Check: gemma-3-12b/27b on vLLM 0.19 print a torch peak
    # 0.14 GiB above the sampler warm-up: 32 x 3 x 896 x 896 bf16 pixels (llm-d-planner#205).
    outputs = items * tokens * tower.out_hidden_size * e + _pixel_values(tower, grid, items) * e
    # Qwen2.5-VL (qwen2_vl.py get_num_frames_with_most_features): with 999 videos allowed a prompt, the
    # dummy video is one frame of the largest image, padded to one temporal pair: the same tokens and
    # patches as the image, and the tie goes to "video" (the key is (tokens, modality name))
    modality = "video" if tower.kind == "qwen2_5_vl" else "image"
    return EncoderProfile(items, tokens, budget, outputs, _tower_peak(tower, grid, items, e, tp), modality)
