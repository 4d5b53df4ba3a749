"""StepFun Step-3.5-Flash (model_type step3p5; transformers 5.23 builds it as Step3p7TextModel).

Restates transformers 5.23 models/step3p7/modeling_step3p7.py and configuration_step3p7.py
(Step3p7TextConfig, model_type "step3p5"):
- Step3p7Attention: GQA with per-head q_norm / k_norm, no biases, and g_proj (hidden -> one gate per
  query head, `gating=True`) whose sigmoid scales each head's output; full_attention blocks take
  num_attention_heads query heads, sliding_attention blocks the legacy `attention_other_setting`'s
  (Step3p7TextConfig.__post_init__ -> num_sliding_attention_heads -> per_layer_config);
- Step3p7DecoderLayer: the blocks `moe_layers_enum` names hold Step3p7SparseMoeBlock (a bias-free
  router with a persistent e_score_correction_bias buffer, moe_num_experts SwiGLU experts of
  moe_intermediate_size, top moe_top_k, and a shared SwiGLU of share_expert_dim); the others a SwiGLU of
  intermediate_size; two RMSNorms per block, untied head.
The Hub config pads layer_types / rope_theta / partial_rotary_factors with one entry per MTP block
(num_nextn_predict_layers); Step3p7TextConfig trims them to num_hidden_layers, and so does this reader.
"""

from __future__ import annotations

from collections.abc import Mapping

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, trunk

_DEFAULTS: Fields = {  # Step3p7TextConfig class defaults (configuration_step3p7.py)
    "vocab_size": 128815,
    "head_dim": 128,
    "max_position_embeddings": 128000,
    "tie_word_embeddings": False,
    "num_key_value_heads": 8,
}


def _moe_layers(r: Reader, num_layers: int, mtp: int) -> set[int]:
    """moe_layers_enum ("3,4,...,44"); Step3p7TextConfig's default is every block from the fourth on."""
    value = r.get("moe_layers_enum")
    if value is None:
        return set(range(3, num_layers))
    items = value.split(",") if isinstance(value, str) else value
    try:
        layers = {int(i) for i in items if str(i).strip()}
    except (TypeError, ValueError) as err:
        raise ConfigError("config.json (step3p5) field 'moe_layers_enum' must list block indices") from err
    if any(i < 0 for i in layers):
        raise ConfigError("config.json (step3p5) field 'moe_layers_enum' lists a negative block index")
    # Step3p7TextConfig tests each block of the decoder and its MTP blocks for membership, so an index past
    # them selects nothing (a config cut to fewer layers keeps the full list); indices past the decoder
    # are the MTP blocks' (mtp_mlp_layer_types).
    del mtp
    return {i for i in layers if i < num_layers}


def _layer_types(r: Reader, num_layers: int, mtp: int) -> tuple[str, ...]:
    value = r.get("layer_types")
    if value is None:
        return ("full_attention",) * num_layers
    if not isinstance(value, list) or len(value) not in (num_layers, num_layers + mtp):
        raise ConfigError(
            f"config.json (step3p5) field 'layer_types' must list one entry per layer ({num_layers}, "
            f"or {num_layers + mtp} with the MTP blocks)"
        )
    kinds = tuple(str(v) for v in value[:num_layers])
    unknown = sorted(set(kinds) - {"full_attention", "sliding_attention"})
    if unknown:
        raise ConfigError(
            "config.json (step3p5) field 'layer_types' has attention kinds llmsize does not model: "
            + ", ".join(unknown)
        )
    return kinds


def step3p5(r: Reader, warnings: list[str]) -> Fields:
    """Step-3.5-Flash's decoder: full/sliding GQA with their own query heads and a per-head output gate,
    dense SwiGLU blocks, then shared-expert MoE blocks."""
    r.defaults = {**_DEFAULTS, **r.defaults}
    f = trunk(r)
    L = f["num_layers"]
    kv = r.req("num_attention_groups", "num_key_value_heads")
    if kv < 1:
        raise ConfigError(f"config.json (step3p5) field 'num_attention_groups' must be at least 1, not {kv}")
    mtp = r.opt_int("num_nextn_predict_layers", default=0) or 0
    kinds = _layer_types(r, L, mtp)
    full_heads = f["num_attention_heads"]
    other = r.get("attention_other_setting")
    if other is not None and not isinstance(other, Mapping):
        raise ConfigError("config.json (step3p5) field 'attention_other_setting' must be an object")
    local = Reader(other or {}, "step3p5")
    swa_heads = local.opt_int("num_attention_heads", default=full_heads)
    if swa_heads is None or swa_heads < 1:
        raise ConfigError(
            "config.json (step3p5) field 'attention_other_setting.num_attention_heads' must be at least 1"
        )
    if (
        local.opt_int("num_attention_groups", default=kv) != kv
        or local.opt_int("head_dim", default=f["head_dim"]) != f["head_dim"]
    ):
        raise ConfigError(
            "config.json (step3p5) gives sliding layers other KV heads or head sizes than the full ones; "
            "Step3p7TextConfig (and llmsize) take only their query heads from attention_other_setting"
        )
    any_sliding = "sliding_attention" in kinds
    window = r.opt_int("sliding_window") if any_sliding else None
    if any_sliding and not window:
        raise ConfigError("config.json (step3p5) has sliding_attention layers but no sliding_window")
    moe = _moe_layers(r, L, mtp)
    f.update(
        num_kv_heads=kv,
        # the sliding blocks' query heads are the spec's; the full blocks' differ (64 vs 96 on Step-3.5-Flash)
        num_attention_heads=swa_heads if any_sliding else full_heads,
        global_num_attention_heads=full_heads if any_sliding and swa_heads != full_heads else None,
        qk_norm="head" if r.flag("use_qk_norm", default=True) else "none",
        attn_head_gate=r.flag("use_head_wise_attn_gate", default=True),
        layer_types=kinds if any_sliding else None,
        sliding_window=window,
        ffn_types=tuple("moe" if i in moe else "dense" for i in range(L)),
        num_experts=r.req("moe_num_experts", "n_routed_experts"),
        num_experts_per_tok=r.req("moe_top_k", "num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
        num_shared_experts=1,
        shared_expert_intermediate_size=r.req("share_expert_dim"),
        # Step3p7TopKRouter.e_score_correction_bias: a persistent buffer on every router
        router_score_correction_bias=True,
    )
    if mtp:
        # Each MTP block is a sliding-attention block with a dense FFN, eh_proj and its own output head
        # (the card's "0.81B Head"); transformers does not build them, vLLM only for step3p5_mtp speculation.
        warnings.append(
            f"the checkpoint's {mtp} MTP blocks (sliding attention + dense FFN + their own output head, for "
            "speculative decoding) are not counted"
        )
    return f
