"""Gemma 4 "Unified" (gemma4_unified) against transformers 5.23 itself: parameters against the model built on
the meta device, and the cache and inference peaks against the traced modeling code.

Full size: Gemma4UnifiedConfig's own defaults (the vision and audio defaults are documented against
google/gemma-4-12B-it in configuration_gemma4_unified.py) and the catalog entry gemma-4-12B-it. Traced:
gemma-4-12B-it's text widths (hidden 1536 stands in for 3840) cut to 12 layers, so two full K = V layers
appear, with and without KV-shared layers, and the wrapper with its encoder-free image and audio inputs.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare, spec_of
from llmsize.specs.params import total_params
from meta_model import meta_params
from spec_factories import gemma4_unified_small_inputs

PEAK_TOLERANCE = 0.03


def text(**over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_type": "gemma4_unified_text",
        "hidden_size": 1536,
        "num_hidden_layers": 12,
        "intermediate_size": 6144,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "global_head_dim": 512,
        "num_global_key_value_heads": 1,
        "attention_k_eq_v": True,
        "vocab_size": 262_144,
        "sliding_window": 1024,
        "final_logit_softcapping": 30.0,
        "max_position_embeddings": 131_072,
        "dtype": "bfloat16",
    }
    cfg.update(over)
    return cfg


def unified() -> dict[str, Any]:
    return {
        "model_type": "gemma4_unified",
        "text_config": text(),
        "vision_config": {
            "model_type": "gemma4_unified_vision",
            "mm_embed_dim": 1536,
            "output_proj_dims": 1536,
        },
        "audio_config": {"model_type": "gemma4_unified_audio"},
        "dtype": "bfloat16",
    }


def test_full_size_defaults_equal_the_model() -> None:
    """Gemma4UnifiedConfig() with its default image and audio inputs (the 12B's), and with gemma-4-12B-it's
    text widths: every parameter and persistent buffer of Gemma4UnifiedForConditionalGeneration."""
    from transformers import AutoConfig

    widths = {
        "hidden_size": 3840,
        "intermediate_size": 15360,
        "num_hidden_layers": 48,
        "num_attention_heads": 16,
        "num_key_value_heads": 8,
        "global_head_dim": 512,
        "num_global_key_value_heads": 1,
        "attention_k_eq_v": True,
        "model_type": "gemma4_unified_text",
    }
    towers = {
        "vision_config": {"model_type": "gemma4_unified_vision"},
        "audio_config": {"model_type": "gemma4_unified_audio"},
    }
    for over in ({}, {"text_config": widths}):
        cfg = AutoConfig.for_model("gemma4_unified", **towers, **over).to_dict()
        assert total_params(spec_of(cfg, "gemma4_unified")) == meta_params(cfg)


def test_small_shared_config_equals_the_model() -> None:
    cfg = {
        "model_type": "gemma4_unified",
        "text_config": text(
            hidden_size=64,
            intermediate_size=128,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=16,
            global_head_dim=32,
            vocab_size=500,
            num_kv_shared_layers=4,
            use_double_wide_mlp=True,
        ),
        **gemma4_unified_small_inputs(),
    }
    assert total_params(spec_of(cfg, "small")) == meta_params(cfg)


def test_the_catalog_entry_equals_the_model(catalog_config: Any) -> None:
    """gemma-4-12B-it: 11,959,730,224 (the model card's 11.95B)."""
    config, _ = catalog_config("gemma-4-12B-it")
    assert meta_params(config) == total_params(spec_of(config, "gemma-4-12B-it")) == 11_959_730_224


CONFIGS = {"unified": unified, "shared": lambda: text(num_kv_shared_layers=6, use_double_wide_mlp=True)}
PEAKS: list[tuple[str, int, int | None, int]] = [
    ("unified", 40, 24, 2),
    ("unified", 3000, None, 1),  # a prompt longer than the 1,024-token window
    ("shared", 2048, 64, 2),  # shared blocks run on the last position only in prefill
]


@pytest.mark.parametrize(
    ("name", "context", "prompt", "batch"),
    PEAKS,
    ids=[f"{p[0]}-ctx{p[1]}-p{p[2] or p[1]}-b{p[3]}" for p in PEAKS],
)
def test_weights_cache_and_peak(name: str, context: int, prompt: int | None, batch: int) -> None:
    c = compare(CONFIGS[name](), Workload(context=context, prompt_tokens=prompt, batch=batch), name=name)
    assert c.est_weights == c.trace_params
    assert c.est_kv_prefill == c.trace_kv_prefill
    assert c.est_kv_full == c.trace_kv_full
    assert c.est_phase == c.trace_phase
    assert abs(c.peak_error) <= PEAK_TOLERANCE, f"{100 * c.peak_error:+.2f}% at {c.where}"
    for phase in c.trace_phases:
        assert abs(c.phase_error(phase)) <= PEAK_TOLERANCE, f"{phase}: {100 * c.phase_error(phase):+.2f}%"
