"""Video inputs: the tokens N sampled frames of W x H add to the context, as Qwen's processors count them.

The user gives the frames the model receives (`--video-frames N`, after the processor's sampling,
2 frames a second by default) and their size. Each rule restates transformers 5.23's video
processor and processor for the tower kind and cites the function; the tower itself is the image
tower, run on the video's patches (estimate/activations/vision.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.estimate.images import ImageGrid, ImageLoad, image_grid, qwen_resize
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import VisionTower

# The frame size assumed without --video-size: 720p, the common size of a recorded video.
DEFAULT_VIDEO_SIZE = (1280, 720)
# REFERENCE: Qwen3-VL / Qwen3.5 video_preprocessor_config.json (Qwen3VLVideoProcessor): size
# {shortest_edge: 4096, longest_edge: 25165824} pixels over the whole video (t x h x w), fps 2.
# Qwen2.5-VL checkpoints ship no video_preprocessor_config.json, so AutoVideoProcessor falls back to
# preprocessor_config.json (video_processing_utils.py get_video_processor_dict): the image bounds,
# min_pixels 3136 and max_pixels 12845056, per frame.
QWEN3_VL_VIDEO_PIXELS = (4096, 25_165_824)
SAMPLED_FPS = 2.0
# REFERENCE: transformers 5.23 video_processing_gemma4.py Gemma4VideoProcessor: max_soft_tokens 70 a
# frame (num_frames 32 sampled by default); processing_gemma4.py replace_video_token: each frame
# "mm:ss <boi>" + soft tokens + "<eoi>", frames joined by " ".
GEMMA4_FRAME_SOFT_TOKENS = 70


def _qwen3_resize(t: VisionTower, frames: int, width: int, height: int) -> tuple[int, int]:
    """video_processing_qwen3_vl.py `smart_resize`: sides multiples of patch x merge, and the whole
    video's pixels, frames rounded to pairs, within [4096, 25165824]."""
    factor = t.patch_size * t.merge_size
    if frames < t.temporal_patch_size:
        raise BadInputError(
            f"--video-frames {frames}: Qwen3-VL's processor takes {t.temporal_patch_size} frames or more"
        )
    if height < factor or width < factor:
        scale = max(factor / height, factor / width)
        height, width = int(height * scale), int(width * scale)
    if max(height, width) / min(height, width) > 200:
        raise BadInputError(
            f"--video-size {width}x{height}: the Qwen processor refuses aspect ratios beyond 200:1"
        )
    low, high = QWEN3_VL_VIDEO_PIXELS
    h_bar, w_bar = round(height / factor) * factor, round(width / factor) * factor
    t_bar = round(frames / t.temporal_patch_size) * t.temporal_patch_size
    if t_bar * h_bar * w_bar > high:
        beta = math.sqrt(frames * height * width / high)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif t_bar * h_bar * w_bar < low:
        beta = math.sqrt(low / (frames * height * width))
        h_bar, w_bar = math.ceil(height * beta / factor) * factor, math.ceil(width * beta / factor) * factor
    return w_bar, h_bar


def timestamp_tokens(group: int, temporal: int) -> int:
    """Tokens of processing_qwen3_vl.py's `<{t:.1f} seconds>` before temporal group `group`.

    `_calculate_timestamps` averages the first and last frame of the group: frames sampled at 2 a
    second put group g at (temporal x g + (temporal - 1) / 2) / 2 s. The Qwen tokenizer's
    pre-tokenizer splits every digit off on its own; "<", ".", " seconds" and ">" are one token each.
    """
    seconds = (temporal * group + (temporal - 1) / 2) / SAMPLED_FPS
    return sum(ch.isdigit() for ch in f"{seconds:.1f}") + 4


def _gemma4_frames(tower: VisionTower, frames: int, width: int, height: int) -> ImageGrid:
    """Gemma 4: every frame is an image at a 70-soft-token budget (630 padded patches), the tower run
    on all frames at once. Per frame the prompt holds its "mm:ss" timestamp (the Gemma tokenizer
    splits digits one a token: 4 digits and ":"), a space, <boi>, the soft tokens and <eoi>, and
    the joining space before every frame but the first: 9 tokens besides the soft tokens (8 for the
    first)."""
    frame = tower.model_copy(update={"tokens_per_image": GEMMA4_FRAME_SOFT_TOKENS})
    one = image_grid(frame, width, height)
    features = frames * one.features
    tokens = features + 9 * frames - 1
    return ImageGrid(one.width, one.height, 1, frames * one.patches, features, tokens, frames=frames)


