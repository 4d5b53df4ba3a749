"""Catalog entries of round 4 of "the newest models are unknown or silently treated as dense Llamas":
GLM-4-0414 32B, Moonlight, dots.llm1, Codestral 22B, EmbeddingGemma, MiniCPM4 and Kimi-VL. The names people
type land on their own architecture (never on a size-only approximation), the totals match what the
publishers state, and the cache per token is the arithmetic of each published config."""

from __future__ import annotations

from fractions import Fraction

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.params import active_params, total_params
from published_sizes import assert_published_totals, catalog_spec

LOOKUPS = [
    ("GLM-4-32B-0414", "GLM-4-32B-0414"),
    ("THUDM/GLM-4-32B-0414", "GLM-4-32B-0414"),
    ("GLM-Z1-32B-0414", "GLM-4-32B-0414"),
    ("zai-org/GLM-Z1-32B-0414", "GLM-4-32B-0414"),
    ("GLM-Z1-Rumination-32B-0414", "GLM-4-32B-0414"),
    ("GLM-Z1-9B-0414", "GLM-4-9B-0414"),
    ("Moonlight-16B-A3B-Instruct", "Moonlight-16B-A3B"),
    ("moonshotai/Moonlight-16B-A3B-Instruct", "Moonlight-16B-A3B"),
    ("moonshotai/Moonlight-16B-A3B", "Moonlight-16B-A3B"),
    ("dots.llm1.inst", "dots.llm1.inst"),
    ("rednote-hilab/dots.llm1.inst", "dots.llm1.inst"),
    ("rednote-hilab/dots.llm1.base", "dots.llm1.inst"),
    ("Codestral-22B-v0.1", "Codestral-22B-v0.1"),
    ("mistralai/Codestral-22B-v0.1", "Codestral-22B-v0.1"),
    ("embeddinggemma-300m", "embeddinggemma-300m"),
    ("google/embeddinggemma-300m", "embeddinggemma-300m"),
    ("MiniCPM4-8B", "MiniCPM4-8B"),
    ("openbmb/MiniCPM4-8B", "MiniCPM4-8B"),
    ("openbmb/MiniCPM4.1-8B", "MiniCPM4-8B"),
    ("Kimi-VL-A3B-Instruct", "Kimi-VL-A3B-Instruct"),
    ("moonshotai/Kimi-VL-A3B-Thinking-2506", "Kimi-VL-A3B-Instruct"),
    ("LongCat-Flash-Chat", "LongCat-Flash-Chat"),
    ("meituan-longcat/LongCat-Flash-Chat", "LongCat-Flash-Chat"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_new_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def test_the_ollama_codestral_tag_is_the_22b_entry_served_as_gguf() -> None:
    from llmsize.specs.resolve import resolve

    # ollama.com/library/codestral: the 22b tag is Codestral-22B-v0.1
    spec = resolve("codestral:22b")
    assert not spec.approximate and spec.model_type == "mistral" and spec.num_layers == 56
    assert spec.weight_format.gguf_type is not None


@pytest.mark.parametrize(
    ("name", "total_b", "active_b"),
    [
        # llama.cpp's load log of the GLM-Z1-32B-0414 BF16 GGUF: "model params = 32.57 B"
        # (ikawrakow/ik_llama.cpp PR 344)
        ("GLM-4-32B-0414", 32.57, 32.57),
        # Moonlight card: "Moonlight-16B-A3B | MoE | 16B | 3B | 8K"
        ("Moonlight-16B-A3B", 16, 3),
        # mistral.ai/news/codestral: "Codestral 22B"
        ("Codestral-22B-v0.1", 22, 22),
        # MiniCPM4 card: "MiniCPM4-8B: The flagship of MiniCPM4, with 8B parameters"
        ("MiniCPM4-8B", 8, 8),
        # Kimi-VL card / report: 16B total; the LLM activates 2.8B, plus the ~0.4B MoonViT every image runs
        ("Kimi-VL-A3B-Instruct", 16, 3),
    ],
)
def test_totals_match_the_published_sizes(name: str, total_b: float, active_b: float) -> None:
    # the publishers round to the stated digit: within half of it
    assert_published_totals(name, total_b, active_b)


def test_dots_llm1_is_the_cards_142b_a14b() -> None:
    # dots.llm1 card: "A MoE model with 14B activated and 142B total parameters"; the card states whole
    # billions below the count (142.77B), so the total is checked as 142.x, the active count as 14 +- 0.5
    spec = catalog_spec("dots.llm1.inst")
    assert 142e9 <= total_params(spec) < 143e9
    assert abs(active_params(spec) / 1e9 - 14) <= 0.5


def test_longcat_flash_is_the_cards_560b() -> None:
    # LongCat-Flash card: "560 billion total parameters ... activates 18.6B~31.3B parameters"; all 12 picks
    # counted as real experts (with embeddings and head) sit just above that range's top
    spec = catalog_spec("LongCat-Flash-Chat")
    assert 560e9 <= total_params(spec) < 561e9  # "560 billion", stated below the count as for dots.llm1
    assert 31.3e9 <= active_params(spec) <= 31.3e9 + 2 * 131072 * 6144


def test_embeddinggemma_is_the_mteb_count_and_its_float32_body() -> None:
    """MTEB's registry (mteb google_models.py embedding_gemma_300m): n_parameters 307,581,696, of which
    n_embedding_parameters 201,326,592, and memory_usage_mb 1155 (the Gemma 3 body at 4 bytes a value)."""
    spec = catalog_spec("embeddinggemma-300m")
    assert total_params(spec) == 307_581_696
    assert spec.vocab_size * spec.hidden_size == 201_326_592
    body = total_params(spec) - spec.extra_params
    assert spec.weight_format.dtype == "fp32"
    assert round(body * 4 / 2**20) == 1155
    assert any("bidirectional text encoder" in w for w in spec.warnings)


def test_kimi_vl_vision_tower_is_moonvit_400m() -> None:
    # Kimi-VL technical report (arXiv 2504.07491): "MoonViT" of about 400M parameters; the projector
    # (LayerNorm(1152), 4608 -> 4608 and 4608 -> 2048 biased linears) is the rest of the wrapper
    merged, text = 4 * 1152, 2048
    projector = 2 * 1152 + merged * merged + merged + text * merged + text
    tower = catalog_spec("Kimi-VL-A3B-Instruct").extra_params - projector
    assert abs(tower / 1e9 - 0.4) <= 0.05, tower


def _kv_terms(name: str) -> dict[int | None, tuple[int, Fraction]]:
    spec = catalog_spec(name)
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    return {t.window: (t.layers, t.bytes_per_token) for t in terms}


def test_glm_4_32b_caches_two_kv_heads_on_61_blocks() -> None:
    # llama.cpp print_info for GLM-Z1-32B-0414: n_embd_k_gqa = n_embd_v_gqa = 256 (2 KV heads x 128)
    assert _kv_terms("GLM-4-32B-0414") == {None: (61, Fraction(2 * 256 * 2))}


def test_moonlight_caches_the_mla_latent_not_16_heads() -> None:
    # kv_lora_rank 512 + qk_rope_head_dim 64 per token and layer, 27 layers, bf16
    assert _kv_terms("Moonlight-16B-A3B") == {None: (27, Fraction((512 + 64) * 2))}


def test_dots_llm1_caches_full_multi_head_kv() -> None:
    # 32 KV heads (multi-head attention, card) x 128 for K and V on all 62 blocks, no sliding layers
    assert _kv_terms("dots.llm1.inst") == {None: (62, Fraction(2 * 32 * 128 * 2))}


def test_embeddinggemma_windows_five_blocks_in_six_with_a_bidirectional_band() -> None:
    # layer_types: 5 sliding : 1 full over 24 layers, 1 KV head of 256; Gemma3TextConfig.__post_init__
    # turns a bidirectional model's sliding_window 512 into a +-256 band of 512 // 2 + 1 = 257 positions
    assert _kv_terms("embeddinggemma-300m") == {
        None: (4, Fraction(2 * 256 * 2)),
        257: (20, Fraction(2 * 256 * 2)),
    }


def test_minicpm4_is_read_as_llama_tensors_without_a_warning() -> None:
    spec = catalog_spec("MiniCPM4-8B")
    assert spec.num_kv_heads == 2 and spec.head_dim == 128 and not spec.tie_word_embeddings
    assert not any("not one llmsize knows" in w for w in spec.warnings)


def test_only_a_fully_bidirectional_config_is_called_an_encoder() -> None:
    # Gemma 4 states use_bidirectional_attention "vision": a causal decoder with bidirectional image spans
    gemma4 = catalog.get("gemma-4-26B-A4B-it")
    assert gemma4 is not None
    assert not any("bidirectional text encoder" in w for w in catalog.spec_for(gemma4).warnings)
    assert not any("bidirectional text encoder" in w for w in catalog_spec("gemma-3-270m").warnings)


# no released size is left unbundled (the 7B since round 5, the 15B since round 10): a size StarCoder2 never
# shipped still takes the family's own shape
@pytest.mark.parametrize("name", ["starcoder2-30b"])
def test_unbundled_starcoder2_sizes_take_starcoder2s_own_shape_and_say_so(name: str) -> None:
    from llmsize.specs.resolve import resolve

    spec = resolve(name)
    # StarCoder2's 49,152-token vocabulary, LayerNorm + GELU blocks (starcoder2-3b), never Llama 3's 128,256
    assert spec.approximate and spec.model_type == "starcoder2" and spec.vocab_size == 49152
    assert any("approximated from the size in its name" in w for w in spec.warnings)
