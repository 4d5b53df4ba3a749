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
