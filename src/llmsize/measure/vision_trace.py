"""Trace a vision-language prefill with images: the tower's own peak and the decoder's, on real tensors.

The FakeTensor tracer (tracer.py) cannot run the image path: placing image features asks data
questions (how many placeholder tokens, the per-image grid). A tiny configuration is cheap to run
for real on a CPU, so this runs the model's own forward with real inputs under the same phase
tracker and fused-SDPA model, and records two phases: `vision` (the model's get_image_features) and
`prefill` (everything else in the forward). Inputs are what the processor would hand the model:
`pixel_values` in fp32 (in the model dtype for Llama 4 and Kimi K2.5, whose patch embeddings take
no other), each image's placeholder tokens between its delimiters in the prompt.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from llmsize.errors import BadInputError
from llmsize.measure.build_model import build_fake_model, hf_config, torch_dtype, with_layers


@dataclass(frozen=True)
class VisionTrace:
    """Peaks of one traced prefill with images (bytes of everything live, weights included)."""

    params_bytes: int
    buffers_bytes: int
    vision_peak_bytes: int
    prefill_peak_bytes: int
    image_features: int  # rows the tower handed to the decoder (= placeholder tokens)
    kv_bytes: int

    @property
    def vision_activations(self) -> int:
        return self.vision_peak_bytes - self.params_bytes - self.buffers_bytes


@contextlib.contextmanager
def _phase(tracker: Any, module: Any, name: str, method: str = "get_image_features") -> Iterator[None]:
    """Within the block, calls of module.<method> run under tracker phase `name`."""
    original = getattr(module, method)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        tracker.phase = name
        try:
            return original(*args, **kwargs)
        finally:
            tracker.phase = "prefill"

    setattr(module, method, wrapped)
    try:
        yield
    finally:
        setattr(module, method, original)


def _video_inputs(model: Any, frames: int, width: int, height: int, text: int) -> tuple[dict[str, Any], int]:
    """The Qwen processors' outputs for one video of `frames` sampled frames and `text` text tokens:
    the video's placeholders (Qwen3-VL: each temporal group's timestamp tokens, then its placeholders
    between <|vision_start|> and <|vision_end|>) inside the chat template's outer pair."""
    import torch

    from llmsize.estimate.video import timestamp_tokens, video_grid
    from llmsize.specs.vision_tower import vision_tower_from_config

    cfg = model.config
    tower = vision_tower_from_config(cfg.to_dict(), str(cfg.model_type))
    if tower is None or tower.kind not in ("qwen2_5_vl", "qwen3_vl", "gemma4"):
        raise BadInputError(f"config.json ({cfg.model_type}) has no video tower llmsize models")
    if tower.kind == "gemma4":
        return _gemma4_video_inputs(model, tower, frames, width, height, text)
    grid = video_grid(tower, frames, width, height)
    token, first, last = int(cfg.video_token_id), int(cfg.vision_start_token_id), int(cfg.vision_end_token_id)
    per_group = grid.features // grid.frames
    if tower.kind == "qwen3_vl":
        body: list[int] = []
        for g in range(grid.frames):
            stamp = [5] * timestamp_tokens(g, tower.temporal_patch_size)
            body += [*stamp, first, *([token] * per_group), last]
    else:
        body = [token] * grid.features
    ids = torch.cat([torch.randint(6, 1000, (1, text)), torch.tensor([[first, *body, last]])], dim=1)
    gh, gw = grid.height // tower.patch_size, grid.width // tower.patch_size
    per = 3 * tower.temporal_patch_size * tower.patch_size**2
    out: dict[str, Any] = {
        "input_ids": ids,
        "pixel_values_videos": torch.randn(grid.patches, per, dtype=torch.float32),
        "video_grid_thw": torch.tensor([[grid.frames, gh, gw]]),
        "mm_token_type_ids": (ids == token).int() * 2,  # 2: video (get_rope_index)
    }
    return out, int((ids == token).sum())


