"""Round-10 catalog entries against transformers 5.x, built on the meta device.

AFM-4.5B-Base: ArceeForCausalLM (models/arcee/modeling_arcee.py: Llama attention, ungated ReLU^2 MLP, untied
head); LFM2-24B-A2B: Lfm2MoeForCausalLM (models/lfm2_moe/modeling_lfm2_moe.py: two dense blocks, then 64
sigmoid-routed experts with expert_bias). Each count is also the Hub total its catalog entry cites
(tests/golden/test_param_counts.py holds the same numbers)."""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import active_params, total_params
from meta_model import meta_params

# Hub safetensors totals (parameters_raw) in the llmfit snapshot
# https://github.com/AlexsJones/llmfit/blob/a3e0eb27c57fe05298292f4c61699b9aed2824ea/llmfit-core/data/hf_models.json
PUBLISHED = {
    "AFM-4.5B-Base": 4_619_184_640,
    "LFM2-24B-A2B": 23_843_661_440,
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_round10_entries_equal_the_transformers_model_and_the_hub_total(name: str) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config)) == PUBLISHED[name]


def test_lfm2_24b_a2b_activates_the_published_2_3b_a_token() -> None:
    """Liquid's release post (https://www.liquid.ai/blog/lfm2-24b-a2b): "only 2.3B active per forward
    pass"."""
    entry = catalog.get("LFM2-24B-A2B")
    assert entry is not None
    spec = catalog.spec_for(entry)
    assert round(active_params(spec) / 1e9, 1) == 2.3


def test_afm_4_5b_names_the_bundled_entry_not_an_approximation() -> None:
    entry = catalog.get("AFM-4.5B")
    assert entry is not None and entry.name == "AFM-4.5B-Base"


def test_ministral_8b_2410_equals_the_transformers_model_and_the_hub_total() -> None:
    """MistralForCausalLM; Hub safetensors.total 8,019,808,256 from a public table of Hub API counts
    (find_string '8019808256', id 71142266638)."""
    pytest.importorskip("transformers")
    entry = catalog.get("Ministral-8B-Instruct-2410")
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config)) == 8_019_808_256


def test_starcoder2_15b_equals_the_transformers_model_with_an_untied_head() -> None:
    """Starcoder2ForCausalLM from bigcode/starcoder2-15b's own config.json (tie_word_embeddings false): the
    transformers model holds both the 49,152 x 6,144 embedding and the head."""
    pytest.importorskip("transformers")
    entry = catalog.get("starcoder2-15b")
    assert entry is not None
    spec = catalog.spec_for(entry)
    assert not spec.tie_word_embeddings and not spec.approximate
    assert total_params(spec) == meta_params(dict(entry.model.config))
