"""Map a Hugging Face `config.json` to a ModelSpec whose parameter inventory is exact.

Every rule here restates what the modeling code builds for that `model_type`, so that
`llmsize.specs.params.total_params(spec)` equals the tensors the model actually has. The reference
is the installed transformers (v5.23) `models/<type>/modeling_<type>.py` and, for defaults a
config.json may leave out, `models/<type>/configuration_<type>.py`; ChatGLM follows its Hub remote
code (`modeling_chatglm.py` of THUDM/chatglm3-6b). The module is pure: no I/O, no torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from llmsize.errors import ConfigError
from llmsize.specs.formats import weight_format_from_config
from llmsize.specs.models import IndexerSpec, ModelSpec, Provenance, RecurrentSpec

Fields = dict[str, Any]
_MISSING: Any = object()

# Defaults the transformers config classes apply when config.json leaves a field out (values read
# from transformers 5.23 `configuration_<type>.py`). Hub configs often omit them: Gemma 3's
# text_config, for one, states neither its heads nor its vocabulary.
_DEFAULTS: dict[str, Fields] = {
    "llama": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "max_position_embeddings": 2048,
    },
    "mistral": {"tie_word_embeddings": False, "sliding_window": 4096, "max_position_embeddings": 131072},
    "mixtral": {
        "tie_word_embeddings": False,
        "sliding_window": None,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "max_position_embeddings": 131072,
    },
    "qwen2": {
        "tie_word_embeddings": False,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "max_position_embeddings": 32768,
    },
    "qwen2_moe": {
        "tie_word_embeddings": False,
        "qkv_bias": True,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "decoder_sparse_step": 1,
        "max_position_embeddings": 32768,
    },
    "qwen3": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "max_window_layers": 28,
        "head_dim": 128,
        "max_position_embeddings": 32768,
    },
    "qwen3_moe": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "decoder_sparse_step": 1,
        "max_position_embeddings": 32768,
    },
    "gemma": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "max_position_embeddings": 8192,
    },
    "gemma2": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 4096,
        "final_logit_softcapping": 30.0,
        "attn_logit_softcapping": 50.0,
        "max_position_embeddings": 8192,
    },
    "gemma3_text": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 4096,
        "sliding_window_pattern": 6,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "vocab_size": 262208,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "max_position_embeddings": 131072,
    },
    "phi3": {"tie_word_embeddings": False, "sliding_window": None, "max_position_embeddings": 4096},
    "deepseek_v2": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "first_k_dense_replace": 0,
        "n_shared_experts": 2,
        "q_lora_rank": 1536,
        "max_position_embeddings": 2048,
    },
    "deepseek_v3": {
        "tie_word_embeddings": False,
        "attention_bias": False,
        "first_k_dense_replace": 3,
        "n_shared_experts": 1,
        "q_lora_rank": 1536,
        "topk_method": "noaux_tc",
        "max_position_embeddings": 4096,
    },
    "gpt_oss": {
        "tie_word_embeddings": False,
        "attention_bias": True,
        "head_dim": 64,
        "sliding_window": 128,
        "num_local_experts": 128,
        "num_experts_per_tok": 4,
        "max_position_embeddings": 131072,
    },
    "glm": {"tie_word_embeddings": False, "attention_bias": True, "max_position_embeddings": 131072},
    "glm4": {"tie_word_embeddings": False, "attention_bias": True, "max_position_embeddings": 131072},
    "falcon": {
        "tie_word_embeddings": True,
        "bias": False,
        "multi_query": True,
        "parallel_attn": True,
        "new_decoder_architecture": False,
        "num_ln_in_parallel_attn": None,
        "alibi": False,
        "max_position_embeddings": 2048,
    },
    # ChatGLMConfig.__init__ defaults of the THUDM remote code (configuration_chatglm.py)
    "chatglm": {
        "tie_word_embeddings": False,
        "add_bias_linear": False,
        "add_qkv_bias": False,
        "rmsnorm": True,
        "post_layer_norm": True,
        "multi_query_attention": False,
        "multi_query_group_num": 1,
        "seq_length": 2048,
    },
    # SiglipVisionConfig defaults (configuration_siglip.py)
    "gemma4_text": {
        "tie_word_embeddings": True,
        "attention_bias": False,
        "head_dim": 256,
        "sliding_window": 512,
        "vocab_size": 262144,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 30,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "max_position_embeddings": 131072,
    },
    # Gemma4VisionConfig defaults (configuration_gemma4.py)
    "gemma4_vision": {
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_hidden_layers": 16,
        "num_attention_heads": 12,
        "num_key_value_heads": 12,
        "head_dim": 64,
        "patch_size": 16,
        "position_embedding_size": 10240,
        "use_clipped_linears": False,
        "standardize": False,
    },
    "siglip_vision_model": {
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_hidden_layers": 12,
        "num_channels": 3,
        "image_size": 224,
        "patch_size": 16,
        "vision_use_head": True,
    },
}

# Model types whose transformers modeling class sets `_supports_sdpa = False`, so without
# flash-attention installed they run eager attention (scores materialised): modeling_gemma2.py
# ("sdpa does not support softcapping") and modeling_gpt_oss.py (attention sinks).
_EAGER_BY_DEFAULT = frozenset({"gemma2", "gpt_oss", "deepseek_v4"})

_MULTIMODAL_TEXT_TYPES = {
    "gemma3": "gemma3_text",
    "qwen2_5_vl": "qwen2",
    "qwen2_vl": "qwen2",
    "qwen3_vl": "qwen3_vl_text",
    "qwen3_vl_moe": "qwen3_vl_moe_text",
    "qwen3_5": "qwen3_5_text",
    "qwen3_5_moe": "qwen3_5_moe_text",
    "llama4": "llama4_text",
    "mistral3": "",  # text_config.model_type
    "kimi_k25": "",
    "gemma4": "gemma4_text",
}
# Model types llmsize knows and declines, with what to do instead.
_GEMMA3N = "Gemma 3n's AltUp, LAuReL, per-layer embeddings and shared KV layers are not modelled yet"
_GEMMA4 = (
    "Gemma 4's per-layer input embeddings (E2B/E4B), shared KV layers and audio tower are not modelled yet"
)
_REFUSED = {
    "gemma3n": _GEMMA3N,
    "gemma3n_text": _GEMMA3N,
}


# No architecture count comes near this (vocabularies ~2^18, contexts ~2^24); beyond it a value is a
# corrupt or hostile file, and Infinity/1e308 would overflow int() and float arithmetic downstream.
_MAX_CONFIG_INT = 2**48


class _Reader:
    """Typed access to one config dict; a missing or malformed field becomes a ConfigError naming it."""

    def __init__(self, cfg: Mapping[str, Any], model_type: str) -> None:
        self.cfg = cfg
        self.model_type = model_type
        self.defaults = _DEFAULTS.get(model_type, {})

    def get(self, *keys: str, default: Any = _MISSING) -> Any:
        for key in keys:
            if key in self.cfg and self.cfg[key] is not None:
                return self.cfg[key]
        for key in keys:
            if key in self.cfg:  # an explicit null
                return None
        for key in keys:
            if key in self.defaults:
                return self.defaults[key]
        return None if default is _MISSING else default

    def req(self, *keys: str) -> int:
        value = self.opt_int(*keys)
        if value is None:
            names = " or ".join(repr(k) for k in keys)
            raise ConfigError(
                f"config.json ({self.model_type}) has no {names}, which the architecture needs",
                hint="pass the model's own config.json, or a catalog name",
            )
        return value

    def opt_int(self, *keys: str, default: int | None = None) -> int | None:
        value = self.get(*keys)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -_MAX_CONFIG_INT <= value <= _MAX_CONFIG_INT  # also False for NaN
            or int(value) != value
        ):
            shown = (
                repr(value) if not isinstance(value, int) else f"an integer of {len(str(abs(value)))} digits"
            )
            raise ConfigError(f"config.json field {keys[0]!r} must be an integer below 2^48, not {shown}")
        return int(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key, default=default)
        if value is None:
            return default
        if not isinstance(value, bool | int):
            raise ConfigError(f"config.json field {key!r} must be true or false, not {value!r}")
        return bool(value)

    def opt_float(self, key: str) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config.json field {key!r} must be a number, not {value!r}")
        return float(value)


def _trunk(r: _Reader, *, layers_keys: tuple[str, ...] = ("num_hidden_layers",)) -> Fields:
    """The fields every decoder shares; head_dim defaults to hidden_size / heads like the HF configs."""
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    head_dim = r.opt_int("head_dim")
    if head_dim is None:
        if hidden % heads:
            raise ConfigError(
                f"config.json gives no head_dim and hidden_size {hidden} is not a multiple of "
                f"num_attention_heads {heads}"
            )
        head_dim = hidden // heads
    return {
        "num_layers": r.req(*layers_keys),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": r.opt_int("num_key_value_heads", default=heads),
        "head_dim": head_dim,
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req(*_CONTEXT_KEYS),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        **_rope_scaling(r),
    }


def _rope_scaling(r: _Reader) -> Fields:
    """rope_scaling (transformers 4) or rope_parameters (5; per layer type for Gemma 3): kind, factor."""
    raw = r.get("rope_scaling", "rope_parameters")
    if not isinstance(raw, Mapping):
        return {}
    if isinstance(raw.get("full_attention"), Mapping):
        raw = raw["full_attention"]
    kind = raw.get("rope_type", raw.get("type"))
    if not isinstance(kind, str) or kind == "default":
        return {}
    out: Fields = {"rope_scaling_type": kind}
    factor = raw.get("factor")
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and factor > 0:
        out["rope_scaling_factor"] = float(factor)
    original = raw.get("original_max_position_embeddings")
    if isinstance(original, int) and not isinstance(original, bool) and original > 0:
        out["rope_original_max_positions"] = original
    return out


_CONTEXT_KEYS = ("max_position_embeddings", "max_sequence_length", "seq_length", "n_positions")


# Fields that mean a decoder is not a plain Llama: reading it as one would silently drop experts,
# latent attention or recurrent state, so such an unknown model_type is refused instead.
_NOT_LLAMA_FIELDS = (
    "num_experts",
    "num_local_experts",
    "n_routed_experts",
    "moe_num_experts",
    "moe_intermediate_size",
    "kv_lora_rank",
    "q_lora_rank",
    "linear_num_value_heads",
    "linear_num_heads",
    "linear_conv_kernel_dim",
    "ssm_state_size",
    "mamba_d_state",
    "mamba_n_heads",
    "state_size",
    "layers_block_type",
    "hybrid_override_pattern",
    "attn_layer_period",
    "index_n_heads",
    "conv_L_cache",
    "text_config",
)


def _unknown(r: _Reader, warnings: list[str]) -> Fields:
    """Any other decoder: refused when its fields show experts, latent attention, recurrent layers or a
    wrapped text model; otherwise read as Llama from its standard fields, marked approximate."""
    shown = r.model_type or "(none)"
    telling = [k for k in _NOT_LLAMA_FIELDS if r.cfg.get(k) not in (None, 0, [], "")]
    kinds = r.cfg.get("layer_types")
    if isinstance(kinds, list):
        odd = sorted({str(k) for k in kinds} - {"full_attention", "sliding_attention"})
        telling += [f"layer_types {k}" for k in odd]
    if telling:
        raise ConfigError(
            f"model_type {shown!r} is not one llmsize knows, and its config has "
            f"{', '.join(telling[:4])}: it is not a plain decoder llmsize could read as Llama",
            hint="use a model_type llmsize supports (see `llmsize models`), or a catalog name",
        )
    warnings.append(
        f"model_type {shown!r} is not one llmsize knows; read as a Llama-like decoder "
        "(gated MLP, RMSNorm) from its standard fields, so the counts may be off (approximate)"
    )
    if r.opt_int(*_CONTEXT_KEYS) is None:
        # LlamaConfig's default (configuration_llama.py), the fallback this path already assumes.
        r.defaults = {**r.defaults, "max_position_embeddings": 2048}
        warnings.append("config.json states no context length; assuming 2048 (the LlamaConfig default)")
    return _llama(r)


def _explicit_layer_types(r: _Reader, num_layers: int) -> tuple[str, ...] | None:
    value = r.cfg.get("layer_types")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != num_layers:
        raise ConfigError(f"config.json field 'layer_types' must list one entry per layer ({num_layers})")
    allowed = {"full_attention", "sliding_attention"}
    unknown = sorted({str(v) for v in value} - allowed)
    if unknown:
        raise ConfigError(
            "config.json field 'layer_types' has attention kinds llmsize does not model: "
            + ", ".join(unknown)
        )
    return tuple(str(v) for v in value)


def _windows(r: _Reader, num_layers: int, rule: Callable[[int], bool] | None) -> Fields:
    """sliding_window + layer_types: an explicit `layer_types` wins, else `rule(i)` marks sliding layers."""
    window = r.opt_int("sliding_window")
    explicit = _explicit_layer_types(r, num_layers)
    if explicit is not None:
        kinds = explicit
    elif window and rule is not None:
        kinds = tuple("sliding_attention" if rule(i) else "full_attention" for i in range(num_layers))
    else:
        return {"sliding_window": None, "layer_types": None}
    if "sliding_attention" not in kinds:
        return {"sliding_window": window or None, "layer_types": kinds}
    if not window:
        raise ConfigError("config.json has sliding_attention layers but no sliding_window")
    return {"sliding_window": window, "layer_types": kinds}


def _all_layers(_: int) -> bool:
    return True


# --- one builder per model_type ----------------------------------------------------------------


def _llama(r: _Reader) -> Fields:
    """modeling_llama.py: q/k/v/o bias = attention_bias, MLP bias = mlp_bias; also the fallback."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, mlp_bias=r.flag("mlp_bias"))
    return f


