"""DeepSeek V4 (model_type deepseek_v4): layer kinds from compress_ratios, the tensors of its
attention, compressors, indexer, hyper-connections and hash routing, the pooled cache transformers
keeps, the engines that decline to guess its cache, and one clear error for broken configs.

The config is a small V4-shaped dict with the fields transformers 5.23's DeepseekV4Config reads;
every expected size below is worked out from modeling_deepseek_v4.py's module shapes and
DeepseekV4HCACache / DeepseekV4CSACache, not taken from the code under test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import llmsize.cli
from llmsize.errors import BadInputError, ConfigError
from llmsize.estimate import kv_cache
from llmsize.estimate.engines.registry import ENGINES
from llmsize.estimate.workload import Engine, Workload
from llmsize.specs.hf_config import spec_from_hf_config
from llmsize.specs.models import Provenance, ProvenanceKind
from llmsize.specs.params import active_params, total_params

PROV = Provenance(kind=ProvenanceKind.LOCAL, source="test")
H, HEADS, HD, Q, ROPE, VOCAB = 64, 4, 32, 48, 8, 100
E, K, INTER, IH, IHD = 4, 2, 16, 2, 16
CSA_RATE, HCA_RATE, WINDOW, N_HC, GROUPS, O_RANK = 4, 8, 8, 2, 2, 24


def v4(**over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_type": "deepseek_v4",
        "architectures": ["DeepseekV4ForCausalLM"],
        "hidden_size": H,
        "num_hidden_layers": 3,
        "num_attention_heads": HEADS,
        "num_key_value_heads": 1,
        "head_dim": HD,
        "q_lora_rank": Q,
        "qk_rope_head_dim": ROPE,
        "vocab_size": VOCAB,
        "max_position_embeddings": 4096,
        "moe_intermediate_size": INTER,
        "n_routed_experts": E,
        "n_shared_experts": 1,
        "num_experts_per_tok": K,
        "num_hash_layers": 1,
        # the published configs list one more entry for the MTP layer
        # kinds by transformers' fixed ratio table (0 / 4 / 128); the rates from compress_rates
        "compress_ratios": [0, 4, 128, 0],
        "compress_rates": {"compressed_sparse_attention": CSA_RATE, "heavily_compressed_attention": HCA_RATE},
        "num_nextn_predict_layers": 1,
        "sliding_window": WINDOW,
        "o_groups": GROUPS,
        "o_lora_rank": O_RANK,
        "index_n_heads": IH,
        "index_head_dim": IHD,
        "index_topk": 8,
        "hc_mult": N_HC,
        "tie_word_embeddings": False,
        "dtype": "bfloat16",
    }
    cfg.update(over)
    return cfg


def spec(cfg: dict[str, Any]) -> Any:
    return spec_from_hf_config(cfg, name="t", provenance=PROV)


def test_layer_kinds_come_from_compress_ratios_and_hash_layers_from_num_hash_layers() -> None:
    s = spec(v4())
    assert s.layer_types == (
        "sliding_attention",
        "compressed_sparse_attention",
        "heavily_compressed_attention",
    )
    assert s.hash_moe_layers == (0,)
    assert s.compressed is not None and s.compressed.rate("compressed_sparse_attention") == CSA_RATE
    assert s.indexer is not None and s.indexer.head_dim == IHD
    assert s.mtp_layers == 1
    # without compress_ratios: transformers' default, two HCA blocks then HCA / CSA alternating
    default = spec({k: v for k, v in v4(num_hidden_layers=4).items() if k != "compress_ratios"})
    assert default.layer_types == ("heavily_compressed_attention",) * 3 + ("compressed_sparse_attention",)


def _attention(n: int) -> int:
    """DeepseekV4Attention of n blocks: q_a_proj, q_a_norm, q_b_proj, kv_proj, kv_norm, the grouped
    o_a_proj [groups*o_rank, heads*hd/groups], o_b_proj, sinks."""
    per = H * Q + Q + Q * HEADS * HD + H * HD + HD + GROUPS * O_RANK * HEADS * HD // GROUPS
    return n * (per + GROUPS * O_RANK * H + HEADS)


def test_every_tensor_is_counted() -> None:
    s = spec(v4())
    hc = (2 + N_HC) * N_HC * N_HC * H + (2 + N_HC) * N_HC + 3  # fn, base, scale
    csa = 2 * (H * 2 * HD) + CSA_RATE * 2 * HD + HD  # kv/gate to two series, position_bias, kv_norm
    indexer = 2 * (H * 2 * IHD) + CSA_RATE * 2 * IHD + IHD + Q * IH * IHD + H * IH
    hca = 2 * (H * HD) + HCA_RATE * HD + HD
    experts = E * 3 * H * INTER
    moe = H * E + experts + 3 * H * INTER  # gate, routed experts, one shared expert
    expected = (
        2 * VOCAB * H  # embed_tokens, lm_head
        + _attention(3)
        + csa
        + indexer
        + hca
        + 3 * (2 * hc + 2 * H + moe)  # hyper-connections, two norms, MoE per block
        + 2 * E  # e_score_correction_bias of the two top-k routed blocks
        + VOCAB * K  # tid2eid of the hash-routed block
        + H  # final norm
        + (N_HC * N_HC * H + N_HC + 1)  # hc_head
    )
    assert total_params(s) == expected
    assert total_params(s) - active_params(s) == 3 * (E - K) * 3 * H * INTER


def test_fp32_modules_and_the_int64_table_have_their_own_widths() -> None:
    from llmsize.estimate import core

    s = spec(v4())
    est = core.estimate(s, Workload(context=16))
    # every parameter in bf16, then the fp32 groups (norms, hyper-connections, sinks, position biases,
    # correction bias) twice as wide, and tid2eid (int64) four times
    hc = (2 + N_HC) * N_HC * N_HC * H + (2 + N_HC) * N_HC + 3
    fp32 = (
        3 * (Q + HD + HEADS + 2 * hc + 2 * H)  # q_a_norm, kv_norm, sinks, attn_hc/ffn_hc, two norms
        + (CSA_RATE * 2 * HD + HD)  # CSA compressor position_bias and kv_norm
        + (CSA_RATE * 2 * IHD + IHD)  # indexer position_bias and kv_norm
        + (HCA_RATE * HD + HD)  # HCA compressor
        + (2 * E + H + N_HC * N_HC * H + N_HC + 1)  # correction biases, final norm, hc_head
    )
    table = VOCAB * K
    assert est.weights_bytes == 2 * (total_params(s) - table) + 2 * fp32 + 8 * table


def _transformers_cache(tokens: int, prompt: int) -> int:
    """Per sequence, bf16, after `prompt` prefilled and decoding to `tokens` (DeepseekV4*Cache)."""
    decoded = tokens > prompt
    window = min(tokens, WINDOW) if decoded else prompt  # a view of the whole prompt until a decode

    def pending(rate: int) -> int:
        return (tokens - 1) % rate + 1 if decoded else prompt

    sliding = 2 * window * HD * 2  # DynamicSlidingWindowLayer: keys and values apart
    csa = (
        window * HD * 2  # shared key/value window
        + tokens // CSA_RATE * (HD + IHD) * 2  # compressed_kv: compressor and indexer entries
        + pending(CSA_RATE) * 2 * 2 * (HD + IHD) * 2  # buffer_kv + buffer_gate, two series each
        + (CSA_RATE * (HD + IHD) * (2 + 4) if tokens >= CSA_RATE else 0)  # overlap kv + fp32 gate
    )
    hca = window * HD * 2 + tokens // HCA_RATE * HD * 2 + pending(HCA_RATE) * 2 * HD * 2
    return sliding + csa + hca


@pytest.mark.parametrize(("tokens", "prompt"), [(3, 3), (20, 20), (21, 20), (37, 20), (64, 9)])
def test_transformers_cache_is_the_window_the_pools_and_the_pending_projections(
    tokens: int, prompt: int
) -> None:
    s = spec(v4())
    wl = Workload(context=tokens, prompt_tokens=prompt, batch=2)
    got = kv_cache.kv_cache_bytes(s, wl, "bf16", list(range(3)), tokens=tokens, prefill=prompt, batch=2)
    assert got == 2 * _transformers_cache(tokens, prompt)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=9, max_value=2000), st.integers(min_value=1, max_value=4))
def test_pooled_cache_grows_by_one_entry_per_rate_tokens_after_the_window(tokens: int, batch: int) -> None:
    s = spec(v4())
    wl = Workload(context=tokens + 2 * HCA_RATE * CSA_RATE, batch=batch)
    layers = list(range(3))
    a = kv_cache.kv_cache_bytes(s, wl, "bf16", layers, tokens=tokens, prefill=1, batch=batch)
    b = kv_cache.kv_cache_bytes(
        s, wl, "bf16", layers, tokens=tokens + HCA_RATE * CSA_RATE, prefill=1, batch=batch
    )
    # the window and the pending tokens are the same at both lengths (tokens differ by a multiple
    # of both rates); only whole pooled entries were added
    assert b - a == batch * (HCA_RATE * (HD + IHD) + CSA_RATE * HD) * 2


@pytest.mark.parametrize("engine", [Engine.OLLAMA])
def test_engines_whose_v4_cache_layout_is_not_modelled_refuse(engine: Engine) -> None:
    s = spec(v4())
    with pytest.raises(BadInputError, match="DeepSeek V4's compressed KV cache"):
        ENGINES[engine]().validate(s, Workload(engine=engine))


def test_quantized_transformers_cache_is_refused() -> None:
    with pytest.raises(BadInputError, match="no quantized cache"):
        ENGINES[Engine.TRANSFORMERS]().validate(spec(v4()), Workload(kv_dtype="int8"))


def test_fp4_experts_are_priced_as_mxfp4() -> None:
    from llmsize.estimate import core

    quant = {"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]}
    fp4 = core.estimate(spec(v4(quantization_config=quant, expert_dtype="fp4")), Workload(context=16))
    fp8 = core.estimate(spec(v4(quantization_config=quant, expert_dtype="fp8")), Workload(context=16))
    # each expert matrix: FP8 is one byte a value plus one fp32 scale per tensor (no block size in
    # the format); MXFP4 half a byte plus one E8M0 byte per 32 values (OCP MX v1.0)
    n = 3 * E * 3 * H * INTER
    assert fp8.weights_bytes - fp4.weights_bytes == n - (n // 2 + n // 32) + 3 * E * 3 * 4


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"compress_ratios": [0, 4]}, "lists 2 'compress_ratios' for 3 layers"),
        ({"compress_ratios": [0, 4, 8, 0]}, "each entry must be 0"),
        ({"index_head_dim": None}, "'index_head_dim'"),
        ({"num_key_value_heads": 4}, "shares one key/value head"),
        ({"o_groups": 3}, "do not split into o_groups 3"),
        ({"mlp_layer_types": ["moe", "dense", "moe"]}, "hash_moe or moe"),
        ({"layer_types": ["sliding_attention", "full_attention", "sliding_attention"]}, "full_attention"),
        ({"hc_mult": None}, "'hc_mult'"),
    ],
    ids=["ratios-short", "ratio-unknown", "indexer-size", "kv-heads", "o-groups", "mlp-types", "kind", "hc"],
)
def test_broken_v4_configs_are_one_clear_error(over: dict[str, Any], needle: str) -> None:
    cfg = {k: v for k, v in v4(**over).items() if v is not None}
    with pytest.raises(ConfigError, match=needle):
        spec(cfg)


def test_broken_v4_config_exits_2_with_one_line(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({k: v for k, v in v4().items() if k != "index_n_heads"}))
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "index_n_heads" in err


def test_v4_with_a_cache_type_vllm_lacks_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        llmsize.cli.main(["estimate", "DeepSeek-V4-Flash", "--engine", "vllm", "--kv-dtype", "bf16"])
    assert exc.value.code == 2
    assert "vLLM" in capsys.readouterr().err


def test_lora_all_linear_leaves_the_grouped_output_projection_out() -> None:
    from llmsize.estimate.adapters import resolve_targets

    targets = resolve_targets(spec(v4()), Workload(mode="lora"))
    # peft 0.21 wraps DeepseekV4GroupedLinear as a plain Linear and the forward fails
    assert "o_a_proj" not in targets.names
    assert {"q_a_proj", "q_b_proj", "kv_proj", "o_b_proj", "weights_proj"} <= set(targets.names)
    assert "o_a_proj" in targets.note


def test_tensor_parallel_splits_the_grouped_output_projection() -> None:
    # Every DeepSeek V4 implementation gives a rank o_groups // tp groups: wo_a column-parallel over its
    # groups, wo_b row-parallel over their outputs (SGLang deepseek_v4.py and vLLM: n_local_groups =
    # o_groups // tp_size; DeepSeek's reference inference: wo_a = ColumnParallelLinear).
    from llmsize.estimate.placement import Stage
    from llmsize.estimate.weights import _stage_shards
    from llmsize.specs.resolve import resolve

    spec = resolve("DeepSeek-V4-Pro")
    whole = Stage(0, tuple(range(spec.num_layers)), True, True)

    def numel(tp: int, name: str) -> int:
        return sum(s.numel for s in _stage_shards(spec, tp, whole) if s.group.name == name)

    for name in ("o_a_proj", "o_b_proj"):
        assert numel(8, name) * 8 == numel(1, name)
