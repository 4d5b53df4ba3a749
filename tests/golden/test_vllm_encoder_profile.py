"""vLLM's start-up profile of a vision-language model's encoder, against a published vLLM 0.19 log.

SOURCE: llm-d-incubation/llm-d-planner, accuracy/results/v0.19.0/logs/
google-gemma-3-12b-it--h100-80gb--tp1pp1dp1--8192.log (https://github.com/llm-d-incubation/llm-d-planner/pull/205):
`vllm serve google/gemma-3-12b-it --max-model-len 8192 --gpu-memory-utilization 0.95` on an H100 prints
"Encoder cache will be initialized with a budget of 8192 tokens, and profiled with 32 image items of
the maximum feature size."
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from llmsize.cli import app
from llmsize.estimate.engines.vllm_encoder import encoder_profile, largest_image
from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec

QUOTE = (
    "Encoder cache will be initialized with a budget of 8192 tokens, and profiled with 32 image items "
    "of the maximum feature size."
)


def _spec(name: str) -> ModelSpec:
    entry = catalog.get(name)
    assert entry is not None
    return catalog.spec_for(entry)


def test_gemma3_12b_profile_line_matches_the_published_log() -> None:
    args = [
        "estimate",
        "gemma-3-12b",
        "--engine",
        "vllm",
        "--gpu",
        "H100",
        "--context",
        "8192",
        "--gpu-memory-utilization",
        "0.95",
        "--max-num-seqs",
        "1024",
        "--max-num-batched-tokens",
        "8192",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert QUOTE in json.loads(result.stdout)["gpus"][0]["engine_log"]


def test_items_follow_the_budget_rule() -> None:
    # Qwen2.5-VL's largest image: the max_pixels square, 3584 px a side -> 128 x 128 = 16,384 tokens;
    # the budget is max(8192, 16384) = 16384 -> one item; with 65,536 batched tokens, four.
    spec = _spec("Qwen2.5-VL-7B-Instruct")
    assert spec.vision is not None and largest_image(spec.vision).features == 16384
    one = encoder_profile(spec, 8192, 1024, 32768, 2)
    four = encoder_profile(spec, 65536, 1024, 32768, 2)
    assert one is not None and four is not None
    assert (one.items, one.budget, four.items) == (1, 16384, 4)
    # max_num_seqs x items per prompt caps it: 1 sequence, max_model_len 20,000 holds one image
    capped = encoder_profile(spec, 65536, 1, 20000, 2)
    assert capped is not None and capped.items == 1
    assert encoder_profile(_spec("Qwen2.5-7B"), 8192, 1024, 8192, 2) is None


def test_every_catalog_vision_model_has_a_largest_image() -> None:
    # vLLM profiles every vision-language model's encoder: each tower kind names its dummy image
    for entry in catalog.entries():
        spec = catalog.spec_for(entry)
        if spec.vision is not None:
            grid = largest_image(spec.vision)
            assert grid.features > 0, entry.name


def test_gemma4_profiles_dummy_videos_as_the_published_log() -> None:
    # SOURCE: vllm-project/vllm issue #40437 (gemma-4-31B-it, `--max-model-len 16392 --max-num-seqs 1`):
    # "Encoder cache will be initialized with a budget of 8192 tokens, and profiled with 3 video items
    # of the maximum feature size." gemma4_mm.py: a video is 32 frames x (70 + 2 + 6) = 2,496 tokens,
    # more than an image (280) or a clip of audio (750): 8192 // 2496 = 3 videos
    args = [
        "estimate",
        "gemma-4-31B-it",
        "--engine",
        "vllm",
        "--gpu",
        "H100",
        "--context",
        "16392",
        "--max-num-seqs",
        "1",
        "--max-num-batched-tokens",
        "8192",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    line = (
        "Encoder cache will be initialized with a budget of 8192 tokens, and profiled with 3 video items "
        "of the maximum feature size."
    )
    assert line in json.loads(result.stdout)["gpus"][0]["engine_log"]


def test_gemma3n_profiles_its_images_not_its_audio() -> None:
    # gemma3n_mm.py get_max_tokens_per_item: image 256, audio 188 -> images; 8192 // 256 = 32
    spec = _spec("gemma-3n-E4B-it")
    prof = encoder_profile(spec, 8192, 1024, 32768, 2)
    assert prof is not None and (prof.modality, prof.items, prof.tokens_per_item) == ("image", 32, 256)
    # timm's MobileNetV5 at 768 x 768: 199,434,240 B an image (bench/validate_images.py --mobilenet)
    assert prof.tower_bytes == 32 * 199_434_240


def test_kimi_vl_profiles_its_1024_px_dummy_image() -> None:
    # vLLM kimi_vl.py: the dummy image is MaxImageTokenMeta's 1024 x 1024, which get_num_image_tokens
    # (in_token_limit 4096 patches) turns into 33 x 33 = 1,089 tokens of 66 x 66 patches; with 8,192
    # batched tokens: 8192 // 1089 = 7 items (vLLM 0.19's encoder budget rule).
    spec = _spec("Kimi-VL-A3B-Instruct")
    assert spec.vision is not None
    grid = largest_image(spec.vision)
    assert (grid.features, grid.patches) == (1089, 66 * 66)
    prof = encoder_profile(spec, 8192, 1024, 131072, 2)
    assert prof is not None and (prof.items, prof.budget, prof.tokens_per_item) == (7, 8192, 1089)
