"""Catalog entries of round 7: popular late-2025/2026 names that were refused or sized from a borrowed shape.

INTELLECT-3 ("unknown model" before: its name states no size) is its own glm4_moe entry, checked to the
parameter against the Hub's safetensors total. Devstral-2, Devstral-Small-2 and Nemotron-3-Super (each the
only size of its name) were refused, or read as an Ollama tag with no bundled tags; they now land on the
entry of that checkpoint.
"""

from __future__ import annotations

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.specs import catalog
from llmsize.specs.params import total_params
from published_sizes import catalog_spec

LOOKUPS = [
    ("INTELLECT-3", "INTELLECT-3"),
    ("PrimeIntellect/INTELLECT-3", "INTELLECT-3"),
    ("INTELLECT-3-Base", "INTELLECT-3"),
    ("Devstral-2", "Devstral-2-123B-Instruct-2512"),
    ("Devstral-Small-2", "Devstral-Small-2-24B-Instruct-2512"),
    ("Nemotron-3-Super", "NVIDIA-Nemotron-3-Super-120B-A12B-BF16"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_new_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def test_intellect_3_is_the_hub_census_to_the_parameter() -> None:
    """Hub safetensors total of PrimeIntellect/INTELLECT-3: 106,852,251,264, as tabulated in a public audit of
    Hub parameter counts (JOURNAL_AUDIT, "Regroupement des variantes MoE"). The export holds no next-n layer,
    so the count is what Glm4MoeForCausalLM builds."""
    spec = catalog_spec("INTELLECT-3")
    assert spec.model_type == "glm4_moe" and not spec.approximate
    assert total_params(spec) == 106_852_251_264


def test_intellect_3_has_glm_4_5_air_layout_without_its_mtp_tensors() -> None:
    """Post-trained from GLM-4.5-Air-Base: GLM-4.5-Air's Hub total (110,468,824,832) less the 3,616,573,568
    tensors of its stored MTP layer (checkpoint_only_params of that entry) is INTELLECT-3's Hub total."""
    air = catalog.get("GLM-4.5-Air")
    assert air is not None and air.model.published_params is not None
    expected = air.model.published_params - air.model.checkpoint_only_params
    assert total_params(catalog_spec("INTELLECT-3")) == expected == 106_852_251_264
