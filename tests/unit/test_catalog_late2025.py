"""The late-2025 families of model_specs (Olmo 3, SmolLM3, EXAONE 4.0, Seed-OSS, ERNIE 4.5 MoE,
Hunyuan-A13B, LFM2, Jamba 1.7, Kimi Linear, Apertus, GLM-4.7-Flash, Falcon-H1, Ministral 3): the names
people type land on their own architecture, never on the size-only approximation, and each is read as
the layer kinds its modeling code builds."""

from __future__ import annotations

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.specs import catalog
from llmsize.specs.params import active_params, total_params

LOOKUPS = [
    ("SmolLM3-3B", "SmolLM3-3B"),
    ("HuggingFaceTB/SmolLM3-3B-Base", "SmolLM3-3B"),
    ("Olmo-3-7B-Instruct", "Olmo-3-7B"),
    ("allenai/Olmo-3-1025-7B", "Olmo-3-7B"),
    ("Olmo-3-32B-Think", "Olmo-3-32B"),
    ("Olmo-3.1-32B-Instruct", "Olmo-3-32B"),
    ("EXAONE-4.0-32B", "EXAONE-4.0-32B"),
    ("LGAI-EXAONE/EXAONE-4.0-1.2B", "EXAONE-4.0-1.2B"),
    ("Seed-OSS-36B-Instruct", "Seed-OSS-36B-Instruct"),
    ("Seed-OSS-36B-Base", "Seed-OSS-36B-Instruct"),
    ("Hunyuan-A13B-Instruct", "Hunyuan-A13B-Instruct"),
    ("ERNIE-4.5-21B-A3B-PT", "ERNIE-4.5-21B-A3B-PT"),
    ("baidu/ERNIE-4.5-21B-A3B-Base-PT", "ERNIE-4.5-21B-A3B-PT"),
    ("ERNIE-4.5-300B-A47B-PT", "ERNIE-4.5-300B-A47B-PT"),
    ("LFM2-350M", "LFM2-350M"),
    ("LFM2-700M", "LFM2-700M"),
    ("LiquidAI/LFM2-1.2B", "LFM2-1.2B"),
    ("LFM2-2.6B", "LFM2-2.6B"),
    ("LFM2-8B-A1B", "LFM2-8B-A1B"),
    ("AI21-Jamba-Mini-1.7", "AI21-Jamba-Mini-1.7"),
    ("Jamba-Large-1.7", "AI21-Jamba-Large-1.7"),
    ("Kimi-Linear-48B-A3B-Instruct", "Kimi-Linear-48B-A3B-Instruct"),
    ("Apertus-8B-Instruct-2509", "Apertus-8B-2509"),
    ("swiss-ai/Apertus-70B-2509", "Apertus-70B-2509"),
    ("zai-org/GLM-4.7-Flash", "GLM-4.7-Flash"),
    ("Falcon-H1-0.5B-Instruct", "Falcon-H1-0.5B-Base"),
    ("Ministral-3-3B-Instruct-2512", "Ministral-3-3B-Instruct-2512"),
    ("mistralai/Ministral-3-8B-Instruct-2512", "Ministral-3-8B-Instruct-2512"),
    ("Ministral-3-14B", "Ministral-3-14B-Instruct-2512"),
    # Ollama library names (ollama/ollama integration/reg_library_test.go, docs/cloud.mdx)
    ("ministral-3:3b", "Ministral-3-3B-Instruct-2512"),
    ("ministral-3:14b", "Ministral-3-14B-Instruct-2512"),
    ("glm-4.7-flash:latest", "GLM-4.7-Flash"),
    ("olmo-3:7b", "Olmo-3-7B"),
    ("olmo-3.1:32b", "Olmo-3-32B"),
    ("Falcon-H1-1.5B-Instruct", "Falcon-H1-1.5B-Base"),
    ("tiiuae/Falcon-H1-7B-Instruct", "Falcon-H1-7B-Base"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_late_2025_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def _spec(name: str):  # type: ignore[no-untyped-def]
    found = catalog.find(name)
    assert found is not None
    return catalog.spec_for(found[0])


def test_olmo3_windows_three_layers_in_four() -> None:
    spec = _spec("Olmo-3-32B")
    kinds = [spec.layer_type(i) for i in range(spec.num_layers)]
    assert kinds[:4] == ["sliding_attention"] * 3 + ["full_attention"]
    assert kinds.count("full_attention") == 16 and spec.sliding_window == 4096


def test_exaone_32b_is_hybrid_and_the_1_2b_global_only() -> None:
    big, small = _spec("EXAONE-4.0-32B"), _spec("EXAONE-4.0-1.2B")
    assert [big.layer_window(i) for i in range(4)] == [4096, 4096, 4096, None]
    assert all(small.layer_window(i) is None for i in range(small.num_layers))


def test_lfm2_caches_six_attention_layers_of_sixteen() -> None:
    spec = _spec("LFM2-1.2B")
    kinds = [spec.layer_type(i) for i in range(spec.num_layers)]
    assert kinds.count("full_attention") == 6 and kinds.count("conv") == 10
    assert spec.intermediate_size == 8192  # block_auto_adjust_ff_dim: 2/3 x 12288, multiple of 256


def test_falcon_h1_attends_and_keeps_mamba_state_in_every_layer() -> None:
    spec = _spec("Falcon-H1-7B-Instruct")
    assert all(spec.layer_type(i) == "hybrid" for i in range(spec.num_layers))
    assert spec.recurrent is not None and spec.recurrent.kind == "mamba2"


def test_ministral3_instruct_is_fp8_decoder_with_a_bf16_vision_tower() -> None:
    spec = _spec("Ministral-3-3B-Instruct-2512")
    assert spec.weight_format.quant is not None and spec.weight_format.quant.value == "fp8"
    assert spec.extra_params == 420083712  # Pixtral + projector, the checkpoint's published vision size
    assert spec.sliding_window is None and spec.tie_word_embeddings
    assert not _spec("Ministral-3-8B-Instruct-2512").tie_word_embeddings
    # the older Ministral-8B-Instruct-2410 is another architecture, never this family's: it has its own entry
    found = catalog.find("Ministral-8B-Instruct-2410")
    assert found is not None and found[0].family == "ministral-2410"


def test_active_sizes_match_the_names() -> None:
    # "-A3B", "-A47B", "-A1B": the active size each name states, to within rounding of the name.
    for name, active_b in (
        ("ERNIE-4.5-21B-A3B-PT", 3),
        ("ERNIE-4.5-300B-A47B-PT", 47),
        ("Kimi-Linear-48B-A3B-Instruct", 3),
        ("LFM2-8B-A1B", 1.5),  # Liquid's card: 1.5B active
    ):
        spec = _spec(name)
        assert abs(active_params(spec) / 1e9 - active_b) < 0.5, name
        assert active_params(spec) < total_params(spec)
