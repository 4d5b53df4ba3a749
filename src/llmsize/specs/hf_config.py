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
from llmsize.specs.models import ModelSpec, Provenance

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
_EAGER_BY_DEFAULT = frozenset({"gemma2", "gpt_oss"})

_MULTIMODAL_TEXT_TYPES = {"gemma3": "gemma3_text", "qwen2_5_vl": "qwen2", "qwen2_vl": "qwen2"}


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
    }


_CONTEXT_KEYS = ("max_position_embeddings", "max_sequence_length", "seq_length", "n_positions")


def _unknown(r: _Reader, warnings: list[str]) -> Fields:
    """Any other decoder: read as Llama from its standard fields, and say so."""
    shown = r.model_type or "(none)"
    warnings.append(
        f"model_type {shown!r} is not one llmsize knows; read as a Llama-like decoder "
        "(gated MLP, RMSNorm) from its standard fields, so the counts may be off"
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
        num_experts=r.req("num_experts"),
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
            router_score_correction_bias=r.model_type == "deepseek_v3" and r.get("topk_method") == "noaux_tc",
        )
    mtp = r.opt_int("num_nextn_predict_layers", default=0) or 0
    if mtp:
        warnings.append(
            f"the checkpoint also stores {mtp} multi-token-prediction layer(s) for speculative decoding; "
            "transformers does not load them and they are not counted"
        )
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
SUPPORTED_MODEL_TYPES: tuple[str, ...] = tuple(sorted({*_BUILDERS, *_BUILDERS_WARN, *_MULTIMODAL_TEXT_TYPES}))


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


# --- entry point ---------------------------------------------------------------------------------


def _split_multimodal(
    config: Mapping[str, Any], model_type: str
) -> tuple[Mapping[str, Any], str, int, str | None]:
    """(text config, text model_type, extra params, note) for vision-language wrappers."""
    if model_type == "gemma3":
        text = dict(config.get("text_config") or {})
        text.setdefault("tie_word_embeddings", config.get("tie_word_embeddings", True))
        extra, note = _gemma3_extra(config)
        return text, "gemma3_text", extra, note
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
    reader = _Reader(text_cfg, text_type)
    if text_type in _BUILDERS:
        fields = _BUILDERS[text_type](reader)
    elif text_type in _BUILDERS_WARN:
        fields = _BUILDERS_WARN[text_type](reader, warnings)
    else:
        fields = _unknown(reader, warnings)
    if "vision_config" in config and not vision_params:
        warnings.append("the vision tower described by vision_config is not counted")
    architectures = config.get("architectures")
    weight_format, fmt_warnings = weight_format_from_config(config)
    warnings.extend(fmt_warnings)
    own_extra: int = fields.pop("extra_params", 0)
    notes = [n for n in (vision_note, fields.pop("extra_params_note", None), extra_params_note) if n]
    try:
        return ModelSpec(
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
