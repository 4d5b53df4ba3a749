"""Families whose config is not bundled but whose card publishes total and active sizes.

Mistral Large 3: "675B total, 41B active" (https://huggingface.co/mistralai/Mistral-Large-3-675B-Instruct-2512);
the plain repo is the FP8 release (vllm-project/recipes Mistral/Mistral-Large-3.md). Before, the
name was "unknown model" without a size and a dense Llama-3.1-405B shape of 675B with one (every
weight read per token); then the MoE approximation of specs/approximate.py; now the catalog carries its
params.json (model_specs/mistral.yaml, tests/golden/test_new_arch_catalog.py), and the approximation is
left for spellings of the family the catalog does not name.
"""

from __future__ import annotations

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.workload import Workload
from llmsize.specs.params import active_params, total_params
from llmsize.specs.resolve import resolve


@pytest.mark.parametrize("name", ["Mistral-Large-3", "Mistral-Large-3-675B-Instruct-2512"])
def test_mistral_large_3_is_an_moe_of_its_published_sizes(name: str) -> None:
    spec = resolve(name)
    assert not spec.approximate and spec.is_moe and spec.is_mla
    assert total_params(spec) == pytest.approx(675e9, rel=0.01)
    assert active_params(spec) == pytest.approx(41e9, rel=0.04)
    # the FP8 release: about one byte per weight, not bf16's two
    weights = estimate(spec, Workload()).weights_bytes
    assert 0.95 < weights / total_params(spec) < 1.1


def test_a_format_in_the_name_wins_over_the_release_format() -> None:
    bf16 = estimate(resolve("Mistral-Large-3-675B-Instruct-2512-BF16"), Workload()).weights_bytes
    nvfp4 = estimate(resolve("Mistral-Large-3-675B-Instruct-2512-NVFP4"), Workload()).weights_bytes
    assert bf16 / 675e9 == pytest.approx(2.0, rel=0.03)
    assert nvfp4 < 0.3 * bf16


def test_other_names_of_that_size_stay_as_before() -> None:
    dense = resolve("Foo-675B-Instruct")
    assert dense.approximate and not dense.is_moe
