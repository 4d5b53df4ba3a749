"""Gemma 3n and Gemma 4 E2B/E4B against the traced transformers 5.23 model: parameters and the cache
object to the byte, inference peaks within 3%.

The configs are the published text widths (gemma-3n-E2B's: hidden 2048, 8 x 256 heads, 2 KV heads,
intermediate 8192, 262,400 + 262,144 x layers x 256 embeddings; gemma-4-E2B's: hidden 1536, 1 KV
head, global head_dim 512, double-wide MLPs on the shared layers), cut to 10 layers of which the last
5 share K/V, so both the sliding and the full layer pattern appear on each side of the split. The
full-depth catalog entries are traced by bench/validate_gemma3n.py (docs/validation.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare, spec_of

PEAK_TOLERANCE = 0.03


def gemma3n_text() -> dict[str, Any]:
    widths = [8192] * 10
    return {
        "model_type": "gemma3n_text",
        "hidden_size": 2048,
        "num_hidden_layers": 10,
        "intermediate_size": widths,
        "num_attention_heads": 8,
        "num_key_value_heads": 2,
        "head_dim": 256,
        "vocab_size": 262_400,
        "vocab_size_per_layer_input": 262_144,
        "hidden_size_per_layer_input": 256,
        "altup_num_inputs": 4,
        "laurel_rank": 64,
        "num_kv_shared_layers": 5,
        "sliding_window": 512,
        "activation_sparsity_pattern": [0.95] * 5 + [0.0] * 5,
        "max_position_embeddings": 32_768,
        "dtype": "bfloat16",
    }


def gemma4_e2b_text() -> dict[str, Any]:
    return {
        "model_type": "gemma4_text",
        "hidden_size": 1536,
        "num_hidden_layers": 10,
        "intermediate_size": 6144,
        "num_attention_heads": 8,
        "num_key_value_heads": 1,
        "head_dim": 256,
        "global_head_dim": 512,
        "vocab_size": 262_144,
        "vocab_size_per_layer_input": 262_144,
        "hidden_size_per_layer_input": 256,
        "num_kv_shared_layers": 5,
        "use_double_wide_mlp": True,
        "sliding_window": 512,
        "layer_types": (["sliding_attention"] * 4 + ["full_attention"]) * 2,
        "final_logit_softcapping": 30.0,
        "max_position_embeddings": 131_072,
        "dtype": "bfloat16",
    }


CONFIGS = {"gemma3n_text": gemma3n_text, "gemma4_e2b_text": gemma4_e2b_text}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_weights_and_cache_equal_the_model(name: str) -> None:
    """The 5 shared layers have no k/v projections and DynamicCache gives them no cache ("dummy" layers)."""
    c = compare(CONFIGS[name](), Workload(context=40, prompt_tokens=24, batch=2), name=name)
    assert c.est_weights == c.trace_params
    assert c.est_kv_prefill == c.trace_kv_prefill
    assert c.est_kv_full == c.trace_kv_full


PEAKS: list[tuple[str, int, int | None, int]] = [
    ("gemma3n_text", 2000, None, 1),  # AltUp's 4-wide stream, sparse MLP gates, per-layer inputs
    ("gemma3n_text", 1500, 700, 2),
    ("gemma4_e2b_text", 2000, None, 2),  # shared blocks run on the last position only in prefill
    ("gemma4_e2b_text", 2048, 64, 1),
]


@pytest.mark.parametrize(
    ("name", "context", "prompt", "batch"),
    PEAKS,
    ids=[f"{p[0]}-ctx{p[1]}-p{p[2] or p[1]}-b{p[3]}" for p in PEAKS],
)
def test_inference_peak_within_3_percent(name: str, context: int, prompt: int | None, batch: int) -> None:
    wl = Workload(context=context, prompt_tokens=prompt, batch=batch)
    c = compare(CONFIGS[name](), wl, name=name)
    assert c.est_phase == c.trace_phase
    assert abs(c.peak_error) <= PEAK_TOLERANCE, f"{100 * c.peak_error:+.2f}% at {c.where}"
    for phase in c.trace_phases:
        assert abs(c.phase_error(phase)) <= PEAK_TOLERANCE, f"{phase}: {100 * c.phase_error(phase):+.2f}%"
    if prompt is None:  # the weights dominate: the transient plus the cache alone must hold too
        est, traced = c.est_peak - c.est_weights, c.trace_peak - c.trace_params
        assert abs(est / traced - 1) <= PEAK_TOLERANCE, f"transient: estimated {est:,} B, traced {traced:,} B"


def test_gemma4_audio_and_vision_towers_equal_the_model() -> None:
    """extra_params = every parameter and persistent buffer outside the decoder of Gemma4Model built on
    the meta device from the Gemma4*Config defaults (E2B's towers: clipped linears in both)."""
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.for_model(
        "gemma4",
        vision_config={"model_type": "gemma4_vision", "use_clipped_linears": True},
        audio_config={"model_type": "gemma4_audio"},
        text_config=gemma4_e2b_text(),
    )
    with torch.device("meta"):
        model = AutoModel.from_config(config)
    outside = sum(v.numel() for k, v in model.state_dict().items() if not k.startswith("language_model."))
    as_dict = config.to_dict()
    as_dict["text_config"] = gemma4_e2b_text()
    assert spec_of(as_dict, "gemma4").extra_params == outside


def test_gemma3n_audio_tower_and_embedders_equal_the_model() -> None:
    """The USM conformer and both multimodal embedders of transformers' Gemma3n (the MobileNetV5 vision
    tower is timm's: its size is the count timm 1.0.31 builds, see specs/hf_config/gemma3n.py)."""
    import torch
    from transformers import AutoConfig
    from transformers.models.gemma3n.modeling_gemma3n import Gemma3nAudioEncoder, Gemma3nMultimodalEmbedder

    from llmsize.specs.hf_config import gemma3n as hf_gemma3n

    audio, vision = AutoConfig.for_model("gemma3n_audio"), AutoConfig.for_model("gemma3n_vision")
    text = AutoConfig.for_model("gemma3n_text")
    with torch.device("meta"):
        modules = [Gemma3nAudioEncoder(audio), Gemma3nMultimodalEmbedder(audio, text)]
        modules.append(Gemma3nMultimodalEmbedder(vision, text))
    counted = sum(p.numel() for m in modules for p in m.parameters())
    extra, _ = hf_gemma3n.gemma3n_extra({"text_config": text.to_dict(), "audio_config": audio.to_dict()})
    assert extra - hf_gemma3n._TIMM_VISION_PARAMS["mobilenetv5_300m_enc"] == counted
