"""Layer kinds from config.json: recurrent state that does not grow, DSA indexer keys, per-layer MoE
patterns, and one clear error for configs that mix kinds inconsistently.

Configs are small Qwen3-Next / Nemotron-H / DeepSeek-V3.2 shaped dicts with the fields their
transformers 5.23 configuration classes read; the expected sizes are worked out here from those
fields, not taken from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import llmsize.cli
from llmsize.errors import ConfigError
from llmsize.estimate import kv_cache
from llmsize.estimate.workload import Workload
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import mtp_params, total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")


def qwen3_next(**over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_type": "qwen3_next",
        "hidden_size": 256,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 64,
        "intermediate_size": 512,
        "vocab_size": 1000,
        "max_position_embeddings": 4096,
        "linear_num_value_heads": 4,
        "linear_num_key_heads": 2,
        "linear_key_head_dim": 32,
        "linear_value_head_dim": 48,
        "linear_conv_kernel_dim": 4,
        "num_experts": 8,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 64,
        "shared_expert_intermediate_size": 64,
        "layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
        "dtype": "bfloat16",
    }
    cfg.update(over)
    return cfg


def spec(cfg: dict[str, Any]) -> Any:
    return spec_from_hf_config(cfg, name="t", provenance=PROV)


def kv(cfg: dict[str, Any], tokens: int, batch: int = 1) -> int:
    s = spec(cfg)
    wl = Workload(context=tokens, batch=batch)
    return int(
        kv_cache.kv_cache_bytes(s, wl, "bf16", list(range(s.num_layers)), tokens=tokens, prefill=tokens)
    )


def test_recurrent_state_is_fixed_per_sequence_and_only_attention_grows() -> None:
    cfg = qwen3_next()
    # one full-attention layer: K and V, 2 heads x 64, bf16 -> 512 bytes per token
    assert kv(cfg, 2000) - kv(cfg, 1000) == 1000 * 2 * 2 * 64 * 2
    # three delta-net layers: conv state (2*2*32 + 4*48 channels x kernel 4, bf16) and an fp32
    # recurrent state of 4 heads x 32 x 48 (cache_utils.LinearAttentionLayer; the delta rule runs in fp32)
    conv = (2 * 2 * 32 + 4 * 48) * 4 * 2
    rec = 4 * 32 * 48 * 4
    assert kv(cfg, 1000) == 3 * (conv + rec) + 1000 * 512
    assert kv(cfg, 1000, batch=3) == 3 * kv(cfg, 1000)


def test_qwen3_next_gated_attention_doubles_q_proj() -> None:
    gated = total_params(spec(qwen3_next()))
    plain = total_params(spec(qwen3_next(attn_output_gate=False)))
    assert gated - plain == 256 * 4 * 64  # one full-attention layer's gate half of q_proj


def test_dsa_indexer_adds_one_key_per_token_and_its_weights() -> None:
    base = {
        "model_type": "deepseek_v32",
        "hidden_size": 256,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 512,
        "moe_intermediate_size": 64,
        "n_routed_experts": 4,
        "n_shared_experts": 1,
        "num_experts_per_tok": 2,
        "first_k_dense_replace": 1,
        "vocab_size": 1000,
        "max_position_embeddings": 4096,
        "kv_lora_rank": 64,
        "q_lora_rank": 96,
        "qk_nope_head_dim": 32,
        "qk_rope_head_dim": 16,
        "v_head_dim": 32,
        "index_n_heads": 8,
        "index_head_dim": 16,
        "index_topk": 128,
    }
    s = spec(base)
    assert s.indexer is not None
    # latent (64 + 16) plus one 16-wide indexer key, bf16, two layers
    assert kv(base, 100) == 100 * 2 * (64 + 16 + 16) * 2
    as_v3 = spec({**base, "model_type": "deepseek_v3"})
    # wq_b (96 -> 8 x 16), wk (256 -> 16), k_norm LayerNorm (2 x 16), weights_proj (256 -> 8), per layer
    assert total_params(s) - total_params(as_v3) == 2 * (96 * 128 + 256 * 16 + 32 + 256 * 8)


def test_nemotron_pattern_gives_one_mixer_or_mlp_per_block() -> None:
    cfg = {
        "model_type": "nemotron_h",
        "hidden_size": 128,
        "hybrid_override_pattern": "M-M*-E",
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 32,
        "intermediate_size": 256,
        "vocab_size": 500,
        "max_position_embeddings": 2048,
        "mamba_num_heads": 8,
        "mamba_head_dim": 16,
        "ssm_state_size": 32,
        "n_groups": 2,
        "conv_kernel": 4,
        "n_routed_experts": 4,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 64,
        "moe_shared_expert_intermediate_size": 64,
        "n_shared_experts": 1,
    }
    s = spec(cfg)
    assert s.layer_types == ("mamba", "none", "mamba", "full_attention", "none", "none")
    assert s.ffn_types == ("none", "dense", "none", "none", "dense", "moe")
    # Mamba-2 state per sequence: conv (8*16 + 2*2*32 channels x 4, bf16) + fp32 SSM (8 x 16 x 32)
    state = (128 + 128) * 4 * 2 + 8 * 16 * 32 * 4
    assert kv(cfg, 10) == 2 * state + 10 * 2 * 2 * 32 * 2


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        (qwen3_next(layer_types=["linear_attention"] * 5), "lists 5 'layer_types' for 4 layers"),
        (
            qwen3_next(layer_types=["linear_attention", "linear_attention", "lightning", "full_attention"]),
            "lightning",
        ),
        ({k: v for k, v in qwen3_next().items() if k != "linear_key_head_dim"}, "linear_key_head_dim"),
        (
            {**qwen3_next(), "model_type": "jamba", "attn_layer_period": 2, "attn_layer_offset": 2},
            "offset must be smaller",
        ),
        ({**qwen3_next(), "model_type": "mystery_hybrid"}, "not a plain decoder"),
        ({**qwen3_next(), "model_type": "deepseek_v4"}, "shares one key/value head"),
    ],
    ids=["layer_types-too-long", "unknown-kind", "missing-state-size", "jamba-offset", "unknown-type", "v4"],
)
def test_inconsistent_kind_configs_are_one_clear_error(cfg: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(")):
        spec(cfg)


def test_bad_hybrid_config_exits_2_with_one_line(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = tmp_path / "config.json"
    path.write_text(json.dumps(qwen3_next(layer_types=["linear_attention"] * 5)))
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "layer_types" in err


def test_unknown_plain_decoder_is_marked_approximate_with_its_shape() -> None:
    cfg = {
        "model_type": "brand_new_dense",
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 128,
        "vocab_size": 100,
        "max_position_embeddings": 512,
    }
    s = spec(cfg)
    assert s.approximate
    assert any(w.startswith("assumed shape: 2 layers, hidden 64") for w in s.warnings)


def test_mtp_layers_are_counted_apart_from_the_loaded_weights() -> None:
    with_mtp = spec(qwen3_next(num_nextn_predict_layers=1))
    assert total_params(with_mtp) == total_params(spec(qwen3_next()))
    # Qwen3-Next mtp.*: fc (2h -> h), three norms, and one full-attention + MoE block
    assert mtp_params(with_mtp) > 2 * 256 * 256


@settings(max_examples=25)
@given(chunks=st.integers(min_value=1, max_value=64), batch=st.integers(min_value=1, max_value=4))
def test_linear_attention_prefill_transient_grows_linearly(chunks: int, batch: int) -> None:
    """A delta-net mixer's transient is a fixed number of per-token tensors (chunked 64 at a time), so
    doubling a prompt that fills whole chunks at most doubles the activations; the full-attention
    eager walk on the same widths materialises tokens x tokens scores and grows faster."""
    from llmsize.estimate import core

    linear = spec(qwen3_next(layer_types=["linear_attention"] * 4))
    tokens = 64 * chunks
    one = core.estimate(linear, Workload(context=tokens, batch=batch)).activations_bytes
    two = core.estimate(linear, Workload(context=2 * tokens, batch=batch)).activations_bytes
    assert one < two <= 2 * one
    eager = spec(qwen3_next(layer_types=["full_attention"] * 4))
    wl = {"batch": batch, "attention": "eager"}
    e1 = core.estimate(eager, Workload(context=tokens * 8, **wl)).activations_bytes
    e2 = core.estimate(eager, Workload(context=tokens * 16, **wl)).activations_bytes
    assert e2 > 2 * e1


def test_lora_all_linear_on_nemotron_h_leaves_out_what_peft_refuses() -> None:
    """peft 0.21 (`_check_lora_target_modules_mamba`) refuses LoRA on out_proj / conv1d of
    Nemotron-H and Falcon-H1, so all-linear there is every other linear layer."""
    from llmsize.estimate.adapters import resolve_targets

    cfg = {
        "model_type": "nemotron_h",
        "hidden_size": 256,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 64,
        "intermediate_size": 512,
        "vocab_size": 1000,
        "max_position_embeddings": 4096,
        "layers_block_type": ["mamba", "attention", "mlp"],
        "mamba_num_heads": 8,
        "mamba_head_dim": 32,
        "ssm_state_size": 16,
        "n_groups": 2,
        "conv_kernel": 4,
    }
    targets = resolve_targets(spec(cfg), Workload(mode="lora", lora_targets=("all-linear",)))
    assert "out_proj" not in targets.names
    assert {"in_proj", "q_proj", "o_proj", "up_proj", "down_proj"} <= set(targets.names)
    assert "peft refuses" in targets.note
