"""The newest families of the catalog (MiMo-V2-Flash and MiMo-7B, GLM-4.5V, Trinity-Nano, InternVL3.5):
the names people type land on their own architecture, never on a size-only approximation, the totals
match what the publishers state, and the cache per token is the arithmetic of each published config."""

from __future__ import annotations

from fractions import Fraction

import pytest

from catalog_lookups import assert_lands_on_entry
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs import catalog
from llmsize.specs.params import active_params, mtp_params, param_inventory, total_params
from published_sizes import assert_published_totals, catalog_spec

LOOKUPS = [
    ("MiMo-V2-Flash", "MiMo-V2-Flash"),
    ("XiaomiMiMo/MiMo-V2-Flash", "MiMo-V2-Flash"),
    ("MiMo-V2-Flash-Base", "MiMo-V2-Flash"),
    ("mimo-v2-flash", "MiMo-V2-Flash"),
    ("MiMo-7B-RL", "MiMo-7B-Base"),
    ("XiaomiMiMo/MiMo-7B-RL-0530", "MiMo-7B-Base"),
    ("GLM-4.5V", "GLM-4.5V"),
    ("zai-org/GLM-4.5V", "GLM-4.5V"),
    ("GLM-4.5V-FP8", "GLM-4.5V"),
    ("Trinity-Nano", "Trinity-Nano-Preview"),
    ("arcee-ai/Trinity-Nano-Preview", "Trinity-Nano-Preview"),
    ("InternVL3.5-8B", "InternVL3_5-8B"),
    ("OpenGVLab/InternVL3_5-8B", "InternVL3_5-8B"),
    ("OpenGVLab/InternVL3_5-8B-HF", "InternVL3_5-8B"),
    ("InternVL3.5-38B", "InternVL3_5-38B"),
    ("InternVL3_5-241B-A28B", "InternVL3_5-241B-A28B"),
    ("OpenGVLab/InternVL3_5-241B-A28B-HF", "InternVL3_5-241B-A28B"),
    ("Ling-mini-2.0", "Ling-mini-2.0"),
    ("inclusionAI/Ling-mini-2.0", "Ling-mini-2.0"),
    ("inclusionAI/Ring-mini-2.0", "Ling-mini-2.0"),
    ("Ring-mini-linear-2.0", "Ring-mini-linear-2.0"),
    ("inclusionAI/Ring-mini-linear-2.0", "Ring-mini-linear-2.0"),
]


@pytest.mark.parametrize(("name", "entry"), LOOKUPS, ids=[n for n, _ in LOOKUPS])
def test_a_new_name_lands_on_its_entry_not_an_approximation(name: str, entry: str) -> None:
    assert_lands_on_entry(name, entry)


def test_glm_4_5v_is_not_the_text_model_and_back() -> None:
    vision = catalog.find("GLM-4.5V-FP8")
    text = catalog.find("GLM-4.5-FP8")
    assert vision is not None and text is not None
    assert (vision[0].name, text[0].name) == ("GLM-4.5V", "GLM-4.5")


@pytest.mark.parametrize(
    ("name", "total_b", "active_b"),
    [
        # "309B total parameters and 15B active parameters" (huggingface.co/XiaomiMiMo/MiMo-V2-Flash card)
        ("MiMo-V2-Flash", 309, 15),
        # "Trinity Nano having 6B total parameters with 1B activated per token" (Trinity Large tech report)
        ("Trinity-Nano-Preview", 6, 1),
        # InternVL docs, internvl3.5 quick_start "Model Preparation": #Total 8.5B, 38.4B, 240.7B-A28B
        ("InternVL3_5-8B", 8.5, 8.5),
        ("InternVL3_5-38B", 38.4, 38.4),
        ("InternVL3_5-241B-A28B", 240.7, 28),
        # Ling-V2 README: "Ling-mini-2.0 models (1.43B activated of 16.26B total params)"
        ("Ling-mini-2.0", 16.26, 1.43),
        # Ring-mini-linear-2.0 card: "activating only 1.6B of its 16.4B total parameters"
        ("Ring-mini-linear-2.0", 16.4, 1.6),
    ],
)
def test_totals_match_the_published_sizes(name: str, total_b: float, active_b: float) -> None:
    # the publishers round to the stated digit: within half of it
    assert_published_totals(name, total_b, active_b)


