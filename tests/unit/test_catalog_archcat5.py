"""Catalog entries of round 5 of "the newest models are unknown or silently treated as dense Llamas".

The names people type land on their own architecture (never on a size-only approximation), the totals
match what the publishers state, and the cache per token is the arithmetic of each published config.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.params import active_params, total_params
from published_sizes import catalog_spec, half_digit

LOOKUPS = [
    ("Step-3.5-Flash", "Step-3.5-Flash"),
    ("stepfun-ai/Step-3.5-Flash", "Step-3.5-Flash"),
    ("starcoder2-7b", "starcoder2-7b"),
    ("bigcode/starcoder2-7b", "starcoder2-7b"),
    ("GLM-4.6V-Flash", "GLM-4.6V-Flash"),
    ("zai-org/GLM-4.6V-Flash", "GLM-4.6V-Flash"),
    ("GLM-4.1V-9B-Thinking", "GLM-4.1V-9B-Thinking"),
    ("LFM2.5-1.2B-Instruct", "LFM2-1.2B"),
    ("LiquidAI/LFM2.5-1.2B-Thinking", "LFM2-1.2B"),
    ("LFM2.5-1.2B-JP", "LFM2-1.2B"),
    ("LFM2.5-350M", "LFM2-350M"),
    ("aya-expanse-32b", "aya-expanse-32b"),
    ("CohereLabs/aya-expanse-32b", "aya-expanse-32b"),
    ("granite-4.1-3b", "granite-4.1-3b"),
    ("ibm-granite/granite-4.1-8b", "granite-4.1-8b"),
    ("granite-4.1-30b", "granite-4.1-30b"),
    ("Nemotron-Cascade-2-30B-A3B", "NVIDIA-Nemotron-3-Nano-30B-A3B"),
    ("nvidia/Nemotron-Cascade-2-30B-A3B", "NVIDIA-Nemotron-3-Nano-30B-A3B"),
    ("Trinity-Mini", "Trinity-Mini"),
    ("arcee-ai/Trinity-Mini", "Trinity-Mini"),
    ("Trinity-Large-Thinking", "Trinity-Large-Thinking"),
    ("arcee-ai/Trinity-Large-Preview", "Trinity-Large-Thinking"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_new_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def test_step_3_5_flash_matches_its_card() -> None:
    """stepfun-ai/Step-3.5-Flash README, 4.1: "Total Parameters 196.81B (196B Backbone + 0.81B Head)",
    "Active Parameters ~11B (per token generation)". The backbone (embedding, 45 blocks, final norm;
    everything but the untied lm_head) is the card's 196B to its digit; per generated token the blocks'
    active weights plus the head are its ~11B (the embedding row is a lookup, not a matmul)."""
    spec = catalog_spec("Step-3.5-Flash")
    head = spec.vocab_size * spec.hidden_size
    assert abs((total_params(spec) - head) / 1e9 - 196) <= half_digit(196)
    assert abs((active_params(spec) - head) / 1e9 - 11) <= half_digit(11)
    assert spec.num_experts == 288 and spec.num_experts_per_tok == 8 and spec.num_shared_experts == 1


def test_step_3_5_flash_sliding_blocks_cache_only_their_window() -> None:
    """45 blocks, full attention every fourth (12 blocks), 8 KV heads of 128 in every block: 12 blocks
    cache the whole context, the 33 sliding ones their 512-token window (bf16 K and V)."""
    spec = catalog_spec("Step-3.5-Flash")
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    per_token = Fraction(2 * 8 * 128 * 2)
    by_window = {t.window: (t.layers, t.bytes_per_token) for t in terms}
    assert by_window.pop(None) == (12, per_token)
    ((window, (layers, size)),) = by_window.items()
    assert (layers, size) == (33, per_token) and window is not None and 512 <= window <= 513


def test_step_3_5_flash_full_and_sliding_blocks_have_their_own_query_heads() -> None:
    """configuration_step3p7.py: sliding blocks take attention_other_setting's 96 query heads, full blocks
    num_attention_heads' 64; both have g_proj, one gate per head (Step3p7Attention, gating=True)."""
    spec = catalog_spec("Step-3.5-Flash")
    assert spec.layer_types is not None
    full = spec.layer_types.index("full_attention")
    sliding = spec.layer_types.index("sliding_attention")
    assert spec.attention_view(full).num_attention_heads == 64
    assert spec.attention_view(sliding).num_attention_heads == 96
    assert spec.attn_head_gate


