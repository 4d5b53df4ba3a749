"""Round-5 catalog entries against transformers 5.23, built on the meta device.

Step-3.5-Flash (model_type step3p5): transformers 5.23 maps step3p5 to Step3p7TextConfig and builds the
decoder as Step3p7TextModel (models/step3p7/modeling_step3p7.py); the language-model head is the
Step3p7ForConditionalGeneration lm_head (hidden -> vocab, no bias, untied), added here because no
causal-LM class is registered for the text config alone. The dense entries are their causal-LM classes.
"""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params
from meta_model import meta_params


def test_step_3_5_flash_equals_the_transformers_text_model_and_its_head() -> None:
    pytest.importorskip("transformers")
    entry = catalog.get("Step-3.5-Flash")
    assert entry is not None
    config = dict(entry.model.config)
    body = meta_params(config, model_class="Step3p7TextModel")
    head = config["vocab_size"] * config["hidden_size"]
    assert total_params(catalog.spec_for(entry)) == body + head


@pytest.mark.parametrize(
    ("name", "hub_total"),
    [
        ("starcoder2-7b", 7_173_923_840),
        ("aya-expanse-32b", 32_296_476_672),
        ("granite-4.1-3b", 3_402_836_480),
        ("granite-4.1-8b", 8_791_592_960),
        ("granite-4.1-30b", 28_865_728_512),
        ("Trinity-Mini", 26_123_974_400),  # no Hub total found: the report's 26B
        ("Trinity-Large-Thinking", 398_635_286_016),
    ],
)
def test_dense_entries_equal_the_transformers_model_and_the_hub_total(name: str, hub_total: int) -> None:
    pytest.importorskip("transformers")
    entry = catalog.get(name)
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config)) == hub_total


def test_glm_4_1v_and_4_6v_flash_equal_the_transformers_model() -> None:
    """Glm4vForConditionalGeneration (text decoder, vision tower, merger) built from the catalog config."""
    pytest.importorskip("transformers")
    for name in ("GLM-4.1V-9B-Thinking", "GLM-4.6V-Flash"):
        entry = catalog.get(name)
        assert entry is not None
        built = meta_params(dict(entry.model.config))
        assert total_params(catalog.spec_for(entry)) == built == 10_292_777_472
