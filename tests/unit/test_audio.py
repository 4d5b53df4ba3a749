"""Audio tokens per family, derived by hand from each feature extractor's and processor's code
(transformers 5.23), and the CLI's refusals.

Every expected number is worked out in the comment beside it, not read from llmsize's output.
tests/trace/test_audio_trace.py runs the real feature extractors and audio towers.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.estimate.audio import audio_load, clip_tokens, encoder_frames, mel_frames
from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.audio_tower import AudioTower
from llmsize.specs.models import ModelSpec


def _spec(name: str) -> ModelSpec:
    entry = catalog.get(name)
    assert entry is not None
    return catalog.spec_for(entry)


def _tower(name: str) -> AudioTower:
    tower = _spec(name).audio
    assert tower is not None
    return tower


def test_gemma3n_thirty_seconds_is_188_tokens() -> None:
    # feature_extraction_gemma3n.py: 480,000 samples (a multiple of 128), frames of 513 samples every
    # 160: (480000 - 513) // 160 + 1 = 2997 mel frames; two stride-2 convs: 1499, then 750 frames;
    # conf_reduction_factor 4: ceil(750 / 4) = 188 = Gemma3nConfig.audio_soft_tokens_per_image
    t = _tower("gemma-3n-E4B-it")
    assert mel_frames(t, 480_000) == 2997
    assert encoder_frames(t, 2997) == 750
    assert -(-750 // t.reduction_factor) == 188 == clip_tokens(t, 480_000) == clip_tokens(t, 16_000)


@pytest.mark.parametrize(
    ("samples", "tokens"),
    [
        # processing_gemma4.py _compute_audio_num_tokens: frames (n + 160 - 321) // 160 + 1, halved
        # twice by (t - 1) // 2 + 1. 10 s: (160000 - 161) // 160 + 1 = 999 -> 500 -> 250 (40 ms a token)
        (160_000, 250),
        # 1 s: (16000 - 161) // 160 + 1 = 99 -> 50 -> 25
        (16_000, 25),
        # 30 s: 2999 -> 1500 -> 750 = audio_seq_length, the cap
        (480_000, 750),
        # 0.5 s: (8000 - 161) // 160 + 1 = 49 -> 25 -> 13
        (8_000, 13),
    ],
)
def test_gemma4_tokens_follow_the_processor(samples: int, tokens: int) -> None:
    assert clip_tokens(_tower("gemma-4-E4B-it"), samples) == tokens


def _qwen2_audio_tower() -> AudioTower:
    from llmsize.specs.audio_tower import audio_tower_from_config

    # the published Qwen2-Audio-7B audio_config fields (Whisper-large-v3's encoder)
    config = {
        "audio_config": {
            "d_model": 1280,
            "encoder_layers": 32,
            "encoder_attention_heads": 20,
            "encoder_ffn_dim": 5120,
            "num_mel_bins": 128,
            "max_source_positions": 1500,
        },
        "text_config": {"hidden_size": 4096},
    }
    tower = audio_tower_from_config(config, "qwen2_audio")
    assert tower is not None
    return tower


@pytest.mark.parametrize(
    ("samples", "tokens"),
    [
        # processing_qwen2_audio.py: L = ceil(n / 160) valid frames; (((L - 1) // 2 + 1) - 2) // 2 + 1
        (480_000, 750),  # 30 s: 3000 -> 1500 -> 750
        (160_000, 250),  # 10 s: 1000 -> 500 -> 250
        (16_000, 25),  # 1 s: 100 -> 50 -> 25
        (8_080, 13),  # 0.505 s: ceil(50.5) = 51 -> 26 -> 13
    ],
)
def test_qwen2_audio_tokens_follow_the_processor(samples: int, tokens: int) -> None:
    tower = _qwen2_audio_tower()
    assert clip_tokens(tower, samples) == tokens
    assert mel_frames(tower, samples) == 3000  # every clip padded to 30 s (padding="max_length")


def test_long_audio_is_sent_in_thirty_second_clips() -> None:
    # 75 s at 16 kHz: clips of 480,000, 480,000 and 240,000 samples (the extractor truncates at 30 s);
    # Gemma 4: 750 + 750 + 375 soft tokens ((240000 - 161) // 160 + 1 = 1499 -> 750 -> 375), each
    # between <boa> and <eoa>: 1875 + 3 x 2 = 1881 tokens per sequence
    spec = _spec("gemma-4-E4B-it")
    load = audio_load(spec, Workload(audio_seconds=75))
    assert load is not None
    assert load.clips == (480_000, 480_000, 240_000)
    assert load.tokens_per_clip == (750, 750, 375)
    assert load.tokens == 1881


def test_audio_tokens_join_the_context() -> None:
    # Gemma 3n, 20 s: one clip, 188 soft tokens + "\n\n" <boa> ... <eoa> "\n\n" = 192 tokens: the KV
    # cache holds the context plus those 192 tokens per sequence
    spec = _spec("gemma-3n-E4B-it")
    plain = estimate(spec, Workload(context=1000))
    heard = estimate(spec, Workload(context=1000, audio_seconds=20))
    same = estimate(spec, Workload(context=1192))
    assert heard.kv_cache_bytes == same.kv_cache_bytes > plain.kv_cache_bytes
    assert heard.audio["tokens"] == 192
    assert heard.activations_bytes >= same.activations_bytes


@given(st.floats(min_value=0.05, max_value=3600))
def test_more_audio_never_fewer_tokens(seconds: float) -> None:
    spec = _spec("gemma-4-E2B-it")
    short = audio_load(spec, Workload(audio_seconds=seconds))
    longer = audio_load(spec, Workload(audio_seconds=seconds + 1))
    assert short is not None and longer is not None
    assert longer.tokens >= short.tokens > 0


def test_text_only_model_refuses_audio() -> None:
    with pytest.raises(BadInputError, match="no audio tower"):
        estimate(_spec("Qwen2.5-7B"), Workload(audio_seconds=5))


@given(st.floats(min_value=0.2, max_value=300), st.sampled_from(["gemma-3n-E2B-it", "gemma-4-E4B-it"]))
def test_audio_never_costs_less_than_no_audio(seconds: float, name: str) -> None:
    spec = _spec(name)
    plain = estimate(spec, Workload(context=512))
    heard = estimate(spec, Workload(context=512, audio_seconds=seconds))
    # the peak may be the tower's moment, before any KV cache exists: compare totals, not components
    assert heard.total_bytes >= plain.total_bytes
    assert heard.audio["tower_peak_bytes"] > 0 and heard.audio["tokens"] > 0


def test_vllm_profiles_qwen2_audio_with_dummy_clips() -> None:
    # MultiModalBudget._get_max_items with vLLM's qwen2_audio.py max tokens an item,
    # (max_source_positions - 2) // 2 + 1 = 750: a budget of max(8192, 750) holds 8192 // 750 = 10
    from llmsize.estimate.engines.vllm_encoder import encoder_profile
    from llmsize.specs.audio_tower import audio_tower_from_config

    spec = _spec("Qwen2.5-7B").model_copy(update={"audio": _qwen2_audio_tower()})
    prof = encoder_profile(spec, 8192, 1024, 32768, 2)
    assert prof is not None and (prof.modality, prof.items, prof.tokens_per_item) == ("audio", 10, 750)
    assert audio_tower_from_config({"audio_config": {}}, "qwen2") is None
    assert (
        encoder_profile(_spec("gemma-3-4b").model_copy(update={"vision": None}), 8192, 1024, 8192, 2) is None
    )
