"""Nemotron 3 Super's LatentMoE (modeling_nemotron_h.py NemotronHMoE / NemotronHExperts).

The routed experts read and write `moe_latent_size` instead of the hidden size, between two dense
projections (fc1_latent_proj: hidden -> latent, fc2_latent_proj: latent -> hidden) that every token
passes through; the router and the shared expert still work on the hidden state.
"""

from __future__ import annotations

from typing import Any

from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import active_params, total_params


def _spec(latent: int | None) -> ModelSpec:
    cfg: dict[str, Any] = {
        "model_type": "nemotron_h",
        "vocab_size": 1000,
        "hidden_size": 256,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 64,
        "mamba_num_heads": 8,
        "mamba_head_dim": 32,
        "ssm_state_size": 16,
        "n_groups": 1,
        "conv_kernel": 4,
        "moe_intermediate_size": 128,
        "moe_shared_expert_intermediate_size": 192,
        "n_routed_experts": 8,
        "n_shared_experts": 1,
        "num_experts_per_tok": 2,
        "layers_block_type": ["mamba", "moe", "attention", "moe"],
        "tie_word_embeddings": False,
        "max_position_embeddings": 4096,
    }
    if latent is not None:
        cfg["moe_latent_size"] = latent
    prov = Provenance(kind=ProvenanceKind.CATALOG, source="https://example.org/config.json")
    return spec_from_hf_config(cfg, name="latent-test", provenance=prov)


def test_experts_shrink_to_the_latent_width_and_two_projections_appear() -> None:
    plain, latent = _spec(None), _spec(64)
    assert latent.moe_latent_size == 64
    # Per MoE block: 8 experts x (up 128x256 + down 256x128) become 8 x (128x64 + 64x128), and
    # fc1 (256 -> 64) + fc2 (64 -> 256) are added; two MoE blocks.
    per_block = 8 * 2 * 128 * (256 - 64) - 2 * 256 * 64
    assert total_params(plain) - total_params(latent) == 2 * per_block
    # The projections are dense: every token passes them (2 of 8 experts per token).
    active_drop = 2 * (2 * 2 * 128 * (256 - 64) - 2 * 256 * 64)
    assert active_params(plain) - active_params(latent) == active_drop