def test_glm_4_5v_equals_its_checkpoint_census() -> None:
    # 107,710,933,120 parameters in 18,106 tensors of zai-org/GLM-4.5V's safetensors (model_specs/glm-v.yaml)
    assert total_params(catalog_spec("GLM-4.5V")) == 107_710_933_120


@pytest.mark.parametrize(
    ("name", "vit_width", "text_width", "vision_b"),
    # InternVL docs: #Vision Param 0.3B (InternViT-300M) for 8B, 5.5B (InternViT-6B) for 38B and 241B
    [
        ("InternVL3_5-8B", 1024, 4096, 0.3),
        ("InternVL3_5-38B", 3200, 5120, 5.5),
        ("InternVL3_5-241B-A28B", 3200, 4096, 5.5),
    ],
)
def test_internvl_vision_tower_is_the_published_one(
    name: str, vit_width: int, text_width: int, vision_b: float
) -> None:
    # the projector (LayerNorm over 4 x vit width after the 0.5 pixel shuffle, linear_1, linear_2, biased)
    # is the rest of what the wrapper adds beside the decoder
    wide = 4 * vit_width
    projector = 2 * wide + wide * text_width + text_width + text_width * text_width + text_width
    tower = catalog_spec(name).extra_params - projector
    assert abs(tower / 1e9 - vision_b) <= 0.05, tower


def _kv_terms(name: str) -> dict[int | None, tuple[int, Fraction]]:
    spec = catalog_spec(name)
    wl = Workload()
    terms = kv_cache.kv_terms(spec, wl, "bf16", range(spec.num_layers))
    return {t.window: (t.layers, t.bytes_per_token) for t in terms}


def test_mimo_v2_flash_caches_global_and_window_layers_by_their_own_heads() -> None:
    # config.json: hybrid_layer_pattern has 9 zeros (global: 4 KV heads) and 39 ones (sliding: 8 KV heads,
    # sliding_window_size 128 + the query = 129 positions); K of head_dim 192 and V of v_head_dim 128, bf16
    assert _kv_terms("MiMo-V2-Flash") == {
        None: (9, Fraction(4 * (192 + 128) * 2)),
        129: (39, Fraction(8 * (192 + 128) * 2)),
    }


def test_mimo_v2_flash_has_sinks_on_sliding_blocks_only_and_no_shared_expert() -> None:
    spec = catalog_spec("MiMo-V2-Flash")
    sinks = [g for g in param_inventory(spec) if g.name == "sinks"]
    assert sum(g.numel for g in sinks) == 39 * 64  # add_swa_attention_sink_bias, 64 heads
    assert spec.num_shared_experts == 0 and spec.num_moe_layers == 47  # moe_layer_freq: block 0 dense
    assert spec.weight_format.quant is not None and spec.weight_format.quant.value == "fp8"


def test_trinity_nano_windows_three_blocks_in_four() -> None:
    # 56 blocks, global_attn_every_n_layers 4: 14 global, 42 with sliding_window 2048; 2 KV heads of 128
    assert _kv_terms("Trinity-Nano-Preview") == {
        2048: (42, Fraction(2 * 2 * 128 * 2)),
        None: (14, Fraction(2 * 2 * 128 * 2)),
    }


def test_mimo_7b_stores_one_mtp_layer_beside_its_qwen2_decoder() -> None:
    spec = catalog_spec("MiMo-7B-Base")
    assert spec.mtp_layers == 1 and mtp_params(spec) > 0
    # K and V of 8 heads of 128 in 36 layers, bf16 (config.json: 8 KV heads, hidden 4096 / 32 heads)
    assert _kv_terms("MiMo-7B-Base") == {None: (36, Fraction(2 * 8 * 128 * 2))}


