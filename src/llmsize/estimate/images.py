"""Image inputs: the tokens N images of W x H add to the context, as each model's processor counts them.

Each rule restates the processor code of transformers 5.23 for the tower kind (specs/vision_tower.py)
and cites the function. `decoder_workload` folds the image tokens into the sequence the decoder
sees (context = text + image tokens per sequence), so the KV cache and the decoder's activations
grow with them; the tower's own transient memory is estimate/activations/vision.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmsize.errors import BadInputError
from llmsize.estimate.workload import Workload
from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import UNMODELLED_TOWERS, VisionTower

# The side of the square image assumed when --image-size is not given to a tower that takes any
# size (Qwen, Pixtral, Llama 4 tiles): a common camera/screenshot scale. Fixed-size towers (SigLIP)
# resize every image to their own input side, so the size does not matter there.
DEFAULT_IMAGE_SIDE = 1024


@dataclass(frozen=True)
class ImageGrid:
    """One image after its processor: what the tower encodes and what the decoder receives."""

    width: int  # pixels after resizing (and padding)
    height: int
    crops: int  # independent tower inputs (Llama 4 tiles + global tile; 1 elsewhere)
    patches: int  # tower sequence length over all crops (before merging)
    features: int  # image feature rows handed to the decoder (the placeholder tokens)
    tokens: int  # tokens the image adds to the prompt: features + the processor's delimiters
    frames: int = 1  # temporal groups (a video's frame pairs), each attended on its own by Qwen's towers


def qwen_resize(t: VisionTower, width: int, height: int, option: str = "--image-size") -> tuple[int, int]:
    """image_processing_qwen2_vl.py `smart_resize`: each side a multiple of patch x merge, the area
    within [min_pixels, max_pixels], the aspect ratio kept as closely as possible."""
    factor = t.patch_size * t.merge_size
    if max(height, width) / min(height, width) > 200:
        raise BadInputError(
            f"{option} {width}x{height}: the Qwen processor refuses aspect ratios beyond 200:1"
        )
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > t.max_pixels:
        beta = math.sqrt(height * width / t.max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < t.min_pixels:
        beta = math.sqrt(t.min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return w_bar, h_bar


def _qwen(t: VisionTower, width: int, height: int) -> ImageGrid:
    """Qwen2.5-VL / Qwen3-VL (processing_qwen2_5_vl.py, processing_qwen3_vl.py): the processor
    expands <|image_pad|> to grid_h x grid_w / merge^2 tokens; the chat template wraps them in
    <|vision_start|> ... <|vision_end|> (2 tokens)."""
    w, h = qwen_resize(t, width, height)
    patches = (h // t.patch_size) * (w // t.patch_size)
    features = patches // (t.merge_size**2)
    return ImageGrid(w, h, 1, patches, features, features + 2)


def _mobilenet(t: VisionTower) -> ImageGrid:
    """Gemma 3n (processing_gemma3n.py `full_image_sequence`): every image resized to 768 x 768 and
    encoded to vision_soft_tokens_per_image (256) tokens, "\n\n" <start_of_image> ... <end_of_image>
    "\n\n" around them: 4 more. `patches` counts the widest block's positions (side / 4)^2."""
    side = t.image_size
    return ImageGrid(side, side, 1, (side // t.patch_size) ** 2, t.tokens_per_image, t.tokens_per_image + 4)


def _siglip(t: VisionTower) -> ImageGrid:
    """Gemma 3 (processing_gemma3.py, pan-and-scan off, the default): every image is resized to
    image_size^2 and becomes `full_image_sequence` = "\\n\\n" <start_of_image> + mm_tokens_per_image x
    <image_soft_token> + <end_of_image> "\\n\\n": the soft tokens and 4 more."""
    side = t.image_size
    patches = (side // t.patch_size) ** 2
    return ImageGrid(side, side, 1, patches, t.tokens_per_image, t.tokens_per_image + 4)


def _llama4_canvas(t: VisionTower, width: int, height: int) -> tuple[int, int]:
    """image_processing_llama4.py `find_supported_resolutions` + `get_best_fit`: the tile grid
    (rows, cols), at most max_tiles tiles, that scales the image least (smallest upscale >= 1, else
    the largest downscale), the smallest canvas among ties."""
    grids = {(r, n // r) for n in range(1, t.max_tiles + 1) for r in range(1, n + 1) if n % r == 0}
    scales = {g: min(g[0] * t.image_size / height, g[1] * t.image_size / width) for g in grids}
    up = [s for s in scales.values() if s >= 1]
    chosen = min(up) if up else max(scales.values())
    return min((g for g, s in scales.items() if s == chosen), key=lambda g: (g[0] * g[1], g))


def _llama4(t: VisionTower, width: int, height: int) -> ImageGrid:
    """Llama 4 (processing_llama4.py `_prompt_split_image`): <|image_start|>, then for more than one
    tile each tile's tokens with <|tile_x_separator|> between columns and <|tile_y_separator|> after
    each row, then <|image|> and the global tile's tokens, then <|image_end|>. A tile is
    (image_size / patch)^2 patches, pixel-shuffled to 1 / merge^2 as many tokens."""
    rows, cols = _llama4_canvas(t, width, height)
    per_tile = (t.image_size // t.patch_size) ** 2
    per_tile_tokens = per_tile // (t.merge_size**2)
    tiles = rows * cols
    crops = tiles + 1 if tiles > 1 else 1
    features = crops * per_tile_tokens
    delimiters = 3 + (rows * (cols - 1) + rows if tiles > 1 else 0)
    # Llama4VisionModel adds a class token to every tile (stripped before the adapter)
    return ImageGrid(
        cols * t.image_size,
        rows * t.image_size,
        crops,
        crops * (per_tile + 1),
        features,
        features + delimiters,
    )


def _pixtral(t: VisionTower, width: int, height: int) -> ImageGrid:
    """Pixtral / Mistral 3 (image_processing_pixtral.py `get_resize_output_image_size`,
    processing_pixtral.py `replace_image_token`): scaled down (floor) to fit image_size on its
    longest edge, each side rounded up to whole patch x merge cells; one token per cell, an
    [IMG_BREAK] after each row, the last one replaced by [IMG_END]."""
    ratio = max(height / t.image_size, width / t.image_size)
    if ratio > 1:
        height, width = math.floor(height / ratio), math.floor(width / ratio)
    cell = t.patch_size * t.merge_size
    rows, cols = (height - 1) // cell + 1, (width - 1) // cell + 1
    patches = rows * cols * t.merge_size**2
    features = rows * cols
    return ImageGrid(cols * cell, rows * cell, 1, patches, features, features + rows)


def _gemma4(t: VisionTower, width: int, height: int) -> ImageGrid:
    """Gemma 4 (image_processing_gemma4.py `get_aspect_ratio_preserving_size`,
    processing_gemma4.py `replace_image_token`): scaled, aspect kept, to the largest size within
    max_soft_tokens x pooling^2 patches whose sides are whole pooling x patch cells (rounded down);
    one soft token per pooling^2 patches between <boi> and <eoi>. The tower runs on the patches
    padded to the budget (`pad_along_first_dim`), so its sequence is always max_patches long."""
    max_patches = t.tokens_per_image * t.merge_size**2
    cell = t.merge_size * t.patch_size
    factor = math.sqrt(max_patches * t.patch_size**2 / (height * width))
    h = math.floor(factor * height / cell) * cell
    w = math.floor(factor * width / cell) * cell
    longest = (max_patches // t.merge_size**2) * cell
    if h == 0 and w == 0:
        raise BadInputError(f"--image-size {width}x{height}: the Gemma 4 processor resizes it to 0 x 0")
    if h == 0:
        h, w = cell, min(math.floor(width / height) * cell, longest)
    elif w == 0:
        w, h = cell, min(math.floor(height / width) * cell, longest)
    features = (h // t.patch_size) * (w // t.patch_size) // t.merge_size**2
    return ImageGrid(w, h, 1, max_patches, features, features + 2)


def _moonvit(t: VisionTower, width: int, height: int) -> ImageGrid:
    """Kimi K2.5 (image_processing_kimi_k25.py `navit_resize`, processing_kimi_k25.py
    `replace_image_token`): scaled down (never up, truncated) to at most max_patches patches and
    max_side_patches a side, then padded to whole merge x patch cells; one <|media_pad|> per merge^2
    patches (the chat template's media markers around them are not counted). Kimi-VL
    (image_processing_kimi_vl.py `rescale`, vLLM kimi_vl.py get_num_image_tokens): the same with
    in_token_limit patches and no cap a side (max_side_patches 0)."""
    p = t.patch_size
    count = max(1, height // p) * max(1, width // p)
    side = t.max_side_patches * p if t.max_side_patches else max(width, height)
    scale = min(1.0, math.sqrt(t.max_patches / count), side / height, side / width)
    h, w = min(max(1, int(height * scale)), side), min(max(1, int(width * scale)), side)
    cell = t.merge_size * p
    h, w = h + (-h % cell), w + (-w % cell)
    patches = (h // p) * (w // p)
    features = patches // t.merge_size**2
    return ImageGrid(w, h, 1, patches, features, features)


def image_grid(tower: VisionTower, width: int, height: int) -> ImageGrid:
    """What one W x H image becomes for `tower` (tokens, patches)."""
    if width <= 0 or height <= 0:
        raise BadInputError(f"--image-size {width}x{height}: both sides must be positive pixels")
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        return _qwen(tower, width, height)
    if tower.kind == "siglip":
        return _siglip(tower)
    if tower.kind == "mobilenetv5":
        return _mobilenet(tower)
    if tower.kind == "llama4":
        return _llama4(tower, width, height)
    if tower.kind == "gemma4":
        return _gemma4(tower, width, height)
    if tower.kind == "moonvit":
        return _moonvit(tower, width, height)
    grid = _pixtral(tower, width, height)
    if not grid.features:  # scaled to fit the longest edge, the short side rounds down to 0 pixels
        raise BadInputError(
            f"--image-size {width}x{height}: fitted to {tower.image_size} px on its longest edge, the "
            "image has no pixels left on its short side",
            hint="give a less extreme aspect ratio",
        )
    return grid


def default_image_size(tower: VisionTower) -> tuple[int, int]:
    """(width, height) when --image-size is not given: SigLIP's own input side, else 1024 x 1024."""
    if not tower.dynamic:
        return tower.image_size, tower.image_size
    return DEFAULT_IMAGE_SIDE, DEFAULT_IMAGE_SIDE


def tower_of(spec: ModelSpec) -> VisionTower:
    """The spec's vision tower, or the one-line reason images cannot be sized for it (exit 2).

    A model whose weights count parameters outside the decoder trunk (extra_params: deepseek-vl2's
    SigLIP, Step-3's tower, Janus-Pro's aligner and VQ tokenizer) takes images even when llmsize does not
    model what they cost, so it is never told it "takes text only"; that is said of a bare decoder.
    """
    if spec.vision is not None:
        return spec.vision
    if spec.model_type in UNMODELLED_TOWERS or spec.extra_params:
        counted = f" ({spec.extra_params_note})" if spec.extra_params_note else ""
        raise BadInputError(
            f"{spec.name} ({spec.model_type}): the memory of image inputs is not modelled for this tower; "
            f"its weights are counted{counted}",
            hint="leave out --images (the estimate then covers text only); image inputs are modelled "
            "for Qwen2.5-VL, Qwen3-VL/Qwen3.5, Gemma 3, Gemma 3n, Gemma 4, Llama 4, Mistral 3, Kimi-VL, "
            "Kimi K2.5",
        )
    raise BadInputError(
        f"{spec.name} has no vision tower: it takes text only, so --images does not apply",
        hint="pick a vision-language model (Qwen2.5-VL, Qwen3-VL, Gemma 3 or 4, Llama 4, Mistral Small 3)",
    )


@dataclass(frozen=True)
class ImageLoad:
    """N images per sequence for one model: their grid and what they add."""

    tower: VisionTower
    images: int  # per sequence
    width: int  # as given (or the default)
    height: int
    grid: ImageGrid

    @property
    def tokens(self) -> int:
        """Tokens the images add to each sequence."""
        return self.images * self.grid.tokens

    def note(self) -> str:
        g = self.grid
        resized = (
            f", resized to {g.width}x{g.height}" if (g.width, g.height) != (self.width, self.height) else ""
        )
        return (
            f"{self.images} image{'s' if self.images != 1 else ''} of {self.width}x{self.height}{resized} "
            f"({self.tower.kind} processor): {self.images} x {g.tokens:,} tokens = {self.tokens:,} tokens "
            f"added to the context of each sequence ({g.features:,} image features + "
            f"{g.tokens - g.features} delimiter tokens per image); --context and a fit's max context "
            "count the text beside them"
        )


def image_load(spec: ModelSpec, wl: Workload) -> ImageLoad | None:
    """The images of `wl` for `spec`, or None when the workload sends none."""
    if not wl.images:
        return None
    tower = tower_of(spec)
    width, height = wl.image_size if wl.image_size is not None else default_image_size(tower)
    return ImageLoad(tower, wl.images, width, height, image_grid(tower, width, height))


def decoder_workload(wl: Workload, load: ImageLoad | None) -> Workload:
    """`wl` as the decoder runs it: the image tokens join the prompt (and so the context) of every
    sequence; `images` is cleared so that the tokens are never added twice."""
    if load is None:
        return wl
    # the tower that encoded them is loaded (llama.cpp: the --mmproj file, its weights on the GPU)
    update: dict[str, object] = {
        "context": wl.context + load.tokens,
        "images": 0,
        "image_size": None,
        "mmproj": True,
    }
    if wl.prompt_tokens is not None:
        update["prompt_tokens"] = wl.prompt_tokens + load.tokens
    return wl.model_copy(update=update)
