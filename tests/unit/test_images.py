"""Image tokens per family, derived by hand from each processor's documented rule (transformers 5.23).

Every expected number below is worked out in the comment beside it from the processor's code, not
read from llmsize's output. tests/trace/test_images_trace.py checks the same rules against the real
image processors and models.
"""

from __future__ import annotations

import pytest

from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.images import decoder_workload, image_grid, image_load
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec
from llmsize.specs.vision_tower import VisionTower, vision_tower_from_config


def _spec(name: str) -> ModelSpec:
    entry = catalog.get(name)
    assert entry is not None
    return catalog.spec_for(entry)


def spec_config(name: str) -> dict[str, object]:
    entry = catalog.get(name)
    assert entry is not None
    return dict(entry.model.config)


def _tower(name: str) -> VisionTower:
    tower = _spec(name).vision
    assert tower is not None
    return tower


@pytest.mark.parametrize(
    ("width", "height", "features"),
    [
        # smart_resize (image_processing_qwen2_vl.py), factor 28: round(1024 / 28) = 37 -> 1036 px a
        # side, within [3136, 12845056] pixels; 74 x 74 patches of 14, merged 2 x 2 -> 37 x 37 = 1369.
        (1024, 1024, 1369),
        # 20 x 20: rounds to 28 x 28 = 784 < min_pixels 3136: beta = sqrt(3136 / 400) = 2.8,
        # ceil(20 x 2.8 / 28) x 28 = 56 a side -> 4 x 4 patches -> 2 x 2 = 4 tokens.
        (20, 20, 4),
        # 1280 x 720: round(1280/28)=46 -> 1288, round(720/28)=26 -> 728 (937,664 px, under the cap);
        # 92 x 52 patches -> 46 x 26 = 1196 tokens.
        (1280, 720, 1196),
        # 4000 x 4000 rounds to 4004^2 = 16,032,016 > max 12,845,056: beta = sqrt(16e6 / 12845056)
        # = 1.11604, floor(4000 / 1.11604 / 28) = 128 -> 3584 a side; 256 x 256 patches -> 16384.
        (4000, 4000, 16384),
    ],
)
def test_qwen2_5_vl_tokens_follow_smart_resize(width: int, height: int, features: int) -> None:
    grid = image_grid(_tower("Qwen2.5-VL-7B-Instruct"), width, height)
    assert grid.features == features
    assert grid.tokens == features + 2  # <|vision_start|> ... <|vision_end|>


def test_qwen3_vl_uses_patch_16_and_its_own_pixel_floor() -> None:
    # factor 32: 1024 x 1024 stays 1024 (32 x 32 cells) -> 64 x 64 patches -> 32 x 32 = 1024 tokens;
    # 100 x 100 rounds to 96^2 = 9216 < 65536 (Qwen3-VL's shortest_edge): beta = sqrt(65536/10000)
    # = 2.56, ceil(100 x 2.56 / 32) x 32 = 256 a side -> 16 x 16 patches... merged: 8 x 8 = 64.
    tower = _tower("Qwen3-VL-8B-Instruct")
    assert image_grid(tower, 1024, 1024).features == 1024
    assert image_grid(tower, 100, 100).features == 64


