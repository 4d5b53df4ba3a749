"""A MoE name of a known family with an unknown size is scaled from that family's nearest real MoE entry,
keeping its layer pattern (issue 15: 'Qwen3.6-122B-A10B' was an all-attention Qwen3-MoE shape)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from llmsize.errors import BadInputError
from llmsize.names import parse_name
from llmsize.specs import catalog
from llmsize.specs.approximate import FAMILY_MOE_REFERENCE_SHAPES, approximate_spec
from llmsize.specs.params import active_params, total_params


def test_every_family_moe_grid_names_catalog_moe_entries() -> None:
    names = [n for grid in FAMILY_MOE_REFERENCE_SHAPES.values() for n in grid]
    entries = [catalog.get(n) for n in names]
    assert [n for n, e in zip(names, entries, strict=True) if e is None] == []
    assert all(catalog.spec_for(e).is_moe for e in entries if e is not None)


@pytest.mark.parametrize(
    ("name", "reference", "kinds"),
    [
        # Qwen3.5/3.6 MoE: 3 Gated DeltaNet : 1 gated attention, head_dim 256, 2 KV heads, 262,144 positions
        # (model_specs/qwen3.5.yaml, from Qwen/Qwen3.5-122B-A10B and -397B-A17B config.json)
        ("Qwen3.6-122B-A10B", "Qwen3.5-122B-A10B", {"linear_attention", "full_attention"}),
        ("Qwen3.5-200B-A12B", "Qwen3.5-122B-A10B", {"linear_attention", "full_attention"}),
        ("Qwen3-Next-160B-A6B", "Qwen3-Next-80B-A3B-Instruct", {"linear_attention", "full_attention"}),
        ("gpt-oss-60b-a5b", "gpt-oss-120b", {"sliding_attention", "full_attention"}),
        ("gemma-4-60B-A8B", "gemma-4-26B-A4B-it", {"sliding_attention", "full_attention"}),
        ("NVIDIA-Nemotron-3-Ultra-500B-A50B", "NVIDIA-Nemotron-3-Super-120B-A12B-BF16",
         {"mamba", "none", "full_attention"}),
    ],
)
def test_a_family_moe_name_keeps_its_family_pattern(name: str, reference: str, kinds: set[str]) -> None:
    spec = approximate_spec(parse_name(name))
    real = catalog.spec_for(catalog.get(reference))  # type: ignore[arg-type]
    assert spec is not None and spec.approximate
    assert spec.provenance.source.startswith(f"{reference} shape")
    assert f"scaled from {reference}" in (spec.provenance.note or "")
    assert "nearest real MoE entry of its own family" in spec.warnings[0]
    assert set(spec.layer_types or ()) == kinds
    same = ("head_dim", "num_kv_heads", "hidden_size", "max_position_embeddings", "num_experts_per_tok",
            "vocab_size", "sliding_window")
    assert {f: getattr(spec, f) for f in same} == {f: getattr(real, f) for f in same}
    assert spec.vision is None and spec.extra_params == 0  # the decoder only, as the dense grid does


def test_qwen3_6_122b_a10b_is_scaled_back_to_the_real_qwen3_5_122b_a10b() -> None:
    # the same architecture (model_specs/qwen3.5.yaml: Qwen3.6 reuses the Qwen3.5 shapes): 48 blocks,
    # 12 x (3 DeltaNet + 1 attention), 256 experts with 8 routed, as Qwen/Qwen3.5-122B-A10B's config.json
    spec = approximate_spec(parse_name("Qwen3.6-122B-A10B"))
    real = catalog.spec_for(catalog.get("Qwen3.5-122B-A10B"))  # type: ignore[arg-type]
    assert spec is not None
    assert (spec.num_layers, spec.num_experts, spec.layer_types) == (48, 256, real.layer_types)


def test_deepseek_moe_name_keeps_mla_and_its_dense_leading_blocks() -> None:
    spec = approximate_spec(parse_name("DeepSeek-V3.5-300B-A20B"))
    assert spec is not None and spec.provenance.source.startswith("DeepSeek-V3 shape")
    assert spec.kv_lora_rank == 512 and spec.first_k_dense_layers == 3


def test_ring_flash_2_is_scaled_from_ling_flash_2() -> None:
    # "Ring-flash-2.0 ... optimized from Ling-flash-2.0-base ... 100B total parameters and only 6.1B active"
    # (inclusionAI/Ring-flash-2.0 model card): the Ling 2.0 shape, 32 blocks as Ling-flash-2.0's config.json
    spec = approximate_spec(parse_name("Ring-flash-2.0"))
    assert spec is not None and spec.provenance.source.startswith("Ling-flash-2.0 shape")
    assert spec.num_layers == 32 and spec.first_k_dense_layers == 1


def test_an_unknown_series_still_takes_the_qwen3_moe_grid() -> None:
    spec = approximate_spec(parse_name("Foo-120B-A12B"))
    assert spec is not None and spec.provenance.source.startswith("Qwen3-235B-A22B")
    assert "own family" not in spec.warnings[0]


_FAMILY_NAMES = {
    "Qwen3.5-{t}B-A{a}B": ("qwen", "3.5", None),
    "Qwen3.6-{t}B-A{a}B": ("qwen", "3.6", None),
    "Qwen3-Next-{t}B-A{a}B": ("qwen", "3", "next"),
    "gpt-oss-{t}b-a{a}b": ("gpt-oss", None, None),
    "DeepSeek-V3-{t}B-A{a}B": ("deepseek", "3", None),
    "gemma-4-{t}B-A{a}B": ("gemma", "4", None),
    "NVIDIA-Nemotron-3-{t}B-A{a}B": ("nemotron", "3", None),
    "LFM2-{t}B-A{a}B": ("lfm", "2", None),
    "Ling-2.5-{t}B-A{a}B": ("ling", "2", None),
}


@given(
    pattern=st.sampled_from(sorted(_FAMILY_NAMES)),
    total=st.integers(min_value=20, max_value=1000),
    percent=st.integers(min_value=4, max_value=25),
)
def test_any_family_moe_approximation_keeps_size_and_kinds(pattern: str, total: int, percent: int) -> None:
    active = max(1, total * percent // 100)
    name = pattern.format(t=total, a=active)
    try:
        spec = approximate_spec(parse_name(name))
    except BadInputError:
        assume(False)  # a size the grid cannot reach is refused, tested elsewhere
        return
    assert spec is not None
    size = total * 10**9
    built = total_params(spec)
    assert abs(built - size) <= size // 4  # the tolerance approximate._near allows
    assert active_params(spec) <= built
    family = [catalog.spec_for(catalog.get(n)) for n in FAMILY_MOE_REFERENCE_SHAPES[_FAMILY_NAMES[pattern]]]  # type: ignore[arg-type]
    real_kinds = [set(r.layer_types or ("full_attention",)) for r in family]
    assert set(spec.layer_types or ("full_attention",)) in real_kinds  # the same kinds as a real entry
