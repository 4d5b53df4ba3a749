"""config.json of `model_type` deepseek_v4 (DeepSeek-V4-Flash / -Pro) -> ModelSpec fields.

Every rule restates transformers 5.23 `models/deepseek_v4/configuration_deepseek_v4.py`
(`DeepseekV4Config.__post_init__`) and `modeling_deepseek_v4.py`:
- layer kinds: `layer_types`, else the per-layer `compress_ratios` the published checkpoints ship
  (0 = sliding_attention, 4 = compressed_sparse_attention, 128 = heavily_compressed_attention,
  transformers' fixed `_COMPRESS_RATIO_TO_LAYER_TYPE`; the list also covers the MTP layers, which
  come after the decoder's),
  else transformers' default (two HCA blocks, then HCA / CSA alternating);
- compression rates: `compress_rates`, else the legacy `compress_rate_csa` / `compress_rate_hca`,
  else 4 and 128;
- MoE: every block is MoE (no dense first blocks); `mlp_layer_types`, else the first
  `num_hash_layers` (default 3) blocks are hash-routed; one shared expert of moe_intermediate_size
  (`DeepseekV4MLP` reads `intermediate_size`, mapped to moe_intermediate_size, whatever
  n_shared_experts says);
- attention: one shared key/value head (`num_key_value_heads` 1), head_dim wide, its last
  qk_rope_head_dim channels rotated (`partial_rotary_factor` = qk_rope_head_dim / head_dim);
- dtypes: `_keep_in_fp32_modules_strict` keeps the hyper-connections, sinks, position biases,
  e_score_correction_bias and every norm in fp32 when the model loads in bf16/fp16
  (`PreTrainedModel._get_dtype_plan`; the patterns match as substrings of the tensor names).
"""

from __future__ import annotations

from typing import Any

from llmsize.errors import ConfigError
from llmsize.specs.hf_config.reader import Fields, Reader, _rope_scaling
from llmsize.specs.hf_config.reader import mtp as mtp_fields
from llmsize.specs.models import CompressedKvSpec, IndexerSpec

# Parameter groups (specs/params.py names) the modeling code keeps in fp32: the patterns of
# DeepseekV4PreTrainedModel._keep_in_fp32_modules_strict matched against them.
FP32_GROUPS = (
    "q_a_norm",
    "kv_norm",
    "sinks",
    "position_bias",
    "attn_hc",
    "ffn_hc",
    "hc_head",
    "layer_norms",
    "norm",
    "e_score_correction_bias",
)
_CSA, _HCA, _SWA = "compressed_sparse_attention", "heavily_compressed_attention", "sliding_attention"


def deepseek_v4(r: Reader, warnings: list[str]) -> Fields:
    """The spec fields of a deepseek_v4 config (see the module docstring for each rule)."""
    L = r.req("num_hidden_layers")
    hidden, heads, head_dim = r.req("hidden_size"), r.req("num_attention_heads"), r.req("head_dim")
    kv_heads = r.opt_int("num_key_value_heads", default=1)
    if kv_heads != 1:
        raise ConfigError(
            f"config.json (deepseek_v4) has num_key_value_heads {kv_heads}; DeepSeek V4's attention "
            "shares one key/value head (DeepseekV4Attention)",
            hint="pass the model's own config.json",
        )
    csa_rate, hca_rate = _rates(r)
    mtp = r.opt_int("num_nextn_predict_layers", default=0) or 0
    kinds = _layer_kinds(r, L, mtp)
    compressed = CompressedKvSpec(
        csa_rate=csa_rate,
        hca_rate=hca_rate,
        o_groups=_need(r, "o_groups"),
        o_lora_rank=_need(r, "o_lora_rank"),
        hc_mult=_need(r, "hc_mult"),
    )
    if (heads * head_dim) % compressed.o_groups:
        raise ConfigError(
            f"config.json (deepseek_v4): {heads} heads x head_dim {head_dim} do not split into "
            f"o_groups {compressed.o_groups} (the grouped output projection needs equal groups)"
        )
    experts = _need(r, "n_routed_experts")
    moe_inter = _need(r, "moe_intermediate_size")
    shared = r.opt_int("n_shared_experts", default=1)
    if shared != 1:
        warnings.append(
            f"n_shared_experts is {shared}, but transformers' DeepseekV4SparseMoeBlock builds one shared "
            "expert of moe_intermediate_size; counted as that one"
        )
    f: Fields = {
        "num_layers": L,
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": 1,
        "head_dim": head_dim,
        "intermediate_size": moe_inter,
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        "q_lora_rank": _need(r, "q_lora_rank"),
        "qk_rope_head_dim": _rope_dim(r, head_dim),
        "attention_sinks": True,
        "sliding_window": _need(r, "sliding_window"),
        "layer_types": kinds,
        "compressed": compressed,
        "num_experts": experts,
        "num_experts_per_tok": r.req("num_experts_per_tok"),
        "moe_intermediate_size": moe_inter,
        "num_shared_experts": 1,
        "shared_expert_intermediate_size": moe_inter,
        "hash_moe_layers": _hash_layers(r, L),
        "fp32_params": FP32_GROUPS,
        **_rope(r),
    }
    if _CSA in kinds:
        f["indexer"] = IndexerSpec(
            num_heads=_need(r, "index_n_heads"),
            head_dim=_need(r, "index_head_dim"),
            topk=_need(r, "index_topk"),
        )
    if mtp:
        warnings.append(
            f"the checkpoint also stores {mtp} multi-token-prediction layer(s) for speculative decoding; "
            # spec-level, so engine-neutral: the old wording named transformers under --engine vllm/ollama
            "they are loaded only for --speculative mtp and are not counted in the loaded weights"
        )
    return mtp_fields(r, f)


