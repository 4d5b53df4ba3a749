"""Invariants of image inputs (hypothesis): more images, or larger ones, never need less memory."""

from __future__ import annotations

from functools import cache

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from llmsize.estimate.core import estimate
from llmsize.estimate.images import image_grid
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import VisionTower

MODELS = (
    "Qwen2.5-VL-7B-Instruct",
    "Qwen3-VL-8B-Instruct",
    "gemma-3-4b",
    "Llama-4-Scout-17B-16E",
    "Ministral-3-3B-Instruct-2512",
)


@cache
def _spec(name: str) -> ModelSpec:
    entry = catalog.get(name)
    assert entry is not None
    return catalog.spec_for(entry)


def _total(name: str, images: int, side: tuple[int, int]) -> int:
    return estimate(
        _spec(name), Workload(context=1024, images=images, image_size=side), explained=False
    ).total_bytes


sides = st.integers(min_value=16, max_value=3000)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(MODELS), st.integers(0, 8), st.integers(0, 8), sides, sides)
def test_more_images_never_need_less_memory(name: str, a: int, b: int, w: int, h: int) -> None:
    few, many = sorted((a, b))
    if few == 0:
        assert _total(name, many, (w, h)) >= estimate(_spec(name), Workload(context=1024)).total_bytes
    else:
        assert _total(name, few, (w, h)) <= _total(name, many, (w, h))


def _in_range(tower: VisionTower, small: tuple[int, int], w: int, h: int) -> bool:
    """Whether both images stay within their processor's size bounds. At a bound each processor
    rescales to a fixed budget, rounding, so a larger image may lose a row of patches there: Qwen's
    smart_resize below min_pixels and past max_pixels, Pixtral past its longest edge
    (image_processing_pixtral.py), Llama 4 once 16 tiles cannot hold it without downscaling
    (image_processing_llama4.py)."""
    if tower.kind in ("qwen2_5_vl", "qwen3_vl"):
        cell = tower.patch_size * tower.merge_size
        floor = (small[0] - cell) * (small[1] - cell) >= tower.min_pixels
        return floor and (w + cell) * (h + cell) <= tower.max_pixels
    if tower.kind == "pixtral":
        return max(w, h) <= tower.image_size
    if tower.kind == "llama4":
        rows, cols = -(-h // tower.image_size), -(-w // tower.image_size)
        return rows * cols <= tower.max_tiles
    return True


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(MODELS), sides, sides, st.integers(0, 1500), st.integers(0, 1500))
def test_a_larger_image_never_needs_less_memory(name: str, w: int, h: int, dw: int, dh: int) -> None:
    """Within the processor's size bounds (see _in_range), a larger image has at least as many tokens
    and patches, so its estimate is at least as large."""
    tower = _spec(name).vision
    assert tower is not None
    big = (w + dw, h + dh)
    assume(_in_range(tower, (w, h), *big))
    assert image_grid(tower, w, h).tokens <= image_grid(tower, *big).tokens
    assert _total(name, 2, (w, h)) <= _total(name, 2, big)
