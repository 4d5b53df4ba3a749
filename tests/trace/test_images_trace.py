"""Image inputs against transformers 5.23 itself: the processors' token counts and the tower's peak.

- Tokens: the image processors' own sizing functions, run from the installed transformers source
  (smart_resize with the published pixel bounds, Llama 4 get_best_fit, Pixtral
  get_resize_output_image_size, Gemma 4 get_aspect_ratio_preserving_size, Kimi K2.5 navit_resize)
  give the grid
  llmsize derives; and the traced model's forward accepts llmsize's placeholder count (the wrapper's
  `get_placeholder_mask` raises when tokens and image features differ).
- Memory: a tiny Qwen2.5-VL (RMSNorm, fp32 rotary, window + full attention blocks) and a tiny
  Gemma 3 (SigLIP) run a prefill with images on real tensors under the phase tracker
  (measure/vision_trace.py); the tower's peak and the whole prefill's peak land within 3%.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from llmsize.estimate.images import image_grid
from llmsize.specs import catalog
from llmsize.specs.vision_tower import QWEN2_5_VL_PIXELS, QWEN3_VL_PIXELS, VisionTower

# the tiny configurations and the estimate-vs-trace comparison are the benchmark's (one home)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import validate_images

SIZES = [(1024, 1024), (1280, 720), (500, 300), (20, 20), (4000, 3000), (2000, 1000)]


def _tower(name: str) -> VisionTower:
    entry = catalog.get(name)
    assert entry is not None
    tower = catalog.spec_for(entry).vision
    assert tower is not None
    return tower


def _processor_functions(module: str, *names: str, **namespace: Any) -> dict[str, Any]:
    """The named module-level functions of transformers' `models/<module>.py`, run from its own source.

    The image processors' modules import torchvision and PIL at import time, which the measure extra
    does not install; the functions that decide sizes are plain Python (and torch), so they are
    taken out of the installed file as written and run here (decorators dropped: caching only).
    """
    import ast
    import importlib.util
    import math
    from collections import defaultdict
    from pathlib import Path

    import torch

    spec = importlib.util.find_spec("transformers")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert {n.name for n in wanted} == set(names), f"{path} no longer defines {names}"
    for node in wanted:
        node.decorator_list = []
    scope: dict[str, Any] = {"math": math, "torch": torch, "defaultdict": defaultdict, **namespace}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(path), "exec"), scope)
    return scope


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize(
    ("name", "bounds", "patch"),
    [("Qwen2.5-VL-7B-Instruct", QWEN2_5_VL_PIXELS, 14), ("Qwen3-VL-8B-Instruct", QWEN3_VL_PIXELS, 16)],
)
def test_qwen_tokens_follow_smart_resize(
    name: str, bounds: tuple[int, int], patch: int, width: int, height: int
) -> None:
    smart_resize = _processor_functions("qwen2_vl/image_processing_qwen2_vl", "smart_resize")["smart_resize"]
    h, w = smart_resize(height, width, factor=patch * 2, min_pixels=bounds[0], max_pixels=bounds[1])
    grid = image_grid(_tower(name), width, height)
    assert (grid.height, grid.width) == (h, w)
    # processing_qwen2_5_vl.py: grid_h x grid_w patches, merge_size^2 of them per <|image_pad|>
    assert grid.features == (h // patch) * (w // patch) // 4


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_gemma4_size_follows_get_aspect_ratio_preserving_size(width: int, height: int) -> None:
    fns = _processor_functions("gemma4/image_processing_gemma4", "get_aspect_ratio_preserving_size")
    h, w = fns["get_aspect_ratio_preserving_size"](
        height=height, width=width, patch_size=16, max_patches=280 * 9, pooling_kernel_size=3
    )
    grid = image_grid(_tower("gemma-4-31B-it"), width, height)
    assert (grid.height, grid.width) == (h, w)
    # image_processing_gemma4.py: num_soft_tokens_per_image = patches // pooling_kernel_size^2
    assert grid.features == (h // 16) * (w // 16) // 9


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_kimi_k25_size_follows_navit_resize(width: int, height: int) -> None:
    fns = _processor_functions("kimi_k25/image_processing_kimi_k25", "navit_resize")
    _, (h, w) = fns["navit_resize"](
        height=height,
        width=width,
        patch_size=14,
        merge_kernel_size=2,
        max_patches=16384,
        max_size_per_side=512,
    )
    grid = image_grid(_tower("Kimi-K2.5"), width, height)
    assert (grid.height, grid.width) == (h, w)
    # processing_kimi_k25.py replace_image_token: grid_h x grid_w // merge^2 <|media_pad|> tokens
    assert grid.features == (h // 14) * (w // 14) // 4


class _Size:
    def __init__(self, side: int) -> None:
        self.height = self.width = side


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_llama4_tiles_follow_get_best_fit(width: int, height: int) -> None:
    import torch

    fns = _processor_functions(
        "llama4/image_processing_llama4", "get_factors", "find_supported_resolutions", "get_best_fit"
    )
    options = torch.tensor(fns["find_supported_resolutions"](16, _Size(336)))
    canvas = fns["get_best_fit"]((height, width), options, resize_to_max_canvas=False)
    rows, cols = int(canvas[0]) // 336, int(canvas[1]) // 336
    grid = image_grid(_tower("Llama-4-Scout-17B-16E"), width, height)
    crops = rows * cols + (1 if rows * cols > 1 else 0)
    assert (grid.height, grid.width, grid.crops) == (rows * 336, cols * 336, crops)
    # processing_llama4.py _prompt_split_image: 144 tokens a crop, 3 markers, rows x cols separators
    assert grid.tokens == crops * 144 + 3 + (rows * cols if rows * cols > 1 else 0)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pixtral_cells_follow_get_resize_output_image_size(width: int, height: int) -> None:
    def get_image_size(image: Any, channel_dim: Any = None) -> tuple[int, int]:
        return int(image.shape[0]), int(image.shape[1])

    fns = _processor_functions(
        "pixtral/image_processing_pixtral",
        "_num_image_tokens",
        "get_resize_output_image_size",
        get_image_size=get_image_size,
    )

    class _Image:
        shape = (height, width, 3)

    tower = _tower("Mistral-Small-3.2-24B-Instruct-2506")
    cell = tower.patch_size * tower.merge_size
    side = tower.image_size
    h, w = fns["get_resize_output_image_size"](_Image(), size=(side, side), patch_size=(cell, cell))
    grid = image_grid(tower, width, height)
    assert (grid.height, grid.width) == (h, w)
    assert grid.tokens == (w // cell + 1) * (h // cell)  # processing_pixtral.py replace_image_token


def _qwen_config() -> dict[str, Any]:
    return validate_images.qwen2_5_vl(128, 256)


CASES = [
    ("qwen2.5-vl", _qwen_config, 2, (280, 224), "sdpa"),
    ("gemma3-siglip", validate_images.gemma3, 3, (640, 480), "sdpa"),
    # eager attention materialises the scores of every image at once in SigLIP
    ("gemma3-siglip-eager", validate_images.gemma3, 2, (224, 224), "eager"),
]


@pytest.mark.parametrize(("label", "make", "images", "size", "attention"), CASES, ids=[c[0] for c in CASES])
def test_tower_peak_and_prefill_with_images_match_the_model(
    label: str, make: Any, images: int, size: tuple[int, int], attention: str
) -> None:
    c = validate_images.compare(label, make, images, size, attention)
    # tokens exact (the model checks them too)
    assert c.traced.image_features == images * c.load.grid.features
    assert c.tower_est == pytest.approx(c.traced.vision_activations, rel=0.03), (
        f"{label}: tower {c.tower_est:,} B estimated, {c.traced.vision_activations:,} B traced"
    )
    assert c.peak_est == pytest.approx(c.peak_traced, rel=0.03)


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("frames", [2, 7, 64, 400])
def test_qwen3_vl_video_size_follows_the_video_smart_resize(frames: int, width: int, height: int) -> None:
    # video_processing_qwen3_vl.py smart_resize with the published video bounds (4096 to 25,165,824
    # pixels over the whole video), factor 32
    from llmsize.estimate.video import QWEN3_VL_VIDEO_PIXELS, video_grid

    fns = _processor_functions("qwen3_vl/video_processing_qwen3_vl", "smart_resize")
    low, high = QWEN3_VL_VIDEO_PIXELS
    resize = fns["smart_resize"]
    h, w = resize(frames, height, width, temporal_factor=2, factor=32, min_pixels=low, max_pixels=high)
    grid = video_grid(_tower("Qwen3-VL-8B-Instruct"), frames, width, height)
    assert (grid.height, grid.width) == (h, w)
    # patchify pads the frames to whole pairs (the last frame repeated)
    assert grid.frames == -(-frames // 2)
    assert grid.features == grid.frames * (h // 16) * (w // 16) // 4


VIDEO_CASES = [validate_images.VIDEO_ROWS[0], validate_images.VIDEO_ROWS[2], validate_images.VIDEO_ROWS[-1]]


@pytest.mark.parametrize(
    ("label", "make", "frames", "size", "attention"), VIDEO_CASES, ids=["qwen2.5-vl", "qwen3-vl", "gemma4"]
)
def test_tower_peak_and_prefill_with_a_video_match_the_model(
    label: str, make: Any, frames: int, size: tuple[int, int], attention: str
) -> None:
    c = validate_images.compare_video(label, make, frames, size, attention)
    # the model takes exactly llmsize's placeholders (get_placeholder_mask raises otherwise) and one
    # M-RoPE grid per temporal group (Qwen3-VL get_rope_index)
    assert c.traced.image_features == c.load.grid.features
    assert c.tower_est == pytest.approx(c.traced.vision_activations, rel=0.03)
    assert c.peak_est == pytest.approx(c.peak_traced, rel=0.03)


def test_gemma3n_mobilenet_peak_matches_timm() -> None:
    # Gemma 3n's tower is timm's mobilenetv5_300m_enc (not a dependency of llmsize[measure]); at 256
    # x 256 the published widths run in seconds. bench/validate_images.py --mobilenet: 768 x 768.
    pytest.importorskip("timm")
    import copy

    from llmsize.estimate.activations.vision import mobilenet_bytes
    from llmsize.estimate.images import ImageLoad
    from llmsize.measure.vision_trace import trace_vision_tower

    entry = catalog.get("gemma-3n-E2B-it")
    assert entry is not None
    tower = _tower("gemma-3n-E2B-it").model_copy(update={"image_size": 256})
    load = ImageLoad(tower, 2, 256, 256, image_grid(tower, 256, 256))
    traced = trace_vision_tower(copy.deepcopy(dict(entry.model.config)), images=2, side=256)
    assert mobilenet_bytes(load, 1, 0, 0, 2).peak == pytest.approx(traced, rel=0.01)
