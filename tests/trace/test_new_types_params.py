"""Parameter totals of the model types added in the real-config sweep, against transformers 5.23.

Each config is the type's own transformers default (`configuration_<type>.py` describes its flagship:
Hunyuan-7B's widths, ERNIE-4.5-0.3B, GLM-4.1V / 4.5V / 4.6V text decoders and vision tower, Solar Open
100B, EXAONE MoE) at full depth, built on
the meta device: the count of the real modeling code's parameters (tied ones once) is what
`total_params` must reproduce, vision tower included.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import total_params
from meta_model import meta_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="transformers default config")

# (model_type, overrides a published config sets and the default leaves open)
TYPES: list[tuple[str, dict[str, Any]]] = [
    ("hunyuan_v1_dense", {"head_dim": 128}),  # the modeling code needs head_dim; Hunyuan-7B's is 128
    ("hunyuan_v1_dense", {"head_dim": 128, "attention_bias": True, "tie_word_embeddings": True}),
    ("ernie4_5", {}),
    ("ernie4_5", {"use_bias": True, "tie_word_embeddings": False}),
    # GLM-4.5V's config.json states head_dim 128 (the default leaves it to hidden / heads, 4096 / 96)
    ("glm4v_moe", {"text_config": {"head_dim": 128}}),
    (
        "glm4v_moe",
        {
            "text_config": {"head_dim": 128, "tie_word_embeddings": True},
            "vision_config": {"attention_bias": True},
        },
    ),
    ("glm4v", {}),  # GLM-4.1V-9B
    ("glm4v", {"text_config": {"tie_word_embeddings": True}}),  # forwarded to the wrapper (pre-v5 saves)
    ("glm46v", {}),  # GLM-4.6V-Flash
    ("glm46v", {"text_config": {"tie_word_embeddings": True}}),  # Glm46VConfig does not forward it
    ("solar_open", {}),  # Solar Open 100B
    ("exaone_moe", {}),
    ("exaone_moe", {"mlp_layer_types": ["dense", "dense"] + ["sparse"] * 30, "num_shared_experts": 2}),
    ("afmoe", {}),  # Arcee Trinity
    ("afmoe", {"global_attn_every_n_layers": 3, "num_dense_layers": 2, "num_shared_experts": 1}),
    ("lfm2_vl", {}),
    (
        "lfm2_vl",
        {
            "vision_config": {"vision_use_head": False},
            "projector_use_layernorm": False,
            "tie_word_embeddings": False,
        },
    ),
    ("olmo_hybrid", {}),
    ("nanochat", {}),  # weightless norms, ReLU^2 MLP
    ("starcoder2", {}),  # biased LayerNorms and GELU MLP (StarCoder2-7B's widths)
    ("starcoder2", {"use_bias": False, "tie_word_embeddings": False}),
    ("phi", {}),  # Phi-2: parallel block, one LayerNorm, biased lm_head
    ("phi", {"qk_layernorm": True}),
    ("gpt_neox", {}),  # GPT-NeoX-20B / Pythia
    ("cohere", {"use_qk_norm": True}),  # Command R+: parallel block, one LayerNorm
    ("cohere2", {}),  # Command A / R7B: sliding windows
    ("cohere2_moe", {}),  # Command A+ (the default: 8 experts, top 2, every block MoE)
    # a dense prefix of its own width and window pattern, shared experts, RMSNorm (a public cohere2_moe
    # config: 128 experts of 768, top 8, first_k_dense_replace 1 with a 3072 MLP, rms_norm_eps 1e-6)
    (
        "cohere2_moe",
        {
            "num_experts": 128,
            "num_experts_per_tok": 8,
            "intermediate_size": 768,
            "first_k_dense_replace": 1,
            "prefix_dense_intermediate_size": 3072,
            "num_shared_experts": 1,
            "rms_norm_eps": 1e-6,
            "layer_types": None,
            "mlp_layer_types": None,
        },
    ),
    ("cohere2_vision", {}),  # Command A Vision: SigLIP tower + SwiGLU projector around cohere2
    ("arcee", {}),  # AFM-4.5B: ReLU^2 MLP
    ("stablelm", {}),
    # StableLM 2 12B: per-head q/k LayerNorms, parallel residual
    ("stablelm", {"qk_layernorm": True, "use_parallel_residual": True, "use_qkv_bias": True}),
    ("olmo", {}),  # OLMo 1: weightless LayerNorms
    # a config that leaves the delta-net sizes and layer_types to OlmoHybridConfig.__post_init__
    ("olmo_hybrid", {"layer_types": None, "linear_num_key_heads": None, "linear_key_head_dim": None}),
]



@pytest.mark.parametrize(("model_type", "over"), TYPES, ids=[f"{t}-{i}" for i, (t, _) in enumerate(TYPES)])
def test_params_equal_the_transformers_model(model_type: str, over: dict[str, Any]) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    config = AutoConfig.for_model(model_type).to_dict()
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    spec = spec_from_hf_config(config, name=model_type, provenance=PROV)
    assert not spec.approximate
    assert total_params(spec) == meta_params(config)


# Catalog configs (each a published config.json, cited in model_specs/*.yaml) as transformers 5.23
# writes them back when a fine-tune or repack is saved: Gemma 4 gains per_layer_config (and loses
# global_head_dim), Nemotron-H gains mtp_layers_block_type (and loses mtp_hybrid_override_pattern),
# DeepSeek-style configs gain mlp_layer_types. A re-saved config is the same model, to the parameter.
RESAVED = (
    "gemma-4-26B-A4B-it",
    "gemma-4-31B-it",
    "gemma-4-E2B-it",
    "gemma-4-E4B-it",
    "NVIDIA-Nemotron-3-Super-120B-A12B-BF16",
    "Qwen3.5-35B-A3B",
    "Qwen3-Next-80B-A3B-Instruct",
    "GLM-5.1",
    "DeepSeek-V3.2",
    "granite-4.0-h-small",
)


@pytest.mark.parametrize("name", RESAVED)
def test_a_config_re_saved_by_transformers_is_the_same_model(name: str) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    from llmsize.specs import catalog
    from llmsize.specs.params import mtp_params

    entry = catalog.get(name)
    assert entry is not None
    published = dict(entry.model.config)
    resaved = AutoConfig.for_model(**published).to_dict()
    a = spec_from_hf_config(published, name=name, provenance=PROV)
    b = spec_from_hf_config(resaved, name=name, provenance=PROV)
    assert (total_params(b), mtp_params(b)) == (total_params(a), mtp_params(a))
    assert (b.global_head_dim, b.global_num_kv_heads, b.layer_types) == (
        a.global_head_dim,
        a.global_num_kv_heads,
        a.layer_types,
    )


def test_mimo_is_qwen2_plus_its_mtp_layers() -> None:
    """MiMo-7B (model_type mimo, remote code): the decoder vLLM builds is Qwen2ForCausalLM (mimo.py), and
    each MTP layer is one Qwen2 decoder layer plus input_proj (2h -> h), token_layernorm,
    hidden_layernorm and final_layernorm (mimo_mtp.py MiMoMultiTokenPredictorLayer)."""
    pytest.importorskip("transformers")
    from llmsize.specs.params import mtp_params

    qwen2 = {
        "model_type": "qwen2", "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 36,
        "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 151680,
        "max_position_embeddings": 32768, "tie_word_embeddings": False,
    }  # fmt: skip
    spec = spec_from_hf_config(
        {**qwen2, "model_type": "mimo", "num_nextn_predict_layers": 1}, name="mimo", provenance=PROV
    )
    one_layer = {**qwen2, "num_hidden_layers": 1, "vocab_size": 1, "tie_word_embeddings": True}
    layer = meta_params(one_layer) - 1 * 4096 - 4096  # one block: less the 1-row embedding and final norm
    assert total_params(spec) == meta_params(qwen2)
    assert mtp_params(spec) == layer + 2 * 4096 * 4096 + 3 * 4096


def test_longcat_flash_counts_the_checkpoint_not_transformers_zero_expert_rows() -> None:
    """LongCat-Flash's transformers default (configuration_longcat_flash.py: 28 blocks, 512 experts + 256
    zero experts of 2048 at hidden 6144): LongcatFlashExperts allocates gate_up_proj for all 768 experts,
    while only the 512 real ones exist in the checkpoint (the published model is 560B) and compute
    anything; llmsize counts the checkpoint and says how many more transformers holds."""
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    config = AutoConfig.for_model("longcat_flash").to_dict()
    spec = spec_from_hf_config(config, name="longcat", provenance=PROV)
    zero_rows = 28 * 256 * 2 * 2048 * 6144
    assert total_params(spec) == meta_params(config) - zero_rows
    assert 560e9 < total_params(spec) < 561e9  # "560 billion total parameters" (LongCat-Flash model card)
    assert any(f"{zero_rows:,}" in w for w in spec.warnings)


@pytest.mark.parametrize(
    "over",
    [
        {},
        {
            "num_hidden_layers": 12,
            "first_k_dense_replace": 3,
            "prefix_dense_sliding_window_pattern": 2,
            "layer_types": None,
            "mlp_layer_types": None,
        },
    ],
)
def test_cohere2_moe_layer_kinds_are_the_configs(over: dict[str, Any]) -> None:
    # Cohere2MoeConfig.__post_init__ lays out windows and dense blocks: the dense prefix follows its own
    # window pattern, the MoE blocks 3 sliding then 1 global; the cache sizes each kind from this.
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    config = {**AutoConfig.for_model("cohere2_moe").to_dict(), **over}
    hf = AutoConfig.for_model(**config)
    spec = spec_from_hf_config(config, name="cohere2_moe", provenance=PROV)
    assert [spec.layer_type(i) for i in range(spec.num_layers)] == list(hf.layer_types)
    moe = [t == "sparse" for t in hf.mlp_layer_types]
    assert [spec.is_moe_layer(i) for i in range(spec.num_layers)] == moe
