"""Readers added for late-2025 configs: Apertus, Ministral 3, GLM-4.7-Flash (glm4_moe_lite), and the
published spellings of Hunyuan-A13B (per-layer lists) and Kimi-Linear (linear_attn_config).

Counts are checked against the real transformers 5.23 modeling code built on the meta device (its
parameters and persistent buffers), skipped without torch/transformers; refusals are one-line
ConfigErrors.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.errors import ConfigError
from llmsize.specs.hf_config import SUPPORTED_MODEL_TYPES, spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")

# Small configs in each type's published layout (field names as in the Hub config.json files).
APERTUS: dict[str, Any] = {
    "model_type": "apertus",
    "hidden_size": 64,
    "intermediate_size": 160,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 300,
    "hidden_act": "xielu",
    "max_position_embeddings": 512,
}
MINISTRAL3: dict[str, Any] = {
    "model_type": "ministral3",
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 300,
    "tie_word_embeddings": True,
    "max_position_embeddings": 4096,
}
GLM_FLASH: dict[str, Any] = {
    "model_type": "glm4_moe_lite",
    "hidden_size": 64,
    "intermediate_size": 160,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "vocab_size": 300,
    "q_lora_rank": 24,
    "kv_lora_rank": 16,
    "qk_nope_head_dim": 12,
    "qk_rope_head_dim": 4,
    "v_head_dim": 16,
    "n_routed_experts": 8,
    "n_shared_experts": 1,
    "num_experts_per_tok": 2,
    "first_k_dense_replace": 2,
    "num_nextn_predict_layers": 1,
    "max_position_embeddings": 1024,
    "tie_word_embeddings": False,
}
HUNYUAN: dict[str, Any] = {
    "model_type": "hunyuan_v1_moe",
    "hidden_size": 64,
    "intermediate_size": 48,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 300,
    "num_experts": 4,
    "moe_topk": [2, 2, 2],
    "moe_intermediate_size": [48, 48, 48],
    "num_shared_expert": [1, 1, 1],
    "use_qk_norm": True,
    "tie_word_embeddings": True,
    "max_position_embeddings": 1024,
}
KIMI_LINEAR: dict[str, Any] = {
    "model_type": "kimi_linear",
    "hidden_size": 64,
    "intermediate_size": 160,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "vocab_size": 300,
    "kv_lora_rank": 16,
    "q_lora_rank": None,
    "qk_nope_head_dim": 12,
    "qk_rope_head_dim": 4,
    "v_head_dim": 16,
    "num_experts": 8,
    "num_experts_per_token": 2,
    "num_shared_experts": 1,
    "first_k_dense_replace": 1,
    "model_max_length": 1024,
    "tie_word_embeddings": False,
    "pad_token_id": 0,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "linear_attn_config": {
        "full_attn_layers": [2, 4],
        "kda_layers": [1, 3],
        "head_dim": 16,
        "num_heads": 4,
        "short_conv_kernel_size": 4,
    },
}


def build(config: dict[str, Any]) -> ModelSpec:
    return spec_from_hf_config(config, name="t", provenance=PROV)


def _model_count(config: dict[str, Any]) -> int:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    cfg = transformers.AutoConfig.for_model(**config)
    with torch.device("meta"):
        model = transformers.AutoModelForCausalLM.from_config(cfg)
    state = model.state_dict()
    buffers = sum(b.numel() for name, b in model.named_buffers() if name in state)
    return sum(p.numel() for p in model.parameters()) + buffers


@pytest.mark.parametrize(
    "config", [APERTUS, MINISTRAL3, GLM_FLASH, HUNYUAN, KIMI_LINEAR], ids=lambda c: str(c["model_type"])
)
def test_count_equals_the_transformers_model(config: dict[str, Any]) -> None:
    assert config["model_type"] in SUPPORTED_MODEL_TYPES
    spec = build(config)
    assert not spec.approximate
    assert total_params(spec) == _model_count(config)


def test_apertus_mlp_is_ungated_and_keeps_per_head_qk_norms() -> None:
    spec = build(APERTUS)
    assert not spec.mlp_gated and spec.qk_norm == "head"
    assert spec.extra_params == 4 * 3  # xIELU alpha_p, alpha_n, beta, eps per block


def test_ministral3_has_no_window_unless_the_config_states_one() -> None:
    assert build(MINISTRAL3).sliding_window is None
    windowed = build({**MINISTRAL3, "sliding_window": 32})
    assert windowed.sliding_window == 32
    # inside the Mistral 3 wrapper, as the Hub configs ship it
    wrapped = build({"model_type": "mistral3", "text_config": MINISTRAL3})
    assert total_params(wrapped) >= total_params(build(MINISTRAL3)) and wrapped.num_layers == 2


def test_glm4_moe_lite_moe_pattern_is_its_own_not_first_k_dense_replace() -> None:
    # Glm4MoeLiteConfig.__post_init__: dense first block, sparse after; first_k_dense_replace unread.
    spec = build(GLM_FLASH)
    assert [spec.is_moe_layer(i) for i in range(3)] == [False, True, True]
    assert spec.kv_lora_rank == 16 and spec.router_score_correction_bias
    assert "e_score_correction_bias" in spec.fp32_params
    assert any("multi-token-prediction" in w for w in spec.warnings)
    stated = build({**GLM_FLASH, "mlp_layer_types": ["dense", "dense", "sparse"]})
    assert [stated.is_moe_layer(i) for i in range(3)] == [False, False, True]


def test_hunyuan_per_layer_lists_of_one_value_read_as_it_and_varying_ones_refused() -> None:
    assert build(HUNYUAN).num_experts_per_tok == 2
    with pytest.raises(ConfigError, match="differ from layer to layer"):
        build({**HUNYUAN, "moe_topk": [2, 4, 2]})


def test_kimi_linear_reads_the_published_linear_attn_config() -> None:
    spec = build(KIMI_LINEAR)
    assert [spec.layer_type(i) for i in range(4)] == [
        "linear_attention",
        "full_attention",
        "linear_attention",
        "full_attention",
    ]
    assert spec.recurrent is not None and spec.recurrent.num_heads == 4 and spec.recurrent.conv_kernel == 4
    bad = {**KIMI_LINEAR, "linear_attn_config": {**KIMI_LINEAR["linear_attn_config"], "kda_layers": [1, 9]}}
    with pytest.raises(ConfigError, match=r"outside 1\.\.4") as err:
        build(bad)
    assert "\n" not in err.value.message


def test_a_mistral3_wrapper_around_a_deepseek_v3_text_model_reads_as_mla_moe() -> None:
    # Mistral Large 3 is DeepSeek-V3's architecture (vLLM mistral_large_3.py: MistralLarge3ForCausalLM
    # subclasses DeepseekV3ForCausalLM and only renames tensors); inside the Mistral 3 wrapper its
    # text_config names deepseek_v3, which is read as MLA + MoE, never as a dense Llama.
    text = {
        **{k: v for k, v in GLM_FLASH.items() if k not in ("model_type", "num_nextn_predict_layers")},
        "model_type": "deepseek_v3",
        "topk_method": "noaux_tc",
    }
    spec = build({"model_type": "mistral3", "text_config": text})
    assert not spec.approximate and spec.kv_lora_rank == 16 and spec.num_experts == 8
    assert [spec.is_moe_layer(i) for i in range(3)] == [False, False, True]  # first_k_dense_replace 2
