"""ModelSpecs built by hand for unit tests, each from a published config.json (cited)."""

from __future__ import annotations

from typing import Any

from llmsize.specs.models import ModelSpec, Provenance

PROV = Provenance(kind="catalog", source="test")


def llama3_8b() -> ModelSpec:
    """Meta-Llama-3-8B config.json (https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json)."""
    return ModelSpec(
        name="llama-3-8b",
        model_type="llama",
        num_layers=32,
        hidden_size=4096,
        num_attention_heads=32,
        num_kv_heads=8,
        head_dim=128,
        intermediate_size=14336,
        vocab_size=128256,
        max_position_embeddings=8192,
        provenance=PROV,
    )


def gemma4_unified_small_inputs() -> dict[str, Any]:
    """A small gemma4_unified vision_config and audio_config (fields of transformers 5.23's
    Gemma4UnifiedVisionConfig / AudioConfig at toy widths): the encoder-free input projections the reader
    counts and the tracer builds."""
    return {
        "vision_config": {
            "model_type": "gemma4_unified_vision",
            "patch_size": 4,
            "pooling_kernel_size": 2,
            "mm_embed_dim": 48,
            "mm_posemb_size": 20,
            "output_proj_dims": 48,
        },
        "audio_config": {"model_type": "gemma4_unified_audio", "audio_embed_dim": 32},
    }
