"""Round-4 catalog entries against transformers 5.23, built on the meta device.

GLM-4-32B-0414 (glm4), Moonlight-16B-A3B (deepseek_v3), dots.llm1 (dots1), Codestral-22B (mistral) and
EmbeddingGemma's Gemma 3 body (Gemma3TextModel) are instantiated from their catalog configs with the real
modeling code; the parameters they hold (tied ones once, persistent buffers included: the routers'
e_score_correction_bias) are what `total_params` must reproduce. EmbeddingGemma's Sentence-Transformers
Dense projections are not a transformers module, so its catalog extra_params are set aside.
"""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params
from meta_model import meta_params


@pytest.mark.parametrize(
    "name", ["GLM-4-32B-0414", "Moonlight-16B-A3B", "dots.llm1.inst", "Codestral-22B-v0.1"]
)
def test_catalog_entry_equals_the_transformers_model(name: str) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config))


def test_embeddinggemma_body_equals_gemma3_text_model() -> None:
    pytest.importorskip("transformers")
    entry = catalog.get("embeddinggemma-300m")
    assert entry is not None
    spec = catalog.spec_for(entry)
    body = meta_params(dict(entry.model.config), headless=True)
    assert total_params(spec) - spec.extra_params == body == 302_863_104


def test_longcat_flash_equals_transformers_but_its_zero_expert_rows() -> None:
    """LongcatFlashExperts sizes gate_up_proj by n_routed_experts + zero_expert_num
    (modeling_longcat_flash.py): the 256 zero experts' rows exist under transformers only, exactly what
    the builder's warning states."""
    pytest.importorskip("transformers")
    entry = catalog.get("LongCat-Flash-Chat")
    assert entry is not None
    config = dict(entry.model.config)
    zero_rows = config["num_layers"] * config["zero_expert_num"] * 2 * config["expert_ffn_hidden_size"] * 6144
    assert meta_params(config) == total_params(catalog.spec_for(entry)) + zero_rows