def _mistral(r: _Reader) -> Fields:
    """modeling_mistral.py: sliding_window (4096 when the key is absent) applies to every layer."""
    f = _trunk(r)
    f.update(_windows(r, f["num_layers"], _all_layers))
    return f


def _mixtral(r: _Reader) -> Fields:
    """modeling_mixtral.py: every block routes to num_local_experts gated MLPs of intermediate_size."""
    f = _trunk(r)
    f.update(_windows(r, f["num_layers"], _all_layers))
    f.update(
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=f["intermediate_size"],
    )
    return f


def _qwen_window_rule(r: _Reader) -> Callable[[int], bool] | None:
    """Qwen2/Qwen3: a window only with use_sliding_window, on layers >= max_window_layers."""
    if not r.flag("use_sliding_window"):
        return None
    first = r.opt_int("max_window_layers", default=0) or 0
    return lambda i: i >= first


def _qwen2(r: _Reader) -> Fields:
    """modeling_qwen2.py: q/k/v always carry a bias, o_proj none."""
    f = _trunk(r)
    f.update(qkv_bias=True)
    f.update(_windows(r, f["num_layers"], _qwen_window_rule(r)))
    return f


def _qwen3(r: _Reader) -> Fields:
    """modeling_qwen3.py: attention_bias on q/k/v/o and a per-head RMSNorm on q and k."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="head")
    f.update(_windows(r, f["num_layers"], _qwen_window_rule(r)))
    return f


def _qwen_moe_layers(r: _Reader, num_layers: int, warnings: list[str]) -> Fields:
    """Qwen MoE blocks: sparse when (i+1) % decoder_sparse_step == 0 and i not in mlp_only_layers."""
    step = r.opt_int("decoder_sparse_step", default=1) or 1
    only = r.get("mlp_only_layers") or []
    if not isinstance(only, list) or not all(isinstance(i, int) for i in only):
        raise ConfigError("config.json field 'mlp_only_layers' must be a list of layer indices")
    dense = sorted(set(only))
    if step == 1 and dense == list(range(len(dense))):
        return {"first_k_dense_layers": len(dense), "moe_layer_freq": 1}
    if not dense:
        # (i+1) % step == 0  <=>  (i - (step-1)) % step == 0: first step-1 blocks dense, then every step-th.
        return {"first_k_dense_layers": step - 1, "moe_layer_freq": step}
    warnings.append(
        f"mlp_only_layers {dense} with decoder_sparse_step {step} is approximated: "
        f"the first {len(dense)} blocks are taken as the dense ones"
    )
    return {"first_k_dense_layers": min(len(dense), num_layers), "moe_layer_freq": step}


def _qwen2_moe(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_qwen2_moe.py: routed experts + one shared expert behind a sigmoid gate (hidden -> 1)."""
    f = _trunk(r)
    f.update(qkv_bias=r.flag("qkv_bias", default=True))
    f.update(_windows(r, f["num_layers"], _qwen2_moe_window_rule(r)))
    f.update(
        num_experts=r.req("num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
        num_shared_experts=1,
        shared_expert_intermediate_size=r.req("shared_expert_intermediate_size"),
        shared_expert_gate=True,
    )
    f.update(_qwen_moe_layers(r, f["num_layers"], warnings))
    return f


def _qwen2_moe_window_rule(r: _Reader) -> Callable[[int], bool] | None:
    """configuration_qwen2_moe.py: odd-numbered (1-based) layers below max_window_layers slide."""
    if not r.flag("use_sliding_window"):
        return None
    limit = r.opt_int("max_window_layers", default=0) or 0
    return lambda i: bool((i + 1) % 2) and i < limit


def _qwen3_moe(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_qwen3_moe.py: Qwen3 attention, routed experts only (no shared expert)."""
    f = _qwen3(r)
    if r.flag("use_sliding_window"):
        f.update(_windows(r, f["num_layers"], _all_layers))
    f.update(
        num_experts=r.req("num_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=r.req("moe_intermediate_size"),
    )
    f.update(_qwen_moe_layers(r, f["num_layers"], warnings))
    return f


def _gemma(r: _Reader) -> Fields:
    """modeling_gemma.py: GeGLU MLP, q/k/v/o bias = attention_bias, tied embeddings by default."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias)
    return f


def _gemma2(r: _Reader) -> Fields:
    """modeling_gemma2.py: four norms per block, every other block (0, 2, ...) slides, logit softcaps."""
    f = _gemma(r)
    f.update(
        norms_per_layer=4,
        final_logit_softcapping=r.opt_float("final_logit_softcapping"),
        attn_logit_softcapping=r.opt_float("attn_logit_softcapping"),
    )
    f.update(_windows(r, f["num_layers"], lambda i: bool((i + 1) % 2)))
    return f


def _gemma3_text(r: _Reader) -> Fields:
    """modeling_gemma3.py: Gemma 2's block + per-head q/k norms; 5 local layers per global one."""
    f = _gemma2(r)
    pattern = r.opt_int("sliding_window_pattern", default=6) or 6
    f.update(qk_norm="head")
    f.update(_windows(r, f["num_layers"], lambda i: bool((i + 1) % pattern)))
    # Sliding layers rotate with rope_local_base_freq and no scaling (modeling_gemma3.py
    # Gemma3Attention: rotary_emb_local), so a second RoPE table exists beside the global one.
    f.update(local_rope=True)
    return f


def _phi3(r: _Reader) -> Fields:
    """modeling_phi3.py: fused qkv_proj and gate_up_proj, no biases; sliding_window on all layers."""
    f = _trunk(r)
    f.update(fused_qkv=True, fused_gate_up=True)
    f.update(_windows(r, f["num_layers"], _all_layers))
    return f


def _deepseek(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_deepseek_v2/_v3.py: MLA attention; blocks >= first_k_dense_replace are MoE.

    Shared experts are one MLP of moe_intermediate_size * n_shared_experts; V3's router keeps an
    e_score_correction_bias (remote code: only with topk_method "noaux_tc"). q_lora_rank null
    (V2-Lite) means a plain q_proj. transformers ignores moe_layer_freq, and so do we.
    """
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    bias = r.flag("attention_bias")
    f: Fields = {
        "num_layers": r.req("num_hidden_layers"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": heads,
        "head_dim": r.req("qk_nope_head_dim") + r.req("qk_rope_head_dim"),
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        "qkv_bias": bias,
        "o_bias": bias,
        "q_lora_rank": r.opt_int("q_lora_rank", default=0) or 0,
        "kv_lora_rank": r.req("kv_lora_rank"),
        "qk_nope_head_dim": r.req("qk_nope_head_dim"),
        "qk_rope_head_dim": r.req("qk_rope_head_dim"),
        "v_head_dim": r.req("v_head_dim"),
    }
    experts = r.opt_int("n_routed_experts", default=0) or 0
    if experts:
        shared = r.opt_int("n_shared_experts", default=0) or 0
        moe_inter = r.req("moe_intermediate_size")
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=moe_inter,
            num_shared_experts=1 if shared else 0,
            shared_expert_intermediate_size=moe_inter * shared,
            first_k_dense_layers=r.opt_int("first_k_dense_replace", default=0) or 0,
            router_score_correction_bias=r.model_type in ("deepseek_v3", "kimi_k2")
            and r.get("topk_method") == "noaux_tc",
        )
        mlp = r.cfg.get("mlp_layer_types")
        if mlp is not None:  # newer exports state the dense/sparse pattern per layer
            f["ffn_types"] = _kinds_list(
                r, "mlp_layer_types", f["num_layers"], {"dense": "dense", "sparse": "moe"}
            )
    mtp = r.opt_int("num_nextn_predict_layers", default=0) or 0
    if mtp:
        warnings.append(
            f"the checkpoint also stores {mtp} multi-token-prediction layer(s) for speculative decoding; "
            "transformers does not load them and they are not counted in the loaded weights"
        )
        f.update(mtp_layers=mtp)
    return f


def _gpt_oss(r: _Reader) -> Fields:
    """modeling_gpt_oss.py: biased q/k/v/o, per-head sinks, biased router and experts, alternating windows."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        attention_sinks=True,
        num_experts=r.req("num_local_experts", "num_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok", "experts_per_token"),
        moe_intermediate_size=f["intermediate_size"],
        fused_gate_up=True,
        router_bias=True,
        expert_bias=True,
    )
    f.update(_windows(r, f["num_layers"], lambda i: bool((i + 1) % 2)))
    return f


def _glm(r: _Reader) -> Fields:
    """modeling_glm.py (glm-4-9b-chat-hf): q/k/v bias = attention_bias, o none, fused gate_up_proj."""
    f = _trunk(r)
    f.update(qkv_bias=r.flag("attention_bias"), fused_gate_up=True)
    return f


def _glm4(r: _Reader) -> Fields:
    """modeling_glm4.py (GLM-4-0414): GLM's block with two more norms after attention and MLP."""
    f = _glm(r)
    f.update(norms_per_layer=4)
    return f


def _chatglm(r: _Reader) -> Fields:
    """THUDM remote code modeling_chatglm.py (ChatGLM2/3, GLM-4 chat).

    query_key_value: hidden -> (heads + 2 * groups) * kv_channels, biased when add_bias_linear or
    add_qkv_bias; dense and the MLP (dense_h_to_4h: hidden -> 2 * ffn, dense_4h_to_h) are biased
    only with add_bias_linear; output_layer is never tied. RotaryEmbedding registers `inv_freq`
    (rotary_dim / 2 values, rotary_dim = kv_channels / 2) as a persistent buffer, so the checkpoint
    stores it: counted as extra parameters.
    """
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    kv_channels = r.opt_int("kv_channels") or hidden // heads
    groups = r.opt_int("multi_query_group_num") if r.flag("multi_query_attention") else heads
    linear_bias = r.flag("add_bias_linear")
    return {
        "num_layers": r.req("num_layers", "num_hidden_layers"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": groups or heads,
        "head_dim": kv_channels,
        "intermediate_size": r.req("ffn_hidden_size"),
        "vocab_size": r.req("padded_vocab_size", "vocab_size"),
        "max_position_embeddings": r.req("seq_length", "max_position_embeddings"),
        "tie_word_embeddings": False,
        "qkv_bias": linear_bias or r.flag("add_qkv_bias"),
        "o_bias": linear_bias,
        "mlp_bias": linear_bias,
        "fused_qkv": True,
        "fused_gate_up": True,
        "norm_type": "rmsnorm" if r.flag("rmsnorm", default=True) else "layernorm",
        "final_norm": r.flag("post_layer_norm", default=True),
        "extra_params": (kv_channels // 2) // 2,
        "extra_params_note": "rotary_pos_emb.inv_freq, a persistent buffer of modeling_chatglm.py",
    }


def _falcon(r: _Reader) -> Fields:
    """modeling_falcon.py: fused query_key_value, plain GELU MLP, LayerNorms with bias, tied head.

    K/V heads: num_kv_heads with new_decoder_architecture, 1 with multi_query, else all heads.
    Norms per block: 2 separate (ln_attn, ln_mlp) for the new architecture, 1 for parallel
    attention, 2 (input + post-attention) for the sequential block.
    """
    hidden = r.req("hidden_size", "n_embd")
    heads = r.req("num_attention_heads", "n_head")
    new_arch = r.flag("new_decoder_architecture")
    parallel = r.flag("parallel_attn", default=True)
    if new_arch:
        kv = r.opt_int("num_kv_heads", "n_head_kv", default=heads) or heads
    elif r.flag("multi_query", default=True):
        kv = 1
    else:
        kv = heads
    if not parallel:
        norms = 2
    else:
        n_ln = r.opt_int("num_ln_in_parallel_attn")
        norms = n_ln if n_ln is not None else (2 if new_arch else 1)
    bias = r.flag("bias")
    return {
        "num_layers": r.req("num_hidden_layers", "n_layer"),
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": kv,
        "head_dim": hidden // heads,
        "intermediate_size": r.opt_int("ffn_hidden_size") or 4 * hidden,
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings", default=True),
        "qkv_bias": bias,
        "o_bias": bias,
        "mlp_bias": bias,
        "mlp_gated": False,
        "norm_type": "layernorm",
        "norms_per_layer": norms,
        "fused_qkv": True,
        "parallel_block": parallel,
    }


_BUILDERS: dict[str, Callable[[_Reader], Fields]] = {
    "llama": _llama,
    "mistral": _mistral,
    "mixtral": _mixtral,
    "qwen2": _qwen2,
    "qwen3": _qwen3,
    "gemma": _gemma,
    "gemma2": _gemma2,
    "gemma3_text": _gemma3_text,
    "phi3": _phi3,
    "gpt_oss": _gpt_oss,
    "glm": _glm,
    "glm4": _glm4,
    "chatglm": _chatglm,
    "falcon": _falcon,
}
_BUILDERS_WARN: dict[str, Callable[[_Reader, list[str]], Fields]] = {
    "qwen2_moe": _qwen2_moe,
    "qwen3_moe": _qwen3_moe,
    "deepseek_v2": _deepseek,
    "deepseek_v3": _deepseek,
}


def _register_2026() -> None:
    """The builders defined further down (kept below their helpers)."""
    _BUILDERS.update(
        {
            "olmo2": _olmo2,
            "olmo3": _olmo2,
            "smollm3": _smollm3,
            "seed_oss": _seed_oss,
            "exaone4": _exaone4,
            "glm4_moe": _glm4_moe,
            "minimax_m2": _minimax_m2,
            "hunyuan_v1_moe": _hunyuan_v1_moe,
            "ernie4_5_moe": _ernie4_5_moe,
            "llama4_text": _llama4_text,
            "lfm2": _lfm2,
            "lfm2_moe": _lfm2,
            "nemotron_h": _nemotron_h,
            "granitemoehybrid": _granitemoehybrid,
            "falcon_h1": _falcon_h1,
            "jamba": _jamba,
            "kimi_linear": _kimi_linear,
            "qwen3_vl_text": _qwen3,
        }
    )
    _BUILDERS_WARN.update(
        {
            "kimi_k2": _deepseek,
            "deepseek_v32": _dsa,
            "glm_moe_dsa": _dsa,
            "mistral4": _mistral4,
            "qwen3_next": _qwen3_next,
            "qwen3_5_text": _qwen3_next,
            "qwen3_5_moe_text": _qwen3_next,
            "qwen3_vl_moe_text": _qwen3_moe,
        }
    )


# --- vision towers (extra parameters outside the decoder) ----------------------------------------


def _siglip_vision_params(vision: Mapping[str, Any]) -> int:
    """SiglipVisionModel (modeling_siglip.py): conv patch embed + learned positions + ViT blocks."""
    r = _Reader(vision, "siglip_vision_model")
    h, inter, layers = r.req("hidden_size"), r.req("intermediate_size"), r.req("num_hidden_layers")
    channels, image, patch = r.req("num_channels"), r.req("image_size"), r.req("patch_size")
    positions = (image // patch) ** 2
    embed = channels * patch * patch * h + h + positions * h
    block = 4 * (h * h + h) + 2 * (2 * h) + (h * inter + inter) + (inter * h + h)
    total = embed + layers * block + 2 * h  # post_layernorm
    if r.flag("vision_use_head", default=True):
        # SiglipMultiheadAttentionPoolingHead: probe, nn.MultiheadAttention (in/out proj), LayerNorm, MLP
        total += h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * inter + inter) + (inter * h + h)
    return total


def _gemma3_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma3ForConditionalGeneration: SigLIP tower + Gemma3MultiModalProjector (modeling_gemma3.py)."""
    vision = config.get("vision_config") or {}
    text = config.get("text_config") or {}
    tower = _siglip_vision_params(vision)
    vh = _Reader(vision, "siglip_vision_model").req("hidden_size")
    th = _Reader(text, "gemma3_text").req("hidden_size")
    projector = vh * th + vh  # mm_input_projection_weight + mm_soft_emb_norm
    return tower + projector, f"SigLIP vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _gemma4_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Gemma4ForConditionalGeneration (modeling_gemma4.py): Gemma4VisionModel and embed_vision.

    Patch embedder: input_proj (3 x patch^2 -> hidden, no bias) and a (2, position_embedding_size,
    hidden) position table; each Gemma4VisionEncoderLayer: bias-free q/k/v/o, q_norm and k_norm of
    head_dim (v_norm has no scale), four RMSNorms and a gated MLP; the pooler has no weights.
    Gemma4MultimodalEmbedder: one bias-free hidden -> text hidden projection after a scale-free norm.
    Persistent buffers are in the checkpoint and in memory, so they count: std_bias and std_scale
    (standardize) and, with use_clipped_linears, four scalar bounds on each of the seven linears of a
    block (Gemma4ClippableLinear).
    """
    v = _Reader(config.get("vision_config") or {}, "gemma4_vision")
    t = _Reader(config.get("text_config") or {}, "gemma4_text")
    h, inter, depth = v.req("hidden_size"), v.req("intermediate_size"), v.req("num_hidden_layers")
    heads = v.req("num_attention_heads")
    kv, hd = v.req("num_key_value_heads"), v.req("head_dim")
    patch, positions = v.req("patch_size"), v.req("position_embedding_size")
    embed = 3 * patch * patch * h + 2 * positions * h
    attn = h * heads * hd + 2 * h * kv * hd + heads * hd * h + 2 * hd
    block = attn + 4 * h + 3 * h * inter
    if v.flag("use_clipped_linears"):
        block += 7 * 4
    tower = embed + depth * block + (2 * h if v.flag("standardize") else 0)
    out = v.opt_int("output_proj_dims", default=h) or h
    projector = out * t.req("hidden_size")
    return tower + projector, f"vision tower ({tower:,}) + embed_vision projection ({projector:,})"


def _vit_block(h: int, inter: int, *, bias: bool, gated: bool, norm_bias: bool) -> int:
    """One pre-norm ViT block: q/k/v/o, two norms, a (gated) MLP."""
    b = 1 if bias else 0
    norms = 2 * (2 * h if norm_bias else h)
    mlp = 3 * h * inter if gated else (h * inter + b * inter) + (inter * h + b * h)
    return 4 * (h * h + b * h) + norms + mlp


def _llama4_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Llama4ForConditionalGeneration (modeling_llama4.py): Llama4VisionModel (unfold-conv patch
    embedding without bias, class embedding, learned positions for (image/patch)^2 + 1 tokens,
    LayerNorm pre/post, biased ViT blocks, the pixel-shuffle adapter's two bias-free linears) and
    Llama4MultiModalProjector (one bias-free linear, vision_output_dim -> text hidden)."""
    v = _Reader(config.get("vision_config") or {}, "llama4_vision_model")
    t = _Reader(config.get("text_config") or {}, "llama4_text")
    h, inter = (
        v.opt_int("hidden_size", default=768) or 768,
        v.opt_int("intermediate_size", default=5632) or 5632,
    )
    layers = v.opt_int("num_hidden_layers", default=34) or 34
    ch, patch = v.opt_int("num_channels", default=3) or 3, v.opt_int("patch_size", default=14) or 14
    image = v.opt_int("image_size", default=448) or 448
    p_in, p_out = (
        v.opt_int("projector_input_dim", default=4096) or 0,
        v.opt_int("projector_output_dim", default=4096) or 0,
    )
    out_dim = v.opt_int("vision_output_dim", default=7680) or 7680
    positions = (image // patch) ** 2 + 1
    tower = ch * patch * patch * h + h + positions * h + 2 * (2 * h)
    tower += layers * _vit_block(h, inter, bias=True, gated=False, norm_bias=True)
    tower += inter * p_in + p_out * p_out  # vision_adapter.mlp fc1, fc2
    projector = out_dim * t.req("hidden_size")
    return tower + projector, f"Llama 4 vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _mistral3_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Mistral3ForConditionalGeneration (modeling_mistral3.py, modeling_pixtral.py): PixtralVisionModel
    (bias-free conv patch embedding, ln_pre RMSNorm, bias-free blocks with a gated MLP) and
    Mistral3MultiModalProjector (RMSNorm, the patch merger's spatial_merge_size^2 linear, two linears
    with `multimodal_projector_bias`)."""
    v = _Reader(config.get("vision_config") or {}, "pixtral")
    t = _Reader(config.get("text_config") or {}, "mistral")
    c = _Reader(config, "mistral3")
    h, inter = (
        v.opt_int("hidden_size", default=1024) or 1024,
        v.opt_int("intermediate_size", default=4096) or 4096,
    )
    layers = v.opt_int("num_hidden_layers", default=24) or 24
    ch, patch = v.opt_int("num_channels", default=3) or 3, v.opt_int("patch_size", default=16) or 16
    tower = (
        ch * patch * patch * h + h + layers * _vit_block(h, inter, bias=False, gated=True, norm_bias=False)
    )
    merge = c.opt_int("spatial_merge_size", default=2) or 2
    th = t.req("hidden_size")
    b = 1 if c.flag("multimodal_projector_bias") else 0
    # linear_1 takes the tower's hidden states of every vision_feature_layer, concatenated
    # (Mistral3MultiModalProjector.num_feature_layers: 1 for an int, len() for a list).
    layers_in = c.get("vision_feature_layer", default=-1)
    width_in = h * (len(layers_in) if isinstance(layers_in, list) else 1)
    projector = h + h * merge * merge * h + (width_in * th + b * th) + (th * th + b * th)
    return tower + projector, f"Pixtral vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _kimi_k25_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """KimiK25ForConditionalGeneration (modeling_kimi_k25.py): the MoonViT tower (biased conv patch
    embedding, learned pos_emb_height x pos_emb_width positions, biased ViT blocks with LayerNorms,
    a final LayerNorm) and the projector (LayerNorm, then two biased linears on merge-kernel groups
    of patches: in_proj square, out_proj to the text hidden size)."""
    v = _Reader(config.get("vision_config") or {}, "kimi_k25_vision")
    t = _Reader(config.get("text_config") or {}, "deepseek_v3")
    c = _Reader(config, "kimi_k25")
    h, inter = (
        v.opt_int("hidden_size", default=1152) or 1152,
        v.opt_int("intermediate_size", default=4304) or 4304,
    )
    layers = v.opt_int("num_hidden_layers", default=27) or 27
    patch = v.opt_int("patch_size", default=14) or 14
    ph, pw = v.opt_int("pos_emb_height", default=64) or 64, v.opt_int("pos_emb_width", default=64) or 64
    tower = 3 * patch * patch * h + h + ph * pw * h + 2 * h
    tower += layers * _vit_block(h, inter, bias=True, gated=False, norm_bias=True)
    kernel = v.get("merge_kernel_size") or [2, 2]
    if not (
        isinstance(kernel, list | tuple) and len(kernel) == 2 and all(isinstance(k, int) for k in kernel)
    ):
        raise ConfigError(
            f"config.json (kimi_k25): vision_config.merge_kernel_size must be two integers, not {kernel!r}"
        )
    ph_size = c.opt_int("projection_hidden_size", default=h) or h
    merged = ph_size * kernel[0] * kernel[1]
    th = t.req("hidden_size")
    projector = 2 * ph_size + (merged * merged + merged) + (th * merged + th)
    return tower + projector, f"MoonViT vision tower ({tower:,}) + multimodal projector ({projector:,})"


def _qwen2_5_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Qwen2_5_VisionTransformerPretrainedModel (modeling_qwen2_5_vl.py): Conv3d patch embed, RMSNorm
    ViT blocks with biased qkv/proj and a biased gated MLP, and the patch merger MLP."""
    v = config.get("vision_config")
    if not isinstance(v, Mapping):
        raise ConfigError("config.json (qwen2_5_vl) has no vision_config")
    r = _Reader(v, "qwen2_5_vl_vision")
    h, inter, depth = r.req("hidden_size"), r.req("intermediate_size"), r.req("depth")
    out = r.req("out_hidden_size")
    patch = r.req("patch_size")
    temporal = r.opt_int("temporal_patch_size", default=2) or 2
    channels = r.opt_int("in_channels", "in_chans", default=3) or 3
    merge = r.opt_int("spatial_merge_size", default=2) or 2
    merged = h * merge * merge
    embed = channels * temporal * patch * patch * h
    block = 2 * h + (h * 3 * h + 3 * h) + (h * h + h) + 2 * (h * inter + inter) + (inter * h + h)
    merger = h + (merged * merged + merged) + (merged * out + out)
    total = embed + depth * block + merger
    return total, f"vision tower and patch merger ({total:,}, modeling_qwen2_5_vl.py)"


def _qwen3_vl_extra(config: Mapping[str, Any]) -> tuple[int, str]:
    """Qwen3-VL / Qwen3.5 vision tower (modeling_qwen3_vl.py, modeling_qwen3_5.py VisionModel): a biased
    Conv3d patch embed, learned positions, LayerNorm ViT blocks (biased qkv/proj, GELU MLP), the patch
    merger (LayerNorm, fc1, fc2) and, for Qwen3-VL, one post-shuffle-norm merger per deepstack layer."""
    v = config.get("vision_config")
    if not isinstance(v, Mapping):
        raise ConfigError(f"config.json ({config.get('model_type')}) has no vision_config")
    r = _Reader(v, "qwen3_vl_vision")
    h, inter, depth = r.req("hidden_size"), r.req("intermediate_size"), r.req("depth", "num_hidden_layers")
    out, patch = r.req("out_hidden_size"), r.req("patch_size")
    temporal = r.opt_int("temporal_patch_size", default=2) or 2
    channels = r.opt_int("in_channels", default=3) or 3
    merge = r.opt_int("spatial_merge_size", default=2) or 2
    positions = r.opt_int("num_position_embeddings", default=2304) or 0
    merged = h * merge * merge
    embed = channels * temporal * patch * patch * h + h + positions * h
    block = 4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * inter + inter) + (inter * h + h)

    def merger(norm_width: int) -> int:
        return 2 * norm_width + (merged * merged + merged) + (merged * out + out)

    deepstack = v.get("deepstack_visual_indexes") or []
    total = embed + depth * block + merger(h) + len(deepstack) * merger(merged)
    return total, f"vision tower and patch mergers ({total:,}, modeling_qwen3_vl.py)"


# --- entry point ---------------------------------------------------------------------------------


def _split_multimodal(
    config: Mapping[str, Any], model_type: str
) -> tuple[Mapping[str, Any], str, int, str | None]:
    """(text config, text model_type, extra params, note) for vision-language wrappers."""
    if model_type == "gemma4":
        nested = config.get("text_config")
        if not isinstance(nested, Mapping):
            raise ConfigError("config.json (gemma4) has no text_config")
        if config.get("audio_config") is not None:
            raise ConfigError(f"config.json model_type 'gemma4': {_GEMMA4}")
        text = dict(nested)
        if "tie_word_embeddings" in config:
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        if config.get("vision_config") is None:
            return text, "gemma4_text", 0, None
        extra, note = _gemma4_extra(config)
        return text, "gemma4_text", extra, note
    if model_type == "gemma3":
        text = dict(config.get("text_config") or {})
        text.setdefault("tie_word_embeddings", config.get("tie_word_embeddings", True))
        extra, note = _gemma3_extra(config)
        return text, "gemma3_text", extra, note
    if model_type in ("qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe", "llama4", "mistral3", "kimi_k25"):
        nested = config.get("text_config")
        if not isinstance(nested, Mapping):
            raise ConfigError(f"config.json ({model_type}) has no text_config")
        text = dict(nested)
        if "tie_word_embeddings" in config:  # the wrapper's flag decides whether lm_head is tied
            text["tie_word_embeddings"] = config["tie_word_embeddings"]
        text_type = _MULTIMODAL_TEXT_TYPES[model_type] or str(text.get("model_type") or "")
        extras = {"llama4": _llama4_extra, "mistral3": _mistral3_extra, "kimi_k25": _kimi_k25_extra}
        if model_type.startswith(("qwen3_vl", "qwen3_5")):
            extra, note = _qwen3_vl_extra(config)
            return text, text_type, extra, note
        if config.get("vision_config") is not None and model_type in extras:
            extra, note = extras[model_type](config)
            return text, text_type, extra, note
        return text, text_type, 0, None
    if model_type in ("qwen2_5_vl", "qwen2_vl"):
        text = dict(config)
        nested = config.get("text_config")
        if isinstance(nested, Mapping):  # newer exports nest the decoder, older keep it at the top
            text.update(nested)
        if model_type == "qwen2_vl":
            return text, "qwen2", 0, None
        extra, note = _qwen2_5_vl_extra(config)
        return text, "qwen2", extra, note
    return config, model_type, 0, None


def _model_type(config: Mapping[str, Any]) -> str:
    value = config.get("model_type")
    return value if isinstance(value, str) else ""


def _validation_error(err: ValidationError) -> ConfigError:
    first = err.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "config"
    return ConfigError(f"config.json gives an unusable {field}: {first.get('msg', 'invalid value')}")


def spec_from_hf_config(
    config: Mapping[str, Any],
    *,
    name: str,
    provenance: Provenance,
    family: str | None = None,
    hf_repo: str | None = None,
    published_params: int | None = None,
    extra_params: int = 0,
    extra_params_note: str | None = None,
) -> ModelSpec:
    """Build the ModelSpec of a real config.json (architecture, weight format, provenance).

    An unknown model_type is read as a Llama-like decoder from its standard fields, with a warning;
    a missing required field raises ConfigError naming it. `extra_params` adds parameters the
    config cannot describe (the catalog uses it for published vision-tower sizes).
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"config.json must be a JSON object, not {type(config).__name__}")
    warnings: list[str] = []
    model_type = _model_type(config)
    text_cfg, text_type, vision_params, vision_note = _split_multimodal(config, model_type)
    if text_type in _REFUSED or model_type in _REFUSED:
        raise ConfigError(
            f"config.json model_type {model_type!r}: {_REFUSED.get(model_type) or _REFUSED[text_type]}",
            hint="llmsize will not guess it as a plain decoder; use a model `llmsize models` lists",
        )
    reader = _Reader(text_cfg, text_type)
    if text_type in _BUILDERS:
        fields = _BUILDERS[text_type](reader)
    elif text_type in _BUILDERS_WARN:
        fields = _BUILDERS_WARN[text_type](reader, warnings)
    else:
        fields = _unknown(reader, warnings)
        fields["approximate"] = True
    if "vision_config" in config and not vision_params:
        warnings.append("the vision tower described by vision_config is not counted")
    architectures = config.get("architectures")
    weight_format, fmt_warnings = weight_format_from_config(config)
    warnings.extend(fmt_warnings)
    own_extra: int = fields.pop("extra_params", 0)
    notes = [n for n in (vision_note, fields.pop("extra_params_note", None), extra_params_note) if n]
    try:
        spec = ModelSpec(
            name=name,
            family=family,
            model_type=model_type or "unknown",
            architecture=architectures[0] if isinstance(architectures, list) and architectures else None,
            hf_repo=hf_repo,
            eager_attention_only=text_type in _EAGER_BY_DEFAULT,
            **fields,
            extra_params=own_extra + vision_params + extra_params,
            extra_params_note="; ".join(notes) or None,
            weight_format=weight_format,
            published_params=published_params,
            provenance=provenance,
            warnings=tuple(warnings),
        )
    except ValidationError as err:
        raise _validation_error(err) from err
    if spec.approximate:
        from llmsize.specs.approximate import describe_shape

        shape = f"assumed shape: {describe_shape(spec)}"
        spec = spec.model_copy(update={"warnings": (*spec.warnings, shape)})
    return spec


# --- 2026 architectures: layer kinds beyond full/sliding attention --------------------------------
# Every builder below restates the transformers 5.23 modeling code named in its docstring.

_LAYER_KIND_NAMES = {
    "full_attention": "full_attention",
    "attention": "full_attention",
    "sliding_attention": "sliding_attention",
    "chunked_attention": "chunked_attention",
    "linear_attention": "linear_attention",
    "indexed_attention": "full_attention",  # MLA + DSA indexer: the indexer is in spec.indexer
    "deepseek_sparse_attention": "full_attention",
    "conv": "conv",
    "hybrid": "hybrid",
}


def _kinds_list(
    r: _Reader, key: str, num_layers: int, rename: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """A per-layer kind list of the config, checked against the layer count and the kinds llmsize models."""
    value = r.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config.json ({r.model_type}) needs '{key}': a list of layer kinds")
    if len(value) != num_layers:
        raise ConfigError(
            f"config.json ({r.model_type}) lists {len(value)} '{key}' for {num_layers} layers",
            hint="num_hidden_layers and the per-layer list must agree",
        )
    table = rename if rename is not None else _LAYER_KIND_NAMES
    unknown = sorted({v for v in value if v not in table})
    if unknown:
        raise ConfigError(
            f"config.json ({r.model_type}) field '{key}' has layer kinds llmsize does not model: "
            + ", ".join(unknown)
        )
    return tuple(table[v] for v in value)


def _need_state(r: _Reader, *keys: str) -> int:
    """A state size a linear-attention / Mamba layer cannot do without."""
    value = r.opt_int(*keys)
    if not value:
        raise ConfigError(
            f"config.json ({r.model_type}) has recurrent layers but no {keys[0]!r} (their state size)",
            hint="pass the model's complete config.json",
        )
    return value


def _mtp(r: _Reader, f: Fields, layout: str = "deepseek") -> Fields:
    """num_nextn_predict_layers / mtp_num_hidden_layers: in the checkpoint, not loaded by transformers."""
    n = r.opt_int("num_nextn_predict_layers", "mtp_num_hidden_layers", default=0) or 0
    if n:
        f.update(mtp_layers=n, mtp_layout=layout)
    return f


def _olmo2(r: _Reader) -> Fields:
    """modeling_olmo2.py / modeling_olmo3.py: post-norms only (after attention and MLP), q/k RMSNorm over
    all heads; Olmo 3 adds sliding layers from `layer_types`."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    f.update(qkv_bias=bias, o_bias=bias, qk_norm="full", post_norm=True)
    f.update(_windows(r, f["num_layers"], None))
    return f


def _smollm3(r: _Reader) -> Fields:
    """modeling_smollm3.py: Llama's block (some layers skip RoPE, which costs no memory)."""
    f = _llama(r)
    f.update(_windows(r, f["num_layers"], None) if r.flag("use_sliding_window") else {})
    return f


def _seed_oss(r: _Reader) -> Fields:
    """modeling_seed_oss.py: q/k/v bias = attention_bias, o_proj bias = attention_out_bias."""
    f = _trunk(r)
    f.update(
        qkv_bias=r.flag("attention_bias"), o_bias=r.flag("attention_out_bias"), mlp_bias=r.flag("mlp_bias")
    )
    return f


def _exaone4(r: _Reader) -> Fields:
    """modeling_exaone4.py: post-norms, per-head q/k RMSNorm, 3 local layers per global one ('LLLG')."""
    f = _trunk(r)
    f.update(qk_norm="head", post_norm=True)
    pattern = r.get("sliding_window_pattern")
    n = pattern if isinstance(pattern, int) else len(pattern) if isinstance(pattern, str) else 4
    f.update(_windows(r, f["num_layers"], (lambda i: bool((i + 1) % n)) if n else None))
    return f


def _glm4_moe(r: _Reader) -> Fields:
    """modeling_glm4_moe.py: q/k/v bias = attention_bias, optional per-head q/k norm; blocks from
    first_k_dense_replace on are MoE with a sigmoid router, its e_score_correction_bias, and
    n_shared_experts x moe_intermediate_size shared experts; next-n (MTP) layers in the checkpoint."""
    f = _trunk(r)
    f.update(qkv_bias=r.flag("attention_bias"), qk_norm="head" if r.flag("use_qk_norm") else "none")
    moe_inter = r.req("moe_intermediate_size")
    shared = r.opt_int("n_shared_experts", default=0) or 0
    f.update(
        num_experts=r.req("n_routed_experts", "num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        num_shared_experts=1 if shared else 0,
        shared_expert_intermediate_size=moe_inter * shared,
        first_k_dense_layers=r.opt_int("first_k_dense_replace", default=0) or 0,
        router_score_correction_bias=True,
        fp32_params=("e_score_correction_bias",),  # _keep_in_fp32_modules_strict (modeling_glm4_moe.py)
    )
    return _mtp(r, f)


def _minimax_m2(r: _Reader) -> Fields:
    """modeling_minimax_m2.py: q/k RMSNorm over all heads, every block MoE (intermediate_size wide
    experts) with a sigmoid router and e_score_correction_bias."""
    f = _trunk(r)
    f.update(
        qk_norm="full",
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=f["intermediate_size"],
        router_score_correction_bias=True,
    )
    return _mtp(r, f)


def _hunyuan_v1_moe(r: _Reader) -> Fields:
    """modeling_hunyuan_v1_moe.py: per-head q/k norms (query_/key_layernorm), every block routes to
    num_experts experts of intermediate_size plus one shared MLP of intermediate_size."""
    f = _trunk(r)
    bias = r.flag("attention_bias")
    experts = r.get("num_experts")
    topk = r.get("moe_topk", "num_experts_per_tok")
    if not isinstance(experts, int) or not isinstance(topk, int):
        raise ConfigError(
            "config.json (hunyuan_v1_moe): per-layer num_experts / moe_topk lists are not modelled"
        )
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="head" if r.flag("use_qk_norm", default=True) else "none",
        num_experts=experts,
        num_experts_per_tok=topk,
        moe_intermediate_size=f["intermediate_size"],
        num_shared_experts=1,
        shared_expert_intermediate_size=f["intermediate_size"],
        fp32_params=("gate",),  # HunYuanMoEV1Gate: nn.Linear(..., dtype=torch.float32)
    )
    return f


def _ernie4_5_moe(r: _Reader) -> Fields:
    """modeling_ernie4_5_moe.py: use_bias on every linear; MoE on blocks (i+1) % moe_layer_interval == 0
    between moe_layer_start_index and moe_layer_end_index, an fp32 router and its correction bias,
    moe_num_shared_experts x moe_intermediate_size shared experts."""
    f = _trunk(r)
    bias = r.flag("use_bias")
    L = f["num_layers"]
    step = r.opt_int("moe_layer_interval", default=1) or 1
    start = r.opt_int("moe_layer_start_index", default=0) or 0
    end = r.opt_int("moe_layer_end_index", default=L - 1)
    end = L - 1 if end is None or end < 0 else end
    ffn = tuple("moe" if (i + 1) % step == 0 and start <= i <= end else "dense" for i in range(L))
    moe_inter = r.req("moe_intermediate_size")
    shared = r.opt_int("moe_num_shared_experts", default=0) or 0
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=bias,
        lm_head_bias=bias,
        num_experts=r.req("moe_num_experts", "num_experts"),
        num_experts_per_tok=r.req("moe_k", "num_experts_per_tok"),
        moe_intermediate_size=moe_inter,
        num_shared_experts=1 if shared else 0,
        shared_expert_intermediate_size=moe_inter * shared,
        router_score_correction_bias=True,
        ffn_types=ffn,
        # _keep_in_fp32_modules_strict = ["gate.weight", "moe_statics"] (the correction bias)
        fp32_params=("gate", "e_score_correction_bias"),
    )
    return f


def _dsa(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_deepseek_v32.py / modeling_glm_moe_dsa.py: DeepSeek V3's MLA + MoE, and a lightning
    indexer on every layer (index_n_heads x index_head_dim queries from the q latent, one key)."""
    f = _deepseek(r, warnings)
    f.update(
        indexer=IndexerSpec(
            num_heads=r.req("index_n_heads"), head_dim=r.req("index_head_dim"), topk=r.req("index_topk")
        ),
        router_score_correction_bias=True,
        # _keep_in_fp32_modules_strict = ["e_score_correction_bias"] (modeling_deepseek_v32.py)
        fp32_params=("e_score_correction_bias",),
    )
    return f


def _mistral4(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_mistral4.py: DeepSeek V3's MLA + MoE block (every block MoE unless first_k_dense_replace)."""
    f = _deepseek(r, warnings)
    f.update(router_score_correction_bias=False)
    return f


def _llama4_text(r: _Reader) -> Fields:
    """modeling_llama4.py: chunked local layers and full (NoPE) global ones from `layer_types`; MoE on
    `moe_layers` (num_local_experts of intermediate_size, a router, one shared expert of
    intermediate_size), dense MLPs of intermediate_size_mlp elsewhere; L2 q/k norm has no weights."""
    f = _trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    moe = r.get("moe_layers")
    if moe is None:
        step = r.opt_int("interleave_moe_layer_step", default=1) or 1
        moe = list(range(step - 1, L, step))
    if not isinstance(moe, list) or not all(isinstance(i, int) for i in moe):
        raise ConfigError("config.json (llama4) field 'moe_layers' must be a list of layer indices")
    moe_set = set(moe)
    kinds = r.get("layer_types")
    chunk = r.opt_int("attention_chunk_size")
    if kinds is not None:
        layer_types = _kinds_list(r, "layer_types", L)
    elif chunk:
        nope = r.get("no_rope_layers") or [int((i + 1) % 4 != 0) for i in range(L)]
        layer_types = tuple("chunked_attention" if nope[i] else "full_attention" for i in range(L))
    else:
        layer_types = ("full_attention",) * L
    inter = f["intermediate_size"]
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        intermediate_size=r.opt_int("intermediate_size_mlp", default=inter) or inter,
        num_experts=r.req("num_local_experts"),
        num_experts_per_tok=r.req("num_experts_per_tok"),
        moe_intermediate_size=inter,
        num_shared_experts=1,
        shared_expert_intermediate_size=inter,
        ffn_types=tuple("moe" if i in moe_set else "dense" for i in range(L)),
        layer_types=layer_types,
        attention_chunk_size=chunk if "chunked_attention" in layer_types else None,
    )
    return f


def _gated_deltanet(r: _Reader, split: bool) -> RecurrentSpec:
    return RecurrentSpec(
        kind="gated_deltanet",
        num_heads=_need_state(r, "linear_num_value_heads"),
        num_key_heads=_need_state(r, "linear_num_key_heads"),
        key_head_dim=_need_state(r, "linear_key_head_dim"),
        value_head_dim=_need_state(r, "linear_value_head_dim"),
        conv_kernel=_need_state(r, "linear_conv_kernel_dim"),
        split_projections=split,
    )


def _qwen3_next(r: _Reader, warnings: list[str]) -> Fields:
    """modeling_qwen3_next.py / modeling_qwen3_5.py (+ _moe): gated delta-net layers and gated full
    attention (q_proj emits the query and a sigmoid gate) with per-head q/k norm, from `layer_types`;
    MoE blocks like Qwen3-MoE with a gated shared expert. Qwen3.5 splits the delta-net input
    projections (in_proj_qkv, in_proj_z, in_proj_b, in_proj_a)."""
    f = _trunk(r) if r.get("intermediate_size") is not None else _trunk_no_mlp(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="head",
        norm_unit_offset=True,  # Qwen3NextRMSNorm: output * (1.0 + weight.float()), then type_as
        attn_output_gate=r.flag("attn_output_gate", default=True),
        layer_types=_qwen_next_kinds(r, L),
        recurrent=_gated_deltanet(r, split=r.model_type.startswith("qwen3_5")),
    )
    experts = r.opt_int("num_experts", default=0) or 0
    if experts:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            num_shared_experts=1 if r.opt_int("shared_expert_intermediate_size") else 0,
            shared_expert_intermediate_size=r.opt_int("shared_expert_intermediate_size", default=0) or 0,
            shared_expert_gate=bool(r.opt_int("shared_expert_intermediate_size")),
        )
        f.update(_qwen_moe_layers(r, L, warnings))
    return _mtp(r, f, "qwen")


def _qwen_next_kinds(r: _Reader, num_layers: int) -> tuple[str, ...]:
    """`layer_types`, or as Qwen3NextConfig derives it when absent (Qwen3-Next-80B's config.json has
    none): every `full_attention_interval`-th layer (default 4) is full attention, the rest linear.
    REFERENCE: transformers 5.23 configuration_qwen3_next.py, Qwen3NextConfig.__init__."""
    if r.get("layer_types", default=None) is not None:
        return _kinds_list(r, "layer_types", num_layers)
    interval = r.opt_int("full_attention_interval", default=4) or 4
    return tuple(
        "full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(num_layers)
    )


def _trunk_no_mlp(r: _Reader) -> Fields:
    """_trunk for MoE-only configs that state no dense intermediate_size."""
    cfg = dict(r.cfg)
    cfg["intermediate_size"] = 0
    inner = _Reader(cfg, r.model_type)
    return _trunk(inner)


def _lfm2(r: _Reader) -> Fields:
    """modeling_lfm2.py / modeling_lfm2_moe.py: short-conv and attention (per-head q/k norm) blocks
    from `layer_types`, a SwiGLU whose width block_auto_adjust_ff_dim rounds (2/3, multiplier,
    multiple of block_multiple_of), an embedding norm (counted as a final norm: the checkpoint's
    `embedding_norm`); LFM2-MoE has dense first blocks and sigmoid-routed experts with a bias."""
    f = _trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    kinds = r.get("layer_types")
    if kinds is None:
        full = set(r.get("full_attn_idxs") or [])
        layer_types = tuple("full_attention" if i in full else "conv" for i in range(L))
    else:
        layer_types = _kinds_list(r, "layer_types", L)
    inter = f["intermediate_size"]
    if r.flag("block_auto_adjust_ff_dim", default=r.model_type == "lfm2"):
        inter = int(2 * inter / 3)
        mult = r.opt_float("block_ffn_dim_multiplier")
        if mult is not None:
            inter = int(mult * inter)
        multiple = r.opt_int("block_multiple_of", default=256) or 256
        inter = multiple * ((inter + multiple - 1) // multiple)
    f.update(
        intermediate_size=inter,
        qk_norm="head",
        layer_types=layer_types,
        recurrent=RecurrentSpec(
            kind="short_conv",
            inner_size=h,
            conv_kernel=_need_state(r, "conv_L_cache"),
            conv_bias=r.flag("conv_bias"),
            proj_bias=r.flag("conv_bias"),
        ),
        tie_word_embeddings=r.flag("tie_word_embeddings", default=True),
    )
    experts = r.opt_int("num_experts", default=0) or 0
    if experts:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            first_k_dense_layers=r.opt_int("num_dense_layers", default=0) or 0,
            router_score_correction_bias=r.flag("use_expert_bias"),
        )
    return f


def _mamba2_mixer(
    r: _Reader, *, heads: str, head_dim: str, state: str, groups: str, conv: str
) -> RecurrentSpec:
    n_heads = _need_state(r, heads)
    d_head = _need_state(r, head_dim)
    return RecurrentSpec(
        kind="mamba2",
        num_heads=n_heads,
        value_head_dim=d_head,
        inner_size=n_heads * d_head,
        state_size=_need_state(r, state),
        n_groups=r.opt_int(groups, default=1) or 1,
        conv_kernel=_need_state(r, conv),
        conv_bias=r.flag("use_conv_bias", default=True)
        if r.get("use_conv_bias") is not None
        else r.flag("mamba_conv_bias", default=True),
        proj_bias=r.flag("use_bias") or r.flag("mamba_proj_bias"),
        out_proj_bias=r.flag("use_bias") or r.flag("mamba_proj_bias"),
        # NemotronHConfig.chunk_size (128), FalconH1Config / GraniteMoeHybridConfig.mamba_chunk_size (256)
        chunk_size=r.opt_int("chunk_size") or r.opt_int("mamba_chunk_size") or 256,
    )


_NEMOTRON_PATTERN = {"M": "linear_attention", "*": "full_attention", "-": "mlp", "E": "moe"}


def _nemotron_h(r: _Reader) -> Fields:
    """modeling_nemotron_h.py: each block is ONE of a Mamba-2 mixer, attention, a ReLU^2 MLP or a MoE
    (`layers_block_type`, or the legacy `hybrid_override_pattern` M/*/-/E), behind one RMSNorm; MoE
    experts are non-gated (up, down), with a shared expert and a sigmoid router with correction bias.
    The Mamba SSM state is kept in mamba_ssm_cache_dtype (fp32 by default)."""
    blocks = r.get("layers_block_type", "layer_types")
    if blocks is None:
        pattern = r.get("hybrid_override_pattern")
        if not isinstance(pattern, str):
            raise ConfigError(
                "config.json (nemotron_h) has neither layers_block_type nor hybrid_override_pattern"
            )
        bad = sorted(set(pattern) - set(_NEMOTRON_PATTERN))
        if bad:
            raise ConfigError(f"config.json (nemotron_h) hybrid_override_pattern has unknown symbols: {bad}")
        blocks = [_NEMOTRON_PATTERN[c] for c in pattern]
    if not isinstance(blocks, list):
        raise ConfigError("config.json (nemotron_h) field 'layers_block_type' must be a list")
    blocks = [
        "linear_attention" if b == "mamba" else "full_attention" if b == "attention" else b for b in blocks
    ]
    L = len(blocks)
    cfg = {**r.cfg, "num_hidden_layers": L}
    if r.get("intermediate_size") is None:
        cfg["intermediate_size"] = 0
    rr = _Reader(cfg, r.model_type)
    f = _trunk(rr)
    table = {"linear_attention": "mamba", "full_attention": "full_attention", "mlp": "none", "moe": "none"}
    unknown = sorted({b for b in blocks if b not in table})
    if unknown:
        raise ConfigError(f"config.json (nemotron_h) has block kinds llmsize does not model: {unknown}")
    layer_types = tuple(table[b] for b in blocks)
    ffn = tuple("dense" if b == "mlp" else "moe" if b == "moe" else "none" for b in blocks)
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=r.flag("mlp_bias"),
        mlp_gated=False,
        norms_per_layer=1,
        layer_types=layer_types,
        ffn_types=ffn,
        recurrent=_mamba2_mixer(
            rr,
            heads="mamba_num_heads",
            head_dim="mamba_head_dim",
            state="ssm_state_size",
            groups="n_groups",
            conv="conv_kernel",
        ).model_copy(
            update={
                "recurrent_state_dtype": "fp32"
                if str(r.get("mamba_ssm_cache_dtype", default="float32")) == "float32"
                else "model"
            }
        ),
    )
    if "moe" in ffn:
        if r.get("moe_latent_size") is not None:
            raise ConfigError(
                "config.json (nemotron_h): latent MoE projections (moe_latent_size) are not modelled"
            )
        shared = r.opt_int("n_shared_experts", default=0) or 0
        f.update(
            num_experts=r.req("n_routed_experts"),
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            num_shared_experts=1 if shared else 0,
            shared_expert_intermediate_size=r.opt_int("moe_shared_expert_intermediate_size", default=0) or 0,
            router_score_correction_bias=True,
        )
    f["logits_fp32"] = True  # NemotronHForCausalLM.forward: self.lm_head(hidden_states).float()
    return f


def _granitemoehybrid(r: _Reader) -> Fields:
    """modeling_granitemoehybrid.py: Mamba-2 or attention blocks (`layer_types`), each followed by a
    shared gated MLP (input_linear -> 2 x shared_intermediate_size) and, with num_local_experts > 0,
    routed experts of intermediate_size."""
    f = _trunk(r)
    L = f["num_layers"]
    bias = r.flag("attention_bias")
    kinds = _kinds_list(
        r,
        "layer_types",
        L,
        {
            "mamba": "mamba",
            "linear_attention": "mamba",
            "attention": "full_attention",
            "full_attention": "full_attention",
        },
    )
    shared = r.req("shared_intermediate_size")
    experts = r.opt_int("num_local_experts", default=0) or 0
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        fused_gate_up=True,
        layer_types=kinds,
        recurrent=_mamba2_mixer(
            r,
            heads="mamba_n_heads",
            head_dim="mamba_d_head",
            state="mamba_d_state",
            groups="mamba_n_groups",
            conv="mamba_d_conv",
        ),
    )
    if experts:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=f["intermediate_size"],
            num_shared_experts=1,
            shared_expert_intermediate_size=shared,
        )
    else:
        f.update(intermediate_size=shared)
    return f