def _gemma4_video_inputs(
    model: Any, tower: Any, frames: int, width: int, height: int, text: int
) -> tuple[dict[str, Any], int]:
    """Gemma4VideoProcessor's outputs: every frame's patches padded to the 70-token budget, (-1, -1)
    positions for the padding, the frame count; each frame's timestamp (text tokens), <boi>, its
    soft-token placeholders and <eoi> in the prompt (processing_gemma4.py replace_video_token)."""
    import torch

    from llmsize.estimate.video import VideoLoad, video_grid

    cfg = model.config
    one = VideoLoad(tower, frames, width, height, video_grid(tower, frames, width, height)).as_images().grid
    token, boi, eoi = int(cfg.video_token_id), int(cfg.boi_token_id), int(cfg.eoi_token_id)
    body: list[int] = []
    for f in range(frames):
        body += [5] * (6 + (1 if f else 0)) + [boi, *([token] * one.features), eoi]
    ids = torch.cat([torch.randint(6, 1000, (1, text)), torch.tensor([body])], dim=1)
    cols, rows = one.width // tower.patch_size, one.height // tower.patch_size
    real = torch.stack(torch.meshgrid(torch.arange(cols), torch.arange(rows), indexing="xy"), -1)
    positions = torch.full((frames, one.patches, 2), -1, dtype=torch.long)
    positions[:, : rows * cols] = real.reshape(-1, 2)
    out: dict[str, Any] = {
        "input_ids": ids,
        "pixel_values_videos": torch.randn(frames, one.patches, 3 * tower.patch_size**2, dtype=torch.float32),
        "video_position_ids": positions,
        "num_frames_per_video": torch.tensor([frames]),
    }
    return out, int((ids == token).sum())


def _inputs(model: Any, images: int, width: int, height: int, text: int) -> tuple[dict[str, Any], int]:
    """The processor's outputs for `images` W x H images and `text` text tokens (one sequence)."""
    import torch

    from llmsize.estimate.images import image_grid
    from llmsize.specs.vision_tower import vision_tower_from_config

    cfg = model.config
    tower = vision_tower_from_config(cfg.to_dict(), str(cfg.model_type))
    if tower is None:
        raise BadInputError(f"config.json ({cfg.model_type}) has no vision tower llmsize models")
    grid = image_grid(tower, width, height)
    token = int(getattr(cfg, "image_token_id", None) or cfg.image_token_index)
    # as the processor lays it out: each image's placeholders between its delimiters (Qwen's
    # <|vision_start|> and <|vision_end|>; other delimiters are ordinary text tokens here)
    first = int(getattr(cfg, "vision_start_token_id", 0) or 0) or 1
    last = int(getattr(cfg, "vision_end_token_id", 0) or 0) or 2
    rest = grid.tokens - grid.features - 1
    one = [first] + [token] * grid.features + [last] * rest
    ids = torch.cat([torch.randint(3, 1000, (1, text)), torch.tensor([one * images])], dim=1)
    out: dict[str, Any] = {"input_ids": ids}
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        gh, gw = grid.height // tower.patch_size, grid.width // tower.patch_size
        per = 3 * tower.temporal_patch_size * tower.patch_size**2
        out["pixel_values"] = torch.randn(images * gh * gw, per, dtype=torch.float32)
        out["image_grid_thw"] = torch.tensor([[1, gh, gw]] * images)
        # the processor marks each placeholder 1 (image) for the multimodal rotary positions
        out["mm_token_type_ids"] = (ids == token).int()
    elif tower.kind == "moonvit":  # patches of 3 x 14 x 14, in the model dtype (no cast before the conv)
        gh, gw = grid.height // tower.patch_size, grid.width // tower.patch_size
        side = tower.patch_size
        out["pixel_values"] = torch.randn(images * gh * gw, 3, side, side, dtype=model.dtype)
        out["image_grid_thw"] = torch.tensor([[1, gh, gw]] * images)
    elif tower.kind == "gemma4":  # patches padded to the budget, (-1, -1) positions for padding
        per = 3 * tower.patch_size**2
        out["pixel_values"] = torch.randn(images, grid.patches, per, dtype=torch.float32)
        cols, rows = grid.width // tower.patch_size, grid.height // tower.patch_size
        real = torch.stack(torch.meshgrid(torch.arange(cols), torch.arange(rows), indexing="xy"), -1)
        positions = torch.full((images, grid.patches, 2), -1, dtype=torch.long)
        positions[:, : rows * cols] = real.reshape(-1, 2)
        out["image_position_ids"] = positions
    elif tower.kind == "llama4":  # every tile (and the global tile) is one 336 x 336 crop
        # Llama4UnfoldConvolution feeds pixels to a linear layer: they must arrive in the model dtype
        side = tower.image_size
        out["pixel_values"] = torch.randn(images * grid.crops, 3, side, side, dtype=model.dtype)
    else:
        out["pixel_values"] = torch.randn(images, 3, grid.height, grid.width, dtype=torch.float32)
        if tower.kind == "pixtral":
            out["image_sizes"] = torch.tensor([[grid.height, grid.width]] * images)
    return out, int((ids == token).sum())