def test_step_3_5_flash_q4_k_s_gguf_is_the_published_file_size() -> None:
    """stepfun-ai/Step-3.5-Flash README, 6.4 llama.cpp: "GGUF Model Weights(int4): 111.5 GB" for the
    step3.5_flash_Q4_K_S.gguf it runs; llmsize's per-tensor Q4_K_S inventory (GPU and host RAM together: the
    whole file) lands on that figure."""
    from llmsize.estimate.core import estimate
    from llmsize.specs.resolve import resolve

    est = estimate(resolve("Step-3.5-Flash"), Workload(engine="llama.cpp", quant="Q4_K_S"))
    assert abs(est.all_weights_bytes / 1e9 - 111.5) <= 0.05


def test_step_3_5_flash_mtp_blocks_are_the_cards_head_and_close_the_hub_total() -> None:
    """One MTP block (model.layers.45-47 of the checkpoint) from the config: a sliding-attention block
    (96 query heads, 8 KV heads of 128, q/k norms, g_proj) with a dense SwiGLU of intermediate_size, plus
    eh_proj (2h -> h), enorm, hnorm and a shared_head (norm + output to the vocabulary) of its own. The card
    calls it the "0.81B Head"; three of them plus the built model are the Hub's safetensors total."""
    entry = catalog.get("Step-3.5-Flash")
    assert entry is not None
    c = dict(entry.model.config)
    h, hd, kv, heads = c["hidden_size"], c["head_dim"], c["num_attention_groups"], 96
    attention = 2 * h * heads * hd + 2 * h * kv * hd + h * heads + 2 * hd
    block = attention + 3 * h * c["intermediate_size"] + 2 * h * h + 5 * h + c["vocab_size"] * h
    assert round(block / 1e9, 2) == 0.81
    assert entry.model.checkpoint_only_params == c["num_nextn_predict_layers"] * block
    spec = catalog.spec_for(entry)
    assert total_params(spec) + entry.model.checkpoint_only_params == entry.model.published_params


def test_starcoder2_7b_is_the_hub_total_and_the_card_s_window() -> None:
    """Hub safetensors total 7,173,923,840 (the llmfit snapshot): tied embeddings; untied would add a
    49152 x 4608 head. The card: "a context window of 16,384 tokens with a sliding window attention of
    4,096 tokens"."""
    spec = catalog_spec("starcoder2-7b")
    assert total_params(spec) == 7_173_923_840 and spec.tie_word_embeddings
    assert spec.max_position_embeddings == 16384 and spec.sliding_window == 4096
    assert any("no dtype" in w for w in spec.warnings)  # the stored dtype was not verified: said


def test_glm_4_6v_flash_is_the_9b_dense_vlm_with_its_own_context() -> None:
    """GLM-4.6V-Flash and GLM-4.1V-9B-Thinking: the same 10,292,777,472 parameters (the Hub totals in the
    llmfit snapshot), 40 dense blocks with 2 KV heads of 128; the Flash reads 131072 positions, the 4.1V
    65536. The 106B GLM-4.6V is an MoE entry of its own (test_catalog_archcat6.py)."""
    from llmsize.specs.resolve import resolve

    flash, v41 = catalog_spec("GLM-4.6V-Flash"), catalog_spec("GLM-4.1V-9B-Thinking")
    assert total_params(flash) == total_params(v41) == 10_292_777_472
    assert not flash.is_moe and flash.num_kv_heads == 2 and flash.num_layers == 40
    assert (flash.max_position_embeddings, v41.max_position_embeddings) == (131072, 65536)
    big = resolve("GLM-4.6V")
    assert not big.approximate and big.is_moe and big.name != flash.name


def test_lfm2_5_card_figures_match_the_aliased_lfm2_entry() -> None:
    """LFM2.5-1.2B-Instruct card: "Number of parameters: 1.17B", "16 (10 double-gated LIV convolution blocks
    + 6 GQA blocks)", "Vocabulary size: 65,536"."""
    spec = catalog_spec("LFM2.5-1.2B-Instruct")
    assert abs(total_params(spec) / 1e9 - 1.17) <= half_digit(1.17)
    assert spec.layer_types is not None and spec.layer_types.count("full_attention") == 6
    assert spec.num_layers == 16 and spec.vocab_size == 65536


def test_aya_expanse_32b_matches_the_card_and_the_cited_widths() -> None:
    """Cohere's docs: "Its 8-billion and 32-billion parameter offerings", 128,000-token context; the cited
    table: 40 layers, 8 KV heads of 128, hidden 8192. Inferred widths (64 heads, MLP 24576) bring the tied
    256,000-token model to the Hub total, 32,296,476,672, exactly (the golden table checks that)."""
    spec = catalog_spec("aya-expanse-32b")
    assert abs(total_params(spec) / 1e9 - 32) <= half_digit(32)
    assert (spec.num_layers, spec.num_kv_heads, spec.head_dim, spec.hidden_size) == (40, 8, 128, 8192)
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    assert [(t.layers, t.bytes_per_token, t.window) for t in terms] == [(40, Fraction(2 * 8 * 128 * 2), None)]


