"""Round-9 catalog entries against transformers 5.23, built on the meta device.

granite-3.1-*: GraniteForCausalLM (models/granite/modeling_granite.py), tied head; gemma-7b: GemmaForCausalLM
(head_dim 256 != hidden / heads, tied); phi-2: PhiForCausalLM (biased q/k/v/dense, fc1/fc2, biased untied
lm_head); Qwen1.5-MoE-A2.7B: Qwen2MoeForCausalLM (60 experts + a gated shared expert). Each count is also the
published total its catalog entry cites (tests/golden/test_param_counts.py holds the same numbers)."""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params
from meta_model import meta_params

# Published totals: granite-3.1-2b-instruct 2,533,531,648 (a Hub-count table, find_string id 61249037944);
# gemma-7b 8,537,680,896 (keras-hub's gemma_7b_en preset); phi-2 2,779,683,840 (the Hub's safetensors
# F16 parameters); Qwen1.5-MoE-A2.7B 14,315,784,192 (keras-hub's qwen1.5_moe_2.7b_en preset).
# granite-3.1-8b-instruct has no published total found; vLLM 0.19.0 loads it as 'Model loading took 15.25 GiB'
# (llm-d-planner PR #205), which its 8,170,848,256 bf16 parameters + the 131,072-row RoPE table give.
PUBLISHED = {
    "granite-3.1-2b-instruct": 2_533_531_648,
    "gemma-7b": 8_537_680_896,
    "phi-2": 2_779_683_840,
    "Qwen1.5-MoE-A2.7B": 14_315_784_192,
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_round9_entries_equal_the_transformers_model_and_the_published_total(name: str) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config)) == PUBLISHED[name]


def test_granite_3_1_8b_equals_the_transformers_model() -> None:
    pytest.importorskip("transformers")
    entry = catalog.get("granite-3.1-8b-instruct")
    assert entry is not None
    # its vLLM load ('Model loading took 15.25 GiB') is checked in tests/golden/engine_logs.yaml
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config))


def test_lfm2_5_8b_a1b_equals_the_transformers_model_and_its_stated_size() -> None:
    """Lfm2MoeForCausalLM (models/lfm2_moe/modeling_lfm2_moe.py). The architecture note the entry cites gives
    "~16.9GB BF16 safetensors": 8.47e9 parameters x 2 B = 16.9 GB."""
    pytest.importorskip("transformers")
    entry = catalog.get("LFM2.5-8B-A1B")
    assert entry is not None
    count = total_params(catalog.spec_for(entry))
    assert count == meta_params(dict(entry.model.config))
    assert round(count * 2 / 1e9, 1) == 16.9