def test_ling_mini_caches_fused_gqa_heads() -> None:
    # config: 4 KV heads of head_dim 128 in each of 20 blocks, bf16
    assert _kv_terms("Ling-mini-2.0") == {None: (20, Fraction(2 * 4 * 128 * 2))}
    spec = catalog_spec("Ling-mini-2.0")
    assert spec.fused_qkv and spec.qk_norm == "head" and spec.first_k_dense_layers == 1


def test_ring_mini_linear_keeps_a_fixed_lightning_state_beside_four_softmax_blocks() -> None:
    spec = catalog_spec("Ring-mini-linear-2.0")
    kinds = [spec.layer_type(i) for i in range(spec.num_layers)]
    # layer_group_size 5: block i is softmax when (i + 1) % 5 == 0 (SGLang is_linear_layer)
    assert [i for i, k in enumerate(kinds) if k == "full_attention"] == [4, 9, 14, 19]
    assert kinds.count("linear_attention") == 16
    spec_terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(spec.num_layers))
    growing = {t.window: (t.layers, t.bytes_per_token) for t in spec_terms if not t.state_bytes}
    fixed = [(t.layers, t.state_bytes) for t in spec_terms if t.state_bytes]
    # softmax blocks: K and V of 4 heads of 128, bf16; linear blocks: one fp32 16 x 128 x 128 state each
    assert growing == {None: (4, Fraction(2 * 4 * 128 * 2))}
    assert fixed == [(16, 16 * 128 * 128 * 4)]


