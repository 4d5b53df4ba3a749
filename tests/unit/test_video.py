"""Video tokens for Qwen2.5-VL and Qwen3-VL, derived by hand from the video processors (transformers
5.23); tests/trace/test_images_trace.py runs the processors' own resize and the models."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import assert_estimate_refused
from llmsize.errors import BadInputError
from llmsize.estimate.core import estimate
from llmsize.estimate.video import timestamp_tokens, video_grid, video_load
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.models import ModelSpec


def _spec(name: str) -> ModelSpec:
    entry = catalog.get(name)
    assert entry is not None
    return catalog.spec_for(entry)


def test_qwen2_5_vl_video_of_16_frames_at_720p() -> None:
    # per frame smart_resize with the image bounds, factor 28: round(1280 / 28) = 46 -> 1288,
    # round(720 / 28) = 26 -> 728; 1288 x 728 = 937,664 <= 12,845,056. 16 frames = 8 pairs; 92 x 52
    # patches a frame: 8 x 4784 = 38,272 patches, / 4 = 9,568 <|video_pad|> + vision start/end
    grid = video_grid(_spec("Qwen2.5-VL-7B-Instruct").vision, 16, 1280, 720)  # type: ignore[arg-type]
    assert (grid.width, grid.height, grid.frames, grid.patches) == (1288, 728, 8, 38_272)
    assert (grid.features, grid.tokens) == (9_568, 9_570)


def test_qwen3_vl_video_shrinks_to_the_whole_video_budget() -> None:
    # 64 frames of 1280 x 720, factor 32: 64 x 1280 x 736 > 25,165,824, so beta = sqrt(64 x 1280 x
    # 720 / 25165824) = 1.5303; floor(720 / 1.5303 / 32) = 14 -> 448, floor(1280 / 1.5303 / 32) = 26
    # -> 832. 32 pairs of 28 x 52 patches = 364 tokens each = 11,648 features. Timestamps <g.2
    # seconds> (frames at 2 a second, pairs averaged: g + 0.25 s): 6 tokens for g < 10, 7 after ->
    # 10 x 6 + 22 x 7 = 214; a start/end pair per group (64) and the chat template's outer pair (2)
    grid = video_grid(_spec("Qwen3-VL-8B-Instruct").vision, 64, 1280, 720)  # type: ignore[arg-type]
    assert (grid.width, grid.height, grid.frames) == (832, 448, 32)
    assert grid.features == 11_648
    assert grid.tokens == 11_648 + 214 + 64 + 2


def test_timestamp_tokens_count_the_digits() -> None:
    # "<0.2 seconds>": <, 0, ., 2, " seconds", > = 6 tokens; group 12 -> "<12.2 seconds>" = 7
    assert timestamp_tokens(0, 2) == 6
    assert timestamp_tokens(12, 2) == 7


def test_video_tokens_join_the_context() -> None:
    spec = _spec("Qwen2.5-VL-7B-Instruct")
    seen = estimate(spec, Workload(context=1000, video_frames=16))
    same = estimate(spec, Workload(context=1000 + 9_570))
    assert seen.kv_cache_bytes == same.kv_cache_bytes
    assert seen.video["tokens"] == 9_570
    assert seen.activations_bytes > same.activations_bytes  # the tower's encoding or what it leaves


def test_models_without_a_video_processor_refuse() -> None:
    with pytest.raises(BadInputError, match="video inputs only"):
        video_load(_spec("gemma-3-4b"), Workload(video_frames=8))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["Qwen2.5-7B", "--video-frames", "4"], "video inputs only"),
        (["Qwen3-VL-8B-Instruct", "--video-frames", "1"], "takes 2 frames or more"),
        (["Qwen2.5-VL-7B-Instruct", "--video-frames", "-2"], "--video-frames -2"),
        (["Qwen2.5-VL-7B-Instruct", "--video-size", "640x480"], "--video-size needs"),
        (["Qwen2.5-VL-7B-Instruct", "--video-frames", "4", "--video-size", "0x9"], "--video-size '0x9'"),
        (["Qwen2.5-VL-7B-Instruct", "--video-frames", "4", "--video-size", "9000000x9000000"], "video_size"),
        (["Qwen2.5-VL-7B-Instruct", "--video-frames", "4", "--video-size", "3000x2"], "200:1"),
    ],
)
def test_bad_video_input_is_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_estimate_refused(args, says, lambda: capsys.readouterr().err)


@given(st.integers(min_value=2, max_value=2000), st.integers(16, 4000), st.integers(16, 4000))
def test_a_qwen3_vl_video_stays_within_its_pixel_budget(frames: int, width: int, height: int) -> None:
    # video_processing_qwen3_vl.py smart_resize: frames (rounded to pairs) x h x w <= 25,165,824,
    # unless a side is already at its floor of one 32-pixel cell; sides are whole 32-pixel cells
    tower = _spec("Qwen3-VL-8B-Instruct").vision
    assert tower is not None
    if max(width, height) / min(width, height) > 200:
        return
    grid = video_grid(tower, frames, width, height)
    assert grid.width % 32 == 0 and grid.height % 32 == 0
    pairs = round(frames / 2) * 2
    # smart_resize tests t_bar (the frames rounded to pairs) against the budget but scales by the raw
    # frame count (`beta = sqrt(num_frames * h * w / max_pixels)`), so 23 frames may end at 24 x h x w
    # just over it: the bound holds for the smaller of the two counts
    assert min(frames, pairs) * grid.width * grid.height <= 25_165_824 or min(grid.width, grid.height) == 32
    assert grid.frames == -(-frames // 2)


def test_the_python_api_takes_audio_and_video() -> None:
    import llmsize

    heard = llmsize.estimate(llmsize.resolve("gemma-4-E2B-it"), llmsize.Workload(audio_seconds=10))
    seen = llmsize.estimate(llmsize.resolve("Qwen2.5-VL-7B-Instruct"), llmsize.Workload(video_frames=4))
    assert heard.audio["tokens"] == 252 and seen.video["temporal_groups"] == 2


def test_gemma4_video_is_frames_at_a_70_token_budget() -> None:
    # video_processing_gemma4.py: 70 soft tokens a frame, pooling 3 x 3 of 16-px patches (48-px
    # cells), 630 patches: 1280 x 720 -> factor sqrt(630 x 256 / 921600) = 0.4183; floor(720 x
    # 0.4183 / 48) = 6 -> 288, floor(1280 x 0.4183 / 48) = 11 -> 528: 66 tokens a frame. 8 frames:
    # 528 soft tokens + per frame "mm:ss" (5), a space, <boi>, <eoi> and the joining space (not
    # before the first): 8 x 9 - 1 = 71
    grid = video_grid(_spec("gemma-4-E4B-it").vision, 8, 1280, 720)  # type: ignore[arg-type]
    assert (grid.width, grid.height, grid.frames, grid.patches) == (528, 288, 8, 8 * 630)
    assert (grid.features, grid.tokens) == (528, 528 + 71)
