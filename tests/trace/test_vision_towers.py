"""Vision towers counted from vision_config, estimator vs the real transformers model, to the byte.

test_layer_kinds_trace.py checks each wrapper's transformers 5.23 default config and
test_weights_kv.py the catalog entries (Llama 4 Scout/Maverick, Mistral Small 3.2, Devstral Small 2);
these vary what a config may say differently (projector bias, several feature layers, another merge
size, image size or adapter width) and trace the whole model, decoder and cache included.
"""

from __future__ import annotations

from typing import Any

import pytest

from llmsize.estimate.workload import Workload
from llmsize.measure.trace_check import compare

VARIANTS: list[tuple[str, str, dict[str, Any]]] = [
    ("mistral3", "projector-bias", {"multimodal_projector_bias": True}),
    ("mistral3", "two-feature-layers", {"vision_feature_layer": [-1, -2], "spatial_merge_size": 3}),
    (
        "llama4",
        "other-sizes",
        {"vision_config": {"image_size": 448, "projector_input_dim": 2048, "projector_output_dim": 2048}},
    ),
]


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) else value
    return out


@pytest.mark.parametrize(("model_type", "label", "over"), VARIANTS, ids=[f"{v[0]}-{v[1]}" for v in VARIANTS])
def test_vision_tower_variants_equal_the_model(model_type: str, label: str, over: dict[str, Any]) -> None:
    from transformers import AutoConfig

    config = _merged(AutoConfig.for_model(model_type).to_dict(), over)
    config["dtype"] = "bfloat16"
    config["text_config"]["dtype"] = "bfloat16"
    c = compare(config, Workload(context=16, prompt_tokens=8, batch=1), name=label, num_layers=1)
    assert c.est_weights == c.trace_params, (
        f"{model_type} {label}: estimated {c.est_weights:,} B, model {c.trace_params:,} B"
    )


def test_an_integer_given_for_a_boolean_field_is_read_as_its_truth() -> None:
    # Llama 4 Scout's published config.json says attn_temperature_tuning: 4 (transformers 4.51's
    # default; huggingface/transformers issue 37479); transformers 5.23's strict config wants a bool.
    from llmsize.measure.build_model import hf_config

    cfg = hf_config({"model_type": "llama4", "text_config": {"attn_temperature_tuning": 4, "use_qk_norm": 0}})
    assert cfg.text_config.attn_temperature_tuning is True
    assert cfg.text_config.use_qk_norm is False
