"""The 2025-26 catalog entries of issue "newest models" against transformers 5.23, built on the meta device.

Each entry's config (model_specs/mimo.yaml, glm-v.yaml, trinity.yaml, internvl.yaml) is instantiated with
the real modeling code; the parameters it holds (tied ones once, persistent buffers included: the
routers' e_score_correction_bias) are what `total_params` must reproduce. MiMo-V2-Flash's Hub config
spells its layout in remote-code keys (hybrid_layer_pattern, moe_layer_freq, swa_num_key_value_heads)
that MiMoV2FlashConfig derives instead, so it is also checked through the transformers defaults, which
"match the XiaomiMiMo/MiMo-V2-Flash pretrained" checkpoint.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.specs import catalog
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import total_params
from meta_model import meta_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="transformers default config")



def _transformers_view(config: dict[str, Any]) -> dict[str, Any]:
    """The catalog config without its FP8 quantization block: the meta model is built in the compute dtype
    (the parameter count is the same)."""
    return {k: v for k, v in config.items() if k != "quantization_config"}


@pytest.mark.parametrize(
    "name", ["Trinity-Nano-Preview", "GLM-4.5V", "InternVL3_5-8B", "InternVL3_5-38B", "MiMo-V2-Flash"]
)
def test_catalog_entry_equals_the_transformers_model(name: str) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    config = _transformers_view(dict(entry.model.config))
    assert total_params(catalog.spec_for(entry)) == meta_params(config)


def test_mimo_v2_flash_default_config_is_the_published_model() -> None:
    """MiMoV2FlashConfig's defaults (configuration_mimo_v2_flash.py) build the 309B model of the card; the
    Hub-key catalog config reads as the same model, to the parameter."""
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    config = AutoConfig.for_model("mimo_v2_flash").to_dict()
    spec = spec_from_hf_config(config, name="mimo_v2_flash", provenance=PROV)
    entry = catalog.get("MiMo-V2-Flash")
    assert entry is not None
    assert total_params(spec) == meta_params(config) == total_params(catalog.spec_for(entry))
    assert spec.layer_types == catalog.spec_for(entry).layer_types


@pytest.mark.parametrize(
    "over",
    [
        {"num_hidden_layers": 12, "layer_types": None, "mlp_layer_types": None},
        # a smaller MiMo-V2 shape: the sliding blocks keep twice the KV heads of the global ones
        {"num_hidden_layers": 8, "num_key_value_heads": 2, "head_dim": 64, "v_head_dim": 32,
         "hidden_size": 512, "num_attention_heads": 8, "n_routed_experts": 8, "moe_intermediate_size": 64,
         "intermediate_size": 256, "layer_types": None, "mlp_layer_types": None},
    ],
)  # fmt: skip
def test_mimo_v2_flash_shapes_equal_transformers(over: dict[str, Any]) -> None:
    pytest.importorskip("transformers")
    from transformers import AutoConfig

    config = {**AutoConfig.for_model("mimo_v2_flash").to_dict(), **over}
    spec = spec_from_hf_config(config, name="mimo_v2_flash", provenance=PROV)
    assert total_params(spec) == meta_params(config)


@pytest.mark.parametrize(
    "vision",
    [
        {},  # InternViT-300M (InternVLVisionConfig's defaults)
        {"attention_bias": True},
        {"use_qk_norm": True, "norm_type": "rms_norm"},  # InternViT-6B's kind
        {"use_mean_pooling": False, "use_mask_token": True, "image_size": [224, 224]},
    ],
)
def test_internvl_tower_and_projector_equal_transformers(vision: dict[str, Any]) -> None:
    pytest.importorskip("transformers")
    text = {
        "model_type": "qwen3", "hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64, "vocab_size": 1000,
        "max_position_embeddings": 4096,
    }  # fmt: skip
    small = {
        "model_type": "internvl_vision",
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
    }
    for tie in (None, False):  # InternVLConfig ties lm_head unless the wrapper says otherwise
        config: dict[str, Any] = {
            "model_type": "internvl", "text_config": dict(text),
            "vision_config": {**small, "intermediate_size": 128, **vision},
        }  # fmt: skip
        if tie is not None:
            config["tie_word_embeddings"] = tie
        spec = spec_from_hf_config(config, name="internvl", provenance=PROV)
        assert not spec.approximate
        assert total_params(spec) == meta_params(config)
