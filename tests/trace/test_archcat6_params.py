"""Round-6 catalog entries against transformers 5.23, built on the meta device.

ERNIE-4.5-0.3B-PT is Ernie4_5ForCausalLM (models/ernie4_5/modeling_ernie4_5.py), GLM-4.6V is
Glm4vMoeForConditionalGeneration (models/glm4v_moe/modeling_glm4v_moe.py). Ling-flash-2.0 is remote code
(BailingMoeV2ForCausalLM, not in transformers): its count is checked against the Hub census instead
(tests/unit/test_catalog_archcat6.py)."""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params
from meta_model import meta_params


@pytest.mark.parametrize("name", ["ERNIE-4.5-0.3B-PT", "GLM-4.6V"])
def test_entry_equals_the_transformers_model(name: str) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    config = dict(entry.model.config)
    config.pop("auto_map", None)  # the Hub's remote-code pointers; transformers has the class itself
    assert total_params(catalog.spec_for(entry)) == meta_params(config)


def test_janus_pro_7b_is_the_transformers_port_plus_what_the_remote_code_adds() -> None:
    """transformers 5.23 JanusForConditionalGeneration (models/janus) with Janus-Pro-7B's sizes (30 Llama
    layers, 102400 tokens, 4096-wide aligners and generation head) holds the remote MultiModalityCausalLM's
    parameters less two things the remote code builds and the port drops: timm's SigLIP attention-pool head
    (AttentionPoolLatent of the 1024-wide tower, MLP 4096) and the VQ's 65536-entry codebook_used buffer."""
    pytest.importorskip("transformers")
    import torch
    from transformers import JanusConfig, JanusForConditionalGeneration

    entry = catalog.get("Janus-Pro-7B")
    assert entry is not None
    hf = JanusConfig(  # LlamaForCausalLM(language_config) is untied (LlamaConfig default), so the port too
        tie_word_embeddings=False,
        text_config={"model_type": "llama", "num_hidden_layers": 30, "vocab_size": 102400},
        vision_config={"projection_dim": 4096},
        vq_config={"projection_dim": 4096, "image_token_embed_dim": 4096},
    )
    with torch.device("meta"):
        ported = sum(p.numel() for p in JanusForConditionalGeneration(hf).parameters())
    d, mlp = 1024, 4096
    attn_pool = d + (d * d + d) + (2 * d * d + 2 * d) + (d * d + d) + 2 * d + (2 * d * mlp + mlp + d)
    assert total_params(catalog.spec_for(entry)) == ported + attn_pool + 65536