def video_grid(tower: VisionTower, frames: int, width: int, height: int) -> ImageGrid:
    """What N sampled frames of W x H become for a Qwen tower: patches over all frames, features,
    and the prompt tokens (Qwen2.5-VL: <|vision_start|> features <|vision_end|>; Qwen3-VL: each
    temporal group's timestamp, then its features between <|vision_start|> and <|vision_end|>, all
    inside the chat template's outer pair)."""
    if tower.kind == "gemma4":
        return _gemma4_frames(tower, frames, width, height)
    if tower.kind == "qwen2_5_vl":
        w, h = qwen_resize(tower, width, height, "--video-size")  # per frame, the image bounds
    else:
        w, h = _qwen3_resize(tower, frames, width, height)
    groups = -(-frames // tower.temporal_patch_size)  # the last frame repeated to a whole group
    per_group = (h // tower.patch_size) * (w // tower.patch_size)
    features = groups * per_group // tower.merge_size**2
    tokens = features + 2
    if tower.kind == "qwen3_vl":
        tokens += sum(timestamp_tokens(g, tower.temporal_patch_size) + 2 for g in range(groups))
    return ImageGrid(w, h, 1, groups * per_group, features, tokens, frames=groups)


def video_tower_of(spec: ModelSpec) -> VisionTower:
    """The spec's vision tower when it takes video, or the one-line reason it cannot be sized (exit 2)."""
    tower = spec.vision
    if tower is not None and tower.kind in ("qwen2_5_vl", "qwen3_vl", "gemma4"):
        return tower
    raise BadInputError(
        f"{spec.name}: llmsize models video inputs only for Qwen2.5-VL, Qwen3-VL / Qwen3.5 and Gemma 4",
        hint="leave out --video-frames, or send the frames as --images",
    )


@dataclass(frozen=True)
class VideoLoad:
    """One video of N sampled frames per sequence: its grid and what it adds."""

    tower: VisionTower
    frames: int
    width: int
    height: int
    grid: ImageGrid

    @property
    def tokens(self) -> int:
        return self.grid.tokens

    def as_images(self) -> ImageLoad:
        """The tower's input as an image load: Qwen's towers see one patch sequence; Gemma 4's every
        frame as one image at the frame budget."""
        if self.tower.kind == "gemma4":
            frame = self.tower.model_copy(update={"tokens_per_image": GEMMA4_FRAME_SOFT_TOKENS})
            g = self.grid
            one = ImageGrid(g.width, g.height, 1, g.patches // g.frames, g.features // g.frames, 0)
            return ImageLoad(frame, g.frames, self.width, self.height, one)
        return ImageLoad(self.tower, 1, self.width, self.height, self.grid)

    def note(self) -> str:
        g, t = self.grid, self.tower
        how = (
            f"each frame at a {GEMMA4_FRAME_SOFT_TOKENS}-token budget"
            if t.kind == "gemma4"
            else f"frames as sampled at {SAMPLED_FPS:g} a second, {g.frames} temporal groups of "
            f"{t.temporal_patch_size} frames"
        )
        return (
            f"1 video of {self.frames} frames of {self.width}x{self.height} ({t.kind} video processor, "
            f"{how}), resized to {g.width}x{g.height}: {g.features:,} video features + "
            f"{g.tokens - g.features:,} delimiter/timestamp tokens = {g.tokens:,} tokens added to the "
            "context of each sequence"
        )


def video_load(spec: ModelSpec, wl: Workload) -> VideoLoad | None:
    """The video of `wl` for `spec`, or None when the workload sends none."""
    if not wl.video_frames:
        return None
    tower = video_tower_of(spec)
    width, height = wl.video_size if wl.video_size is not None else DEFAULT_VIDEO_SIZE
    return VideoLoad(tower, wl.video_frames, width, height, video_grid(tower, wl.video_frames, width, height))


def decoder_workload(wl: Workload, load: VideoLoad | None) -> Workload:
    """`wl` as the decoder runs it: the video's tokens join every sequence's prompt and context."""
    if load is None:
        return wl
    # the tower that encoded them is loaded (llama.cpp: the --mmproj file, its weights on the GPU)
    update: dict[str, object] = {
        "context": wl.context + load.tokens,
        "video_frames": 0,
        "video_size": None,
        "mmproj": True,
    }
    if wl.prompt_tokens is not None:
        update["prompt_tokens"] = wl.prompt_tokens + load.tokens
    return wl.model_copy(update=update)
