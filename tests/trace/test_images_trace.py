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

from typing import Any

import pytest

from llmsize.estimate.activations.vision import tower_bytes
from llmsize.estimate.core import estimate
from llmsize.estimate.images import image_grid, image_load
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.vision_tower import QWEN2_5_VL_PIXELS, QWEN3_VL_PIXELS, VisionTower

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
    from transformers import AutoConfig

    cfg = AutoConfig.for_model("qwen2_5_vl").to_dict()
    cfg["vision_config"].update(
        {
            "depth": 4,
            "hidden_size": 128,
            "num_heads": 4,
            "intermediate_size": 256,
            "fullatt_block_indexes": [1, 3],
            "out_hidden_size": 256,
        }
    )
    text = cfg["text_config"]
    text.update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "num_hidden_layers": 2,
            "vocab_size": 2048,
        }
    )
    text.pop("layer_types", None)
    text.pop("max_window_layers", None)
    cfg.update(
        {
            "image_token_id": 2000,
            "video_token_id": 2001,
            "vision_start_token_id": 2002,
            "vision_end_token_id": 2003,
        }
    )
    return cfg


def _gemma3_config() -> dict[str, Any]:
    from transformers import AutoConfig

    cfg = AutoConfig.for_model("gemma3").to_dict()
    # SigLIP's MLP 3.75x its width, as in the published tower (1152 -> 4304)
    cfg["vision_config"].update(
        {
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "num_attention_heads": 4,
            "intermediate_size": 240,
            "image_size": 224,
            "patch_size": 14,
        }
    )
    text = cfg["text_config"]
    text.update(
        {
            "hidden_size": 256,
            "intermediate_size": 512,
            "num_attention_heads": 2,
            "num_key_value_heads": 1,
            "head_dim": 128,
            "num_hidden_layers": 2,
            "vocab_size": 4096,
        }
    )
    text.pop("layer_types", None)
    cfg.update(
        {
            "mm_tokens_per_image": 64,
            "image_token_index": 4000,
            "boi_token_index": 4001,
            "eoi_token_index": 4002,
        }
    )
    return cfg


CASES = [
    ("qwen2.5-vl", _qwen_config, 2, (280, 224), "sdpa"),
    ("gemma3-siglip", _gemma3_config, 3, (640, 480), "sdpa"),
    # eager attention materialises the scores of every image at once in SigLIP
    ("gemma3-siglip-eager", _gemma3_config, 2, (224, 224), "eager"),
]


@pytest.mark.parametrize(("label", "make", "images", "size", "attention"), CASES, ids=[c[0] for c in CASES])
def test_tower_peak_and_prefill_with_images_match_the_model(
    label: str, make: Any, images: int, size: tuple[int, int], attention: str
) -> None:
    from llmsize.measure.build_model import hf_config
    from llmsize.measure.vision_trace import trace_images

    config = make()
    config["dtype"] = config["text_config"]["dtype"] = "bfloat16"
    full = hf_config(config).to_dict()
    spec: ModelSpec = spec_from_hf_config(
        full, name=label, provenance=Provenance(kind=ProvenanceKind.LOCAL, source=label)
    )
    text = 64
    wl = Workload(context=text, images=images, image_size=size, attention=attention)
    load = image_load(spec, wl)
    assert load is not None
    # the traced prompt: the text, then each image's placeholders between its delimiters
    traced = trace_images(
        full, images=images, width=size[0], height=size[1], text_tokens=text, attention=attention
    )
    assert traced.image_features == images * load.grid.features  # tokens exact (the model checks them too)

    tower = tower_bytes(load, 1, text + load.tokens, spec.hidden_size, 2, eager=attention == "eager")
    assert tower.peak == pytest.approx(traced.vision_activations, rel=0.03), (
        f"{label}: tower {tower.peak:,} B estimated, {traced.vision_activations:,} B traced"
    )
    est = estimate(spec, wl)
    peak = max(traced.vision_peak_bytes, traced.prefill_peak_bytes)
    assert est.total_bytes - est.overhead_bytes == pytest.approx(peak, rel=0.03)
