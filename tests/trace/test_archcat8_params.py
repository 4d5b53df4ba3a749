"""Round-8 catalog entries against transformers 5.23, built on the meta device.

Hunyuan-7B-Instruct is HunYuanDenseV1ForCausalLM (models/hunyuan_v1_dense/modeling_hunyuan_v1_dense.py): its
per-head q/k norms and tied head are what the count must hold."""

from __future__ import annotations

import pytest

from llmsize.specs import catalog
from llmsize.specs.params import total_params
from meta_model import meta_params


def test_hunyuan_7b_equals_the_transformers_model() -> None:
    pytest.importorskip("transformers")
    entry = catalog.get("Hunyuan-7B-Instruct")
    assert entry is not None
    assert total_params(catalog.spec_for(entry)) == meta_params(dict(entry.model.config)) == 7_504_568_320
