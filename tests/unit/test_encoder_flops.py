"""The vision tower's FLOPs per block kind (hardware/encoder_flops.py) and its place in TTFT."""

from __future__ import annotations

import pytest

import llmsize
from llmsize.estimate.images import image_load
from llmsize.estimate.workload import Workload
from llmsize.hardware.encoder_flops import _window_squares, image_encoder_flops
from llmsize.hardware.encoder_time import media_speed_workload


def _load(model: str, images: int = 1, size: tuple[int, int] | None = None):
    spec = llmsize.resolve(model)
    return spec, image_load(spec, Workload(images=images, image_size=size))


def test_qwen25_window_blocks_attend_within_112_pixel_windows() -> None:
    # 896 x 896 is 64 x 64 patches of 14 px: get_window_index cuts it into 8 x 8 windows of 8 x 8 patches
    _, load = _load("Qwen2.5-VL-7B-Instruct", size=(896, 896))
    assert load is not None
    assert _window_squares(load.tower, load.grid) == 64 * 64**2


def test_qwen25_window_attention_costs_less_than_full_attention_everywhere() -> None:
    _, load = _load("Qwen2.5-VL-7B-Instruct", size=(1920, 1080))
    assert load is not None
    _, attention = image_encoder_flops(load)
    t, g = load.tower, load.grid
    all_full = 4.0 * t.hidden_size * t.depth * g.patches**2
    assert 0 < attention < all_full / 4  # 28 of 32 blocks attend within windows
    assert attention > 4.0 * t.hidden_size * len(t.full_attention_blocks) * g.patches**2 * 0.99


def test_encoder_flops_grow_with_images_and_resolution() -> None:
    _, one = _load("Qwen2.5-VL-7B-Instruct", 1, (1024, 1024))
    _, four = _load("Qwen2.5-VL-7B-Instruct", 4, (1024, 1024))
    _, big = _load("Qwen2.5-VL-7B-Instruct", 1, (2048, 2048))
    assert one and four and big
    assert image_encoder_flops(four)[0] == pytest.approx(4 * image_encoder_flops(one)[0])
    assert image_encoder_flops(big)[0] > 4 * image_encoder_flops(one)[0]  # attention's patches squared


def test_text_workload_is_untouched() -> None:
    spec = llmsize.resolve("Qwen2.5-VL-7B-Instruct")
    wl = Workload(context=4096)
    assert media_speed_workload(spec, wl) == (wl, 0.0, 0.0, 1)


def test_images_add_their_tokens_and_the_tower_pass_to_ttft() -> None:
    spec = llmsize.resolve("Qwen2.5-VL-7B-Instruct")
    text = llmsize.Workload(context=4096, engine="vllm")
    with_images = text.model_copy(update={"images": 4})
    decoder, flops, _, tp = media_speed_workload(spec, with_images)
    assert decoder.prefill_tokens == 4096 + 4 * 1371 and flops > 0 and tp == 1