def trace_images(
    config: dict[str, Any],
    *,
    images: int,
    width: int,
    height: int,
    text_tokens: int = 16,
    num_layers: int | None = None,
    dtype: str = "bf16",
    attention: str = "sdpa",
    video_frames: int = 0,
) -> VisionTrace:
    """Run one prefill of `text_tokens` + `images` images (their tokens as llmsize counts them,
    delimiters included) on the model of `config`, tracked; with `video_frames`, one video of that
    many frames of W x H instead of the images."""
    import torch

    from llmsize.measure.fused_sdpa import fused_sdpa_patched
    from llmsize.measure.phase_tracker import phase_tracker_class
    from llmsize.measure.tensor_bytes import cache_bytes, weight_and_buffer_bytes

    if num_layers is not None:
        config = with_layers(config, num_layers)
    with warnings.catch_warnings(), fused_sdpa_patched():
        warnings.simplefilter("ignore")
        model = build_fake_model(hf_config(config), torch_dtype(dtype), attention)
        for p in model.parameters():  # no_init_weights leaves garbage: keep the math finite
            torch.nn.init.normal_(p, std=0.02)
        params, buffers = weight_and_buffer_bytes(model)
        tracker = phase_tracker_class()()
        tracker.track_external(model)
        owner = getattr(model, "model", model)  # the module whose forward calls get_image_features
        video: Any = contextlib.nullcontext()
        if video_frames:
            video = _phase(tracker, owner, "vision", "get_video_features")
        with tracker, torch.no_grad(), _phase(tracker, owner, "vision"), video:
            tracker.phase = "prefill"
            # made inside the tracker: the processor's outputs are on the GPU before the forward
            if video_frames:
                inputs, features = _video_inputs(model, video_frames, width, height, text_tokens)
            else:
                inputs, features = _inputs(model, images, width, height, text_tokens)
            out = model(**inputs, use_cache=True, logits_to_keep=1)
            kv = cache_bytes(out.past_key_values)
            del out
    peaks = tracker.phase_peaks
    return VisionTrace(params, buffers, peaks["vision"][0], peaks["prefill"][0], features, kv)


def trace_vision_tower(config: dict[str, Any], *, images: int, side: int, dtype: str = "bf16") -> int:
    """Transient bytes of the vision tower alone encoding `images` side x side images (fp32 pixels,
    as the processor returns them), for towers built through timm (Gemma 3n's MobileNetV5), whose
    wrapper the harness does not need to build. Needs the timm package."""
    import torch
    from transformers import AutoModel

    from llmsize.measure.build_model import hf_config, torch_dtype
    from llmsize.measure.phase_tracker import phase_tracker_class
    from llmsize.measure.tensor_bytes import weight_and_buffer_bytes

    cfg = hf_config(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tower = AutoModel.from_config(cfg.vision_config, dtype=torch_dtype(dtype)).eval()  # type: ignore[no-untyped-call]
        params, buffers = weight_and_buffer_bytes(tower)
        tracker = phase_tracker_class()()
        tracker.track_external(tower)
        with tracker, torch.no_grad():
            tracker.phase = "vision"
            pixels = torch.randn(images, 3, side, side, dtype=torch.float32)
            out = tower(pixel_values=pixels, do_pooling=False, return_dict=True)
            del out
    return int(tracker.phase_peaks["vision"][0]) - params - buffers
