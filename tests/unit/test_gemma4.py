"""Gemma 4 (transformers 5.23 models/gemma4): per-layer head sizes, K = V global layers, MoE beside
the dense MLP, and the vision tower, restated from modeling_gemma4.py / configuration_gemma4.py.

The full-size totals are checked against the published checkpoint counts in
tests/golden/test_param_counts.py and against the traced model in tests/trace/test_weights_kv.py;
here each mechanism is checked on its own, by hand from the modeling code.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import ModelSpec, Provenance, ProvenanceKind
from llmsize.specs.params import total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")


def text(**over: Any) -> dict[str, Any]:
    """A small gemma4_text config shaped like gemma-4-31B-it's text_config (5 local : 1 global)."""
    cfg: dict[str, Any] = {
        "model_type": "gemma4_text",
        "hidden_size": 256,
        "intermediate_size": 512,
        "num_hidden_layers": 12,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "num_global_key_value_heads": 2,
        "head_dim": 32,
        "global_head_dim": 64,
        "attention_k_eq_v": True,
        "hidden_size_per_layer_input": 0,
        "num_kv_shared_layers": 0,
        "sliding_window": 1024,
        "vocab_size": 1000,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
    }
    cfg.update(over)
    return cfg


def spec(cfg: dict[str, Any]) -> ModelSpec:
    return spec_from_hf_config(cfg, name="t", provenance=PROV)


def kv(s: ModelSpec, tokens: int, batch: int = 1) -> int:
    wl = Workload(context=tokens, batch=batch)
    layers = list(range(s.num_layers))
    return int(kv_cache.kv_cache_bytes(s, wl, "bf16", layers, tokens=tokens, prefill=tokens))


def test_global_layers_cache_their_own_head_size_and_kv_heads() -> None:
    s = spec(text())
    assert s.layer_types is not None and s.layer_types.count("full_attention") == 2  # layers 5 and 11
    # bf16 K and V: 10 sliding layers of 4 x 32, 2 global layers of 2 x 64 (per_layer_config)
    per_token = 10 * 2 * 4 * 32 * 2 + 2 * 2 * 2 * 64 * 2
    assert kv(s, 100, batch=3) == per_token * 100 * 3


def test_k_eq_v_drops_v_proj_on_global_layers_only() -> None:
    h, heads = 256, 8
    without_v = total_params(spec(text()))
    # attention_k_eq_v false: global layers keep num_key_value_heads (4) and have k_proj and v_proj
    # (configuration_gemma4.py only applies num_global_key_value_heads when attention_k_eq_v is set).
    with_v = total_params(spec(text(attention_k_eq_v=False)))
    assert with_v - without_v == 2 * h * (2 * 4 * 64 - 2 * 64)
    # and q_proj/o_proj of the global layers are at global_head_dim: widening it adds exactly those
    wider = total_params(spec(text(global_head_dim=128)))
    per_global_layer = 2 * h * heads * 64 + h * 2 * 64 + 2 * 64  # q+o, k, q_norm + k_norm
    assert wider - without_v == 2 * per_global_layer


def test_moe_block_sits_beside_the_dense_mlp_with_a_scaled_router() -> None:
    dense = total_params(spec(text()))
    moe = total_params(
        spec(text(enable_moe_block=True, num_experts=4, top_k_experts=2, moe_intermediate_size=64))
    )
    h, layers = 256, 12
    experts = 4 * 3 * h * 64  # gate_up_proj (2 x inter) + down_proj per expert
    router = h * 4 + h + 4  # proj, scale, per_expert_scale
    norms = 3 * h  # post_feedforward_layernorm_1/_2, pre_feedforward_layernorm_2
    assert moe - dense == layers * (experts + router + norms)


def test_the_last_layer_is_always_global() -> None:
    kinds = ["sliding_attention"] * 12
    s = spec(text(layer_types=kinds))
    assert s.layer_types is not None and s.layer_types[-1] == "full_attention"
    assert s.layer_types.count("full_attention") == 1


def test_per_layer_embeddings_default_to_256_wide_when_the_config_leaves_them_out() -> None:
    """Gemma4TextConfig.hidden_size_per_layer_input defaults to 256 (configuration_gemma4.py): a config
    that omits it has the E2B/E4B per-layer tables, not none."""
    cfg = text()
    del cfg["hidden_size_per_layer_input"]
    s = spec(cfg)
    assert s.per_layer_input_size == 256 and s.per_layer_vocab_size == 262_144


