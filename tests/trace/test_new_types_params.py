"""Parameter totals of the model types added in the real-config sweep, against transformers 5.23.

Each config is the type's own transformers default (`configuration_<type>.py` describes its flagship:
Hunyuan-7B's widths, ERNIE-4.5-0.3B, GLM-4.5V's text decoder and vision tower) at full depth, built on
the meta device: the count of the real modeling code's parameters (tied ones once) is what
`total_params` must reproduce, vision tower included.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="transformers default config")

# (model_type, overrides a published config sets and the default leaves open)
TYPES: list[tuple[str, dict[str, Any]]] = [
    ("hunyuan_v1_dense", {"head_dim": 128}),  # the modeling code needs head_dim; Hunyuan-7B's is 128
    ("hunyuan_v1_dense", {"head_dim": 128, "attention_bias": True, "tie_word_embeddings": True}),
    ("ernie4_5", {}),
    ("ernie4_5", {"use_bias": True, "tie_word_embeddings": False}),
    # GLM-4.5V's config.json states head_dim 128 (the default leaves it to hidden / heads, 4096 / 96)
    ("glm4v_moe", {"text_config": {"head_dim": 128}}),
    ("glm4v_moe", {"text_config": {"head_dim": 128, "tie_word_embeddings": True}, "vision_config": {"attention_bias": True}}),
]


def _model_params(config: dict[str, Any]) -> int:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText

    hf = AutoConfig.for_model(**config)
    auto = AutoModelForImageTextToText if "vision_config" in config else AutoModelForCausalLM
    with torch.device("meta"):
        model = auto.from_config(hf)
    model.tie_weights()
    params = sum(p.numel() for p in model.parameters())  # parameters() yields a tied tensor once
    # persistent buffers are stored in the checkpoint too (GLM's fp32 e_score_correction_bias)
    buffers = sum(
        b.numel()
        for m in model.modules()
        for name, b in m._buffers.items()
        if b is not None and name not in m._non_persistent_buffers_set
    )
    return params + buffers


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
    assert total_params(spec) == _model_params(config)