def test_falcon_h1r_is_not_the_2023_falcon_7b() -> None:
    """Falcon-H1R-7B (TII, Jan 2026: a hybrid attention + Mamba reasoning model) parses as series falcon
    with an unread part "H1R"; it used to land silently on falcon-7b (2023, a plain transformer of 65024
    tokens). With no verified config it is now approximated, and says so."""
    from llmsize.specs.resolve import resolve

    assert catalog.find("Falcon-H1R-7B") is None
    spec = resolve("Falcon-H1R-7B")
    assert spec.approximate and spec.name != "falcon-7b"
    assert catalog.find("falcon-7b") is not None and catalog.find("Falcon-H1-7B-Instruct") is not None


@pytest.mark.parametrize(
    ("name", "tied"), [("granite-4.1-3b", True), ("granite-4.1-8b", False), ("granite-4.1-30b", True)]
)
def test_granite_4_1_is_a_dense_transformer_caching_every_block(name: str, tied: bool) -> None:
    """Granite 4.1 is model_type granite (no Mamba blocks, unlike granite-4.0-h-*): every block caches K/V.
    The untied 8b holds a second 100352 x 4096 matrix that the tied 3b and 30b do not."""
    spec = catalog_spec(name)
    assert spec.model_type == "granite" and spec.recurrent is None and spec.tie_word_embeddings is tied
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    assert [(t.layers, t.window) for t in terms] == [(spec.num_layers, None)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attention_other_setting": {"num_attention_heads": 0}}, "at least 1"),
        ({"attention_other_setting": "96 heads"}, "must be an object"),
        ({"num_attention_groups": 0}, "at least 1"),
        ({"moe_layers_enum": [3, -1]}, "negative block index"),
        ({"moe_layers_enum": "3,x"}, "block indices"),
        ({"layer_types": ["full_attention"]}, "one entry per layer"),
        ({"attention_other_setting": {"num_attention_heads": 96, "head_dim": 64}}, "query heads"),
    ],
)
def test_a_broken_step3p5_config_is_one_clear_error(change: dict[str, object], message: str) -> None:
    from llmsize.errors import ConfigError
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    entry = catalog.get("Step-3.5-Flash")
    assert entry is not None
    config = {**dict(entry.model.config), **change}
    with pytest.raises(ConfigError, match=message):
        spec_from_hf_config(config, name="x", provenance=Provenance(kind=ProvenanceKind.LOCAL, source="x"))


def test_trinity_mini_and_large_match_the_report() -> None:
    """Arcee Trinity Large technical report (arXiv 2602.17004) abstract: "Trinity Mini having 26B total
    parameters with 3B activated per token"; Trinity Large "400B total parameters and 13B activated per
    token" (its Hub total, 398,635,286,016, is checked to the parameter by the golden table)."""
    from published_sizes import assert_published_totals

    assert_published_totals("Trinity-Mini", 26, 3)
    large = catalog_spec("Trinity-Large-Thinking")
    assert abs(active_params(large) / 1e9 - 13) <= half_digit(13)
    assert abs(total_params(large) / 400e9 - 1) < 0.005


def test_trinity_large_caches_its_4096_window_on_three_of_four_blocks() -> None:
    """60 blocks, every 4th global (15), the rest a 4096-token window; 8 KV heads of 128 (the report's
    table)."""
    spec = catalog_spec("Trinity-Large-Thinking")
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    by_window = {t.window: (t.layers, t.bytes_per_token) for t in terms}
    per_token = Fraction(2 * 8 * 128 * 2)
    assert by_window.pop(None) == (15, per_token)
    ((window, (layers, size)),) = by_window.items()
    assert (layers, size) == (45, per_token) and window is not None and 4096 <= window <= 4097


def test_step_3_is_its_catalog_moe_and_its_siblings_are_not_caught() -> None:
    """Step-3 is a catalog entry now (test_catalog_archcat6.py: the Hub total to the parameter), never a
    size-only guess. Step3-VL-10B (a dense 10B) and the Step-3.5 / 3.7 names are other models."""
    from llmsize.specs.resolve import resolve

    spec = resolve("Step-3")
    assert not spec.approximate and spec.is_moe and spec.name == "Step-3"
    for other in ("Step3-VL-10B", "Step-3.5-Flash-Base", "step3p5-flash", "Step-3.7-Flash"):
        found = catalog.find(other)
        assert found is None or found[0].name != "Step-3", other
