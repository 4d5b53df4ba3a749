"""A name of a known series with an unknown size is approximated in its own family's shape, not Llama's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmsize.names import parse_name
from llmsize.specs import catalog
from llmsize.specs.approximate import FAMILY_REFERENCE_SHAPES, approximate_spec
from llmsize.specs.params import total_params


def test_every_family_grid_names_catalog_entries() -> None:
    missing = [n for names in FAMILY_REFERENCE_SHAPES.values() for n in names if catalog.get(n) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("name", "reference", "vocab"),
    [
        ("QwQ-72B", "Qwen2.5-72B", 152064),  # QwQ is Qwen2.5 (QwQ-32B model card)
        ("Qwen2.5-Math-20B", "Qwen2.5-14B", 152064),
        ("Qwen3-Embedding-8B", "Qwen3-8B", 151936),
        ("gemma-3-8b-it", "gemma-3-12b", 262208),
        ("medgemma-13b", "gemma-3-12b", 262208),
        ("Phi-5-20B", "Phi-4", 100352),
        ("Phi-3.5-medium-20B", "Phi-3-medium-4k-instruct", 32064),
        ("Codestral-22B-v0.1", "Mistral-Small-24B-Instruct-2501", 131072),
        ("Yi-Coder-9B", "Yi-1.5-9B", 64000),
        ("Falcon3-5B", "Falcon3-7B-Instruct", 131072),
    ],
)
def test_a_known_series_takes_its_own_family_and_says_so(name: str, reference: str, vocab: int) -> None:
    spec = approximate_spec(parse_name(name))
    assert spec is not None and spec.approximate
    assert spec.provenance.source.startswith(f"{reference} shape")
    assert spec.vocab_size == vocab
    assert "its own family, not a Llama shape" in spec.warnings[0]


def test_qwen2_5_family_keeps_its_biased_qkv() -> None:
    spec = approximate_spec(parse_name("QwQ-72B"))
    assert spec is not None and spec.qkv_bias and not spec.o_bias


def test_gemma_keeps_its_local_global_pattern_and_lends_no_vision_tower() -> None:
    spec = approximate_spec(parse_name("gemma-3-8b-it"))
    assert spec is not None and spec.layer_types is not None
    kinds = spec.layer_types
    assert kinds.count("full_attention") == len(kinds) // 6  # 5 sliding : 1 full, as Gemma 3
    assert spec.sliding_window == 1024
    assert spec.vision is None and spec.extra_params == 0


def test_an_unknown_series_still_takes_the_llama_grid() -> None:
    spec = approximate_spec(parse_name("Foo-7B-Instruct"))
    assert spec is not None and spec.provenance.source.startswith("Llama-3.1-8B shape")
    assert "own family" not in spec.warnings[0]


def test_a_name_with_an_active_size_stays_a_mixture_of_experts() -> None:
    spec = approximate_spec(parse_name("Qwen3-50B-A5B"))
    assert spec is not None and spec.is_moe


@given(
    series=st.sampled_from(["gemma-3", "QwQ", "Qwen2.5", "Phi-4", "Yi", "Falcon3", "granite-3.3", "Mistral"]),
    tenths=st.integers(min_value=20, max_value=2000),
)
def test_the_family_shape_is_scaled_to_the_stated_size(series: str, tenths: int) -> None:
    name = f"{series}-{tenths / 10:g}B"
    spec = approximate_spec(parse_name(name))
    assert spec is not None
    size = tenths * 10**8
    one = total_params(spec.model_copy(update={"num_layers": 1, "layer_types": None}))
    two = total_params(spec.model_copy(update={"num_layers": 2, "layer_types": None}))
    block = two - one
    if size >= one:  # a size below one block plus embeddings gets one block (and a warning)
        assert abs(total_params(spec) - size) <= block / 2 + 1