def _falcon_h1(r: _Reader) -> Fields:
    """modeling_falcon_h1.py: every block runs attention and a Mamba-2 mixer side by side (`hybrid`),
    then a gated MLP; the mixer's norm exists only with mamba_rms_norm."""
    f = _trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    d_ssm = r.opt_int("mamba_d_ssm") or int((r.opt_float("mamba_expand") or 2) * h)
    n_heads = _need_state(r, "mamba_n_heads")
    d_head = r.get("mamba_d_head")
    d_head = d_ssm // n_heads if d_head in (None, "auto") else d_head
    if not isinstance(d_head, int) or d_head * n_heads != d_ssm:
        raise ConfigError("config.json (falcon_h1): mamba_d_head x mamba_n_heads must equal the mixer width")
    bias = r.flag("attention_bias")
    f.update(
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=r.flag("mlp_bias"),
        layer_types=("hybrid",) * L,
        recurrent=RecurrentSpec(
            kind="mamba2",
            num_heads=n_heads,
            value_head_dim=d_head,
            inner_size=d_ssm,
            state_size=_need_state(r, "mamba_d_state"),
            n_groups=r.opt_int("mamba_n_groups", default=1) or 1,
            conv_kernel=_need_state(r, "mamba_d_conv"),
            conv_bias=r.flag("mamba_conv_bias", default=True),
            proj_bias=r.flag("mamba_proj_bias"),
            out_proj_bias=r.flag("projectors_bias"),
            gated_norm=r.flag("mamba_rms_norm"),
            chunk_size=r.opt_int("mamba_chunk_size") or 256,
        ),
    )
    return f