@pytest.mark.parametrize(("width", "height"), [(896, 896), (1024, 768), (64, 4000)])
def test_gemma3_every_image_is_256_soft_tokens_and_4_wrappers(width: int, height: int) -> None:
    # processing_gemma3.py: full_image_sequence = "\n\n<start_of_image>" + 256 x image token +
    # "<end_of_image>\n\n"; pan-and-scan is off by default, the image is resized to 896 x 896.
    grid = image_grid(_tower("gemma-3-27b"), width, height)
    assert (grid.features, grid.tokens) == (256, 260)
    assert grid.patches == (896 // 14) ** 2


@pytest.mark.parametrize(
    ("width", "height", "features", "tokens"),
    [
        # One 336 tile (scale 1 fits): 24 x 24 patches pixel-shuffled by 4 -> 144; <|image_start|>,
        # <|image|>, <|image_end|>.
        (336, 336, 144, 147),
        # 1024^2: the smallest upscale >= 1 needs 4 tiles a side (3 x 336 = 1008 < 1024): 16 tiles +
        # the global tile = 17 x 144 = 2448; separators: 3 x-separators per row and 4 y-separators.
        (1024, 1024, 2448, 2448 + 3 + 16),
        # 500 wide x 300 high: 1 x 2 tiles scale min(336/300, 672/500) = 1.12, the smallest upscale;
        # 2 tiles + global = 3 x 144 = 432; 1 x-separator, 1 y-separator.
        (500, 300, 432, 432 + 3 + 2),
    ],
)
def test_llama4_tiles_and_global_tile(width: int, height: int, features: int, tokens: int) -> None:
    grid = image_grid(_tower("Llama-4-Scout-17B-16E"), width, height)
    assert (grid.features, grid.tokens) == (features, tokens)


@pytest.mark.parametrize(
    ("width", "height", "tokens"),
    [
        # Mistral Small 3.2: patch 14 x merge 2 = 28-px cells, longest edge 1540. 1024 x 768 is not
        # resized: ceil(1024/28) = 37 columns, ceil(768/28) = 28 rows: 37 x 28 = 1036 tokens + 28
        # [IMG_BREAK]/[IMG_END].
        (1024, 768, 1036 + 28),
        # 2000 x 1000 scales by 2000/1540: floor -> 1540 x 770; 55 columns, ceil(770/28) = 28 rows.
        (2000, 1000, 55 * 28 + 28),
    ],
)
def test_pixtral_rows_end_with_a_break_token(width: int, height: int, tokens: int) -> None:
    assert image_grid(_tower("Mistral-Small-3.2-24B-Instruct-2506"), width, height).tokens == tokens


def test_image_tokens_join_the_context_and_the_prompt() -> None:
    spec = _spec("Qwen2.5-VL-7B-Instruct")
    wl = Workload(context=8192, prompt_tokens=2048, images=4, image_size=(1024, 1024))
    load = image_load(spec, wl)
    assert load is not None and load.tokens == 4 * 1371
    dec = decoder_workload(wl, load)
    assert (dec.context, dec.prompt_tokens, dec.images) == (8192 + 5484, 2048 + 5484, 0)
    assert "4 x 1,371 tokens = 5,484 tokens" in load.note()


def test_images_grow_the_kv_cache_by_their_tokens() -> None:
    spec = _spec("Qwen2.5-VL-7B-Instruct")
    plain = estimate(spec, Workload(context=4096))
    longer = estimate(spec, Workload(context=4096 + 5484))
    with_images = estimate(spec, Workload(context=4096, images=4))
    assert with_images.kv_cache_bytes == longer.kv_cache_bytes > plain.kv_cache_bytes
    assert with_images.activations_bytes > longer.activations_bytes  # the tower's residue, or its peak
    assert any("5,484 tokens added" in a for a in with_images.assumptions)


def test_a_text_only_model_refuses_images() -> None:
    with pytest.raises(BadInputError, match="has no vision tower"):
        estimate(_spec("Qwen2.5-7B"), Workload(images=3))


def test_a_tower_not_modelled_says_so() -> None:
    # Gemma 3n with a timm vision architecture other than mobilenetv5_300m_enc
    spec = _spec("gemma-3n-E4B-it")
    config = {**spec_config("gemma-3n-E4B-it"), "vision_config": {"architecture": "mobilenetv5_base"}}
    assert vision_tower_from_config(config, "gemma3n") is None
    with pytest.raises(BadInputError, match="image inputs is not modelled for this tower"):
        estimate(spec.model_copy(update={"vision": None}), Workload(images=1))


@pytest.mark.parametrize("name", ["deepseek-vl2", "Janus-Pro-7B", "step3"])
def test_a_counted_tower_is_never_called_text_only(name: str) -> None:
    # deepseek-vl2 (SigLIP-SO400M tower + projector), Janus-Pro (SigLIP + VQ tokenizer) and Step-3
    # (its ViT + downsamplers) count their towers in the weights (extra_params) but llmsize does not
    # model their image memory: they take images, so "takes text only" would be wrong.
    spec = _spec(name)
    assert spec.vision is None and spec.extra_params > 0
    with pytest.raises(BadInputError, match="image inputs is not modelled for this tower") as err:
        estimate(spec, Workload(images=1))
    assert "takes text only" not in str(err.value) and "no vision tower" not in str(err.value)


def test_gemma3n_images_are_256_tokens_and_mobilenet_peak() -> None:
    # processing_gemma3n.py full_image_sequence: "\n\n" <start_of_image> 256 x <image_soft_token>
    # <end_of_image> "\n\n" = 260 tokens whatever the size (resized to 768 x 768). The tower's
    # widest moment (timm mobilenetv5_300m_enc, stage 1's first block at 192 x 192): fp32 pixels
    # 3 x 768^2 x 4 = 7,077,888, their bf16 copy 3,538,944, 2 x 128 channels x 192^2 x 2 =
    # 18,874,368, 3 x 768 channels x 192^2 x 2 = 169,869,312, the norm's mean 192^2 x 2 = 73,728:
    # 199,434,240 B an image (traced to the byte by bench/validate_images.py --mobilenet), plus the
    # prompt's embeddings (16 text + 260 image tokens x 2048 x 2 B = 1,130,496)
    est = estimate(_spec("gemma-3n-E4B-it"), Workload(context=16, images=1, image_size=(1280, 720)))
    assert (est.images["tokens_per_image"], est.images["resized_width"]) == (260, 768)
    assert est.images["tower_peak_bytes"] == 199_434_240 + 276 * 2048 * 2


@pytest.mark.parametrize("size", [(0, 5), (5, 0)])
def test_a_zero_side_is_refused(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="positive pixels"):
        Workload(images=1, image_size=size)


def test_the_python_api_takes_images() -> None:
    import llmsize

    spec = llmsize.resolve("gemma-3-27b")
    plain = llmsize.estimate(spec, llmsize.Workload(context=2048))
    shown = llmsize.estimate(spec, llmsize.Workload(context=2048, images=2, image_size=(640, 480)))
    longer = llmsize.estimate(spec, llmsize.Workload(context=2048 + 2 * 260))
    assert shown.kv_cache_bytes == longer.kv_cache_bytes > plain.kv_cache_bytes


def test_an_image_scaled_to_nothing_is_refused() -> None:
    # Pixtral fits 1 x 100000 to 1540 px on the long side: floor(1 / 64.9) = 0 px wide
    with pytest.raises(BadInputError, match="no pixels left"):
        image_grid(_tower("Mistral-Small-3.2-24B-Instruct-2506"), 1, 100_000)


def test_training_with_images_says_what_is_not_modelled() -> None:
    est = estimate(_spec("gemma-3-4b"), Workload(mode="lora", images=2))
    assert any("training with images" in w for w in est.warnings)


def test_eager_towers_grow_with_the_square_of_the_patches() -> None:
    # Qwen2.5-VL's eager full-attention blocks hold heads x L^2 scores of one image (L patches):
    # doubling each side quadruples L and multiplies the scores by 16
    from llmsize.estimate.activations.vision import eager_scores_bytes

    spec = _spec("Qwen2.5-VL-7B-Instruct")
    small = image_load(spec, Workload(images=1, image_size=(448, 448)))
    large = image_load(spec, Workload(images=1, image_size=(896, 896)))
    assert small is not None and large is not None
    assert (small.grid.patches, large.grid.patches) == (1024, 4096)
    assert eager_scores_bytes(large, 1, 2) == 16 * eager_scores_bytes(small, 1, 2)
    # 16 heads x 1024^2 scores x (2 B scaled + 4 B fp32 copy + 4 B fp32 softmax)
    assert eager_scores_bytes(small, 1, 2) == 16 * 1024**2 * 10


@pytest.mark.parametrize(
    ("width", "height", "features"),
    [
        # image_processing_gemma4.py get_aspect_ratio_preserving_size, 280 soft tokens x 3^2 pooled
        # patches of 16 px = 2520 patches, 645,120 px: 1024^2 scales by sqrt(645120 / 1048576) =
        # 0.7844 to 803 px, floored to 48-px cells: 768 -> 48 x 48 patches / 9 = 256 soft tokens.
        (1024, 1024, 256),
        # 1280 x 720 scales by 0.8367: 1071 -> 1056, 602 -> 576; 66 x 36 patches / 9 = 264.
        (1280, 720, 264),
    ],
)
def test_gemma4_soft_tokens_fill_the_patch_budget(width: int, height: int, features: int) -> None:
    grid = image_grid(_tower("gemma-4-31B-it"), width, height)
    assert (grid.features, grid.tokens) == (features, features + 2)  # <boi> ... <eoi>
    assert grid.patches == 2520  # the tower runs on the patches padded to the budget


@pytest.mark.parametrize(
    ("width", "height", "features"),
    [
        # image_processing_kimi_k25.py navit_resize, patch 14, merge 2, max 16,384 patches and 512 a
        # side: 1024 x 1024 has 73 x 73 = 5,329 patches, no scaling; padded to 28-px cells: 1036 a
        # side, 74 x 74 patches / 4 = 1,369 tokens.
        (1024, 1024, 1369),
        # 4000 x 3000: 285 x 214 = 60,990 patches > 16,384: scale sqrt(16384 / 60990) = 0.5183 ->
        # 2073 x 1554 px, padded to 2100 x 1568: 150 x 112 patches / 4 = 4,200 tokens.
        (4000, 3000, 4200),
    ],
)
def test_kimi_k25_tokens_follow_navit_resize(width: int, height: int, features: int) -> None:
    grid = image_grid(_tower("Kimi-K2.5"), width, height)
    assert (grid.features, grid.tokens) == (features, features)


@pytest.mark.parametrize(
    ("width", "height", "features"),
    [
        # vLLM kimi_vl.py get_num_image_tokens with Kimi-VL-A3B's KimiVLImageProcessor (patch 14, merge
        # 2 x 2, in_token_limit 4096 patches, no cap a side): 1024 x 1024 has 73 x 73 = 5,329 patches >
        # 4,096: scale sqrt(4096 / 5329) = 0.8767 -> 897 px, padded to 28-px cells: 924 -> 33 x 33 tokens.
        (1024, 1024, 1089),
        # 4000 x 1000: 285 x 71 = 20,235 patches: scale 0.4499 -> 1799 x 449 px, padded to 1820 x 476:
        # 65 x 17 tokens (no side cap: K2.5's 512-patch side would not bind either).
        (4000, 1000, 1105),
        # small images are never scaled up: 448 x 448 = 32 x 32 patches -> 16 x 16 tokens
        (448, 448, 256),
    ],
)
def test_kimi_vl_tokens_follow_in_token_limit(width: int, height: int, features: int) -> None:
    grid = image_grid(_tower("Kimi-VL-A3B-Instruct"), width, height)
    assert (grid.features, grid.tokens) == (features, features)