def _need(r: Reader, key: str) -> int:
    value = r.opt_int(key)
    if value is None:
        raise ConfigError(
            f"config.json (deepseek_v4) has no {key!r}, which its compressed attention needs",
            hint="pass the model's complete config.json",
        )
    if value <= 0:
        raise ConfigError(f"config.json (deepseek_v4) field {key!r} must be positive, not {value}")
    return value


def _rates(r: Reader) -> tuple[int, int]:
    """compress_rates {kind: rate}, else compress_rate_csa / compress_rate_hca, else 4 and 128."""
    rates = r.get("compress_rates")
    csa, hca = 4, 128
    if isinstance(rates, dict):
        csa = _positive(rates.get(_CSA, csa), f"compress_rates.{_CSA}")
        hca = _positive(rates.get(_HCA, hca), f"compress_rates.{_HCA}")
    elif rates is not None:
        raise ConfigError("config.json (deepseek_v4) field 'compress_rates' must map layer kinds to rates")
    csa = r.opt_int("compress_rate_csa", default=csa) or csa
    hca = r.opt_int("compress_rate_hca", default=hca) or hca
    if csa == hca or min(csa, hca) < 2:
        raise ConfigError(
            f"config.json (deepseek_v4) compression rates {csa} and {hca} must differ and exceed 1"
        )
    return csa, hca


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ConfigError(
            f"config.json (deepseek_v4) field {name!r} must be an integer above 1, not {value!r}"
        )
    return value


def _layer_kinds(r: Reader, L: int, mtp: int) -> tuple[str, ...]:
    """layer_types, else compress_ratios (decoder entries first, then the MTP layers'), else the default."""
    explicit = r.get("layer_types")
    ratios = r.get("compress_ratios")
    if explicit is not None:
        values = _listed(explicit, "layer_types", L, mtp)
        unknown = sorted({str(v) for v in values} - {_SWA, _CSA, _HCA})
        if unknown:
            raise ConfigError(
                "config.json (deepseek_v4) field 'layer_types' has kinds DeepSeek V4 does not have: "
                + ", ".join(unknown)
            )
        return tuple(str(v) for v in values[:L])
    if ratios is not None:
        # configuration_deepseek_v4.py _COMPRESS_RATIO_TO_LAYER_TYPE: the kinds are keyed by these
        # values whatever compress_rates says (the rates come from compress_rates)
        table = {0: _SWA, 4: _CSA, 128: _HCA}
        values = _listed(ratios, "compress_ratios", L, mtp)
        bad = sorted({repr(v) for v in values if isinstance(v, bool) or v not in table})
        if bad:
            raise ConfigError(
                f"config.json (deepseek_v4) field 'compress_ratios' has {', '.join(bad)}; each entry must be "
                "0 (sliding window only), 4 (CSA) or 128 (HCA)"
            )
        return tuple(table[v] for v in values[:L])
    rest = tuple(_CSA if i % 2 else _HCA for i in range(max(L - 2, 0)))
    return (_HCA,) * min(L, 2) + rest


def _listed(value: Any, key: str, L: int, mtp: int) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"config.json (deepseek_v4) field {key!r} must be a list, one entry per layer")
    if len(value) not in (L, L + mtp):
        extra = f" (or {L + mtp} with the MTP layers)" if mtp else ""
        raise ConfigError(
            f"config.json (deepseek_v4) lists {len(value)} {key!r} for {L} layers{extra}",
            hint="num_hidden_layers and the per-layer list must agree",
        )
    return value


def _hash_layers(r: Reader, L: int) -> tuple[int, ...]:
    """mlp_layer_types (hash_moe / moe), else the first num_hash_layers blocks."""
    value = r.get("mlp_layer_types")
    if value is None:
        n = r.opt_int("num_hash_layers", default=3)
        return tuple(range(min(L, n or 0)))
    if not isinstance(value, list) or len(value) != L or any(v not in ("hash_moe", "moe") for v in value):
        raise ConfigError(
            f"config.json (deepseek_v4) field 'mlp_layer_types' must list hash_moe or moe "
            f"for each of {L} layers"
        )
    return tuple(i for i, v in enumerate(value) if v == "hash_moe")


def _rope_dim(r: Reader, head_dim: int) -> int:
    """qk_rope_head_dim (published configs), else partial_rotary_factor x head_dim, else 64/512."""
    rope = r.opt_int("qk_rope_head_dim")
    if rope is None:
        factor = r.opt_float("partial_rotary_factor")
        rope = int(head_dim * (factor if factor is not None else 64 / 512))
    if not 0 < rope <= head_dim or rope % 2:
        raise ConfigError(
            f"config.json (deepseek_v4) rotates {rope} of {head_dim} channels; needs an even part"
        )
    return rope


def _rope(r: Reader) -> Fields:
    """YaRN of the compressed layers: rope_scaling (published), or rope_parameters['compress']."""
    params = r.get("rope_parameters")
    if (
        r.get("rope_scaling") is None
        and isinstance(params, dict)
        and isinstance(params.get("compress"), dict)
    ):
        return dict(_rope_scaling(Reader({"rope_scaling": params["compress"]}, r.model_type)))
    return dict(_rope_scaling(r))