def _jamba(r: _Reader) -> Fields:
    """modeling_jamba.py: attention every attn_layer_period blocks (at attn_layer_offset), Mamba-1
    mixers elsewhere; MoE every expert_layer_period blocks (at expert_layer_offset)."""
    f = _trunk(r)
    L = f["num_layers"]
    h = f["hidden_size"]
    ap, ao = r.opt_int("attn_layer_period", default=8) or 8, r.opt_int("attn_layer_offset", default=4) or 0
    ep, eo = (
        r.opt_int("expert_layer_period", default=2) or 2,
        r.opt_int("expert_layer_offset", default=1) or 0,
    )
    if ao >= ap or eo >= ep:
        raise ConfigError("config.json (jamba): a layer offset must be smaller than its period")
    experts = r.opt_int("num_experts", default=1) or 1
    ffn = tuple("moe" if experts > 1 and i % ep == eo else "dense" for i in range(L))
    d_in = int((r.opt_float("mamba_expand") or 2) * h)
    dt_rank = r.get("mamba_dt_rank")
    dt = -(-h // 16) if dt_rank in (None, "auto") else dt_rank
    f.update(
        layer_types=tuple("full_attention" if i % ap == ao else "mamba" for i in range(L)),
        recurrent=RecurrentSpec(
            kind="mamba",
            inner_size=d_in,
            state_size=_need_state(r, "mamba_d_state"),
            conv_kernel=_need_state(r, "mamba_d_conv"),
            conv_bias=r.flag("mamba_conv_bias", default=True),
            proj_bias=r.flag("mamba_proj_bias"),
            dt_rank=int(dt),
        ),
    )
    if experts > 1:
        f.update(
            num_experts=experts,
            num_experts_per_tok=r.req("num_experts_per_tok"),
            moe_intermediate_size=f["intermediate_size"],
            ffn_types=ffn,
        )
    return f


def _kimi_linear(r: _Reader) -> Fields:
    """modeling_kimi_linear.py: Kimi delta attention (KDA) layers and MLA layers from `layer_types`;
    DeepSeek-style MoE from `mlp_layer_types` (shared experts, sigmoid router with correction bias)."""
    hidden = r.req("hidden_size")
    heads = r.req("num_attention_heads")
    L = r.req("num_hidden_layers")
    layer_types = _kinds_list(r, "layer_types", L)
    mlp = r.get("mlp_layer_types")
    if mlp is None:
        first = r.opt_int("first_k_dense_replace", default=1) or 0
        mlp = ["dense" if i < first else "sparse" for i in range(L)]
    if not isinstance(mlp, list) or len(mlp) != L or not set(mlp) <= {"dense", "sparse"}:
        raise ConfigError(
            f"config.json (kimi_linear) 'mlp_layer_types' must list dense/sparse for {L} layers"
        )
    experts = r.req("num_experts")
    moe_inter = r.req("moe_intermediate_size")
    shared = r.opt_int("num_shared_experts", default=0) or 0
    return {
        "num_layers": L,
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_kv_heads": heads,
        "head_dim": r.req("qk_nope_head_dim") + r.req("qk_rope_head_dim"),
        "intermediate_size": r.req("intermediate_size"),
        "vocab_size": r.req("vocab_size"),
        "max_position_embeddings": r.req("model_max_length", "max_position_embeddings"),
        "tie_word_embeddings": r.flag("tie_word_embeddings"),
        "q_lora_rank": r.opt_int("q_lora_rank", default=0) or 0,
        "kv_lora_rank": r.req("kv_lora_rank"),
        "qk_nope_head_dim": r.req("qk_nope_head_dim"),
        "qk_rope_head_dim": r.req("qk_rope_head_dim"),
        "v_head_dim": r.req("v_head_dim"),
        "layer_types": layer_types,
        "recurrent": RecurrentSpec(
            kind="kimi_delta",
            num_heads=_need_state(r, "linear_num_heads"),
            key_head_dim=_need_state(r, "linear_head_dim"),
            value_head_dim=_need_state(r, "linear_head_dim"),
            conv_kernel=_need_state(r, "linear_conv_kernel_dim"),
        ),
        "num_experts": experts,
        "num_experts_per_tok": r.req("num_experts_per_token", "num_experts_per_tok"),
        "moe_intermediate_size": moe_inter,
        "num_shared_experts": 1 if shared else 0,
        "shared_expert_intermediate_size": moe_inter * shared,
        "router_score_correction_bias": True,
        "ffn_types": tuple("moe" if m == "sparse" else "dense" for m in mlp),
    }


def _gemma4_text(r: _Reader) -> Fields:
    """modeling_gemma4.py Gemma4TextModel (26B-A4B, 31B): Gemma 3's block whose full_attention
    layers use global_head_dim and num_global_key_value_heads (configuration_gemma4.py builds
    per_layer_config from them) and, with attention_k_eq_v, have no v_proj; the last layer is always
    full attention. enable_moe_block adds routed experts beside the dense MLP (kept as one ungated
    shared expert), a router with scale and per_expert_scale, and three more norms per block.
    Per-layer input embeddings and KV-shared layers (E2B/E4B) are refused, not guessed.
    """
    if r.opt_int("hidden_size_per_layer_input", default=256) or r.opt_int("num_kv_shared_layers", default=0):
        raise ConfigError(f"config.json model_type 'gemma4_text': {_GEMMA4}")
    if r.get("per_layer_config") is not None:
        raise ConfigError("config.json (gemma4) gives per_layer_config, which llmsize does not read yet")
    f = _gemma(r)
    f.update(norms_per_layer=4, qk_norm="head", local_rope=True, layer_scalar=True)
    f.update(final_logit_softcapping=r.opt_float("final_logit_softcapping"))
    L = f["num_layers"]
    kinds = _explicit_layer_types(r, L) or tuple(
        "sliding_attention" if (i + 1) % 6 else "full_attention" for i in range(L)
    )
    kinds = (*kinds[:-1], "full_attention")  # Gemma4TextConfig.__post_init__ forces the last one
    window = r.req("sliding_window") if "sliding_attention" in kinds else None
    f.update(sliding_window=window, layer_types=kinds)
    k_eq_v = r.flag("attention_k_eq_v")
    global_kv = r.opt_int("num_global_key_value_heads") if k_eq_v else None
    f.update(
        global_head_dim=r.opt_int("global_head_dim", default=512),
        global_num_kv_heads=global_kv,
        global_k_eq_v=k_eq_v,
    )
    if r.flag("enable_moe_block"):
        f.update(
            num_experts=r.req("num_experts"),
            num_experts_per_tok=r.req("top_k_experts"),
            moe_intermediate_size=r.req("moe_intermediate_size"),
            num_shared_experts=1,
            shared_expert_intermediate_size=f["intermediate_size"],
            router_scales=True,
            norms_per_layer=7,  # + post_feedforward_layernorm_1/_2, pre_feedforward_layernorm_2
        )
    return f


_register_2026()
_BUILDERS["gemma4_text"] = _gemma4_text


def _register_deepseek_v4() -> None:
    """DeepSeek V4's reader lives in its own module (specs/hf_deepseek_v4.py)."""
    from llmsize.specs.hf_deepseek_v4 import deepseek_v4

    _BUILDERS_WARN["deepseek_v4"] = deepseek_v4


_register_deepseek_v4()
SUPPORTED_MODEL_TYPES: tuple[str, ...] = tuple(sorted({*_BUILDERS, *_BUILDERS_WARN, *_MULTIMODAL_TEXT_TYPES}))
