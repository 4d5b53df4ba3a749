"""Xiaomi MiMo-V2-Flash (model_type mimo_v2_flash; the Hub's remote-code config says mimo_v2).

Restates transformers 5.23 `modeling_mimo_v2_flash.py` and reads the keys the published config.json uses
(SGLang `models/mimo_v2_flash.py` reads the same ones; transformers' MiMoV2FlashConfig derives them):
- attention: `hybrid_layer_pattern` (1 = sliding window, 0 = global; transformers' default: global on
  block 0 and every 6th block), sliding blocks with `swa_num_key_value_heads` (transformers: twice
  num_key_value_heads) and a learned sink logit per head (`add_swa_attention_sink_bias`); q/k heads of
  head_dim (192), v heads of v_head_dim (128), so o_proj reads heads x 128; no q/k norm, no biases;
- a window of `sliding_window_size` + 1 positions (MiMoV2FlashConfig.__post_init__: "attends to
  sliding_window_size previous tokens plus the query");
- MLP: `moe_layer_freq` (1 = MoE; transformers `mlp_layer_types`, default one dense block first), a
  sigmoid router with an e_score_correction_bias buffer and no shared expert (MiMoV2FlashMoE);
- `num_nextn_predict_layers` MTP blocks in the checkpoint (not built by transformers; not counted, and
  said so).
"""

from __future__ import annotations

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, kinds_list, trunk

# MiMoV2FlashConfig defaults (configuration_mimo_v2_flash.py), applied when config.json leaves one out.
_DEFAULTS: Fields = {
    "vocab_size": 152576,
    "head_dim": 192,
    "v_head_dim": 128,
    "max_position_embeddings": 131072,
    "tie_word_embeddings": False,
    "attention_bias": False,
    "n_routed_experts": 256,
    "num_experts_per_tok": 8,
    "moe_intermediate_size": 2048,
    "sliding_window": 129,
}


def _int_list(r: Reader, key: str, num_layers: int) -> list[int] | None:
    value = r.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != num_layers or any(v not in (0, 1) for v in value):
        raise ConfigError(
            f"config.json (mimo_v2_flash) field {key!r} must list 0 or 1 for each of {num_layers} layers"
        )
    return [int(v) for v in value]


def _attention_kinds(r: Reader, num_layers: int) -> tuple[str, ...]:
    pattern = _int_list(r, "hybrid_layer_pattern", num_layers)
    if pattern is not None:
        return tuple("sliding_attention" if p else "full_attention" for p in pattern)
    if r.get("layer_types") is not None:
        return kinds_list(r, "layer_types", num_layers)
    return tuple(
        "full_attention" if i == 0 or not (i + 1) % 6 else "sliding_attention" for i in range(num_layers)
    )


def _ffn_kinds(r: Reader, num_layers: int) -> tuple[str, ...]:
    freq = _int_list(r, "moe_layer_freq", num_layers)
    if freq is not None:
        return tuple("moe" if f else "dense" for f in freq)
    if r.get("mlp_layer_types") is not None:
        return kinds_list(r, "mlp_layer_types", num_layers, {"dense": "dense", "sparse": "moe"})
    return ("dense",) + ("moe",) * (num_layers - 1)


def mimo_v2_flash(r: Reader, warnings: list[str]) -> Fields:
    """MiMo-V2-Flash's decoder: hybrid sliding/global GQA with per-kind KV heads, sinks and a narrower V."""
    r.defaults = {**_DEFAULTS, **r.defaults}
    f = trunk(r)
    L = f["num_layers"]
    kinds = _attention_kinds(r, L)
    full_kv = f["num_kv_heads"]
    swa_kv = r.opt_int("swa_num_key_value_heads", default=2 * full_kv) or 2 * full_kv
    swa_heads = r.opt_int("swa_num_attention_heads", default=f["num_attention_heads"])
    swa_head_dim = r.opt_int("swa_head_dim", default=f["head_dim"])
    v_head_dim = r.req("v_head_dim")
    if swa_heads != f["num_attention_heads"] or swa_head_dim != f["head_dim"]:
        raise ConfigError(
            "config.json (mimo_v2_flash) gives sliding layers other query heads or head sizes than the "
            "global ones; llmsize models only a different number of KV heads (as every MiMo-V2 release has)"
        )
    if r.opt_int("swa_v_head_dim", default=v_head_dim) != v_head_dim:
        raise ConfigError(
            "config.json (mimo_v2_flash): swa_v_head_dim differs from v_head_dim, which is not modelled"
        )
    size = r.opt_int("sliding_window_size")
    window = size + 1 if size is not None else r.req("sliding_window")
    if r.flag("add_full_attention_sink_bias"):
        raise ConfigError("config.json (mimo_v2_flash) puts sinks on global layers, which is not modelled")
    sinks = r.flag("add_swa_attention_sink_bias", default=True)
    any_sliding = "sliding_attention" in kinds
    f.update(
        qkv_bias=r.flag("attention_bias"),
        num_kv_heads=swa_kv if any_sliding else full_kv,
        global_num_kv_heads=full_kv if any_sliding and swa_kv != full_kv else None,
        v_head_dim=v_head_dim,
        layer_types=kinds,
        sliding_window=window if any_sliding else None,
        attention_sinks=sinks and any_sliding,
        attention_sinks_sliding_only=sinks and any_sliding,
        ffn_types=_ffn_kinds(r, L),
        num_experts=r.req("n_routed_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
        # MiMoV2FlashTopkRouter.e_score_correction_bias (a persistent buffer)
        router_score_correction_bias=True,
    )
    if n := r.opt_int("num_nextn_predict_layers", default=0):
        # MiMo-V2-Flash's MTP blocks are sliding-window attention + a dense MLP (the model card: "0.33B
        # params/block" with dense FFNs), not the MoE block llmsize's MTP inventory would assume.
        warnings.append(
            f"the checkpoint's {n} MTP blocks (dense-FFN, for speculative decoding) are not counted"
        )
    return f