def test_lightning_mixer_tensors_are_the_sglang_module() -> None:
    spec = catalog_spec("Ring-mini-linear-2.0")
    groups = [g for g in param_inventory(spec) if g.layers is not None and len(g.layers) == 16]
    linear = {g.name: g.numel // 16 for g in groups if g.kind in ("mixer", "norm")}
    h, width = 2048, 16 * 128  # multi-head: 16 heads of 128 for q, k and v
    assert linear == {
        "query_key_value": h * 3 * width,
        "query_layernorm": 128,
        "key_layernorm": 128,
        "g_proj": h * width,
        "g_norm": width,
        "dense": width * h,
    }


def test_sglang_keeps_the_lightning_state_per_rank_without_a_conv_window() -> None:
    from llmsize.estimate.engines.sglang_rules import layer_state_bytes

    rec = catalog_spec("Ring-mini-linear-2.0").recurrent
    assert rec is not None and rec.kind == "lightning"
    # BailingMoeLinearConfig.mamba2_cache_params: conv_kernel 1 (no window), temporal state heads/tp x d x d
    assert layer_state_bytes(rec, 2, 4) == (0, 8 * 128 * 128 * 4)


@pytest.mark.parametrize(
    ("name", "total_b", "active_b"),
    [
        ("Ling-1T", 1000, 50),  # AntTech's Ling-1T note: 1T total, about 50B active
        ("Ring-flash-2.0", 100, 6.1),  # Ring-flash-2.0 card: 100B total, 6.1B active
        ("Ring-flash-linear-2.0", 104, 6.1),  # arXiv 2510.19338: 104B, 6.1B activations
    ],
)
def test_an_unbundled_moe_of_these_families_is_an_moe_approximation_that_says_so(
    name: str, total_b: float, active_b: float
) -> None:
    from llmsize.specs.resolve import resolve

    assert catalog.find(name) is None
    spec = resolve(name)
    assert spec.approximate and spec.is_moe  # never a dense Llama of the total
    assert abs(total_params(spec) / 1e9 / total_b - 1) < 0.01
    assert abs(active_params(spec) / 1e9 / active_b - 1) < 0.03  # the depth is whole blocks
    assert any("model card publishes" in w for w in spec.warnings)


@pytest.mark.parametrize(
    ("name", "vit"),
    [
        # the remote-code InternViT settings OpenGVLab's converter maps to vit_300m_config / vit_6b_config
        ("InternVL3_5-8B", {"hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24,
                            "norm_type": "layer_norm", "qkv_bias": True, "qk_normalization": False}),
        ("InternVL3_5-38B", {"hidden_size": 3200, "intermediate_size": 12800, "num_hidden_layers": 45,
                             "norm_type": "rms_norm", "qkv_bias": False, "qk_normalization": True}),
    ],
)  # fmt: skip
def test_the_remote_code_internvl_chat_config_is_the_same_model(name: str, vit: dict[str, object]) -> None:
    """OpenGVLab/InternVL3_5-* (model_type internvl_chat, llm_config + InternViT) and its -HF conversion hold
    the same tensors (the converter renames and splits them): one count for both spellings."""
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    entry = catalog.get(name)
    assert entry is not None
    chat = {
        "model_type": "internvl_chat",
        "downsample_ratio": 0.5,
        "llm_config": dict(entry.model.config)["text_config"],
        "vision_config": {**vit, "image_size": 448, "patch_size": 14},
        "torch_dtype": "bfloat16",
    }
    spec = spec_from_hf_config(chat, name=name, provenance=Provenance(kind=ProvenanceKind.LOCAL, source="x"))
    assert not spec.approximate
    assert total_params(spec) == total_params(catalog.spec_for(entry))


def test_glm_4_6v_flash_is_not_sized_as_its_106b_sibling() -> None:
    flash, big = catalog.find("GLM-4.6V-Flash"), catalog.find("zai-org/GLM-4.6V-FP8")
    assert flash is not None and big is not None
    assert (flash[0].name, big[0].name) == ("GLM-4.6V-Flash", "GLM-4.6V")  # a dense 9B model (glm46v)


def test_step3_mfa_attention_is_a_low_rank_query_over_one_kv_head() -> None:
    """Step-3 (step3_vl / step3_text, remote code): vLLM step3_text.py Step3TextAttention builds q_proj to
    share_q_dim, inter_norm over it, wq up to heads x head_dim, one K and one V head (a fused qkv_proj of
    share_q_dim + 2 x head_dim), o_proj; the cache holds that one K/V head per block."""
    from llmsize.specs.hf_config import spec_from_hf_config
    from llmsize.specs.models import Provenance, ProvenanceKind

    h, r, heads, hd, inter, moe, experts, layers = 512, 128, 8, 64, 1024, 256, 4, 4
    text = {
        "model_type": "step3_text", "hidden_size": h, "share_q_dim": r, "num_attention_heads": heads,
        "head_dim": hd, "num_attention_groups": 1, "intermediate_size": inter, "moe_intermediate_size": moe,
        "moe_num_experts": experts, "moe_top_k": 2, "share_expert_dim": moe, "num_hidden_layers": layers,
        "moe_layers_enum": "1,2,3", "vocab_size": 1000, "max_position_embedding": 4096,
    }  # fmt: skip
    spec = spec_from_hf_config(
        text, name="step3", provenance=Provenance(kind=ProvenanceKind.LOCAL, source="x")
    )
    attn = h * (r + 2 * hd) + r + r * heads * hd + heads * hd * h
    dense_mlp, expert = 3 * h * inter, 3 * h * moe
    block_norms = 2 * h
    expected = (
        2 * 1000 * h
        + h  # embed_tokens, untied lm_head, final norm
        + layers * (attn + block_norms)
        + dense_mlp  # block 0
        + 3 * (experts * expert + h * experts + expert)  # blocks 1-3: experts, router, share_expert
    )
    assert total_params(spec) == expected
    terms = kv_cache.kv_terms(spec, Workload(), "bf16", range(layers))
    assert {t.window: (t.layers, t.bytes_per_token) for t in terms} == {None: (layers, Fraction(2 * hd * 2))}