def test_vision_tower_and_audio() -> None:
    vision = {
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 4,
        "head_dim": 16,
        "patch_size": 16,
        "position_embedding_size": 100,
        "standardize": True,
        "use_clipped_linears": True,
    }
    wrapper = {"model_type": "gemma4", "text_config": text(), "vision_config": vision}
    tower = (
        3 * 16 * 16 * 64
        + 2 * 100 * 64  # input_proj, position_embedding_table
        + 2 * (4 * 64 * 64 + 2 * 16 + 4 * 64 + 3 * 64 * 128 + 7 * 4)  # blocks (+ clip bounds)
        + 2 * 64  # std_bias, std_scale
    )
    projector = 64 * 256
    assert total_params(spec(wrapper)) - total_params(spec(text())) == tower + projector
    # the audio tower is counted now (tests/unit/test_gemma3n.py checks its size by hand)
    with_audio = spec({**wrapper, "audio_config": {"hidden_size": 1024}})
    assert total_params(with_audio) > total_params(spec(wrapper))


@settings(max_examples=40, deadline=None)
@given(
    pattern=st.lists(st.booleans(), min_size=2, max_size=16),
    kv_heads=st.sampled_from([1, 2, 4, 8]),
    global_kv=st.sampled_from([1, 2, 4, 8]),
    head_dim=st.sampled_from([16, 32]),
    global_head_dim=st.sampled_from([32, 64, 128]),
    tokens=st.integers(1, 512),
)
def test_kv_is_the_sum_of_each_layers_own_shape(
    pattern: list[bool], kv_heads: int, global_kv: int, head_dim: int, global_head_dim: int, tokens: int
) -> None:
    kinds = ["full_attention" if g else "sliding_attention" for g in pattern]
    cfg = text(
        num_hidden_layers=len(kinds),
        layer_types=kinds,
        num_key_value_heads=kv_heads,
        num_global_key_value_heads=global_kv,
        head_dim=head_dim,
        global_head_dim=global_head_dim,
    )
    s = spec(cfg)
    assert s.layer_types is not None
    expected = sum(
        2 * (global_kv * global_head_dim if k == "full_attention" else kv_heads * head_dim) * 2
        for k in s.layer_types
    )
    assert kv(s, tokens) == expected * tokens  # tokens <= sliding_window: every layer holds them all


def _catalog_gemma4(name: str) -> dict[str, Any]:
    import copy

    from llmsize.specs import catalog

    entry = catalog.get(name)
    assert entry is not None
    return copy.deepcopy(dict(entry.model.config))


def test_per_layer_config_as_transformers_saves_it_reads_like_global_head_dim() -> None:
    """Gemma4TextConfig.__post_init__ (transformers 5.23) turns global_head_dim and, with
    attention_k_eq_v, num_global_key_value_heads into per_layer_config {"05": {...}} and saves that."""
    published = _catalog_gemma4("gemma-4-31B-it")
    text = published["text_config"]
    full = [i for i, k in enumerate(text["layer_types"]) if k == "full_attention"]
    resaved = _catalog_gemma4("gemma-4-31B-it")
    rt = resaved["text_config"]
    rt["per_layer_config"] = {
        f"{i:02d}": {
            "head_dim": text["global_head_dim"],
            "num_key_value_heads": text["num_global_key_value_heads"],
        }
        for i in full
    }
    del rt["global_head_dim"], rt["num_global_key_value_heads"]
    a = spec_from_hf_config(published, name="a", provenance=PROV)
    b = spec_from_hf_config(resaved, name="b", provenance=PROV)
    assert total_params(b) == total_params(a) == 31_273_088_876  # model_specs/gemma.yaml published total
    assert (b.global_head_dim, b.global_num_kv_heads) == (a.global_head_dim, a.global_num_kv_heads)


def test_per_layer_config_llmsize_cannot_model_is_refused() -> None:
    import pytest

    from llmsize.errors import ConfigError

    for override in ({"00": {"head_dim": 512}}, {"05": {"intermediate_size": 9}}, {"05": {"head_dim": 512}}):
        config = _catalog_gemma4("gemma-4-31B-it")
        # a sliding layer; another field; one full layer of ten
        config["text_config"]["per_layer_config"] = override
        with pytest.raises(ConfigError, match="per_layer_config"):
            spec_from_hf_config(config, name="x", provenance=PROV)
